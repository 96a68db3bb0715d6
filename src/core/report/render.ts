// The shareable report of a capture (for a mod page, an issue, a PR): summary, the costliest
// callbacks and functions against the frame budget, simple bar charts, and the analyzer's findings.
// Markdown for forums and GitHub; a self-contained HTML page (inline CSS and SVG, no script, no
// network) for everything else. Every string from the profile is escaped.
import { describeFrameCost, formatMs, formatShare } from '../budget';
import type { ProfileSummary } from './summary';

/** ms, or 'n/a' when the profile does not say. */
const msOr = (v: number): string => (Number.isFinite(v) ? formatMs(v) : 'n/a');

export interface ReportFinding {
  file: string;
  line: number;
  code: string;
  severity: string;
  message: string;
}

export interface ReportInput {
  summary: ProfileSummary;
  findings?: ReportFinding[];
  /** e.g. "UEVR Profiler 0.1.0" */
  generator: string;
  /** When the report was made (ISO); defaults to now. */
  date?: string;
}

function base(file: string): string {
  return file.replace(/\\/g, '/').split('/').pop() ?? file;
}

/** Markdown table cells: no pipes or newlines from untrusted names; HTML-looking text is escaped. */
function md(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => (c === '|' ? '\\|' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`)).replace(/[\r\n]+/g, ' ');
}

function html(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function where(file: string, line: number): string {
  return file ? `${base(file)}${line > 0 ? `:${line}` : ''}` : '';
}

export function renderMarkdownReport(input: ReportInput): string {
  const s = input.summary;
  const hz = s.refreshRateHz;
  const lines: string[] = [];
  lines.push(`# UEVR performance report: ${md(s.name)}`, '');
  lines.push(`- **Scripts:** ${describeFrameCost(s.scriptsMsPerFrame, hz)}`);
  if (s.basis === 'frames') {
    lines.push(`- **Frames:** ${s.frames} in ${s.seconds.toFixed(1)} s; frame time mean ${msOr(s.frameMsMean)} ms, p95 ${msOr(s.frameMsP95)} ms`);
    lines.push(`- **Lua GC:** ${msOr(s.gcMsPerFrame)} ms/frame; profiler overhead ${msOr(s.overheadMsPerFrame)} ms/frame`);
  }
  for (const n of s.notes) lines.push(`- **Note:** ${md(n)}`);
  lines.push(`- **Samples:** ${s.samples}`, '');
  if (s.callbacks.length) {
    lines.push('## Callbacks (exact timing, per frame)', '', '| callback | ms/frame | budget | calls/frame | p95 ms | registered at |', '|---|---:|---:|---:|---:|---|');
    for (const c of s.callbacks.slice(0, 20)) {
      const eyes = c.perEye ? ` (L ${formatMs(c.perEye[0])} / R ${formatMs(c.perEye[1])})` : '';
      lines.push(`| ${md(c.name)}${eyes} | ${formatMs(c.msPerFrame)} | ${formatShare(c.msPerFrame, hz)} | ${c.callsPerFrame.toFixed(1)} | ${formatMs(c.p95Ms)} | ${md(where(c.file, c.line))} |`);
    }
    lines.push('');
  }
  if (s.functions.length) {
    lines.push('## Hotspots (sampled, per frame)', '', '| function | self ms | self | total ms | location |', '|---|---:|---:|---:|---|');
    for (const f of s.functions.slice(0, 20)) {
      lines.push(`| ${md(f.name)}${f.native ? ' *(UEVR API)*' : ''} | ${formatMs(f.selfMsPerFrame)} | ${formatShare(f.selfMsPerFrame, hz)} | ${formatMs(f.totalMsPerFrame)} | ${md(where(f.file, f.line))} |`);
    }
    lines.push('');
  }
  if (input.findings?.length) {
    lines.push('## Findings (UEVR performance rules)', '');
    for (const f of input.findings.slice(0, 50)) lines.push(`- **${md(f.code)}** (${md(f.severity)}) ${md(where(f.file, f.line))}: ${md(f.message)}`);
    lines.push('');
  }
  lines.push(`---`, `Made with ${md(input.generator)} on ${input.date ?? new Date().toISOString()}. Budget: ${formatMs(s.budgetMs)} ms per frame at ${hz} Hz.`, '');
  return lines.join('\n');
}

/** A horizontal bar chart as inline SVG: one bar per row, the budget share written at its end. */
function bars(rows: Array<{ label: string; ms: number }>, budgetMs: number, hz: number): string {
  if (rows.length === 0) return '';
  const rowH = 22;
  const labelW = 300;
  const barW = 420;
  const max = Math.max(budgetMs * 0.25, ...rows.map((r) => r.ms));
  const h = rows.length * rowH + 8;
  const parts = rows.map((r, i) => {
    const w = Math.max(1, (r.ms / max) * barW);
    const y = 4 + i * rowH;
    return `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${html(r.label.length > 48 ? `${r.label.slice(0, 47)}…` : r.label)}</text><rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="2"/><text x="${labelW + w + 6}" y="${y + 15}">${formatMs(r.ms)} ms · ${formatShare(r.ms, hz)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 140}" height="${h}" role="img" aria-label="bar chart">${parts.join('')}</svg>`;
}

export function renderHtmlReport(input: ReportInput): string {
  const s = input.summary;
  const hz = s.refreshRateHz;
  const cb = s.callbacks.slice(0, 12).map((c) => ({ label: `${c.name} (${where(c.file, c.line)})`, ms: c.msPerFrame }));
  const fn = s.functions.slice(0, 12).map((f) => ({ label: `${f.name}${f.native ? ' [API]' : ''}`, ms: f.selfMsPerFrame }));
  const rowsCb = s.callbacks
    .slice(0, 30)
    .map((c) => `<tr><td>${html(c.name)}${c.perEye ? ` <small>(L ${formatMs(c.perEye[0])} / R ${formatMs(c.perEye[1])})</small>` : ''}</td><td>${formatMs(c.msPerFrame)}</td><td>${formatShare(c.msPerFrame, hz)}</td><td>${c.callsPerFrame.toFixed(1)}</td><td>${formatMs(c.p95Ms)}</td><td>${html(where(c.file, c.line))}</td></tr>`)
    .join('');
  const rowsFn = s.functions
    .slice(0, 30)
    .map((f) => `<tr><td>${html(f.name)}${f.native ? ' <small>(UEVR API)</small>' : ''}</td><td>${formatMs(f.selfMsPerFrame)}</td><td>${formatShare(f.selfMsPerFrame, hz)}</td><td>${formatMs(f.totalMsPerFrame)}</td><td>${html(where(f.file, f.line))}</td></tr>`)
    .join('');
  const findings = (input.findings ?? [])
    .slice(0, 50)
    .map((f) => `<li><b>${html(f.code)}</b> <span class="sev">${html(f.severity)}</span> ${html(where(f.file, f.line))}: ${html(f.message)}</li>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>UEVR performance report: ${html(s.name)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2em auto;max-width:1000px;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}td:nth-child(n+2):not(:last-child){text-align:right}
svg text{font:12px system-ui,sans-serif;fill:#333}svg rect{fill:#d9603b}.sev{color:#a15c00}
.kpi{font-size:1.15em;background:#f4f4f4;padding:.6em .8em;border-radius:4px}small{color:#666}
@media (prefers-color-scheme: dark){body{background:#1e1e1e;color:#ddd}svg text{fill:#ccc}.kpi{background:#2a2a2a}td,th{border-color:#444}}
</style></head><body>
<h1>UEVR performance report: ${html(s.name)}</h1>
<p class="kpi">Scripts: <b>${html(describeFrameCost(s.scriptsMsPerFrame, hz))}</b></p>
<p>${s.basis === 'frames' ? `${s.frames} frames in ${s.seconds.toFixed(1)} s · frame time mean ${msOr(s.frameMsMean)} ms, p95 ${msOr(s.frameMsP95)} ms · Lua GC ${msOr(s.gcMsPerFrame)} ms/frame · profiler overhead ${msOr(s.overheadMsPerFrame)} ms/frame` : ''}${s.notes.map((n) => ` · ${html(n)}`).join('')} · ${s.samples} samples</p>
${cb.length ? `<h2>Callbacks per frame</h2>${bars(cb, s.budgetMs, hz)}<table><tr><th>callback</th><th>ms/frame</th><th>budget</th><th>calls/frame</th><th>p95 ms</th><th>registered at</th></tr>${rowsCb}</table>` : ''}
${fn.length ? `<h2>Hotspots (self time per frame)</h2>${bars(fn, s.budgetMs, hz)}<table><tr><th>function</th><th>self ms</th><th>self</th><th>total ms</th><th>location</th></tr>${rowsFn}</table>` : ''}
${findings ? `<h2>Findings</h2><ul>${findings}</ul>` : ''}
<p><small>Made with ${html(input.generator)} on ${html(input.date ?? new Date().toISOString())}. Budget ${formatMs(s.budgetMs)} ms per frame at ${hz} Hz.</small></p>
</body></html>
`;
}
