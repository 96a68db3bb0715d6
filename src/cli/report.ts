// Hotspots of a profile against the VR frame budget: per callback (exact host timings) and per
// function (sampled self/total), both in ms per game frame and share of the budget.
import type { Profile } from '../core/profile/types';
import { functionStats } from '../core/profile/functionStats';

export interface CallbackRow {
  name: string;
  file: string;
  line: number;
  msPerFrame: number;
  /** Share of the frame budget (0..1+). */
  budgetShare: number;
  /** For stereo callbacks: ms per frame of each eye. */
  perEye?: { left: number; right: number };
}

export interface FunctionRow {
  name: string;
  file: string;
  line: number;
  selfMsPerFrame: number;
  totalMsPerFrame: number;
  selfBudgetShare: number;
  totalBudgetShare: number;
}

export interface Report {
  profile: string;
  source: string;
  /** Game frames in the profile (estimated from its duration when it has none: framesEstimated). */
  frames: number;
  framesEstimated: boolean;
  refreshRateHz: number;
  budgetMs: number;
  /** Time in Lua callbacks per frame (exact host timings when present, else sampled weight). */
  scriptsMsPerFrame: number;
  scriptsBudgetShare: number;
  gcMsPerFrame: number | null;
  overheadMsPerFrame: number | null;
  samples: number;
  truncated: boolean;
  callbacks: CallbackRow[];
  functions: FunctionRow[];
  notes: string[];
}

export interface ReportOptions {
  refreshRateHz?: number;
  budgetMs?: number;
  /** Functions listed (heaviest self first). */
  top?: number;
}

