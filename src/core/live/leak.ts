// Leak detection while attached (issue 13): from each frame's Lua memory after UEVR's GC step, tell a
// mod that keeps what it allocates from one that only churns, and forecast when the growth reaches a
// limit ("Lua memory grows 120 KiB/s after collection; at this rate it reaches 512 MiB in 68 min").
//
// Memory right after a step is not the live set: a young collection leaves old garbage, the
// incremental and Lua-managed collectors saw up and down. What only a leak does is raise the floor:
// so the detector keeps the lowest value of each window of `windowS` seconds (the floor, after the
// collections of that window), skips the first `warmupS` seconds (loading, caches filling), and calls
// it a leak when, over at least `minSpanS` seconds of the last `historyS`, the floors rise at a robust
// rate (Theil-Sen: the median of the pairwise slopes, so one odd window does not decide) of at least
// `minRateKbPerS`, most consecutive floors rise, and the growth is at least `minGrowthKb`. Growth
// that a later major collection takes back looks like a leak until it does, then the status clears.
// Pure (no vscode): the live view feeds it FrameMetrics' (start, luaMemoryKb).

export interface LeakSettings {
  windowS: number;
  warmupS: number;
  minSpanS: number;
  historyS: number;
  minRateKbPerS: number;
  minGrowthKb: number;
  /** Share of consecutive window floors that must rise (0..1). */
  risingShare: number;
  /** The forecast's limit, KiB (default 512 MiB). */
  limitKb: number;
}

export const DEFAULT_LEAK_SETTINGS: LeakSettings = {
  windowS: 2,
  warmupS: 5,
  minSpanS: 16,
  historyS: 120,
  minRateKbPerS: 16,
  minGrowthKb: 512,
  risingShare: 0.7,
  limitKb: 512 * 1024,
};

export interface LeakStatus {
  leaking: boolean;
  /** Growth of the floor, KiB/s (Theil-Sen over the windows considered); 0 before there are enough. */
  rateKbPerS: number;
  /** The latest complete window's floor, KiB (NaN before the first). */
  floorKb: number;
  /** Seconds of windows the rate is over. */
  spanS: number;
  /** Seconds until the floor reaches limitKb at this rate; null when not leaking. */
  secondsToLimit: number | null;
  /** The alert's sentence when leaking, else null. */
  message: string | null;
}

interface Window {
  index: number;
  floorKb: number;
}

export class LeakDetector {
  private readonly s: LeakSettings;
  private windows: Window[] = [];
  private current: Window | null = null;
  private lastT = Number.NEGATIVE_INFINITY;

  constructor(settings: Partial<LeakSettings> = {}) {
    this.s = { ...DEFAULT_LEAK_SETTINGS, ...settings };
    if (!(this.s.windowS > 0)) throw new Error('leak detector: windowS must be > 0');
  }

  /**
   * One frame: session time in seconds and Lua memory after the GC step in KiB. Times that go back,
   * and values that are not finite or not positive, are ignored (a reconnect, a broken sample).
   */
  add(tS: number, memKb: number): void {
    if (!Number.isFinite(tS) || !Number.isFinite(memKb) || memKb <= 0 || tS < this.lastT) return;
    this.lastT = tS;
    if (tS < this.s.warmupS) return;
    const index = Math.floor(tS / this.s.windowS);
    if (this.current && this.current.index === index) {
      if (memKb < this.current.floorKb) this.current.floorKb = memKb;
      return;
    }
    if (this.current) this.windows.push(this.current);
    this.current = { index, floorKb: memKb };
    const keep = Math.max(2, Math.ceil(this.s.historyS / this.s.windowS));
    if (this.windows.length > keep) this.windows.splice(0, this.windows.length - keep);
  }

  /** Forget everything (a script reset starts a new Lua state). */
  reset(): void {
    this.windows = [];
    this.current = null;
    this.lastT = Number.NEGATIVE_INFINITY;
  }

  status(): LeakStatus {
    const w = this.windows;
    const floorKb = w.length ? w[w.length - 1]!.floorKb : NaN;
    const none: LeakStatus = { leaking: false, rateKbPerS: 0, floorKb, spanS: 0, secondsToLimit: null, message: null };
    if (w.length < 2) return none;
    const spanS = (w[w.length - 1]!.index - w[0]!.index) * this.s.windowS;
    const rate = theilSen(w.map((x) => x.index * this.s.windowS), w.map((x) => x.floorKb));
    let rising = 0;
    for (let i = 1; i < w.length; i++) if (w[i]!.floorKb > w[i - 1]!.floorKb) rising++;
    const growth = floorKb - Math.min(...w.map((x) => x.floorKb));
    const leaking =
      spanS >= this.s.minSpanS && rate >= this.s.minRateKbPerS && rising / (w.length - 1) >= this.s.risingShare && growth >= this.s.minGrowthKb;
    if (!leaking) return { ...none, rateKbPerS: rate, spanS };
    const secondsToLimit = Math.max(0, (this.s.limitKb - floorKb) / rate);
    return { leaking, rateKbPerS: rate, floorKb, spanS, secondsToLimit, message: leakMessage(rate, floorKb, this.s.limitKb, secondsToLimit) };
  }
}

/** The median of the pairwise slopes (Theil-Sen); 0 for fewer than two points. */
export function theilSen(x: readonly number[], y: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = x[j]! - x[i]!;
      if (dx !== 0) slopes.push((y[j]! - y[i]!) / dx);
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const m = slopes.length >> 1;
  return slopes.length % 2 ? slopes[m]! : (slopes[m - 1]! + slopes[m]!) / 2;
}

function size(kb: number): string {
  if (kb >= 1024 * 1024) return `${+(kb / 1024 / 1024).toFixed(1)} GiB`;
  if (kb >= 1024) return `${+(kb / 1024).toFixed(kb >= 10 * 1024 ? 0 : 1)} MiB`;
  return `${Math.round(kb)} KiB`;
}

function duration(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 120 * 60) return `${Math.round(s / 60)} min`;
  return `${+(s / 3600).toFixed(1)} h`;
}

/** "Lua memory grows 120 KiB/s after collection; at this rate it reaches 512 MiB in 68 min". */
export function leakMessage(rateKbPerS: number, floorKb: number, limitKb: number, secondsToLimit: number): string {
  const grows = `Lua memory grows ${size(rateKbPerS)}/s after collection`;
  if (floorKb >= limitKb) return `${grows}; it is above ${size(limitKb)} already (${size(floorKb)})`;
  return `${grows}; at this rate it reaches ${size(limitKb)} in ${duration(secondsToLimit)}`;
}
