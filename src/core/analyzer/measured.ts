// Measured costs from a capture, as the editor receives them (`uevr/loadCapture`), and how they change
// what the analyzer says: findings re-ranked and re-worded with ms per frame, hotspot diagnostics for
// the costliest lines, hover text, CodeLens per hot function. No vscode import: used by the server.
import type { Finding, Severity } from './types';
import type { Range } from '../lua/positions';
import { normalizeReportedPath, resolveScriptPath, type PathMapping } from '../scriptPaths';
import { budgetMsAt, budgetPercent, describeFrameCost, formatBudgetPercent, formatMs, formatShare } from '../budget';
import type { MeasuredRecord } from '../report/measured';

export type { MeasuredRecord } from '../report/measured';


export type { PathMapping } from '../scriptPaths';

/** Calls per frame: whole numbers from 10 up, one decimal below (stereo callbacks run 2.0 a frame). */
export function fmtCalls(calls: number): string {
  return calls.toFixed(calls >= 10 ? 0 : 1);
}


function decodeUriPath(uri: string): string {
  try {
    return decodeURIComponent(uri.replace(/^file:\/\//, ''));
  } catch {
    return uri;
  }
}

/**
 * Does a capture's script path denote this workspace file, among `others` (the other files that
 * could be meant)? The one resolver of the product decides (src/core/scriptPaths.ts): mappings first,
 * else the longest common path tail, so of two same-named files the one sharing more of the path wins.
 */
export function recordMatchesUri(file: string, uri: string, mappings: PathMapping[] = [], others: readonly string[] = []): boolean {
  const path = decodeUriPath(uri);
  const hit = resolveScriptPath(file, mappings, [path, ...others.map(decodeUriPath)]);
  return hit !== undefined && normalizeReportedPath(hit).toLowerCase() === normalizeReportedPath(path).toLowerCase();
}

/** Share of the budget at `refreshRateHz` → severity used for measured findings. */
export function severityForShare(ms: number, refreshRateHz: number): Severity {
  const share = ms / budgetMsAt(refreshRateHz);
  if (share >= 0.1) return 'error';
  if (share >= 0.02) return 'warning';
  if (share >= 0.005) return 'information';
  return 'hint';
}

/** Rough fraction of a line's time a rule's fix removes (for the "estimated saving" in hovers). */
export const SAVING_FRACTION: Record<string, number> = {
  UEVR001: 0.9, UEVR002: 0.9, UEVR003: 0.95, UEVR004: 0.6, UEVR005: 0.5, UEVR006: 0.5, UEVR007: 0.6, UEVR008: 0.6,
  UEVR009: 0.6, UEVR010: 0.8, UEVR011: 0.95, UEVR012: 0.5, UEVR013: 0.2, UEVR014: 0.5, UEVR015: 0.9,
  UEVR016: 0.9, UEVR017: 0.9, UEVR018: 0.9, UEVR019: 0.9, UEVR020: 0.9,
};

const SEV_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** Records per 1-based line (self time summed when a line appears more than once). */
export function byLine(records: MeasuredRecord[]): Map<number, MeasuredRecord> {
  const m = new Map<number, MeasuredRecord>();
  for (const r of records) {
    if (r.functionName) continue;
    const old = m.get(r.line);
    if (!old) m.set(r.line, r);
    else m.set(r.line, { ...old, selfMsPerFrame: old.selfMsPerFrame + r.selfMsPerFrame, totalMsPerFrame: Math.max(old.totalMsPerFrame, r.totalMsPerFrame) });
  }
  return m;
}

/**
 * Re-ranks and re-words static findings with the measured cost of their lines: a finding on a line that
 * costs 1.9 ms/frame says so and gets the severity of that share; findings are ordered costliest first.
 */
export function applyMeasured(findings: Finding[], records: MeasuredRecord[], refreshRateHz: number): Finding[] {
  if (records.length === 0) return findings;
  const lines = byLine(records);
  const out = findings.map((f) => {
    if (f.code === 'syntax') return f;
    let best: MeasuredRecord | undefined;
    for (let l = f.range.start.line + 1; l <= f.range.end.line + 1; l++) {
      const r = lines.get(l);
      if (r && (!best || r.totalMsPerFrame > best.totalMsPerFrame)) best = r;
    }
    if (!best) return f;
    const ms = Math.max(best.selfMsPerFrame, best.totalMsPerFrame);
    const sev = severityForShare(ms, refreshRateHz);
    // Copy with property descriptors: `fixes` may be a lazy getter that should stay lazy.
    const g = Object.defineProperties({}, Object.getOwnPropertyDescriptors(f)) as Finding;
    g.severity = SEV_RANK[sev] < SEV_RANK[f.severity] ? sev : f.severity;
    g.message = `Measured ${describeFrameCost(ms, refreshRateHz)}. ${f.message}`;
    g.measuredMsPerFrame = ms;
    return g;
  });
  return out.sort((a, b) => (b.measuredMsPerFrame ?? -1) - (a.measuredMsPerFrame ?? -1));
}

/** Hotspot diagnostics (code UEVR100) for the costliest lines of a file. */
export function hotspotFindings(records: MeasuredRecord[], lineRange: (line0: number) => Range, refreshRateHz: number, max = 10): Finding[] {
  const budget = budgetMsAt(refreshRateHz);
  const lines = [...byLine(records).values()]
    .filter((r) => r.selfMsPerFrame > 0 && r.selfMsPerFrame / budget >= 0.002)
    .sort((a, b) => b.selfMsPerFrame - a.selfMsPerFrame)
    .slice(0, max);
  return lines.map((r) => ({
    code: 'UEVR100',
    severity: severityForShare(r.selfMsPerFrame, refreshRateHz),
    message: `Hotspot: ${describeFrameCost(r.selfMsPerFrame, refreshRateHz)} on this line${r.inFunction ? ` of ${code(r.inFunction)}` : ''} (${[`${formatMs(r.totalMsPerFrame)} ms with callees`, r.callsPerFrame !== null ? `${fmtCalls(r.callsPerFrame)} calls/frame` : '', r.p95Ms !== null ? `p95 ${formatMs(r.p95Ms)} ms` : ''].filter(Boolean).join(', ')}).`,
    range: lineRange(r.line - 1),
    hot: null,
    fixes: [],
    measuredMsPerFrame: r.selfMsPerFrame,
  }));
}

/** Untrusted names (from the capture) inside a Markdown code span: no backticks, no line breaks. */
function code(name: string): string {
  return name.replace(/`/g, "'").replace(/[\r\n]+/g, ' ').slice(0, 200);
}

/** Markdown hover for a measured line, with the rules that apply there and what fixing them saves. */
export function measuredHover(r: MeasuredRecord, findingsOnLine: Finding[], refreshRateHz: number): string {
  const share = (ms: number): string => (refreshRateHz > 0 ? ` (${formatShare(ms, refreshRateHz)} of budget)` : '');
  const where = r.functionName ? '' : ` on line ${r.line}${r.inFunction ? ` in \`${code(r.inFunction)}\`` : ''}`;
  const parts = [
    `**UEVR Profiler** — measured${where}: ${describeFrameCost(r.totalMsPerFrame, refreshRateHz)}`,
    '',
    `| | |`,
    `|---|---|`,
    `| self | ${formatMs(r.selfMsPerFrame)} ms/frame${share(r.selfMsPerFrame)} |`,
    `| total | ${formatMs(r.totalMsPerFrame)} ms/frame${share(r.totalMsPerFrame)} |`,
    ...(r.callsPerFrame !== null ? [`| calls | ${fmtCalls(r.callsPerFrame)} per frame |`] : []),
    ...(r.p95Ms !== null ? [`| p95 over frames | ${formatMs(r.p95Ms)} ms |`] : []),
  ];
  if (r.topCallers.length) {
    parts.push('', 'Top callers: ' + r.topCallers.slice(0, 5).map((c) => `\`${code(c.name)}\` ${formatMs(c.msPerFrame)} ms`).join(', '));
  }
  for (const f of findingsOnLine) {
    if (f.code === 'syntax' || f.code === 'UEVR100') continue;
    const saving = (SAVING_FRACTION[f.code] ?? 0.5) * Math.max(r.selfMsPerFrame, r.totalMsPerFrame);
    parts.push('', `**${f.code}**: ${f.message.replace(/^Measured .*? budget at [\d.]+ Hz\.\s*/, '')}`, `Estimated saving if fixed: ~${formatMs(saving)} ms/frame.`);
  }
  return parts.join('\n');
}

/** CodeLens text for a hot function: "… (17% of the 11.1 ms budget)". */
export function lensTitle(selfMs: number, totalMs: number, calls: number | null, refreshRateHz: number): string {
  const pct = formatBudgetPercent(budgetPercent(totalMs, refreshRateHz));
  const callsText = calls !== null ? ` · ${fmtCalls(calls)} calls/frame` : '';
  return `UEVR: ${formatMs(selfMs)} ms self · ${formatMs(totalMs)} ms total per frame (${pct} of the ${formatMs(budgetMsAt(refreshRateHz))} ms budget)${callsText}`;
}
