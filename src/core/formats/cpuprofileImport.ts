// V8 / Chrome .cpuprofile: a node tree (nodes with children ids, or parent ids, or the old nested
// `head` form) plus samples (node ids) and timeDeltas (µs). Sample i lasts until sample i+1; the
// last one until endTime. The "(root)" node is not shown as a frame.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import { isObject, num, own, str } from './json';
import type { LoadContext } from './loadContext';

export function looksLikeCpuprofile(v: unknown): boolean {
  return isObject(v) && (Array.isArray(own(v, 'nodes')) || isObject(own(v, 'head'))) && Array.isArray(own(v, 'samples')) && !looksLikeHeapProfile(v);
}

/**
 * Chrome / Node heap (allocation sampling) profile: a nested `head` tree whose nodes carry
 * `selfSize` bytes. DevTools also writes a "samples" list ({size, nodeId, ordinal}) beside it,
 * so "samples" does not tell it from the old head-tree .cpuprofile (whose nodes have hitCount):
 * `selfSize` on the head does.
 */
export function looksLikeHeapProfile(v: unknown): boolean {
  if (!isObject(v)) return false;
  const head = own(v, 'head');
  return isObject(head) && isObject(own(head, 'callFrame')) && typeof own(head, 'selfSize') === 'number' && own(head, 'hitCount') === undefined;
}

/**
 * A heap profile becomes one sample per allocating node, weighted by its bytes (weightUnit
 * 'bytes'); there is no time, so samples are laid out in tree order and durationMs is 0.
 */
export function importHeapProfile(v: unknown, ctx: LoadContext): Profile {
  if (!isObject(v)) fail('the top level is not an object');
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'heapprofile', weightUnit: 'bytes' });
  const head = own(v, 'head') as Record<string, unknown>;
  const todo: Array<[Record<string, unknown>, number]> = [[head, -1]];
  let t = 0;
  let count = 0;
  while (todo.length) {
    if ((++count & 0x3fff) === 0) ctx.checkAborted();
    const [node, parent] = todo.pop() as [Record<string, unknown>, number];
    const cf = own(node, 'callFrame');
    const f = isObject(cf) ? cf : node;
    const name = str(own(f, 'functionName')) || '(anonymous)';
    const line = num(own(f, 'lineNumber'));
    const isRoot = parent === -1 && name === '(root)';
    const s = isRoot ? -1 : b.stack(parent, b.frame(name, str(own(f, 'url')), line !== undefined && line >= 0 ? Math.min(line + 1, 2 ** 31 - 1) : 0, 0));
    const size = num(own(node, 'selfSize')) ?? 0;
    if (size > 0) {
      b.sample(s, size, t);
      t += 1;
    }
    const kids = own(node, 'children');
    if (Array.isArray(kids)) for (let i = kids.length - 1; i >= 0; i--) if (isObject(kids[i])) todo.push([kids[i] as Record<string, unknown>, s]);
  }
  if (b.sampleCount === 0) fail('the heap profile has no allocations');
  b.durationMs = 0;
  return b.build();
}

interface FlatNode {
  id: number;
  callFrame: Record<string, unknown>;
  children: unknown[];
  parent: number | undefined;
  /** V8's positionTicks: [{line (1-based), ticks}], the lines of the node's own samples. */
  positionTicks?: unknown;
}

/** Flattens the old nested `head` form without recursion (its depth is the call depth). */
function flattenHead(head: Record<string, unknown>): FlatNode[] {
  const out: FlatNode[] = [];
  const todo: Array<[Record<string, unknown>, number | undefined]> = [[head, undefined]];
  let nextId = 1e9; // ids for nodes that have none, away from real ones
  while (todo.length) {
    const [node, parent] = todo.pop() as [Record<string, unknown>, number | undefined];
    const id = num(own(node, 'id')) ?? nextId++;
    out.push({ id, callFrame: node, children: [], parent, positionTicks: own(node, 'positionTicks') });
    const kids = own(node, 'children');
    if (Array.isArray(kids)) for (const k of kids) if (isObject(k)) todo.push([k, id]);
  }
  return out;
}

