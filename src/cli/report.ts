// The CLI's view of a profile's hotspots: the numbers come from the one summary the extension uses
// too (src/core/report/summary.ts); this file only shapes them for a terminal and for --json.
import type { Profile } from '../core/profile/types';
import { summarizeProfile } from '../core/report/summary';
import { loadOutcome, noCallbackNote, ScriptErrorTally, formatScriptError, type ScriptErrorSummary } from '../core/report/scriptErrors';
import type { CaptureEvent } from '../core/capture/writer';

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

export interface LineRow {
  file: string;
  line: number;
  function: string;
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
  /** Source lines, heaviest self first (--top applies). */
  lines: LineRow[];
  notes: string[];
  /** Script errors of a capture, grouped by file, line and message (null: the profile format has none). */
  scriptErrors: ScriptErrorSummary[] | null;
}

export interface ReportOptions {
  refreshRateHz?: number;
  budgetMs?: number;
  /** Functions and lines listed (heaviest self first). */
  top?: number;
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function computeReport(p: Profile, opts: ReportOptions = {}, events: readonly CaptureEvent[] | null = null): Report {
  const s = summarizeProfile(p, { refreshRateHz: opts.refreshRateHz, budgetMs: opts.budgetMs, top: opts.top ?? 100 });
  const notes = [...s.notes];
  let scriptErrors: ScriptErrorSummary[] | null = null;
  if (events) {
    const tally = new ScriptErrorTally();
    for (const e of events) if (e && e.type === 'scriptError') tally.add({ file: String(e.file ?? ''), line: Number(e.line) || 0, message: String(e.message ?? '') });
    scriptErrors = tally.list();
    // A capture in which nothing ran says why, instead of an empty table.
    const ranAny = (p.callbackTimings?.length ?? 0) > 0 || ((p.callbacks?.length ?? 0) > 0 && p.samples.length > 0);
    const note = noCallbackNote(ranAny, p.callbacks?.length ?? 0, loadOutcome(events), scriptErrors);
    if (note) notes.unshift(note);
  }
  if (s.functionsOmitted > 0) notes.push(`${s.functionsOmitted} lighter functions not listed (--top)`);
  if (s.linesOmitted > 0) notes.push(`${s.linesOmitted} lighter lines not listed (--top)`);
  return {
    profile: s.name,
    source: s.source,
    frames: s.frames,
    framesEstimated: s.basis === 'duration',
    refreshRateHz: s.refreshRateHz,
    budgetMs: s.budgetMs,
    scriptsMsPerFrame: s.scriptsMsPerFrame,
    scriptsBudgetShare: s.scriptsMsPerFrame / s.budgetMs,
    gcMsPerFrame: orNull(s.gcMsPerFrame),
    overheadMsPerFrame: orNull(s.overheadMsPerFrame),
    samples: s.samples,
    truncated: s.truncated,
    callbacks: s.callbacks.map((c) => ({
      name: c.name,
      file: c.file,
      line: c.line,
      msPerFrame: c.msPerFrame,
      budgetShare: c.msPerFrame / s.budgetMs,
      ...(c.perEye ? { perEye: { left: c.perEye[0], right: c.perEye[1] } } : {}),
    })),
    functions: s.functions.map((f) => ({
      name: f.name,
      file: f.file,
      line: f.line,
      selfMsPerFrame: f.selfMsPerFrame,
      totalMsPerFrame: f.totalMsPerFrame,
      selfBudgetShare: f.selfMsPerFrame / s.budgetMs,
      totalBudgetShare: f.totalMsPerFrame / s.budgetMs,
    })),
    lines: s.lines.map((l) => ({
      file: l.file,
      line: l.line,
      function: l.function,
      selfMsPerFrame: l.selfMsPerFrame,
      totalMsPerFrame: l.totalMsPerFrame,
      selfBudgetShare: l.selfMsPerFrame / s.budgetMs,
      totalBudgetShare: l.totalMsPerFrame / s.budgetMs,
    })),
    notes,
    scriptErrors,
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
  if (r.scriptErrors && r.scriptErrors.length) {
    const total = r.scriptErrors.reduce((n, e) => n + e.count, 0);
    out.push('', `Script errors (${total}, ${r.scriptErrors.length} distinct):`);
    for (const e of r.scriptErrors.slice(0, top)) out.push(`  ${formatScriptError(e)}${e.count > 1 ? ` (×${e.count})` : ''}`);
    if (r.scriptErrors.length > top) out.push(`  … ${r.scriptErrors.length - top} more`);
  }
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
  if (r.lines.length) {
    out.push('', 'Lines (sampled, per frame):');
    const rows = [['line', 'self ms', 'self', 'total ms', 'total', 'function']];
    for (const l of r.lines.slice(0, top)) {
      rows.push([loc(l.file, l.line), ms(l.selfMsPerFrame), pct(l.selfBudgetShare), ms(l.totalMsPerFrame), pct(l.totalBudgetShare), l.function || '(anonymous)']);
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
    lines: r.lines.map((l) => ({ file: l.file, line: l.line, function: l.function, selfMsPerFrame: l.selfMsPerFrame, totalMsPerFrame: l.totalMsPerFrame })),
    notes: r.notes,
    ...(r.scriptErrors ? { scriptErrors: r.scriptErrors } : {}),
  };
}
