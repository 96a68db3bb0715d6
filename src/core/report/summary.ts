// What a capture says in numbers a mod author acts on: per callback and per function, ms per game
// frame and share of the VR frame budget. Shared by the CLI report, the extension (history, compare,
// Markdown/HTML report) and the language server's measured costs.
import { budgetMs, resolveFrameBudget } from '../budget';
import { functionStats, functionTable, lineStats } from '../profile/functionStats';
import { FrameKind, type Profile } from '../profile/types';

export interface CallbackSummary {
  name: string;
  file: string;
  line: number;
  /** Mean ms per game frame, both eyes together for stereo callbacks. */
  msPerFrame: number;
  /** Per eye (stereo callbacks only): [left, right] ms per frame. */
  perEye?: [number, number];
  callsPerFrame: number;
  /** 95th percentile of this callback's ms over frames. */
  p95Ms: number;
}

export interface FunctionSummary {
  name: string;
  file: string;
  line: number;
  native: boolean;
  selfMsPerFrame: number;
  totalMsPerFrame: number;
  samples: number;
}

/** One source line: where samples' frames were executing (their current line; docs/capture-format.md). */
export interface LineSummary {
  file: string;
  line: number;
  /** The function the line is in (the heaviest there when several frames share the line). */
  function: string;
  /** Samples whose innermost frame was on this line. */
  selfMsPerFrame: number;
  /** Samples with this line anywhere on the stack, each sample counted once. */
  totalMsPerFrame: number;
  samples: number;
}

export interface ProfileSummary {
  name: string;
  source: string;
  /** Game frames in the profile; without any, the number of 1/refreshRate intervals in its duration. */
  frames: number;
  seconds: number;
  refreshRateHz: number;
  budgetMs: number;
  /** 'frames' when ms per frame come from game frames; 'duration' when the profile has none and
   * costs are per 1/refreshRate of profile time instead. */
  basis: 'frames' | 'duration';
  /** Time in Lua callbacks per frame: exact host timings when present, else sampled weight. */
  scriptsMsPerFrame: number;
  frameMsMean: number;
  frameMsP95: number;
  /** NaN when the profile does not say. */
  gcMsPerFrame: number;
  overheadMsPerFrame: number;
  samples: number;
  truncated: boolean;
  callbacks: CallbackSummary[];
  /** Heaviest self time first; callback roots are left out (they are exact in `callbacks`). */
  functions: FunctionSummary[];
  /** Functions with weight that `top` left out. */
  functionsOmitted: number;
  /**
   * Heaviest self time first. From the stacks' current lines (capture format 3); profiles without
   * them (older captures, most imports) give each function's time on its definition line and a
   * native call's on its calling line. Callback roots are left out, as in `functions`.
   */
  lines: LineSummary[];
  /** Lines with weight that `top` left out. */
  linesOmitted: number;
  /** Caveats a reader must know: no game frames, weights that are not time, a truncated capture. */
  notes: string[];
}

export interface SummaryOptions {
  /** The rate in force (budget.ts's precedence); default: the profile's own rate (meta.refreshRateHz), else the default rate. */
  refreshRateHz?: number;
  /** Default: 1000 / refreshRateHz. */
  budgetMs?: number;
  /** How many functions, and how many lines, to list (default 50). */
  top?: number;
}

