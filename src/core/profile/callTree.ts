// Aggregated call trees (top-down and bottom-up) in the CallTree layout of types.ts: preorder,
// subtree sizes, children heaviest first. Nodes group by function (a frame row) or, with `byLine`, by
// function and the line it was executing (the stacks' current lines; unknown lines stay 0). Built from
// per-stack weights, so the cost is one pass over the samples plus one over the stacks (the inverted
// tree also walks each weighted stack's path).

import { PositionMap } from './pairMap';
import { GrowableColumn } from './growable';
import { filterKey, stackDepths, stackOrder, stackWeights, type SampleFilter } from './sampleSelection';
import { cached } from './viewCache';
import type { CallTree, Profile } from './types';

/** An unordered tree under construction; node 0 is the synthetic root. */
class TreeDraft {
  readonly parent = new GrowableColumn(Int32Array, 1024);
  readonly frame = new GrowableColumn(Int32Array, 1024);
  readonly line = new GrowableColumn(Int32Array, 1024);
  readonly self = new GrowableColumn(Float64Array, 1024);
  readonly total = new GrowableColumn(Float64Array, 1024);
  readonly samples = new GrowableColumn(Float64Array, 1024);
  /** (parent node, frame, line) → node. */
  private readonly index = new PositionMap(1024);

  constructor() {
    this.add(-1, -1, 0);
  }

  private add(parent: number, frame: number, line: number): number {
    this.parent.push(parent);
    this.frame.push(frame);
    this.line.push(line);
    this.self.push(0);
    this.total.push(0);
    this.samples.push(0);
    return this.parent.length - 1;
  }

  child(parent: number, frame: number, line = 0): number {
    const ln = line > 0 ? line : 0;
    let id = this.index.get(parent, frame, ln);
    if (id < 0) {
      id = this.add(parent, frame, ln);
      this.index.set(parent, frame, ln, id);
    }
    return id;
  }
}

/** Lays a draft out in preorder with children sorted heaviest first (ties: lower frame id, then line, first). */
function finalize(d: TreeDraft): CallTree {
  const n = d.parent.length;
  const dParent = d.parent.trimmed();
  const dFrame = d.frame.trimmed();
  const dLine = d.line.trimmed();
  const dTotal = d.total.trimmed();
  const start = new Int32Array(n + 1);
  for (let i = 1; i < n; i++) start[dParent[i] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const kids = new Int32Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) kids[fill[dParent[i]]++] = i;
  const cmp = (a: number, b: number) => dTotal[b] - dTotal[a] || dFrame[a] - dFrame[b] || dLine[a] - dLine[b];
  for (let i = 0; i < n; i++) {
    const lo = start[i];
    const hi = start[i + 1];
    if (hi - lo > 1) kids.subarray(lo, hi).sort(cmp);
  }
  const parent = new Int32Array(n);
  const frame = new Int32Array(n);
  const line = new Int32Array(n);
  const depth = new Int32Array(n);
  const size = new Int32Array(n);
  const total = new Float64Array(n);
  const self = new Float64Array(n);
  const samples = new Float64Array(n);
  const newId = new Int32Array(n);
  const dSelf = d.self.trimmed();
  const dSamples = d.samples.trimmed();
  // Iterative preorder: push children in reverse so the heaviest is visited first.
  const todo = new Int32Array(n);
  let top = 0;
  todo[top++] = 0;
  let next = 0;
  let maxDepth = 0;
  while (top > 0) {
    const old = todo[--top];
    const id = next++;
    newId[old] = id;
    const p = old === 0 ? -1 : newId[dParent[old]];
    parent[id] = p;
    frame[id] = dFrame[old];
    line[id] = dLine[old];
    depth[id] = p < 0 ? 0 : depth[p] + 1;
    if (depth[id] > maxDepth) maxDepth = depth[id];
    total[id] = dTotal[old];
    self[id] = dSelf[old];
    samples[id] = dSamples[old];
    for (let k = start[old + 1] - 1; k >= start[old]; k--) todo[top++] = kids[k];
  }
  for (let i = n - 1; i >= 0; i--) {
    size[i] += 1;
    if (parent[i] >= 0) size[parent[i]] += size[i];
  }
  return { length: n, parent, frame, line, depth, size, total, self, samples, maxDepth };
}

export interface CallTreeOptions extends SampleFilter {
  /** Group by function and current line (nodes carry `line`) instead of by function. */
  byLine?: boolean;
}

/** Top-down aggregated call tree of the selected samples (all samples when no filter). */
export function buildCallTree(profile: Profile, opts?: CallTreeOptions): CallTree {
  const byLine = opts?.byLine === true;
  return cached(profile, `callTree:${byLine ? 'line:' : ''}${filterKey(opts)}`, () => {
    const w = stackWeights(profile, opts);
    const { parent, frame, length: n } = profile.stacks;
    const line = profile.stacks.line;
    const order = stackOrder(profile);
    const depth = stackDepths(profile);
    const d = new TreeDraft();
    const nodeOf = new Int32Array(n).fill(-1);
    for (let k = 0; k < n; k++) {
      const s = order ? order[k] : k;
      if (w.totalSamples[s] === 0 && w.total[s] === 0) continue;
      const p = parent[s];
      const pNode = p >= 0 && p < n && depth[p] === depth[s] - 1 ? nodeOf[p] : 0;
      if (pNode < 0) continue; // parent had no samples: impossible unless input is corrupt
      const node = d.child(pNode, frame[s], byLine ? line[s] : 0);
      nodeOf[s] = node;
      d.self.set(node, d.self.get(node) + w.self[s]);
      d.total.set(node, d.total.get(node) + w.total[s]);
      d.samples.set(node, d.samples.get(node) + w.totalSamples[s]);
    }
    d.self.set(0, w.idleWeight);
    d.total.set(0, w.weight);
    d.samples.set(0, w.samples);
    return finalize(d);
  });
}

/**
 * Bottom-up (inverted) tree: the root's children are the leaf frames of the samples; a node's total
 * is the weight of samples whose stack ends with the path from the root to that node, and its self
 * is the weight of samples whose whole stack is that path (reversed).
 */
export function buildInvertedTree(profile: Profile, opts?: CallTreeOptions): CallTree {
  const byLine = opts?.byLine === true;
  return cached(profile, `invertedTree:${byLine ? 'line:' : ''}${filterKey(opts)}`, () => {
    const w = stackWeights(profile, opts);
    const { parent, frame, length: n } = profile.stacks;
    const line = profile.stacks.line;
    const depth = stackDepths(profile);
    const d = new TreeDraft();
    for (let s = 0; s < n; s++) {
      const sw = w.self[s];
      const sc = w.selfSamples[s];
      if (sw === 0 && sc === 0) continue;
      let node = 0;
      let t = s;
      for (;;) {
        node = d.child(node, frame[t], byLine ? line[t] : 0);
        d.total.set(node, d.total.get(node) + sw);
        d.samples.set(node, d.samples.get(node) + sc);
        const p = parent[t];
        if (!(p >= 0 && p < n && depth[p] === depth[t] - 1)) break;
        t = p;
      }
      d.self.set(node, d.self.get(node) + sw);
    }
    d.self.set(0, w.idleWeight);
    d.total.set(0, w.weight);
    d.samples.set(0, w.samples);
    return finalize(d);
  });
}

/** Frames from the root (excluded) down to `node`, outermost first. */
export function callTreePath(tree: CallTree, node: number): number[] {
  const out: number[] = [];
  for (let i = node; i > 0; i = tree.parent[i]) out.push(tree.frame[i]);
  return out.reverse();
}