/** Imports a cpuprofile object into `b` (shared with Chrome trace ProfileChunk events). */
export function addCpuprofile(b: ProfileBuilder, prof: Record<string, unknown>, ctx: LoadContext, timeOrigin?: number, lenient = false): { weight: number; startUs: number } {
  // Chunked profiles in Chrome traces can lose chunks (events without data): then references to
  // missing nodes are tolerated (a node without its parent becomes a root, a sample on a missing
  // node is dropped) and counted, instead of failing the whole file.
  let dangling = 0;
  const rawNodes = own(prof, 'nodes');
  const head = own(prof, 'head');
  let nodes: FlatNode[];
  if (Array.isArray(rawNodes)) {
    nodes = [];
    for (let i = 0; i < rawNodes.length; i++) {
      const n = rawNodes[i];
      if (!isObject(n)) fail(`node ${i} is not an object`);
      const id = num(own(n, 'id'));
      if (id === undefined) fail(`node ${i} has no numeric id`);
      const cf = own(n, 'callFrame');
      const kids = own(n, 'children');
      nodes.push({ id, callFrame: isObject(cf) ? cf : n, children: Array.isArray(kids) ? kids : [], parent: num(own(n, 'parent')), positionTicks: own(n, 'positionTicks') });
    }
  } else if (isObject(head)) nodes = flattenHead(head);
  else fail('neither "nodes" nor "head" is present');

  const index = new Map<number, number>();
  nodes.forEach((n, i) => {
    if (index.has(n.id)) fail(`node id ${n.id} appears twice`);
    index.set(n.id, i);
  });
  const parentOf = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((n, i) => {
    for (const c of n.children) {
      const ci = typeof c === 'number' ? index.get(c) : undefined;
      if (ci === undefined) {
        if (lenient) {
          dangling++;
          continue;
        }
        fail(`node ${n.id} lists child ${JSON.stringify(c)}, which does not exist`);
      }
      parentOf[ci] = i;
    }
  });
  nodes.forEach((n, i) => {
    if (n.parent !== undefined && parentOf[i] < 0) {
      const pi = index.get(n.parent);
      if (pi === undefined) {
        if (lenient) {
          dangling++;
          return;
        }
        fail(`node ${n.id} has parent ${n.parent}, which does not exist`);
      }
      parentOf[i] = pi;
    }
  });
  // Stack of every node, resolved root-down iteratively; a parent cycle is an error.
  const stackOf = new Int32Array(nodes.length).fill(-2); // -2 unresolved, -1 root (no frame)
  const frameOf = (n: FlatNode): number => {
    const cf = n.callFrame;
    const name = str(own(cf, 'functionName')) || '(anonymous)';
    const line = num(own(cf, 'lineNumber'));
    const url = str(own(cf, 'url'));
    const native = name.startsWith('(') && name.endsWith(')');
    return b.frame(name, url, line !== undefined && line >= 0 ? Math.min(line + 1, 2 ** 31 - 1) : 0, native ? 3 : 0);
  };
  for (let i = 0; i < nodes.length; i++) {
    if (stackOf[i] !== -2) continue;
    const path: number[] = [];
    let j = i;
    while (j >= 0 && stackOf[j] === -2) {
      if (path.length > nodes.length) fail('the node tree has a cycle');
      path.push(j);
      stackOf[j] = -3; // in progress
      j = parentOf[j];
    }
    if (j >= 0 && stackOf[j] === -3) fail('the node tree has a cycle');
    let s = j >= 0 ? stackOf[j] : -1;
    for (let k = path.length - 1; k >= 0; k--) {
      const node = nodes[path[k]];
      const isRoot = parentOf[path[k]] < 0 && str(own(node.callFrame, 'functionName')) === '(root)';
      if (!isRoot) s = b.stack(s, frameOf(node));
      stackOf[path[k]] = s;
    }
  }

  // positionTicks say on which lines a node's own samples were, as counts, not per sample: the node's
  // samples take the lines in time order (first `ticks` samples the first line, …), so per-line self
  // time is exact and only the order within a node is made up. Entries that are not a line in
  // 1…2^31−1 with a non-negative integer count are skipped; samples beyond the counts keep no line.
  const lineQueue: Array<Array<[line: number, left: number, stack: number]> | undefined> = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const pt = nodes[i].positionTicks;
    if (!Array.isArray(pt) || stackOf[i] < 0) continue;
    const q: Array<[number, number, number]> = [];
    for (const e of pt) {
      if (!isObject(e)) continue;
      const line = num(own(e, 'line'));
      const ticks = num(own(e, 'ticks'));
      if (line === undefined || ticks === undefined || !Number.isInteger(line) || line < 1 || line > 2 ** 31 - 1 || !Number.isInteger(ticks) || ticks <= 0) continue;
      const parentStack = parentOf[i] >= 0 && stackOf[parentOf[i]] >= 0 ? stackOf[parentOf[i]] : -1;
      q.push([line, ticks, b.stack(parentStack, b.frameOfStack(stackOf[i]), line)]);
      if (q.length >= 100000) break;
    }
    if (q.length) lineQueue[i] = q;
  }
  const cursor = new Int32Array(nodes.length);
  const stackAt = (ni: number): number => {
    const q = lineQueue[ni];
    if (!q) return stackOf[ni];
    while (cursor[ni] < q.length && q[cursor[ni]]![1] <= 0) cursor[ni]++;
    const head = q[cursor[ni]];
    if (!head) return stackOf[ni];
    head[1]--;
    return head[2];
  };

  const samples = own(prof, 'samples') as unknown[];
  if (!Array.isArray(samples)) fail('"samples" is missing');
  const deltas = own(prof, 'timeDeltas');
  const stamps = own(prof, 'timestamps');
  const isOld = !Array.isArray(rawNodes);
  let startUs = num(own(prof, 'startTime')) ?? 0;
  let endUs = num(own(prof, 'endTime'));
  if (isOld) {
    // The old format gives startTime/endTime in seconds and timestamps in µs.
    startUs *= 1e6;
    if (endUs !== undefined) endUs *= 1e6;
  }
  const n = samples.length;
  const times = new Float64Array(n);
  if (Array.isArray(deltas)) {
    if (deltas.length < n) fail(`${n} samples but only ${deltas.length} timeDeltas`);
    let t = startUs;
    for (let i = 0; i < n; i++) {
      const d = num(deltas[i]);
      if (d === undefined) fail(`timeDeltas[${i}] is not a number`);
      t += d;
      times[i] = t;
    }
  } else if (Array.isArray(stamps) && stamps.length >= n) {
    for (let i = 0; i < n; i++) times[i] = num(stamps[i]) ?? (i > 0 ? times[i - 1] : startUs);
  } else {
    for (let i = 0; i < n; i++) times[i] = startUs + i * 1000; // no times: 1 ms per sample
    ctx.notes.push('the profile has no sample times; each sample counts as 1 ms');
  }
  // Chrome can write slightly out-of-order deltas: order by time before weighing.
  let sorted = true;
  for (let i = 1; i < n; i++) if (times[i] < times[i - 1]) { sorted = false; break; }
  const order = sorted ? null : Array.from({ length: n }, (_, i) => i).sort((a, c) => times[a] - times[c] || a - c);
  const origin = timeOrigin ?? (n > 0 ? Math.min(startUs, sorted ? times[0] : times[order![0]]) : startUs);
  let total = 0;
  let lastGap = 0;
  for (let k = 0; k < n; k++) {
    if ((k & 0xffff) === 0) ctx.progress(k / n);
    const i = order ? order[k] : k;
    const next = k + 1 < n ? times[order ? order[k + 1] : k + 1] : endUs !== undefined && endUs >= times[i] ? endUs : times[i] + lastGap;
    const w = next - times[i];
    lastGap = w;
    const id = num(samples[i]);
    const ni = id !== undefined ? index.get(id) : undefined;
    if (ni === undefined) {
      if (lenient) {
        dangling++;
        continue;
      }
      fail(`sample ${i} refers to node ${JSON.stringify(samples[i])}, which does not exist`);
    }
    b.sample(stackAt(ni), w / 1000, (times[i] - origin) / 1000);
    total += w / 1000;
  }
  if (dangling) {
    b.meta.danglingNodeReferences = dangling;
    ctx.notes.push(`${dangling} references to CPU profile nodes that are not in the file were skipped (missing chunks)`);
  }
  return { weight: total, startUs: origin };
}

export function importCpuprofile(v: unknown, ctx: LoadContext): Profile {
  if (!isObject(v)) fail('the top level is not an object');
  // Some tools wrap the profile: {"profile": {...}} (e.g. Chrome DevTools protocol dumps).
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'cpuprofile', weightUnit: 'milliseconds' });
  addCpuprofile(b, v, ctx);
  return b.build();
}
