// Per-function and per-line self/total. A "function" is a (name, file) pair: frames of the same
// function that differ only by line fold together. A line is where a stack node's frame was
// executing (StackTable.line, the sampled current line); where that is unknown (older captures, most
// formats) the frame's own line stands in, as it always did (a function's header, a native call's
// call site). Totals count a sample once per function (or line) even when it recurses, so no total
// exceeds the profile's weight.

import { filterKey, stackChildren, stackWeights, type SampleFilter } from './sampleSelection';
import { cached } from './viewCache';
import { FrameKind, type Profile } from './types';

export interface FunctionTable {
  length: number;
  name: string[];
  file: string[];
  /** Smallest line among the function's frames (its definition for function-level frames). */
  line: Int32Array;
  kind: Uint8Array;
  /** Function id of every frame row. */
  ofFrame: Int32Array;
}

export function functionTable(profile: Profile): FunctionTable {
  return cached(profile, 'functions', () => {
    const f = profile.frames;
    const ids = new Map<string, number>();
    const name: string[] = [];
    const file: string[] = [];
    const line: number[] = [];
    const kind: number[] = [];
    const ofFrame = new Int32Array(f.length);
    for (let i = 0; i < f.length; i++) {
      const key = `${f.file[i]}\u0000${f.name[i]}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = name.length;
        ids.set(key, id);
        name.push(f.name[i]);
        file.push(f.file[i]);
        line.push(f.line[i]);
        kind.push(f.kind[i]);
      } else if (f.line[i] > 0 && (line[id] <= 0 || f.line[i] < line[id])) line[id] = f.line[i];
      ofFrame[i] = id;
    }
    return { length: name.length, name, file, line: Int32Array.from(line), kind: Uint8Array.from(kind), ofFrame };
  });
}

export interface FunctionStats {
  functions: FunctionTable;
  self: Float64Array;
  total: Float64Array;
  selfSamples: Float64Array;
  totalSamples: Float64Array;
  /**
   * Per-line self and total inside each function, sorted by function then line: parallel arrays.
   * `self`: weight of samples whose leaf is the function on that line; `total`: weight of samples
   * with the function on that line anywhere on the stack (once per sample); `samples`: self samples.
   */
  lines: { length: number; fn: Int32Array; line: Int32Array; self: Float64Array; total: Float64Array; samples: Float64Array };
  /** Weight of all selected samples (the 100 % of percentages). */
  weight: number;
  samples: number;
}

/**
 * Visits the stack tree depth first, calling `enter(s, first)` where `first` says whether the key
 * of stack s (keyOfStack) is not on the path above it: the recursion-safe point to add its total.
 */
function walkTopmost(profile: Profile, keyOfStack: (s: number) => number, keyCount: number, enter: (s: number, first: boolean) => void): void {
  const { childStart, child, roots } = stackChildren(profile);
  const onPath = new Int32Array(keyCount);
  const n = profile.stacks.length;
  // Explicit stack of (stack id, entered?) so a 10^6-deep profile cannot overflow the JS stack.
  const todo = new Int32Array(2 * n + 2);
  let top = 0;
  for (let r = roots.length - 1; r >= 0; r--) todo[top++] = roots[r] + 1;
  while (top > 0) {
    const v = todo[--top];
    if (v < 0) {
      onPath[keyOfStack(-v - 1)]--;
      continue;
    }
    const s = v - 1;
    const key = keyOfStack(s);
    enter(s, onPath[key] === 0);
    onPath[key]++;
    todo[top++] = -(s + 1);
    for (let k = childStart[s + 1] - 1; k >= childStart[s]; k--) todo[top++] = child[k] + 1;
  }
}

/** The line stack s stands for: its current line, else its frame's line (0 when neither is known). */
export function lineOfStack(profile: Profile, s: number): number {
  const ln = profile.stacks.line[s];
  return ln > 0 ? ln : profile.frames.line[profile.stacks.frame[s]];
}

export function functionStats(profile: Profile, filter?: SampleFilter): FunctionStats {
  return cached(profile, `functionStats:${filterKey(filter)}`, () => {
    const fns = functionTable(profile);
    const w = stackWeights(profile, filter);
    const m = fns.length;
    const self = new Float64Array(m);
    const total = new Float64Array(m);
    const selfSamples = new Float64Array(m);
    const totalSamples = new Float64Array(m);
    const { frame, length: n } = profile.stacks;
    const fnOf = (s: number) => fns.ofFrame[frame[s]];
    const lineKey = new Map<number, number>();
    const lFn: number[] = [];
    const lLine: number[] = [];
    const lSelf: number[] = [];
    const lTotal: number[] = [];
    const lSamples: number[] = [];
    // Row of (function, line) for every stack that carries weight; -1 for the rest.
    const rowOf = new Int32Array(n).fill(-1);
    for (let s = 0; s < n; s++) {
      if (w.total[s] === 0 && w.totalSamples[s] === 0) continue;
      const f = fnOf(s);
      const line = lineOfStack(profile, s);
      const key = f * 4294967296 + (line >>> 0);
      let row = lineKey.get(key);
      if (row === undefined) {
        row = lFn.length;
        lineKey.set(key, row);
        lFn.push(f);
        lLine.push(line);
        lSelf.push(0);
        lTotal.push(0);
        lSamples.push(0);
      }
      rowOf[s] = row;
      if (w.self[s] === 0 && w.selfSamples[s] === 0) continue;
      self[f] += w.self[s];
      selfSamples[f] += w.selfSamples[s];
      lSelf[row] += w.self[s];
      lSamples[row] += w.selfSamples[s];
    }
    walkTopmost(profile, fnOf, m, (s, first) => {
      if (!first) return;
      const f = fnOf(s);
      total[f] += w.total[s];
      totalSamples[f] += w.totalSamples[s];
    });
    const rows = lFn.length;
    // Stacks without weight share one extra key so the walk can still pass through them.
    walkTopmost(profile, (s) => (rowOf[s] < 0 ? rows : rowOf[s]), rows + 1, (s, first) => {
      if (first && rowOf[s] >= 0) lTotal[rowOf[s]] += w.total[s];
    });
    const order = lFn.map((_, i) => i).sort((a, b) => lFn[a] - lFn[b] || lLine[a] - lLine[b]);
    return {
      functions: fns,
      self,
      total,
      selfSamples,
      totalSamples,
      lines: {
        length: order.length,
        fn: Int32Array.from(order, (i) => lFn[i]),
        line: Int32Array.from(order, (i) => lLine[i]),
        self: Float64Array.from(order, (i) => lSelf[i]),
        total: Float64Array.from(order, (i) => lTotal[i]),
        samples: Float64Array.from(order, (i) => lSamples[i]),
      },
      weight: w.weight,
      samples: w.samples,
    };
  });
}

export interface FunctionLineRows {
  length: number;
  line: Int32Array;
  self: Float64Array;
  total: Float64Array;
  selfSamples: Float64Array;
}

/** One function's lines (function id of functionTable), sorted by line; a view of functionStats' rows. */
export function functionLineStats(profile: Profile, fn: number, filter?: SampleFilter): FunctionLineRows {
  const { lines } = functionStats(profile, filter);
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines.fn[mid] < fn) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < lines.length && lines.fn[end] === fn) end++;
  return {
    length: end - lo,
    line: lines.line.subarray(lo, end),
    self: lines.self.subarray(lo, end),
    total: lines.total.subarray(lo, end),
    selfSamples: lines.samples.subarray(lo, end),
  };
}

export interface LineStats {
  length: number;
  file: string[];
  line: Int32Array;
  /** Weight of samples whose leaf frame is at this file:line. */
  self: Float64Array;
  selfSamples: Float64Array;
  /** Weight of samples with this file:line anywhere on the stack (counted once per sample). */
  total: Float64Array;
  /** The function (functionTable id) the line belongs to: the one with the most weight there. */
  fn: Int32Array;
}

/**
 * Per file:line self and total, for gutter heat and editor annotations: a stack node counts at its
 * current line, or at its frame's line when the current line is unknown; lines ≤ 0 are skipped.
 */
export function lineStats(profile: Profile, filter?: SampleFilter): LineStats {
  return cached(profile, `lineStats:${filterKey(filter)}`, () => {
    const fr = profile.frames;
    const fns = functionTable(profile);
    const ids = new Map<string, number>();
    const file: string[] = [];
    const line: number[] = [];
    const n = profile.stacks.length;
    const frame = profile.stacks.frame;
    const w = stackWeights(profile, filter);
    const keyOfStack = new Int32Array(n).fill(-1);
    // Weight per (line key, function), to name each line's function.
    const fnWeight = new Map<number, number>();
    for (let s = 0; s < n; s++) {
      if (w.total[s] === 0 && w.totalSamples[s] === 0) continue;
      const ln = lineOfStack(profile, s);
      if (ln <= 0) continue;
      const f = frame[s];
      const key = `${ln}\u0000${fr.file[f]}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = file.length;
        ids.set(key, id);
        file.push(fr.file[f]);
        line.push(ln);
      }
      keyOfStack[s] = id;
      const fk = id * 4194304 + fns.ofFrame[f];
      fnWeight.set(fk, (fnWeight.get(fk) ?? 0) + w.total[s] + w.totalSamples[s] * 1e-9);
    }
    const m = file.length;
    const self = new Float64Array(m);
    const selfSamples = new Float64Array(m);
    const total = new Float64Array(m);
    const fn = new Int32Array(m).fill(-1);
    const best = new Float64Array(m).fill(-1);
    // A native call's frame sits on its call site's line with the same weight as the Lua function
    // executing that line: the line belongs to the Lua function (natives only name lines nothing else runs).
    const native = (f: number): boolean => fns.kind[f] === FrameKind.Native;
    for (const [fk, wt] of fnWeight) {
      const id = Math.floor(fk / 4194304);
      const f = fk - id * 4194304;
      const prefer = fn[id] < 0 ? true : native(f) !== native(fn[id]) ? !native(f) : wt > best[id] || (wt === best[id] && f < fn[id]);
      if (prefer) {
        best[id] = wt;
        fn[id] = f;
      }
    }
    for (let s = 0; s < n; s++) {
      const k = keyOfStack[s];
      if (k < 0) continue;
      self[k] += w.self[s];
      selfSamples[k] += w.selfSamples[s];
    }
    // Stacks without a line share one extra key (m) so the walk can still pass through them.
    walkTopmost(profile, (s) => (keyOfStack[s] < 0 ? m : keyOfStack[s]), m + 1, (s, first) => {
      const k = keyOfStack[s];
      if (first && k >= 0) total[k] += w.total[s];
    });
    return { length: m, file, line: Int32Array.from(line), self, selfSamples, total, fn };
  });
}

