// Slices of a capture by game frame: the frames in a time range, the worst N frames, and the
// sample range of a frame. Imports without game frames return empty results.

import { lowerBound } from './sampleSelection';
import type { Profile } from './types';

/** Rows of the game frames that overlap [startMs, endMs). */
export function gameFramesInRange(profile: Profile, startMs: number, endMs: number): Int32Array {
  const gf = profile.gameFrames;
  if (!gf) return new Int32Array(0);
  const rows: number[] = [];
  for (let i = 0; i < gf.length; i++) {
    const s = gf.start[i];
    if (s < endMs && s + gf.duration[i] > startMs) rows.push(i);
    else if (s === startMs && gf.duration[i] === 0) rows.push(i);
  }
  return Int32Array.from(rows);
}

export type WorstBy = 'frameTime' | 'scriptsTime';

/** Rows of the N frames with the largest frame time (or scripts time), worst first. */
export function worstGameFrames(profile: Profile, n: number, by: WorstBy = 'frameTime'): Int32Array {
  const gf = profile.gameFrames;
  if (!gf || n <= 0) return new Int32Array(0);
  const key = by === 'scriptsTime' ? gf.scriptsMs : gf.duration;
  const rows = Array.from({ length: gf.length }, (_, i) => i);
  rows.sort((a, b) => (key[b] || 0) - (key[a] || 0) || a - b);
  return Int32Array.from(rows.slice(0, n));
}

/** Row of the game frame containing `timeMs`, or -1. Frames are assumed in time order. */
export function gameFrameAt(profile: Profile, timeMs: number): number {
  const gf = profile.gameFrames;
  if (!gf || gf.length === 0) return -1;
  let lo = 0;
  let hi = gf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (gf.start[mid] <= timeMs) lo = mid + 1;
    else hi = mid;
  }
  const row = lo - 1;
  return row >= 0 && timeMs < gf.start[row] + gf.duration[row] ? row : -1;
}

/** [lo, hi) sample indices inside game frame `row`. */
export function samplesOfGameFrame(profile: Profile, row: number): [number, number] {
  const gf = profile.gameFrames;
  if (!gf || row < 0 || row >= gf.length) return [0, 0];
  const t = profile.samples.time;
  const lo = lowerBound(t, gf.start[row]);
  return [lo, lowerBound(t, gf.start[row] + gf.duration[row], lo)];
}
