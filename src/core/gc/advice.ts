// GC settings advice: from the frames one mod set ran under each of UEVR's GC options, the cost of
// each option (mean and p99 of the GC step, mean and p99 of the frame's whole Lua time, peak Lua
// memory) and which option to pick. Pure (frames in, numbers out): src/core/sim/gc-replay.ts makes the
// frames, `uevr-prof gc-advice` prints them.
import type { FrameMetrics } from '../protocol/types';
import type { GcOptions } from '../sim/host-prelude';
import { sameGc, UEVR_DEFAULT_GC } from './uevr-menu';

export interface GcOptionStats {
  gc: GcOptions;
  /** Frames measured (after the warm-up). */
  frames: number;
  /**
   * UEVR's once-per-frame GC step, ms: its wall time, capped by the frame's measured cost when that is known
   * (a step the OS preempted is not the collector's cost). ~0 with Managed by Lua: Lua then collects
   * inside the callbacks, which the frame's Lua time below includes.
   */
  gcMeanMs: number;
  gcP99Ms: number;
  gcMaxMs: number;
  /**
   * The frame's Lua time, ms: its measured cost when known (gc-replay.ts: callbacks, UEVR's host work
   * and the GC step, the smaller of wall and CPU time), else callbacks + GC step by wall clock. Comparable across handlers, whoever runs the collector.
   */
  luaMeanMs: number;
  luaP99Ms: number;
  /** Highest Lua memory after a frame's GC step, KiB (warm-up included: memory does not forgive). */
  peakMemoryKb: number;
  /** Lua memory after the last frame's GC step, KiB. */
  endMemoryKb: number;
}

/** The p-quantile (0..1) by nearest rank; NaN for no values. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1));
  return s[i]!;
}

const mean = (v: readonly number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

/**
 * Statistics of one option's frames; the first `warmup` frames count only towards peak memory.
 * `costMs[k]`, when given, is frame k's measured cost (see GcOptionStats).
 */
export function optionStats(gc: GcOptions, frames: readonly FrameMetrics[], warmup: number, costMs?: readonly number[]): GcOptionStats {
  const from = Math.min(warmup, frames.length);
  const measured = frames.slice(from);
  const cpu = (k: number): number | undefined => {
    const v = costMs?.[from + k];
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  };
  const gcMs = measured.map((f, k) => Math.min(f.gcMs, cpu(k) ?? Infinity));
  const luaMs = measured.map((f, k) => cpu(k) ?? f.gcMs + f.scriptsMs);
  const mem = frames.map((f) => f.luaMemoryKb).filter((k) => Number.isFinite(k));
  return {
    gc,
    frames: measured.length,
    gcMeanMs: mean(gcMs),
    gcP99Ms: quantile(gcMs, 0.99),
    gcMaxMs: gcMs.length ? Math.max(...gcMs) : NaN,
    luaMeanMs: mean(luaMs),
    luaP99Ms: quantile(luaMs, 0.99),
    peakMemoryKb: mem.length ? Math.max(...mem) : NaN,
    endMemoryKb: mem.length ? mem[mem.length - 1]! : NaN,
  };
}

export interface GcRecommendation {
  best: GcOptionStats;
  /** Options whose p99 Lua time is within the tolerance of the lowest (the recommendation is one of them). */
  equivalent: GcOptionStats[];
  /** True when UEVR's default is (among) the best: nothing to change. */
  keepDefault: boolean;
  /** One sentence saying why. */
  reason: string;
}

/** Two p99s this close count as equal: measured frame times on a shared machine jitter by about this. */
export const TIE_MS = 0.25;
export const TIE_FRACTION = 0.2;
/** An option that needs more than this factor of the lowest peak memory is not recommended. */
export const MEMORY_FACTOR = 2;

/**
 * The option with the smallest spikes: the lowest p99 of the frame's Lua time (the dropped frame is
 * the spike, not the mean). Options within max(TIE_MS, TIE_FRACTION × best) of the lowest are equal;
 * among equals UEVR's default wins (nothing to change), then the lower peak memory, then the lower
 * mean. Options that hold more than MEMORY_FACTOR × the lowest peak memory are only picked when
 * nothing else is left (trading memory for spikes is a choice the table shows, not a default).
 */
export function recommend(stats: readonly GcOptionStats[]): GcRecommendation {
  const usable = stats.filter((s) => Number.isFinite(s.luaP99Ms));
  if (usable.length === 0) throw new Error('no GC option produced frames to compare');
  const lowPeak = Math.min(...usable.map((s) => s.peakMemoryKb));
  const lean = usable.filter((s) => !(s.peakMemoryKb > lowPeak * MEMORY_FACTOR));
  const pool = lean.length ? lean : usable;
  const bestP99 = Math.min(...pool.map((s) => s.luaP99Ms));
  const tol = Math.max(TIE_MS, TIE_FRACTION * bestP99);
  const equivalent = pool.filter((s) => s.luaP99Ms <= bestP99 + tol);
  const ranked = [...equivalent].sort((a, b) => {
    const da = sameGc(a.gc, UEVR_DEFAULT_GC) ? 0 : 1;
    const db = sameGc(b.gc, UEVR_DEFAULT_GC) ? 0 : 1;
    if (da !== db) return da - db;
    if (a.peakMemoryKb !== b.peakMemoryKb) return a.peakMemoryKb - b.peakMemoryKb;
    return a.luaMeanMs - b.luaMeanMs;
  });
  const best = ranked[0]!;
  const keepDefault = sameGc(best.gc, UEVR_DEFAULT_GC);
  const dflt = usable.find((s) => sameGc(s.gc, UEVR_DEFAULT_GC));
  const reason = keepDefault
    ? `UEVR's default has the smallest spikes here (p99 ${best.luaP99Ms.toFixed(2)} ms of Lua per frame; options within ${tol.toFixed(2)} ms count as equal)`
    : dflt
      ? `p99 ${best.luaP99Ms.toFixed(2)} ms of Lua per frame against ${dflt.luaP99Ms.toFixed(2)} ms with UEVR's default, peak memory ${(best.peakMemoryKb / 1024).toFixed(1)} MiB against ${(dflt.peakMemoryKb / 1024).toFixed(1)} MiB`
      : `the lowest p99 of Lua time per frame (${best.luaP99Ms.toFixed(2)} ms)`;
  return { best, equivalent, keepDefault, reason };
}
