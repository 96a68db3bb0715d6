// The flame chart's data: samples in time order, with runs of consecutive samples that share a stack
// prefix merged into one span per depth. This is not an aggregated call tree (that is the model's
// buildCallTree): here the same function appears once per contiguous run, in time order, and the
// result is a preorder SpanTree so the flame layout (flameLayout.ts) draws and culls it the same way.
import type { Profile } from '../profile/types';
import type { SpanTree } from './flameLayout';

export interface TimeOrderTree extends SpanTree {
  /** Interned stack of each run (its deepest frame is `frame`). */
  stack: Int32Array;
  maxDepth: number;
  /** Sample range actually covered [from, to): `to` < requested when the node cap was reached. */
  from: number;
  to: number;
  truncated: boolean;
}

/** Depth of each interned stack (roots are 0). Works for any parent order, without recursion. */
export function stackDepths(parent: Int32Array): Int32Array {
  const n = parent.length;
  const depth = new Int32Array(n).fill(-1);
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = i;
    while (s >= 0 && depth[s] < 0) {
      path.push(s);
      s = parent[s];
      if (path.length > n) throw new Error('stack table has a cycle');
    }
    let d = s >= 0 ? depth[s] : -1;
    while (path.length > 0) depth[path.pop() as number] = ++d;
  }
  return depth;
}

/** Whether the samples carry real timestamps (imports such as folded stacks do not). */
export function hasTimestamps(p: Profile): boolean {
  const n = p.samples.length;
  return n > 1 && p.samples.time[n - 1] > p.samples.time[0];
}

/**
 * Build the time-ordered runs for samples [from, to). A sample spans [time, time + weight) when the
 * weight is in ms, else until the next sample; without timestamps the axis is cumulative weight.
 * Stops at `maxNodes` runs (a 1M-sample profile can need tens of millions) and says so.
 */
export function buildTimeOrder(p: Profile, from = 0, to = p.samples.length, maxNodes = 4_000_000): TimeOrderTree {
  const { stack: sStack, weight, time } = p.samples;
  const sParent = p.stacks.parent;
  const sFrame = p.stacks.frame;
  const sDepth = stackDepths(sParent);
  const timed = hasTimestamps(p);
  const msWeights = p.weightUnit === 'milliseconds';

  let cap = Math.min(maxNodes, Math.max(1024, (to - from) * 2));
  let start = new Float64Array(cap);
  let width = new Float64Array(cap);
  let size = new Int32Array(cap);
  let depth = new Int32Array(cap);
  let frame = new Int32Array(cap);
  let stack = new Int32Array(cap);
  let count = 0;
  const grow = (): void => {
    cap = Math.min(maxNodes, cap * 2);
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => { const b = new Float64Array(cap); b.set(a); return b; };
    const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => { const b = new Int32Array(cap); b.set(a); return b; };
    start = f64(start); width = f64(width); size = i32(size); depth = i32(depth); frame = i32(frame); stack = i32(stack);
  };

  const openNode: number[] = [];
  const openStack: number[] = [];
  const chain: number[] = [];
  let lastEnd = timed ? time[from] ?? 0 : 0;
  let cursor = 0;
  let maxDepth = 0;
  let k = from;
  let truncated = false;

  const closeFrom = (d: number): void => {
    for (let j = openNode.length - 1; j >= d; j--) {
      const nd = openNode[j];
      width[nd] = lastEnd - start[nd];
      size[nd] = count - nd;
    }
    openNode.length = d;
    openStack.length = d;
  };

  for (; k < to; k++) {
    const st = sStack[k];
    if (st < 0 || st >= sParent.length) continue;
    const t0 = timed ? time[k] : cursor;
    let t1: number;
    if (!timed) t1 = cursor + weight[k];
    else if (msWeights) t1 = t0 + weight[k];
    else t1 = k + 1 < p.samples.length ? time[k + 1] : t0 + (t0 - (k > 0 ? time[k - 1] : t0));
    cursor += weight[k];

    chain.length = sDepth[st] + 1;
    for (let s = st; s >= 0; s = sParent[s]) chain[sDepth[s]] = s;
    let c = 0;
    while (c < openStack.length && c < chain.length && openStack[c] === chain[c]) c++;
    if (count + (chain.length - c) > maxNodes) {
      truncated = true;
      break;
    }
    closeFrom(c);
    for (let d = c; d < chain.length; d++) {
      if (count === cap) grow();
      start[count] = t0;
      depth[count] = d;
      frame[count] = sFrame[chain[d]];
      stack[count] = chain[d];
      openNode.push(count);
      openStack.push(chain[d]);
      count++;
    }
    if (chain.length - 1 > maxDepth) maxDepth = chain.length - 1;
    lastEnd = t1;
  }
  closeFrom(0);
  return {
    length: count,
    start: start.subarray(0, count),
    width: width.subarray(0, count),
    size: size.subarray(0, count),
    depth: depth.subarray(0, count),
    frame: frame.subarray(0, count),
    stack: stack.subarray(0, count),
    maxDepth,
    from,
    to: k,
    truncated,
  };
}

/** First sample index with time >= t (samples are in time order). */
export function lowerBoundTime(time: Float64Array, length: number, t: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
