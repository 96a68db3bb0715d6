// Turns a capture into the measured costs the language server shows in the editor (per line and per
// function, ms per frame, p95 over frames, top callers). Lines are the sampled current lines when the
// capture has them (format v3), so a hot loop in a function body is its own record. Samples cannot
// count calls, so callsPerFrame is exact for callbacks (host timings) and null ("unknown") elsewhere.
import { callersAndCallees, functionStats, functionTable, lineOfStack, lineStats } from '../profile/functionStats';
import { FrameKind, type Profile } from '../profile/types';
import { framesOf, summarizeProfile } from './summary';
import { isKnownRate } from '../budget';

/** One measured line (or function, when `functionName` is set) of a capture. */
export interface MeasuredRecord {
  /** Script path as the capture names it (UEVR cuts it to 60 characters and may contain `..\UEVR\`). */
  file: string;
  /** 1-based line (for a function record: the line of its definition). */
  line: number;
  /** Time spent on this line itself per frame, averaged over the captured frames. */
  selfMsPerFrame: number;
  /** Time including everything called from it, per frame. */
  totalMsPerFrame: number;
  /** Exact for callback functions (host timings); null when unknown: samples cannot count calls. */
  callsPerFrame: number | null;
  /** 95th percentile over frames of the per-frame total (ms). */
  p95Ms: number | null;
  /** Biggest callers, costliest first. */
  topCallers: { name: string; msPerFrame: number }[];
  /** Set for function records: the function's name (its CodeLens shows these numbers). */
  functionName?: string;
  /** For line records: the function the line belongs to (the heaviest there), when known. */
  inFunction?: string;
  /** For function records: last line of the function (1-based), when known. */
  endLine?: number;
}

export interface MeasuredOptions {
  /**
   * Only matters for a profile without game frames, where "per frame" means per 1/refreshRateHz of
   * its duration (summary.ts). Records carry ms only: the editor applies the budget when it shows them.
   */
  refreshRateHz?: number;
  /**
   * Lines kept, costliest total first (default 2000). With current lines a capture has a record for
   * every line that ran, not one per function: enough for hover and heat on every line with cost in
   * the mods we have seen, bounded for the language server's wire.
   */
  maxLines?: number;
  maxFunctions?: number;
  /** Functions whose top callers are computed (each costs a pass over the stacks). */
  maxFunctionsWithCallers?: number;
}

/** Game-frame row of every sample (-1 before the first frame); samples and frames are in time order. */
function frameOfSamples(profile: Profile): Int32Array {
  const out = new Int32Array(profile.samples.length).fill(-1);
  const gf = profile.gameFrames;
  if (!gf || gf.length === 0) return out;
  let f = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const t = profile.samples.time[i];
    while (f + 1 < gf.length && gf.start[f + 1] <= t) f++;
    out[i] = t >= gf.start[0] ? f : -1;
  }
  return out;
}

/** 95th percentile over `frames` frames of sparse per-frame totals (one per frame with weight; absent frames count as 0). */
function sparseP95(perFrame: number[], frames: number): number {
  if (frames <= 0) return 0;
  const idx = Math.min(frames - 1, Math.floor(0.95 * frames));
  const zeros = frames - perFrame.length;
  if (idx < zeros) return 0;
  return kth(Float64Array.from(perFrame), idx - zeros);
}

