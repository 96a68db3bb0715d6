// Difference of two profiles (before → after), per function and per call-tree node, normalised so
// profiles of different lengths compare: ms per game frame when both have game frames, else weight
// per second of profile duration, else share of the total weight. Functions and nodes are matched
// by (name, file) paths, so ids need not agree between the two profiles. diffLines does the same per
// source line (file and line number).

import { PairMap } from './pairMap';
import { GrowableColumn } from './growable';
import { buildCallTree } from './callTree';
import { functionStats, functionTable, lineStats } from './functionStats';
import { FrameKind, type CallTree, type Profile } from './types';
import { formatMs } from '../budget';

export type DiffNormalisation = 'perFrame' | 'perSecond' | 'share';

export interface ProfileDiff {
  normalisation: DiffNormalisation;
  /** Factor each profile's raw weights were multiplied by. */
  scaleA: number;
  scaleB: number;
  functions: {
    length: number;
    name: string[];
    file: string[];
    selfA: Float64Array;
    selfB: Float64Array;
    totalA: Float64Array;
    totalB: Float64Array;
    /** B − A. */
    deltaSelf: Float64Array;
    deltaTotal: Float64Array;
  };
  /** The union of both call trees over `functions` ids (CallTree.frame holds a function id here). */
  tree: CallTree & { totalA: Float64Array; totalB: Float64Array; selfA: Float64Array; selfB: Float64Array; deltaTotal: Float64Array; deltaSelf: Float64Array };
}

function normalisation(a: Profile, b: Profile): [DiffNormalisation, number, number] {
  const fa = a.gameFrames?.length ?? 0;
  const fb = b.gameFrames?.length ?? 0;
  if (fa > 0 && fb > 0) return ['perFrame', 1 / fa, 1 / fb];
  if (a.durationMs > 0 && b.durationMs > 0) return ['perSecond', 1000 / a.durationMs, 1000 / b.durationMs];
  const wa = buildCallTree(a).total[0] || 1;
  const wb = buildCallTree(b).total[0] || 1;
  return ['share', 1 / wa, 1 / wb];
}