function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function mean(a: Float64Array | undefined): number {
  if (!a || a.length === 0) return Number.NaN;
  let s = 0;
  let n = 0;
  for (const v of a) {
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n ? s / n : Number.NaN;
}

/**
 * What "per frame" divides by: the game frames, or without any the number of 1/refreshRateHz intervals
 * in the profile's duration (exact: the summary's `frames` is rounded for reading).
 */
export function framesOf(profile: Profile, refreshRateHz: number): number {
  const gameFrames = profile.gameFrames?.length ?? 0;
  return gameFrames > 0 ? gameFrames : Math.max(1e-9, profile.durationMs / budgetMs(refreshRateHz));
}

/** Summarises a profile. Without game frames, "per frame" means per 1/refreshRate s of profile time. */
export function summarizeProfile(profile: Profile, opts: SummaryOptions = {}): ProfileSummary {
  const notes: string[] = [];
  const refreshRateHz = resolveFrameBudget({ launch: opts.refreshRateHz, recorded: Number(profile.meta.refreshRateHz) || 0 }).refreshRateHz;
  const budget = opts.budgetMs ?? budgetMs(refreshRateHz);
  const gf = profile.gameFrames;
  const gameFrames = gf?.length ?? 0;
  const basis = gameFrames > 0 ? 'frames' : 'duration';
  const frames = framesOf(profile, refreshRateHz);
  if (basis === 'duration') notes.push(`the profile has no game frames: per-frame values assume ${refreshRateHz} Hz frames over ${profile.durationMs.toFixed(0)} ms`);

  // Weight → ms: captures and most imports are in ms; sample counts use the sampling rate when known.
  let msPerWeight = 1;
  if (profile.weightUnit === 'samples') {
    const samplingHz = Number(profile.meta.samplingHz);
    msPerWeight = samplingHz > 0 ? 1000 / samplingHz : 1;
    if (!(samplingHz > 0)) notes.push('the profile counts samples without a rate: 1 sample is taken as 1 ms');
  } else if (profile.weightUnit === 'bytes') {
    notes.push('the profile is weighted in bytes, not time: "ms" values are bytes');
  }
  const perFrame = (w: number): number => (w * msPerWeight) / frames;

  const callbacks: CallbackSummary[] = [];
  const cb = profile.callbacks;
  const ct = profile.callbackTimings;
  if (cb && ct && cb.length > 0 && gameFrames > 0) {
    const perFrameMs = Array.from({ length: cb.length }, () => new Float64Array(gameFrames));
    const eyes = Array.from({ length: cb.length }, () => [0, 0, 0]);
    const calls = new Float64Array(cb.length);
    for (let i = 0; i < ct.length; i++) {
      const c = ct.callback[i];
      const f = ct.gameFrame[i];
      if (c < 0 || c >= cb.length || f < 0 || f >= gameFrames) continue;
      perFrameMs[c][f] += ct.duration[i];
      eyes[c][ct.eye[i] + 1] += ct.duration[i];
      calls[c] += 1;
    }
    for (let c = 0; c < cb.length; c++) {
      let total = 0;
      for (const v of perFrameMs[c]) total += v;
      const s: CallbackSummary = {
        name: cb.name[c],
        file: cb.file[c],
        line: cb.line[c],
        msPerFrame: total / gameFrames,
        callsPerFrame: calls[c] / gameFrames,
        p95Ms: percentile(perFrameMs[c], 0.95),
      };
      if (eyes[c][1] > 0 || eyes[c][2] > 0) s.perEye = [eyes[c][1] / gameFrames, eyes[c][2] / gameFrames];
      callbacks.push(s);
    }
    callbacks.sort((a, b) => b.msPerFrame - a.msPerFrame);
  }

  const functions: FunctionSummary[] = [];
  let sampledWeight = 0;
  if (profile.samples.length > 0) {
    const stats = functionStats(profile);
    const fns = stats.functions;
    sampledWeight = stats.weight;
    for (let i = 0; i < fns.length; i++) {
      if (fns.kind[i] === FrameKind.Callback) continue;
      if (stats.self[i] === 0 && stats.total[i] === 0) continue;
      functions.push({
        name: fns.name[i],
        file: fns.file[i],
        line: fns.line[i],
        native: fns.kind[i] === FrameKind.Native,
        selfMsPerFrame: perFrame(stats.self[i]),
        totalMsPerFrame: perFrame(stats.total[i]),
        samples: stats.selfSamples[i],
      });
    }
    functions.sort((a, b) => b.selfMsPerFrame - a.selfMsPerFrame || b.totalMsPerFrame - a.totalMsPerFrame);
  }
  const lines: LineSummary[] = [];
  if (profile.samples.length > 0) {
    const ls = lineStats(profile);
    const fns = functionTable(profile);
    for (let i = 0; i < ls.length; i++) {
      const fn = ls.fn[i];
      if (fn >= 0 && fns.kind[fn] === FrameKind.Callback) continue;
      if (ls.self[i] === 0 && ls.total[i] === 0) continue;
      lines.push({
        file: ls.file[i],
        line: ls.line[i],
        function: fn >= 0 ? fns.name[fn] : '',
        selfMsPerFrame: perFrame(ls.self[i]),
        totalMsPerFrame: perFrame(ls.total[i]),
        samples: ls.selfSamples[i],
      });
    }
    lines.sort((a, b) => b.selfMsPerFrame - a.selfMsPerFrame || b.totalMsPerFrame - a.totalMsPerFrame || a.file.localeCompare(b.file) || a.line - b.line);
  }
  const top = opts.top ?? 50;
  const functionsOmitted = Math.max(0, functions.length - top);
  const linesOmitted = Math.max(0, lines.length - top);

  let scriptsMsPerFrame: number;
  if (callbacks.length > 0) scriptsMsPerFrame = callbacks.reduce((s, c) => s + c.msPerFrame, 0);
  else if (gameFrames > 0 && Number.isFinite(mean(gf?.scriptsMs))) scriptsMsPerFrame = mean(gf?.scriptsMs);
  else scriptsMsPerFrame = perFrame(sampledWeight);

  const truncated = profile.meta.truncated === true;
  if (truncated) notes.unshift(`the capture is truncated: ${String(profile.meta.truncatedReason ?? 'it ended early')}`);
  // Damaged chunks (checksum mismatch) were skipped by the reader: say so, the numbers lack them.
  if (profile.meta.damage) notes.unshift(`the capture is damaged: ${String(profile.meta.damage)}`);
  const overhead = Number(profile.meta.overheadMsPerFrame);
  return {
    name: profile.name,
    source: profile.source,
    frames: basis === 'frames' ? gameFrames : Math.round(frames * 100) / 100,
    seconds: profile.durationMs / 1000,
    refreshRateHz,
    budgetMs: budget,
    basis,
    scriptsMsPerFrame,
    frameMsMean: gameFrames > 0 ? mean(gf?.duration) : Number.NaN,
    frameMsP95: gf && gameFrames > 0 ? percentile(gf.duration, 0.95) : Number.NaN,
    gcMsPerFrame: gameFrames > 0 ? mean(gf?.gcMs) : Number.NaN,
    overheadMsPerFrame: Number.isFinite(overhead) ? overhead : Number.NaN,
    samples: profile.samples.length,
    truncated,
    callbacks,
    functions: functions.slice(0, top),
    functionsOmitted,
    lines: lines.slice(0, top),
    linesOmitted,
    notes,
  };
}