/** The k-th smallest value (0-based) by quickselect: a sort per line costs too much on 2000 lines. */
function kth(a: Float64Array, k: number): number {
  if (k < 0 || k >= a.length) return 0;
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

export function measuredRecords(profile: Profile, opts: MeasuredOptions): MeasuredRecord[] {
  const summary = summarizeProfile(profile, { refreshRateHz: opts.refreshRateHz, top: 0 });
  // Exact (summary.frames is rounded for reading: a profile shorter than a frame would be 0 frames).
  const frames = framesOf(profile, summary.refreshRateHz);
  const gameFrames = profile.gameFrames?.length ?? 0;
  const perFrame = (w: number): number => w / frames;
  const records: MeasuredRecord[] = [];

  // Lines, costliest total first. A line is where a frame was executing when sampled (the capture's
  // current line), or its frame's own line in captures without current lines (function headers).
  const ls = lineStats(profile);
  const fnTable = functionTable(profile);
  const lineOrder = Array.from({ length: ls.length }, (_, i) => i)
    .filter((i) => ls.total[i] > 0)
    .sort((a, b) => ls.total[b] - ls.total[a])
    .slice(0, opts.maxLines ?? 2000);
  // Per kept line: its callers and its per-frame totals (for p95 over game frames). Both depend on
  // a sample's stack only, so each weighted stack is walked once: the distinct kept lines on it
  // (a line counts once per sample) and each one's caller, the function below its outermost
  // occurrence (as callersAndCallees counts functions). The samples then only add weights.
  const keptLine = new Map<string, number>();
  lineOrder.forEach((i, k) => keptLine.set(`${ls.line[i]}\u0000${ls.file[i]}`, k));
  const { parent, frame } = profile.stacks;
  const nStacks = profile.stacks.length;
  const lineOfStackKey = new Int32Array(nStacks).fill(-1);
  for (let s = 0; s < nStacks; s++) {
    const k = keptLine.get(`${lineOfStack(profile, s)}\u0000${profile.frames.file[frame[s]]}`);
    if (k !== undefined) lineOfStackKey[s] = k;
  }
  const leafWeight = new Float64Array(nStacks);
  for (let i = 0; i < profile.samples.length; i++) {
    const s = profile.samples.stack[i];
    if (s >= 0 && s < nStacks) leafWeight[s] += profile.samples.weight[i];
  }
  const linesOfStack: (Int32Array | undefined)[] = new Array(nStacks);
  const perLineCallers = lineOrder.map(() => new Map<number, number>());
  const seen = new Int32Array(lineOrder.length).fill(-1);
  const callerOf = new Int32Array(lineOrder.length);
  const touched: number[] = [];
  for (let leaf = 0; leaf < nStacks; leaf++) {
    if (leafWeight[leaf] === 0) continue;
    touched.length = 0;
    for (let s = leaf; s >= 0; s = parent[s]) {
      const k = lineOfStackKey[s];
      if (k < 0) continue;
      if (seen[k] !== leaf) {
        seen[k] = leaf;
        touched.push(k);
      }
      const p = parent[s];
      callerOf[k] = p >= 0 ? fnTable.ofFrame[frame[p]] : -1;
    }
    linesOfStack[leaf] = Int32Array.from(touched);
    for (const k of touched) {
      const c = callerOf[k];
      if (c >= 0) perLineCallers[k].set(c, (perLineCallers[k].get(c) ?? 0) + leafWeight[leaf]);
    }
  }
  // Samples are in time order, so each line's frames come in order: sum a frame, then move on.
  const perLineFrames: number[][] = lineOrder.map(() => []);
  if (gameFrames > 0) {
    const frameOf = frameOfSamples(profile);
    const lastFrame = new Int32Array(lineOrder.length).fill(-1);
    const acc = new Float64Array(lineOrder.length);
    for (let i = 0; i < profile.samples.length; i++) {
      const f = frameOf[i];
      const list = linesOfStack[profile.samples.stack[i]];
      if (f < 0 || !list) continue;
      const w = profile.samples.weight[i];
      for (let j = 0; j < list.length; j++) {
        const k = list[j];
        if (lastFrame[k] !== f) {
          if (acc[k] > 0) perLineFrames[k].push(acc[k]);
          acc[k] = 0;
          lastFrame[k] = f;
        }
        acc[k] += w;
      }
    }
    for (let k = 0; k < lineOrder.length; k++) if (acc[k] > 0) perLineFrames[k].push(acc[k]);
  }
  // Callback frames and registrations name the same file differently (chunk name vs. path): match
  // them by file name and line.
  const baseKey = (line: number, file: string): string => `${line}\u0000${(file.replace(/\\/g, '/').split('/').pop() ?? file).toLowerCase()}`;
  const callbackCalls = new Map(summary.callbacks.map((c) => [baseKey(c.line, c.file), c]));
  const callersOf = (m: Map<number, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 5)
      .map(([fn, w]) => ({ name: fnTable.name[fn], msPerFrame: perFrame(w) }));
  lineOrder.forEach((i, k) => {
    // A callback's definition line runs exactly as often as the callback (host timings).
    const cb = callbackCalls.get(baseKey(ls.line[i], ls.file[i]));
    const rec: MeasuredRecord = {
      file: ls.file[i],
      line: ls.line[i],
      selfMsPerFrame: perFrame(ls.self[i]),
      totalMsPerFrame: perFrame(ls.total[i]),
      callsPerFrame: cb ? cb.callsPerFrame : null,
      p95Ms: gameFrames > 0 ? sparseP95(perLineFrames[k], gameFrames) : null,
      topCallers: callersOf(perLineCallers[k]),
    };
    if (ls.fn[i] >= 0) rec.inFunction = fnTable.name[ls.fn[i]];
    records.push(rec);
  });

  // Functions (for CodeLens and hover), with their top callers; exact call counts for callbacks.
  const stats = functionStats(profile);
  const fns = stats.functions;
  // A callback's root frame and the Lua function it wraps sit on the same line: one record (the Lua
  // function's, with the callback's exact calls) rather than two CodeLenses on one line.
  const luaAt = new Set<string>();
  for (let i = 0; i < fns.length; i++) if (fns.kind[i] === FrameKind.Lua && stats.total[i] > 0) luaAt.add(baseKey(fns.line[i], fns.file[i]));
  const fnOrder = Array.from({ length: fns.length }, (_, i) => i)
    .filter((i) => stats.total[i] > 0 && fns.line[i] > 0 && fns.file[i] !== '' && fns.kind[i] !== FrameKind.Native)
    .filter((i) => fns.kind[i] !== FrameKind.Callback || !luaAt.has(baseKey(fns.line[i], fns.file[i])))
    .sort((a, b) => stats.total[b] - stats.total[a])
    .slice(0, opts.maxFunctions ?? 200);
  // Callers cost a pass over the stacks per function: only the heaviest get them.
  const withCallers = new Set(fnOrder.slice(0, opts.maxFunctionsWithCallers ?? 30));
  for (const i of fnOrder) {
    const topCallers = (withCallers.has(i) ? callersAndCallees(profile, i).callers : [])
      .filter((c) => c.fn >= 0)
      .slice(0, 5)
      .map((c) => ({ name: fns.name[c.fn], msPerFrame: perFrame(c.total) }));
    const cb = callbackCalls.get(baseKey(fns.line[i], fns.file[i]));
    records.push({
      file: fns.file[i],
      line: fns.line[i],
      selfMsPerFrame: perFrame(stats.self[i]),
      totalMsPerFrame: perFrame(stats.total[i]),
      callsPerFrame: cb ? cb.callsPerFrame : null,
      p95Ms: cb ? cb.p95Ms : null,
      topCallers,
      functionName: fns.name[i],
    });
  }
  return records;
}

/**
 * The records of `profile` measured at `fromHz`, costed at `toHz` instead. A profile without game
 * frames is costed per 1/Hz of its duration (summary.ts), so its ms per frame scale by fromHz/toHz
 * when the rate in force changes; a capture's frames are the game's and its records stay as they are.
 * An unknown rate on either side (0, NaN) changes nothing.
 */
export function recordsAtRate(records: MeasuredRecord[], profile: Profile, fromHz: number, toHz: number): MeasuredRecord[] {
  if ((profile.gameFrames?.length ?? 0) > 0 || !isKnownRate(fromHz) || !isKnownRate(toHz) || fromHz === toHz) return records;
  const k = fromHz / toHz;
  return records.map((r) => ({
    ...r,
    selfMsPerFrame: r.selfMsPerFrame * k,
    totalMsPerFrame: r.totalMsPerFrame * k,
    topCallers: r.topCallers.map((c) => ({ ...c, msPerFrame: c.msPerFrame * k })),
  }));
}