function mean(a: Float64Array | undefined): number | null {
  if (!a || a.length === 0) return null;
  let s = 0;
  let n = 0;
  for (const v of a) {
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  return n ? s / n : null;
}

export function computeReport(p: Profile, opts: ReportOptions = {}): Report {
  const notes: string[] = [];
  const metaHz = Number(p.meta.refreshRateHz);
  const hz = opts.refreshRateHz ?? (metaHz > 0 ? metaHz : 90);
  const budgetMs = opts.budgetMs ?? 1000 / hz;
  const gf = p.gameFrames;
  let frames = gf?.length ?? 0;
  let framesEstimated = false;
  if (frames === 0) {
    frames = Math.max(1, p.durationMs / (1000 / hz));
    framesEstimated = true;
    notes.push(`the profile has no game frames: per-frame values assume ${hz} Hz frames over ${p.durationMs.toFixed(0)} ms`);
  }

  // Weight → ms: captures and most imports are in ms; sample counts use the sampling rate when known.
  let msPerWeight = 1;
  if (p.weightUnit === 'samples') {
    const sHz = Number(p.meta.samplingHz);
    msPerWeight = sHz > 0 ? 1000 / sHz : 1;
    if (!(sHz > 0)) notes.push('the profile counts samples without a rate: 1 sample is taken as 1 ms');
  } else if (p.weightUnit === 'bytes') {
    notes.push('the profile is weighted in bytes, not time: ms values are bytes');
  }

  const callbacks: CallbackRow[] = [];
  const cb = p.callbacks;
  const ct = p.callbackTimings;
  if (cb && ct && cb.length) {
    const sum = new Float64Array(cb.length);
    const left = new Float64Array(cb.length);
    const right = new Float64Array(cb.length);
    const stereo = new Uint8Array(cb.length);
    for (let i = 0; i < ct.length; i++) {
      const c = ct.callback[i]!;
      const d = ct.duration[i]!;
      sum[c]! += d;
      if (ct.eye[i] === 0) (left[c]! += d), (stereo[c] = 1);
      else if (ct.eye[i] === 1) (right[c]! += d), (stereo[c] = 1);
    }
    for (let c = 0; c < cb.length; c++) {
      const msPerFrame = sum[c]! / frames;
      const row: CallbackRow = { name: cb.name[c]!, file: cb.file[c]!, line: cb.line[c]!, msPerFrame, budgetShare: msPerFrame / budgetMs };
      if (stereo[c]) row.perEye = { left: left[c]! / frames, right: right[c]! / frames };
      callbacks.push(row);
    }
    callbacks.sort((a, b) => b.msPerFrame - a.msPerFrame);
  }

  const functions: FunctionRow[] = [];
  let sampledScriptsMs = 0;
  if (p.samples.length) {
    const st = functionStats(p);
    const fns = st.functions;
    for (let f = 0; f < fns.length; f++) {
      // Callback roots are already reported, exactly, in `callbacks`.
      if (fns.kind[f] === 2) continue;
      const self = (st.self[f]! * msPerWeight) / frames;
      const total = (st.total[f]! * msPerWeight) / frames;
      if (self === 0 && total === 0) continue;
      functions.push({
        name: fns.name[f]!,
        file: fns.file[f]!,
        line: fns.line[f]!,
        selfMsPerFrame: self,
        totalMsPerFrame: total,
        selfBudgetShare: self / budgetMs,
        totalBudgetShare: total / budgetMs,
      });
    }
    functions.sort((a, b) => b.selfMsPerFrame - a.selfMsPerFrame || b.totalMsPerFrame - a.totalMsPerFrame);
    sampledScriptsMs = (st.weight * msPerWeight) / frames;
  }
  const top = opts.top ?? 100;
  if (functions.length > top) notes.push(`${functions.length - top} lighter functions not listed (--top)`);

  let scriptsMsPerFrame: number;
  if (callbacks.length) scriptsMsPerFrame = callbacks.reduce((s, c) => s + c.msPerFrame, 0);
  else if (gf && gf.length) scriptsMsPerFrame = mean(gf.scriptsMs) ?? 0;
  else scriptsMsPerFrame = sampledScriptsMs;

  const overhead = Number(p.meta.overheadMsPerFrame);
  return {
    profile: p.name,
    source: p.source,
    frames: framesEstimated ? Math.round(frames * 100) / 100 : frames,
    framesEstimated,
    refreshRateHz: hz,
    budgetMs,
    scriptsMsPerFrame,
    scriptsBudgetShare: scriptsMsPerFrame / budgetMs,
    gcMsPerFrame: gf ? mean(gf.gcMs) : null,
    overheadMsPerFrame: Number.isFinite(overhead) && 'overheadMsPerFrame' in p.meta ? overhead : null,
    samples: p.samples.length,
    truncated: p.meta.truncated === true,
    callbacks,
    functions: functions.slice(0, top),
    notes: p.meta.truncated === true ? [`capture is truncated: ${String(p.meta.truncatedReason ?? '')}`, ...notes] : notes,
  };
}

const ms = (v: number) => (v >= 10 ? v.toFixed(1) : v >= 0.1 ? v.toFixed(2) : v.toFixed(3));
const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
const loc = (file: string, line: number) => (file ? `${file}:${line}` : '(native)');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

/** The human-readable report (plain text, fits a terminal). */
export function formatReport(r: Report, top = 15): string {
  const out: string[] = [];
  out.push(`${r.profile || 'profile'} (${r.source}): ${r.framesEstimated ? '~' : ''}${Math.round(r.frames)} frames, ${r.samples} samples`);
  out.push(`frame budget ${ms(r.budgetMs)} ms at ${r.refreshRateHz} Hz; scripts ${ms(r.scriptsMsPerFrame)} ms/frame = ${pct(r.scriptsBudgetShare)} of the budget`);
  const extra: string[] = [];
  if (r.gcMsPerFrame !== null) extra.push(`Lua GC ${ms(r.gcMsPerFrame)} ms/frame`);
  if (r.overheadMsPerFrame !== null) extra.push(`profiler overhead ${ms(r.overheadMsPerFrame)} ms/frame`);
  if (extra.length) out.push(extra.join('; '));
  for (const n of r.notes) out.push(`note: ${n}`);
  if (r.callbacks.length) {
    out.push('', 'Callbacks (exact, per frame):');
    const rows = [['callback', 'ms/frame', 'budget', 'registered at']];
    for (const c of r.callbacks.slice(0, top)) {
      const eyes = c.perEye ? ` (L ${ms(c.perEye.left)} / R ${ms(c.perEye.right)})` : '';
      rows.push([c.name + eyes, ms(c.msPerFrame), pct(c.budgetShare), loc(c.file, c.line)]);
    }
    out.push(table(rows));
  }
  if (r.functions.length) {
    out.push('', 'Functions (sampled, per frame):');
    const rows = [['function', 'self ms', 'self', 'total ms', 'total', 'location']];
    for (const f of r.functions.slice(0, top)) {
      rows.push([f.name || '(anonymous)', ms(f.selfMsPerFrame), pct(f.selfBudgetShare), ms(f.totalMsPerFrame), pct(f.totalBudgetShare), loc(f.file, f.line)]);
    }
    out.push(table(rows));
  }
  return `${out.join('\n')}\n`;
}

/** The --json shape (docs/cli.md): stable field names for CI scripts. */
export function reportJson(r: Report): object {
  return {
    profile: r.profile,
    source: r.source,
    frames: r.frames,
    framesEstimated: r.framesEstimated,
    budgetMs: r.budgetMs,
    refreshRateHz: r.refreshRateHz,
    scriptsMsPerFrame: r.scriptsMsPerFrame,
    gcMsPerFrame: r.gcMsPerFrame,
    overheadMsPerFrame: r.overheadMsPerFrame,
    samples: r.samples,
    truncated: r.truncated,
    callbacks: r.callbacks.map((c) => ({ name: c.name, file: c.file, line: c.line, msPerFrame: c.msPerFrame, ...(c.perEye ? { perEye: c.perEye } : {}) })),
    functions: r.functions.map((f) => ({ name: f.name, file: f.file, line: f.line, selfMsPerFrame: f.selfMsPerFrame, totalMsPerFrame: f.totalMsPerFrame })),
    notes: r.notes,
  };
}