export function diffProfiles(a: Profile, b: Profile): ProfileDiff {
  const [norm, scaleA, scaleB] = normalisation(a, b);
  const ids = new Map<string, number>();
  const name: string[] = [];
  const file: string[] = [];
  const fnId = (n: string, f: string) => {
    const key = `${f}\u0000${n}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = name.length;
      ids.set(key, id);
      name.push(n);
      file.push(f);
    }
    return id;
  };
  const sa = functionStats(a);
  const sb = functionStats(b);
  const mapA = Int32Array.from({ length: sa.functions.length }, (_, i) => fnId(sa.functions.name[i], sa.functions.file[i]));
  const mapB = Int32Array.from({ length: sb.functions.length }, (_, i) => fnId(sb.functions.name[i], sb.functions.file[i]));
  const m = name.length;
  const selfA = new Float64Array(m);
  const selfB = new Float64Array(m);
  const totalA = new Float64Array(m);
  const totalB = new Float64Array(m);
  for (let i = 0; i < mapA.length; i++) {
    selfA[mapA[i]] += sa.self[i] * scaleA;
    totalA[mapA[i]] += sa.total[i] * scaleA;
  }
  for (let i = 0; i < mapB.length; i++) {
    selfB[mapB[i]] += sb.self[i] * scaleB;
    totalB[mapB[i]] += sb.total[i] * scaleB;
  }
  const deltaSelf = selfB.map((v, i) => v - selfA[i]);
  const deltaTotal = totalB.map((v, i) => v - totalA[i]);

  // Union tree: map every node of both trees to (union parent, function id).
  const index = new PairMap(1024);
  const uParent = new GrowableColumn(Int32Array, 1024);
  const uFn = new GrowableColumn(Int32Array, 1024);
  const uTA = new GrowableColumn(Float64Array, 1024);
  const uTB = new GrowableColumn(Float64Array, 1024);
  const uSA = new GrowableColumn(Float64Array, 1024);
  const uSB = new GrowableColumn(Float64Array, 1024);
  uParent.push(-1); uFn.push(-1); uTA.push(0); uTB.push(0); uSA.push(0); uSB.push(0);
  const merge = (t: CallTree, fnMap: Int32Array, fnOfFrame: Int32Array, scale: number, tot: GrowableColumn<Float64Array>, slf: GrowableColumn<Float64Array>) => {
    const u = new Int32Array(t.length);
    tot.set(0, tot.get(0) + t.total[0] * scale);
    slf.set(0, slf.get(0) + t.self[0] * scale);
    for (let i = 1; i < t.length; i++) {
      const up = u[t.parent[i]];
      const f = fnMap[fnOfFrame[t.frame[i]]];
      let id = index.get(up, f);
      if (id < 0) {
        id = uParent.length;
        index.set(up, f, id);
        uParent.push(up); uFn.push(f); uTA.push(0); uTB.push(0); uSA.push(0); uSB.push(0);
      }
      u[i] = id;
      tot.set(id, tot.get(id) + t.total[i] * scale);
      slf.set(id, slf.get(id) + t.self[i] * scale);
    }
  };
  merge(buildCallTree(a), mapA, sa.functions.ofFrame, scaleA, uTA, uSA);
  merge(buildCallTree(b), mapB, sb.functions.ofFrame, scaleB, uTB, uSB);

  // Preorder layout, children by the larger of the two totals.
  const n = uParent.length;
  const par = uParent.trimmed();
  const fnArr = uFn.trimmed();
  const tA = uTA.trimmed();
  const tB = uTB.trimmed();
  const sA = uSA.trimmed();
  const sB = uSB.trimmed();
  const key = (i: number) => Math.max(tA[i], tB[i]);
  const start = new Int32Array(n + 1);
  for (let i = 1; i < n; i++) start[par[i] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const kids = new Int32Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) kids[fill[par[i]]++] = i;
  for (let i = 0; i < n; i++) if (start[i + 1] - start[i] > 1) kids.subarray(start[i], start[i + 1]).sort((x, y) => key(y) - key(x) || fnArr[x] - fnArr[y]);
  const tree = {
    length: n,
    parent: new Int32Array(n),
    frame: new Int32Array(n),
    line: new Int32Array(n),
    depth: new Int32Array(n),
    size: new Int32Array(n),
    total: new Float64Array(n),
    self: new Float64Array(n),
    samples: new Float64Array(n),
    maxDepth: 0,
    totalA: new Float64Array(n),
    totalB: new Float64Array(n),
    selfA: new Float64Array(n),
    selfB: new Float64Array(n),
    deltaTotal: new Float64Array(n),
    deltaSelf: new Float64Array(n),
  };
  const newId = new Int32Array(n);
  const todo = new Int32Array(n);
  let top = 0;
  todo[top++] = 0;
  let next = 0;
  while (top > 0) {
    const old = todo[--top];
    const id = next++;
    newId[old] = id;
    const p = old === 0 ? -1 : newId[par[old]];
    tree.parent[id] = p;
    tree.frame[id] = fnArr[old];
    tree.depth[id] = p < 0 ? 0 : tree.depth[p] + 1;
    tree.maxDepth = Math.max(tree.maxDepth, tree.depth[id]);
    tree.totalA[id] = tA[old];
    tree.totalB[id] = tB[old];
    tree.selfA[id] = sA[old];
    tree.selfB[id] = sB[old];
    tree.total[id] = tB[old];
    tree.self[id] = sB[old];
    tree.deltaTotal[id] = tB[old] - tA[old];
    tree.deltaSelf[id] = sB[old] - sA[old];
    for (let k = start[old + 1] - 1; k >= start[old]; k--) todo[top++] = kids[k];
  }
  for (let i = n - 1; i >= 0; i--) {
    tree.size[i] += 1;
    if (tree.parent[i] >= 0) tree.size[tree.parent[i]] += tree.size[i];
  }
  return {
    normalisation: norm,
    scaleA,
    scaleB,
    functions: { length: m, name, file, selfA, selfB, totalA, totalB, deltaSelf, deltaTotal },
    tree,
  };
}

/**
 * Per source line difference (before → after), in the same normalisation as diffProfiles: self and
 * total at each file:line (lineStats: a frame's current line, or its own line when the profile has
 * no current lines), matched between the two profiles by file and line number. Callback roots'
 * registration lines are left out (as in the report's lines).
 */
export interface LineDiff {
  normalisation: DiffNormalisation;
  /** The unit of the values: 'ms/frame', 'ms/s' (per second of profile), or '%' of the total weight. */
  unit: string;
  length: number;
  file: string[];
  line: Int32Array;
  /** The function the line is in (the heavier side's, 'after' on a tie); '' when unknown. */
  function: string[];
  selfA: Float64Array;
  selfB: Float64Array;
  totalA: Float64Array;
  totalB: Float64Array;
  /** B − A. */
  deltaSelf: Float64Array;
  deltaTotal: Float64Array;
}

export interface LineDiffOptions {
  /** Only the lines of this function (matched by name and file, as diffProfiles matches functions). */
  fn?: { name: string; file: string };
}

function unitOf(norm: DiffNormalisation, a: Profile, b: Profile): string {
  if (norm === 'share') return '%';
  const ms = a.weightUnit === 'milliseconds' && b.weightUnit === 'milliseconds';
  const per = norm === 'perFrame' ? 'frame' : 's';
  return ms ? `ms/${per}` : `${a.weightUnit === b.weightUnit ? a.weightUnit : 'weight'}/${per}`;
}

/** Rows ordered by file, then line. Lines with no weight on either side are left out. */
export function diffLines(a: Profile, b: Profile, opts: LineDiffOptions = {}): LineDiff {
  const [norm, scaleA0, scaleB0] = normalisation(a, b);
  // 'share' is reported in percent.
  const scaleA = norm === 'share' ? scaleA0 * 100 : scaleA0;
  const scaleB = norm === 'share' ? scaleB0 * 100 : scaleB0;
  const ids = new Map<string, number>();
  const file: string[] = [];
  const line: number[] = [];
  const fnName: string[] = [];
  const fnWeight: number[] = [];
  const sA: number[] = [];
  const sB: number[] = [];
  const tA: number[] = [];
  const tB: number[] = [];
  const add = (p: Profile, scale: number, self: number[], total: number[], isB: boolean) => {
    const ls = lineStats(p);
    const fns = functionTable(p);
    for (let i = 0; i < ls.length; i++) {
      const fn = ls.fn[i];
      const name = fn >= 0 ? fns.name[fn] : '';
      // A callback root's line is its registration: its time is the callback's, not that line's.
      if (fn >= 0 && fns.kind[fn] === FrameKind.Callback) continue;
      if (opts.fn && (fn < 0 || name !== opts.fn.name || fns.file[fn] !== opts.fn.file)) continue;
      if (ls.self[i] === 0 && ls.total[i] === 0) continue;
      const key = `${ls.line[i]}\u0000${ls.file[i]}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = file.length;
        ids.set(key, id);
        file.push(ls.file[i]);
        line.push(ls.line[i]);
        fnName.push(name);
        fnWeight.push(-1);
        sA.push(0);
        sB.push(0);
        tA.push(0);
        tB.push(0);
      }
      self[id] += ls.self[i] * scale;
      total[id] += ls.total[i] * scale;
      const w = ls.total[i] * scale;
      if (w > fnWeight[id] || (isB && w === fnWeight[id])) {
        fnWeight[id] = w;
        fnName[id] = name;
      }
    }
  };
  add(a, scaleA, sA, tA, false);
  add(b, scaleB, sB, tB, true);
  const order = Array.from(file.keys()).sort((x, y) => (file[x] < file[y] ? -1 : file[x] > file[y] ? 1 : line[x] - line[y]));
  const pick = (v: number[]) => Float64Array.from(order, (i) => v[i]);
  const selfA = pick(sA);
  const selfB = pick(sB);
  const totalA = pick(tA);
  const totalB = pick(tB);
  return {
    normalisation: norm,
    unit: unitOf(norm, a, b),
    length: order.length,
    file: order.map((i) => file[i]),
    line: Int32Array.from(order, (i) => line[i]),
    function: order.map((i) => fnName[i]),
    selfA,
    selfB,
    totalA,
    totalB,
    deltaSelf: selfB.map((v, i) => v - selfA[i]),
    deltaTotal: totalB.map((v, i) => v - totalA[i]),
  };
}

/**
 * The rows whose self time changed, biggest change first (ties: file, then line), at most `max`: the
 * diff view's "biggest changes per line". Only lines of source files (a known file and line).
 */
export function biggestLineChanges(d: LineDiff, max = Infinity): number[] {
  const rows: number[] = [];
  for (let i = 0; i < d.length; i++) if (d.line[i] > 0 && d.file[i] !== '' && d.deltaSelf[i] !== 0) rows.push(i);
  // diffLines' rows are already in file, line order: a stable sort keeps it for equal changes.
  rows.sort((x, y) => Math.abs(d.deltaSelf[y]) - Math.abs(d.deltaSelf[x]));
  return rows.length > max ? rows.slice(0, max) : rows;
}

/** Row i of a line diff in words: "line 41: 1.20 → 0.050 ms/frame" (self time, before → after). */
export function describeLineDiff(d: LineDiff, i: number): string {
  return `line ${d.line[i]}: ${formatMs(d.selfA[i])} → ${formatMs(d.selfB[i])} ${d.unit}`;
}
