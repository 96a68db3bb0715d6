// Per-function and per-line self/total. A "function" is a (name, file) pair: frames of the same
// function that differ only by line (line-level samples) fold together, and the line of the leaf
// frame gives the per-line self. Totals count a sample once per function even when the function
// recurses, so a recursive function's total never exceeds the profile's weight.

import { filterKey, stackChildren, stackWeights, type SampleFilter } from './sampleSelection';
import { cached } from './viewCache';
import type { Profile } from './types';

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
  /** Per-line self, sorted by function then line: parallel arrays. */
  lines: { length: number; fn: Int32Array; line: Int32Array; self: Float64Array; samples: Float64Array };
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
    const lSamples: number[] = [];
    for (let s = 0; s < n; s++) {
      if (w.self[s] === 0 && w.selfSamples[s] === 0) continue;
      const f = fnOf(s);
      self[f] += w.self[s];
      selfSamples[f] += w.selfSamples[s];
      const line = profile.frames.line[frame[s]];
      const key = f * 4294967296 + (line >>> 0);
      let row = lineKey.get(key);
      if (row === undefined) {
        row = lFn.length;
        lineKey.set(key, row);
        lFn.push(f);
        lLine.push(line);
        lSelf.push(0);
        lSamples.push(0);
      }
      lSelf[row] += w.self[s];
      lSamples[row] += w.selfSamples[s];
    }
    walkTopmost(profile, fnOf, m, (s, first) => {
      if (!first) return;
      const f = fnOf(s);
      total[f] += w.total[s];
      totalSamples[f] += w.totalSamples[s];
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
        samples: Float64Array.from(order, (i) => lSamples[i]),
      },
      weight: w.weight,
      samples: w.samples,
    };
  });
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
}

/** Per file:line self and total, for gutter heat and editor annotations. Frames with line 0 are skipped. */
export function lineStats(profile: Profile, filter?: SampleFilter): LineStats {
  return cached(profile, `lineStats:${filterKey(filter)}`, () => {
    const fr = profile.frames;
    const ids = new Map<string, number>();
    const file: string[] = [];
    const line: number[] = [];
    const lineOfFrame = new Int32Array(fr.length);
    for (let i = 0; i < fr.length; i++) {
      if (fr.line[i] <= 0) {
        lineOfFrame[i] = -1;
        continue;
      }
      const key = `${fr.line[i]}\u0000${fr.file[i]}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = file.length;
        ids.set(key, id);
        file.push(fr.file[i]);
        line.push(fr.line[i]);
      }
      lineOfFrame[i] = id;
    }
    const m = file.length;
    const w = stackWeights(profile, filter);
    const self = new Float64Array(m);
    const selfSamples = new Float64Array(m);
    const total = new Float64Array(m);
    const frame = profile.stacks.frame;
    // Frames without a line share one extra key (m) so the walk can still track them.
    const keyOf = (s: number) => { const k = lineOfFrame[frame[s]]; return k < 0 ? m : k; };
    for (let s = 0; s < profile.stacks.length; s++) {
      const k = lineOfFrame[frame[s]];
      if (k < 0) continue;
      self[k] += w.self[s];
      selfSamples[k] += w.selfSamples[s];
    }
    walkTopmost(profile, keyOf, m + 1, (s, first) => {
      const k = lineOfFrame[frame[s]];
      if (first && k >= 0) total[k] += w.total[s];
    });
    return { length: m, file, line: Int32Array.from(line), self, selfSamples, total };
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
