// Search in the views: which frames match a query. Case-insensitive substring on the function name
// or its file, computed once per query over the (small) frame table, so highlighting a 500k-node
// tree is a lookup per node, not a string comparison per node.
import type { FrameTable } from '../profile/types';

/** 1 for each frame id whose name or file contains `query` (case-insensitive); all 0 for ''. */
export function matchFrames(frames: Pick<FrameTable, 'length' | 'name' | 'file'>, query: string): Uint8Array {
  const mask = new Uint8Array(frames.length);
  const q = query.trim().toLowerCase();
  if (q.length === 0) return mask;
  for (let f = 0; f < frames.length; f++) {
    if (frames.name[f].toLowerCase().includes(q) || frames.file[f].toLowerCase().includes(q)) mask[f] = 1;
  }
  return mask;
}

/** How many nodes in [from, to) have a matching frame. */
export function countMatchingNodes(nodeFrame: Int32Array, mask: Uint8Array, from = 0, to = nodeFrame.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const f = nodeFrame[i];
    if (f >= 0 && mask[f] === 1) n++;
  }
  return n;
}

/** Total weight of matching nodes, not counting a match nested inside another match twice. */
export function matchedWeight(
  nodeFrame: Int32Array,
  size: Int32Array,
  width: Float64Array,
  mask: Uint8Array,
  from = 0,
  to = nodeFrame.length,
): number {
  let w = 0;
  let i = from;
  while (i < to) {
    const f = nodeFrame[i];
    if (f >= 0 && mask[f] === 1) {
      w += width[i];
      i += size[i];
    } else i++;
  }
  return w;
}
