// Text shown in the views: the summary line and the cost of a node, in ms per game frame and % of the
// VR frame budget when the profile has game frames, else in ms (or samples) and % of the total.
// Pure, with fixed 'en-US' number formatting so tests can compare exact strings.
import type { Profile } from '../profile/types';
import type { ViewSettings } from './messages';
import { budgetMs as budgetAt, describeBudget, formatMs, rateOrDefault } from '../budget';

export { formatMs };

export interface CostContext {
  /** ms represented by one unit of weight, or null when the profile has no time scale. */
  msPerWeight: number | null;
  /** Number of game frames in the selection (0 when the profile has none). */
  frames: number;
  totalWeight: number;
  /** The budget at refreshRateHz, worked out when the view draws (never sent). */
  budgetMs: number;
  refreshRateHz: number;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return '–';
  return p >= 10 || p === 0 ? `${p.toFixed(1)}%` : `${p.toFixed(2)}%`;
}

export function totalWeight(p: Profile): number {
  let w = 0;
  const weights = p.samples.weight;
  for (let i = 0; i < p.samples.length; i++) w += weights[i];
  return w;
}

/** How many ms one weight unit is: 1 for ms profiles; for sample counts, duration / samples when known. */
export function msPerWeight(p: Profile, total = totalWeight(p)): number | null {
  if (p.weightUnit === 'milliseconds') return 1;
  if (p.weightUnit === 'samples' && p.durationMs > 0 && total > 0) return p.durationMs / total;
  return null;
}

export function costContext(p: Profile, settings: ViewSettings, frames = p.gameFrames?.length ?? 0): CostContext {
  const total = totalWeight(p);
  const hz = rateOrDefault(settings.refreshRateHz);
  return { msPerWeight: msPerWeight(p, total), frames, totalWeight: total, budgetMs: budgetAt(hz), refreshRateHz: hz };
}

/** "1.84 ms/frame (16.6% of budget)" / "12.3 ms (4.20% of total)" / "120 samples (3.10% of total)". */
export function formatCost(weight: number, c: CostContext): string {
  if (c.msPerWeight !== null && c.frames > 0) {
    const perFrame = (weight * c.msPerWeight) / c.frames;
    return `${formatMs(perFrame)} ms/frame (${formatPercent((100 * perFrame) / c.budgetMs)} of budget)`;
  }
  const pct = c.totalWeight > 0 ? (100 * weight) / c.totalWeight : 0;
  if (c.msPerWeight !== null) return `${formatMs(weight * c.msPerWeight)} ms (${formatPercent(pct)} of total)`;
  return `${formatCount(weight)} ${c.totalWeight === Math.round(c.totalWeight) ? 'samples' : 'units'} (${formatPercent(pct)} of total)`;
}

/** ms per frame of a weight, or NaN when there are no frames / no time scale (for table sorting). */
export function perFrameMs(weight: number, c: CostContext): number {
  return c.msPerWeight !== null && c.frames > 0 ? (weight * c.msPerWeight) / c.frames : NaN;
}

/**
 * The one-line summary under the title, e.g.
 * "12,345 samples · 2,310 frames · scripts 1.84 ms/frame (16.6% of 11.1 ms at 90 Hz)".
 */
export function summaryLine(p: Profile, settings: ViewSettings): string {
  const parts = [`${formatCount(p.samples.length)} samples`];
  const gf = p.gameFrames;
  const budget = describeBudget(settings.refreshRateHz);
  const budgetMs = budgetAt(rateOrDefault(settings.refreshRateHz));
  if (gf && gf.length > 0) {
    parts.push(`${formatCount(gf.length)} frames`);
    let scripts = 0;
    for (let i = 0; i < gf.length; i++) scripts += gf.scriptsMs[i];
    const mean = scripts / gf.length;
    parts.push(`scripts ${formatMs(mean)} ms/frame (${formatPercent((100 * mean) / budgetMs)} of ${budget})`);
  } else {
    const total = totalWeight(p);
    const mpw = msPerWeight(p, total);
    if (mpw !== null) parts.push(`${formatMs(total * mpw)} ms total`);
    else if (p.weightUnit === 'bytes') parts.push(`${formatCount(total)} bytes`);
    parts.push(`no game frames (budget ${budget})`);
  }
  return parts.join(' · ');
}
