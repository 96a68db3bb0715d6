// Lays out a preorder tree of spans (flame graph or flame chart) into pixel rectangles for one
// viewport. Pure and DOM-free so it is unit tested with exact numbers and reused by both views.
// Speed is the point: a 500k-node tree must lay out in a few ms, so it walks typed arrays in
// preorder and skips whole subtrees (via `size`) when a node is off-screen or narrower than
// `minPx`; runs of adjacent tiny siblings are merged into one grey "…" rectangle per row so the
// picture keeps its mass without drawing thousands of sub-pixel slivers.
import type { CallTree } from '../profile/types';

/** A tree in depth-first preorder whose nodes are spans [start, start + width) on one axis. */
export interface SpanTree {
  length: number;
  /** Subtree of node i is [i, i + size[i]). */
  size: Int32Array;
  depth: Int32Array;
  frame: Int32Array;
  start: Float64Array;
  width: Float64Array;
}

export interface Viewport {
  /** Visible domain on the span axis (weight units for a flame graph, ms for a chart). */
  x0: number;
  x1: number;
  widthPx: number;
  /** First depth shown in row 0 (vertical scroll). */
  firstDepth: number;
  /** Number of rows that fit. */
  rows: number;
  /** Nodes narrower than this (in px) are not drawn on their own. Default 0.5. */
  minPx?: number;
}

/** The rectangles to draw. node = -1 marks a merged run of tiny nodes. x/w are clipped to [0, widthPx]. */
export interface FlameRects {
  count: number;
  node: Int32Array;
  x: Float32Array;
  w: Float32Array;
  row: Int32Array;
  /** How many nodes were skipped as tiny (merged or dropped) — for the status line and tests. */
  tinyNodes: number;
}

/**
 * x offsets of a CallTree laid out as a left-heavy flame graph: each child starts where its previous
 * sibling ended, inside its parent. The tree is already sorted heaviest-first, so one preorder pass
 * with a per-node "next child starts here" cursor is enough. Units are the tree's weight units.
 */
export function flameGraphSpans(tree: CallTree): SpanTree {
  const n = tree.length;
  const start = new Float64Array(n);
  const cursor = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const p = tree.parent[i];
    const s = p >= 0 ? cursor[p] : 0;
    start[i] = s;
    if (p >= 0) cursor[p] = s + tree.total[i];
    cursor[i] = s;
  }
  return { length: n, size: tree.size, depth: tree.depth, frame: tree.frame, start, width: tree.total };
}

/** Lay out nodes [from, to) of `tree` (default: all) for `vp`. */
export function layoutSpans(tree: SpanTree, vp: Viewport, from = 0, to = tree.length): FlameRects {
  const minPx = vp.minPx ?? 0.5;
  const span = vp.x1 - vp.x0;
  const scale = span > 0 ? vp.widthPx / span : 0;
  const rows = Math.max(0, vp.rows);
  // Capacity grows on demand; a viewport never shows more than ~2 rects per px per row anyway.
  let cap = 1024;
  let node = new Int32Array(cap);
  let xs = new Float32Array(cap);
  let ws = new Float32Array(cap);
  let rs = new Int32Array(cap);
  let count = 0;
  let tinyNodes = 0;
  const pendStart = new Float64Array(rows).fill(NaN);
  const pendEnd = new Float64Array(rows);

  const push = (nd: number, x: number, w: number, r: number): void => {
    if (count === cap) {
      cap *= 2;
      const n2 = new Int32Array(cap); n2.set(node); node = n2;
      const x2 = new Float32Array(cap); x2.set(xs); xs = x2;
      const w2 = new Float32Array(cap); w2.set(ws); ws = w2;
      const r2 = new Int32Array(cap); r2.set(rs); rs = r2;
    }
    node[count] = nd; xs[count] = x; ws[count] = w; rs[count] = r;
    count++;
  };
  const flush = (r: number): void => {
    const s = pendStart[r];
    if (Number.isNaN(s)) return;
    const w = pendEnd[r] - s;
    if (w >= minPx) push(-1, s, w, r);
    pendStart[r] = NaN;
  };

  if (scale > 0 && rows > 0) {
    let i = from;
    while (i < to) {
      const s = tree.start[i];
      const e = s + tree.width[i];
      const row = tree.depth[i] - vp.firstDepth;
      // Children lie inside their parent and are deeper: an invisible node hides its whole subtree.
      // `!(width > 0)` also drops NaN weights from a corrupt profile; a size < 1 would loop forever.
      const skip = tree.size[i] >= 1 ? tree.size[i] : 1;
      if (e <= vp.x0 || s >= vp.x1 || row >= rows || !(tree.width[i] > 0) || !Number.isFinite(s)) {
        i += skip;
        continue;
      }
      if (row < 0) {
        i++;
        continue;
      }
      const px = (s - vp.x0) * scale;
      const pw = tree.width[i] * scale;
      const left = px < 0 ? 0 : px;
      const right = px + pw > vp.widthPx ? vp.widthPx : px + pw;
      if (pw < minPx) {
        tinyNodes += skip;
        if (!Number.isNaN(pendStart[row]) && left - pendEnd[row] <= minPx) {
          if (right > pendEnd[row]) pendEnd[row] = right;
        } else {
          flush(row);
          pendStart[row] = left;
          pendEnd[row] = right;
        }
        i += skip;
        continue;
      }
      push(i, left, right - left, row);
      i++;
    }
    for (let r = 0; r < rows; r++) flush(r);
  }
  return { count, node: node.subarray(0, count), x: xs.subarray(0, count), w: ws.subarray(0, count), row: rs.subarray(0, count), tinyNodes };
}

/** Index into `rects` of the rectangle under (xPx, row), or -1. */
export function hitTest(rects: FlameRects, xPx: number, row: number): number {
  for (let k = 0; k < rects.count; k++) {
    if (rects.row[k] === row && xPx >= rects.x[k] && xPx < rects.x[k] + rects.w[k]) return k;
  }
  return -1;
}

/** Node ids from the root down to `node` (inclusive), following `parent`. */
export function pathToNode(parent: Int32Array, node: number): number[] {
  const path: number[] = [];
  for (let i = node; i >= 0; i = parent[i]) path.push(i);
  return path.reverse();
}

/** Parent of every node of a SpanTree, recovered from preorder + size (for trees without a parent array). */
export function parentsFromSizes(size: Int32Array, depth: Int32Array): Int32Array {
  const n = size.length;
  const parent = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    while (stack.length > 0 && depth[stack[stack.length - 1]] >= depth[i]) stack.pop();
    parent[i] = stack.length > 0 ? stack[stack.length - 1] : -1;
    stack.push(i);
  }
  return parent;
}
