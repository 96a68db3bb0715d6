// The flame chart's data: samples in time order, with runs of consecutive samples that share a stack
// prefix merged into one span per depth. This is not an aggregated call tree (that is the model's
// buildCallTree): here the same function appears once per contiguous run, in time order, and the
// result is a preorder SpanTree so the flame layout (flameLayout.ts) draws and culls it the same way.
import type { Profile } from '../profile/types';
import type { SpanTree } from './flameLayout';
import { stackDepths } from '../profile/sampleSelection';

export interface TimeOrderTree extends SpanTree {
  /** Interned stack of each run (its deepest frame is `frame`; the run's first stack when grouped by function). */
  stack: Int32Array;
  /** Current line of each run's frame when grouped by function+line (0 = unknown or grouped by function). */
  line: Int32Array;
  maxDepth: number;
  /** Sample range actually covered [from, to): `to` < requested when the node cap was reached. */
  from: number;
  to: number;
  truncated: boolean;
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
 * `ranges` (sorted sample ranges, e.g. the worst N frames) restricts it further; runs never merge
 * across the gap between two ranges. By default a run is one function (consecutive samples in the
 * same function on different lines merge); `byLine` splits runs where the current line changes.
 */
export function buildTimeOrder(
  p: Profile,
  from = 0,
  to = p.samples.length,
  maxNodes = 4_000_000,
  ranges: ReadonlyArray<readonly [number, number]> = [[from, to]],
  byLine = false,
): TimeOrderTree {
  const { stack: sStack, weight, time } = p.samples;
  const sParent = p.stacks.parent;
  const sFrame = p.stacks.frame;
  const sLine = p.stacks.line;
  // Stacks are interned by (parent, frame, line): two stacks continue the same run at a depth when
  // they are the same stack (by line) or have the same frame under an equal prefix (by function).
  const same = byLine ? (a: number, b: number) => a === b : (a: number, b: number) => sFrame[a] === sFrame[b];
  // The model's depths count a root frame as 1; here depth 0 is the top row.
  const sDepth = stackDepths(p);
  const timed = hasTimestamps(p);
  const msWeights = p.weightUnit === 'milliseconds';

  let cap = Math.min(maxNodes, Math.max(1024, (to - from) * 2));
  let start = new Float64Array(cap);
  let width = new Float64Array(cap);
  let size = new Int32Array(cap);
  let depth = new Int32Array(cap);
  let frame = new Int32Array(cap);
  let stack = new Int32Array(cap);
  let line = new Int32Array(cap);
  let count = 0;
  const grow = (): void => {
    cap = Math.min(maxNodes, cap * 2);
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => { const b = new Float64Array(cap); b.set(a); return b; };
    const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => { const b = new Int32Array(cap); b.set(a); return b; };
    start = f64(start); width = f64(width); size = i32(size); depth = i32(depth); frame = i32(frame); stack = i32(stack); line = i32(line);
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

  outer: for (const [lo, hi] of ranges) {
    if (openNode.length > 0) closeFrom(0);
    const end = Math.min(hi, to);
    for (k = Math.max(lo, from); k < end; k++) {
      const st = sStack[k];
      if (st < 0 || st >= sParent.length) continue;
      const t0 = timed ? time[k] : cursor;
      let t1: number;
      if (!timed) t1 = cursor + weight[k];
      else if (msWeights) t1 = t0 + weight[k];
      else t1 = k + 1 < p.samples.length ? time[k + 1] : t0 + (t0 - (k > 0 ? time[k - 1] : t0));
      cursor += weight[k];

      if (sDepth[st] <= 0) continue;
      chain.length = sDepth[st];
      for (let s = st; s >= 0 && sDepth[s] > 0; s = sParent[s]) chain[sDepth[s] - 1] = s;
      let c = 0;
      while (c < openStack.length && c < chain.length && same(openStack[c], chain[c])) c++;
      if (count + (chain.length - c) > maxNodes) {
        truncated = true;
        break outer;
      }
      closeFrom(c);
      for (let d = c; d < chain.length; d++) {
        if (count === cap) grow();
        start[count] = t0;
        depth[count] = d;
        frame[count] = sFrame[chain[d]];
        stack[count] = chain[d];
        line[count] = byLine ? sLine[chain[d]] : 0;
        openNode.push(count);
        openStack.push(chain[d]);
        count++;
      }
      if (chain.length - 1 > maxDepth) maxDepth = chain.length - 1;
      lastEnd = t1;
    }
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
    line: line.subarray(0, count),
    maxDepth,
    from,
    to: k,
    truncated,
  };
}
