// Turns a capture into the measured costs the language server shows in the editor (per line and per
// function, ms per frame, p95 over frames, top callers). Samples cannot count calls, so callsPerFrame
// is exact for callback functions (host timings) and null ("unknown") for everything else.
import { callersAndCallees, functionStats, lineStats } from '../profile/functionStats';
import { FrameKind, type Profile } from '../profile/types';
import { summarizeProfile } from './summary';

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
  /** For function records: last line of the function (1-based), when known. */
  endLine?: number;
}

export interface MeasuredOptions {
  /**
   * Only matters for a profile without game frames, where "per frame" means per 1/refreshRateHz of
   * its duration (summary.ts). Records carry ms only: the editor applies the budget when it shows them.
   */
  refreshRateHz?: number;
  /** Lines kept, costliest total first. */
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

/** 95th percentile over `frames` frames of sparse per-frame totals (frames absent count as 0). */
function sparseP95(perFrame: Map<number, number>, frames: number): number {
  if (frames <= 0) return 0;
  const idx = Math.min(frames - 1, Math.floor(0.95 * frames));
  const zeros = frames - perFrame.size;
  if (idx < zeros) return 0;
  const values = [...perFrame.values()].sort((a, b) => a - b);
  return values[idx - zeros] ?? 0;
}

export function measuredRecords(profile: Profile, opts: MeasuredOptions): MeasuredRecord[] {
  const summary = summarizeProfile(profile, { refreshRateHz: opts.refreshRateHz, top: 0 });
  const frames = summary.frames;
  const gameFrames = profile.gameFrames?.length ?? 0;
  const perFrame = (w: number): number => w / frames;
  const records: MeasuredRecord[] = [];

  // Lines, costliest total first.
  const ls = lineStats(profile);
  const lineOrder = Array.from({ length: ls.length }, (_, i) => i)
    .filter((i) => ls.total[i] > 0)
    .sort((a, b) => ls.total[b] - ls.total[a])
    .slice(0, opts.maxLines ?? 300);
  // p95 over game frames of each kept line's per-frame total: one pass over the samples, walking
  // each sample's stack once and adding its weight to every kept line on it (once per sample).
  const keptLine = new Map<string, number>();
  lineOrder.forEach((i, k) => keptLine.set(`${ls.line[i]}\u0000${ls.file[i]}`, k));
  const lineOfFrame = new Int32Array(profile.frames.length).fill(-1);
  for (let fr = 0; fr < profile.frames.length; fr++) {
    const k = keptLine.get(`${profile.frames.line[fr]}\u0000${profile.frames.file[fr]}`);
    if (k !== undefined) lineOfFrame[fr] = k;
  }
  const perLineFrames = lineOrder.map(() => new Map<number, number>());
  if (gameFrames > 0) {
    const frameOf = frameOfSamples(profile);
    const seen = new Int32Array(lineOrder.length).fill(-1);
    const { parent, frame } = profile.stacks;
    for (let i = 0; i < profile.samples.length; i++) {
      const f = frameOf[i];
      if (f < 0) continue;
      const w = profile.samples.weight[i];
      for (let s = profile.samples.stack[i]; s >= 0; s = parent[s]) {
        const k = lineOfFrame[frame[s]];
        if (k < 0 || seen[k] === i) continue;
        seen[k] = i;
        const m = perLineFrames[k];
        m.set(f, (m.get(f) ?? 0) + w);
      }
    }
  }
  lineOrder.forEach((i, k) => {
    records.push({
      file: ls.file[i],
      line: ls.line[i],
      selfMsPerFrame: perFrame(ls.self[i]),
      totalMsPerFrame: perFrame(ls.total[i]),
      callsPerFrame: null,
      p95Ms: gameFrames > 0 ? sparseP95(perLineFrames[k], gameFrames) : null,
      topCallers: [],
    });
  });

  // Functions (for CodeLens and hover), with their top callers; exact call counts for callbacks.
  // Callback frames and registrations name the same file differently (chunk name vs. path): match
  // them by file name and line.
  const baseKey = (line: number, file: string): string => `${line}\u0000${(file.replace(/\\/g, '/').split('/').pop() ?? file).toLowerCase()}`;
  const stats = functionStats(profile);
  const fns = stats.functions;
  const callbackCalls = new Map(summary.callbacks.map((c) => [baseKey(c.line, c.file), c]));
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