export interface CallerCalleeRow {
  /** Function id (FunctionTable row); -1 for the root (no caller). */
  fn: number;
  total: number;
  samples: number;
}

export interface Sandwich {
  fn: number;
  self: number;
  total: number;
  /** Who called the function (counted at its outermost occurrence), heaviest first. */
  callers: CallerCalleeRow[];
  /** What it called (from its outermost occurrence), heaviest first. */
  callees: CallerCalleeRow[];
}

/**
 * Callers and callees of one function (a FunctionTable row), for the sandwich table. Counted at the
 * function's outermost occurrence on each stack, so the callers sum to its total and the callees sum
 * to its total minus the self time of that outermost occurrence (recursion never counts twice).
 */
export function callersAndCallees(profile: Profile, fn: number, filter?: SampleFilter): Sandwich {
  return cached(profile, `sandwich:${fn}:${filterKey(filter)}`, () => {
    const fns = functionTable(profile);
    const stats = functionStats(profile, filter);
    const w = stackWeights(profile, filter);
    const { frame, parent } = profile.stacks;
    const fnOf = (s: number) => fns.ofFrame[frame[s]];
    const callers = new Map<number, CallerCalleeRow>();
    const callees = new Map<number, CallerCalleeRow>();
    const add = (m: Map<number, CallerCalleeRow>, key: number, total: number, samples: number) => {
      const row = m.get(key);
      if (row) {
        row.total += total;
        row.samples += samples;
      } else m.set(key, { fn: key, total, samples });
    };
    // Track whether fn is on the path (onPath counts per function, as in walkTopmost), and add the
    // caller edge at the outermost occurrence, callee edges directly under that occurrence.
    const outermost = new Uint8Array(profile.stacks.length);
    walkTopmost(profile, fnOf, fns.length, (s, first) => {
      if (w.totalSamples[s] === 0 && w.total[s] === 0) return;
      if (fnOf(s) === fn && first) {
        outermost[s] = 1;
        const p = parent[s];
        add(callers, p >= 0 ? fnOf(p) : -1, w.total[s], w.totalSamples[s]);
      }
      const p = parent[s];
      if (p >= 0 && outermost[p]) add(callees, fnOf(s), w.total[s], w.totalSamples[s]);
    });
    const byTotal = (a: CallerCalleeRow, b: CallerCalleeRow) => b.total - a.total || a.fn - b.fn;
    return {
      fn,
      self: stats.self[fn] ?? 0,
      total: stats.total[fn] ?? 0,
      callers: [...callers.values()].sort(byTotal),
      callees: [...callees.values()].sort(byTotal),
    };
  });
}
