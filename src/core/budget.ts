// The VR frame budget, owned here and nowhere else: which refresh rate applies (the precedence), the
// budget in ms it leaves, and how every surface words a cost against it. A headset at R Hz leaves
// 1000/R ms per frame, and scripts run on the game thread inside that frame.
//
// Records and messages carry ms and Hz only (never a budget computed from a rate): every surface
// applies the budget when it displays, so a rate change reaches them all at once.

export const REFRESH_RATES = [72, 80, 90, 120, 144] as const;
export type RefreshRate = (typeof REFRESH_RATES)[number];
/** The rate assumed when nothing says otherwise (the most common headset rate). The only literal 90 Hz. */
export const DEFAULT_REFRESH_RATE: RefreshRate = 90;
/** What an agent reports when it cannot know the headset's rate: never a made-up 90. */
export const UNKNOWN_REFRESH_RATE = 0;

export function isRefreshRate(value: unknown): value is RefreshRate {
  return typeof value === 'number' && (REFRESH_RATES as readonly number[]).includes(value);
}

/**
 * The rates a display or the simulator runs at (the CLI's --hz range). A rate outside it comes from a
 * hostile or broken source (a capture header, a session, an LSP message) and would make a budget of
 * 1e303 ms or Infinity: it counts as unknown.
 */
export const MIN_REFRESH_RATE = 1;
export const MAX_REFRESH_RATE = 1000;

/** A usable rate: a number of Hz from MIN_REFRESH_RATE to MAX_REFRESH_RATE (0 and anything else mean "unknown"). */
export function isKnownRate(value: unknown): value is number {
  return typeof value === 'number' && value >= MIN_REFRESH_RATE && value <= MAX_REFRESH_RATE;
}

/** Where the rate in force came from, for the log and for tooltips ("120 Hz from launch.json"). */
export type RateSource = 'launch' | 'setting' | 'recorded' | 'default';

export interface FrameBudget {
  readonly refreshRateHz: number;
  readonly budgetMs: number;
  readonly source: RateSource;
}

/** The candidates of the precedence; undefined or 0 (unknown) means "not given". */
export interface RateCandidates {
  /** The launch configuration's `refreshRate` (launch.json), or the CLI's --hz. */
  launch?: number;
  /** `uevrProfiler.refreshRate` when the user set it (not its default). */
  setting?: number;
  /** The rate recorded in the capture, or reported by the session (0 = the agent cannot know). */
  recorded?: number;
}

/**
 * The precedence, stated once: the launch configuration's rate, then the setting, then the rate
 * recorded in the capture (or reported by the session), then DEFAULT_REFRESH_RATE.
 */
export function resolveFrameBudget(c: RateCandidates): FrameBudget {
  if (isKnownRate(c.launch)) return frameBudget(c.launch, 'launch');
  if (isKnownRate(c.setting)) return frameBudget(c.setting, 'setting');
  if (isKnownRate(c.recorded)) return frameBudget(c.recorded, 'recorded');
  return frameBudget(DEFAULT_REFRESH_RATE, 'default');
}

/** The rate in force for a known rate, or the default for an unknown one (0, NaN, negative). */
export function rateOrDefault(hz: unknown): number {
  return isKnownRate(hz) ? hz : DEFAULT_REFRESH_RATE;
}

export function frameBudget(refreshRateHz: number, source: RateSource = 'setting'): FrameBudget {
  return { refreshRateHz, budgetMs: budgetMs(refreshRateHz), source };
}

/** Frame budget in ms for a refresh rate in Hz (any positive rate, not only the headset presets). */
export function budgetMs(refreshRateHz: number): number {
  if (!isKnownRate(refreshRateHz)) {
    throw new RangeError(`refresh rate must be a positive number of Hz from ${MIN_REFRESH_RATE} to ${MAX_REFRESH_RATE}, got ${refreshRateHz}`);
  }
  return 1000 / refreshRateHz;
}

/** The budget at a rate that may be unknown (0, NaN: then the default rate's budget). */
export function budgetMsAt(refreshRateHz: number): number {
  return 1000 / rateOrDefault(refreshRateHz);
}

/**
 * The one ms formatter of the product (editor, webviews, reports, CLI): precision that fits the size,
 * fixed 'en-US' digits so tests compare exact strings: 0.042, 0.42, 4.21, 42.1, 421, 1,234.
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const a = Math.abs(ms);
  if (a === 0) return '0';
  if (a < 0.1) return ms.toFixed(3);
  if (a < 10) return ms.toFixed(2);
  if (a < 100) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

/** A cost as a percent of the budget at a rate (unknown rates use the default's budget). */
export function budgetPercent(ms: number, refreshRateHz: number): number {
  return (ms / budgetMsAt(refreshRateHz)) * 100;
}

/** A percent of the budget, one decimal below 10 %, none above: "0.7%", "17%". */
export function formatBudgetPercent(pct: number): string {
  if (!Number.isFinite(pct)) return '–';
  return pct < 10 ? `${pct.toFixed(1)}%` : `${pct.toFixed(0)}%`;
}

/** Share of the budget in percent, one decimal below 10 %, none above. */
export function formatShare(ms: number, refreshRateHz: number): string {
  return formatBudgetPercent(budgetPercent(ms, refreshRateHz));
}

/** "11.1 ms at 90 Hz": the budget in force, as every surface names it. */
export function describeBudget(refreshRateHz: number): string {
  const hz = rateOrDefault(refreshRateHz);
  return `${formatMs(budgetMs(hz))} ms at ${hz} Hz`;
}

/** "1.90 ms/frame, 17% of the 11.1 ms budget at 90 Hz" — the wording used in diagnostics, hovers and reports. */
export function describeFrameCost(msPerFrame: number, refreshRateHz: number): string {
  const hz = rateOrDefault(refreshRateHz);
  return `${formatMs(msPerFrame)} ms/frame, ${formatShare(msPerFrame, hz)} of the ${formatMs(budgetMs(hz))} ms budget at ${hz} Hz`;
}
