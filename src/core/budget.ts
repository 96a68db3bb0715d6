// The VR frame budget: every cost the product shows is compared with it. A headset at R Hz leaves
// 1000/R ms per frame, and scripts run on the game thread inside that frame.

export const REFRESH_RATES = [72, 80, 90, 120, 144] as const;
export type RefreshRate = (typeof REFRESH_RATES)[number];
export const DEFAULT_REFRESH_RATE: RefreshRate = 90;

export function isRefreshRate(value: unknown): value is RefreshRate {
  return typeof value === 'number' && (REFRESH_RATES as readonly number[]).includes(value);
}

/** Frame budget in ms for a refresh rate in Hz (any positive rate, not only the headset presets). */
export function budgetMs(refreshRateHz: number): number {
  if (!Number.isFinite(refreshRateHz) || refreshRateHz <= 0) {
    throw new RangeError(`refresh rate must be a positive number of Hz, got ${refreshRateHz}`);
  }
  return 1000 / refreshRateHz;
}

/** Formats ms with precision that fits its size: 0.042, 0.42, 4.21, 42.1, 421. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const a = Math.abs(ms);
  if (a === 0) return '0';
  if (a < 0.1) return ms.toFixed(3);
  if (a < 10) return ms.toFixed(2);
  if (a < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** Share of the budget in percent, one decimal below 10 %, none above. */
export function formatShare(ms: number, refreshRateHz: number): string {
  const pct = (ms / budgetMs(refreshRateHz)) * 100;
  return pct < 10 ? `${pct.toFixed(1)}%` : `${pct.toFixed(0)}%`;
}

/** "1.90 ms/frame, 17% of the 11.1 ms budget at 90 Hz" — the wording used in diagnostics and reports. */
export function describeFrameCost(msPerFrame: number, refreshRateHz: number): string {
  const budget = budgetMs(refreshRateHz);
  return `${formatMs(msPerFrame)} ms/frame, ${formatShare(msPerFrame, refreshRateHz)} of the ${formatMs(budget)} ms budget at ${refreshRateHz} Hz`;
}
