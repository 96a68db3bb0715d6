// `uevr-prof report`: per-callback and per-function hotspots of a capture or profile against the
// frame budget, as text or JSON, with --budget-ms / --fail-over as a CI check (exit 1).
import { parse, num, onePositional } from '../args';
import { CheckFailedError } from '../errors';
import { loadProfileAndEvents } from '../load';
import { computeReport, formatReport, reportJson } from '../report';
import type { Command } from './types';

export const reportCommand: Command = {
  summary: 'print hotspots (per callback and per function) against the frame budget',
  usage: 'report FILE [--json] [--hz 90] [--top N] [--budget-ms X] [--fail-over PCT]',
  async run(argv, io) {
    const p = parse(argv, { json: { type: 'boolean' }, hz: { type: 'string' }, top: { type: 'string' }, 'budget-ms': { type: 'string' }, 'fail-over': { type: 'string' } }, 'report');
    const file = onePositional(p, 'the profile file', 'report');
    const hz = num(p, 'hz', 'report', { min: 1, max: 1000 });
    const top = num(p, 'top', 'report', { min: 1, max: 1e6 });
    const budget = num(p, 'budget-ms', 'report', { min: 0.01, max: 10_000 });
    const failOver = num(p, 'fail-over', 'report', { min: 0, max: 10_000 });
    const { profile, events } = await loadProfileAndEvents(file, io.signal);
    const r = computeReport(profile, { refreshRateHz: hz, budgetMs: budget, top: p.values.json ? top ?? 100 : top ?? 15 }, events);
    io.stdout(p.values.json ? `${JSON.stringify(reportJson(r), null, 2)}\n` : formatReport(r, top ?? 15));
    if (budget !== undefined || failOver !== undefined) {
      const limitPct = failOver ?? 100;
      const usedPct = r.scriptsBudgetShare * 100;
      if (usedPct > limitPct) {
        throw new CheckFailedError(
          `budget check failed: scripts take ${r.scriptsMsPerFrame.toFixed(3)} ms/frame = ${usedPct.toFixed(1)}% of the ${r.budgetMs.toFixed(2)} ms budget, over the ${limitPct}% limit`,
        );
      }
      io.stderr(`budget check passed: scripts ${usedPct.toFixed(1)}% of ${r.budgetMs.toFixed(2)} ms (limit ${limitPct}%)\n`);
    }
    return 0;
  },
};
