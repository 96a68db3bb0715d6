// Which samples a view covers (all, a time range, or a set of game frames), and the per-stack
// weights of those samples: the one O(samples) pass every other view starts from.

import { cached } from './viewCache';
import type { Profile } from './types';

export interface SampleFilter {
  /** [startMs, endMs): samples whose time falls in the range. */
  range?: [number, number];
  /** Rows of Profile.gameFrames: samples whose time falls inside any of these frames. */
  gameFrames?: ArrayLike<number>;
}

export function filterKey(f: SampleFilter | undefined): string {
  if (!f) return 'all';
  if (f.gameFrames) return `gf:${Array.prototype.join.call(f.gameFrames, ',')}`;
  if (f.range) return `r:${f.range[0]}:${f.range[1]}`;
  return 'all';
}

/** First index i with time[i] >= t (samples are time ordered). */
export function lowerBound(time: Float64Array, t: number, lo = 0, hi = time.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sample index ranges [lo, hi) covered by a filter, merged and in order. */
export function sampleRanges(profile: Profile, filter?: SampleFilter): Array<[number, number]> {
  const { time, length } = profile.samples;
  if (!filter || (!filter.range && !filter.gameFrames)) return [[0, length]];
  const spans: Array<[number, number]> = [];
  if (filter.gameFrames) {
    const gf = profile.gameFrames;
    if (!gf) return [];
    for (let k = 0; k < filter.gameFrames.length; k++) {
      const row = filter.gameFrames[k];
      if (!(row >= 0 && row < gf.length)) continue;
      spans.push([gf.start[row], gf.start[row] + gf.duration[row]]);
    }
  } else if (filter.range) {
    spans.push([filter.range[0], filter.range[1]]);
  }
  const out: Array<[number, number]> = [];
  for (const [s, e] of spans.sort((a, b) => a[0] - b[0])) {
    const lo = lowerBound(time, s);
    const hi = lowerBound(time, e, lo);
    if (hi <= lo) continue;
    const last = out[out.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export interface StackWeights {
  /** Self weight / sample count per stack for the selected samples. */
  self: Float64Array;
  selfSamples: Float64Array;
  /** Weight / samples of the stack's whole subtree (itself and every deeper stack). */
  total: Float64Array;
  totalSamples: Float64Array;
  /** Selected samples with no stack (idle). */
  idleWeight: number;
  idleSamples: number;
  weight: number;
  samples: number;
}

/**
 * Stack ids in an order where every parent precedes its children. Profiles built by ProfileBuilder
 * already are (parent id < child id): then this is null and callers iterate 0..n-1.
 */
export function stackOrder(profile: Profile): Int32Array | null {
  return cached(profile, 'stackOrder', () => {
    const { parent, length } = profile.stacks;
    let ordered = true;
    for (let i = 0; i < length; i++) if (parent[i] >= i) { ordered = false; break; }
    if (ordered) return null;
    // Depth-then-id ordering works because a parent is one level shallower than its child.
    const depth = stackDepths(profile);
    const order = Array.from({ length }, (_, i) => i).sort((a, b) => depth[a] - depth[b] || a - b);
    return Int32Array.from(order);
  });
}

/** Depth (1 for a root frame) of every stack; cycles (corrupt input) are cut at the repeat. */
export function stackDepths(profile: Profile): Int32Array {
  return cached(profile, 'stackDepths', () => {
    const { parent, length } = profile.stacks;
    const depth = new Int32Array(length); // 0 = not computed yet
    // Common case (ProfileBuilder output): parents precede children, one pass suffices.
    let ordered = true;
    for (let i = 0; i < length; i++) {
      const p = parent[i];
      if (p >= i) {
        ordered = false;
        break;
      }
      depth[i] = p < 0 ? 1 : depth[p] + 1;
    }
    if (ordered) return depth;
    depth.fill(0);
    const path: number[] = [];
    for (let i = 0; i < length; i++) {
      if (depth[i]) continue;
      let s = i;
      while (s >= 0 && s < length && depth[s] === 0 && path.length <= length) {
        depth[s] = -1; // on the path: a second visit means a cycle
        path.push(s);
        s = parent[s];
      }
      let d = s >= 0 && s < length && depth[s] > 0 ? depth[s] : 0;
      while (path.length) {
        const t = path.pop() as number;
        depth[t] = ++d;
      }
    }
    return depth;
  });
}

export function stackWeights(profile: Profile, filter?: SampleFilter): StackWeights {
  return cached(profile, `stackWeights:${filterKey(filter)}`, () => {
    const n = profile.stacks.length;
    const self = new Float64Array(n);
    const selfSamples = new Float64Array(n);
    const { stack, weight } = profile.samples;
    let idleWeight = 0;
    let idleSamples = 0;
    let all = 0;
    let count = 0;
    for (const [lo, hi] of sampleRanges(profile, filter)) {
      for (let i = lo; i < hi; i++) {
        const s = stack[i];
        const w = weight[i];
        all += w;
        count++;
        if (s >= 0 && s < n) {
          self[s] += w;
          selfSamples[s]++;
        } else {
          idleWeight += w;
          idleSamples++;
        }
      }
    }
    const total = self.slice();
    const totalSamples = selfSamples.slice();
    const order = stackOrder(profile);
    const depth = stackDepths(profile);
    const parent = profile.stacks.parent;
    for (let k = n - 1; k >= 0; k--) {
      const s = order ? order[k] : k;
      const p = parent[s];
      // The depth check skips the back edge of a (corrupt) parent cycle.
      if (p >= 0 && p < n && depth[p] === depth[s] - 1) {
        total[p] += total[s];
        totalSamples[p] += totalSamples[s];
      }
    }
    return { self, selfSamples, total, totalSamples, idleWeight, idleSamples, weight: all, samples: count };
  });
}

/** Children of every stack as CSR arrays (childStart[s]..childStart[s+1] into child), plus roots. */
export function stackChildren(profile: Profile): { childStart: Int32Array; child: Int32Array; roots: Int32Array } {
  return cached(profile, 'stackChildren', () => {
    const { parent, length: n } = profile.stacks;
    const depth = stackDepths(profile);
    const childStart = new Int32Array(n + 1);
    let rootCount = 0;
    // A stack whose parent chain loops is treated as a root so every stack is reachable once.
    const isRoot = (s: number) => { const p = parent[s]; return p < 0 || p >= n || depth[p] !== depth[s] - 1; };
    for (let s = 0; s < n; s++) {
      if (isRoot(s)) rootCount++;
      else childStart[parent[s] + 1]++;
    }
    for (let s = 0; s < n; s++) childStart[s + 1] += childStart[s];
    const fill = childStart.slice(0, n);
    const child = new Int32Array(n - rootCount);
    const roots = new Int32Array(rootCount);
    let r = 0;
    for (let s = 0; s < n; s++) {
      if (isRoot(s)) roots[r++] = s;
      else child[fill[parent[s]]++] = s;
    }
    return { childStart, child, roots };
  });
}
