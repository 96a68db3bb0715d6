import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { buildCallTree, buildInvertedTree, callTreePath } from '../../../src/core/profile/callTree';
import { callersAndCallees, functionStats, functionTable, lineStats } from '../../../src/core/profile/functionStats';
import { gameFrameAt, gameFramesInRange, samplesOfGameFrame, worstGameFrames } from '../../../src/core/profile/gameFrames';
import { diffProfiles } from '../../../src/core/profile/diff';
import type { CallTree, Profile } from '../../../src/core/profile/types';
import { makeProfile, simpleRows } from './helpers';

function names(p: Profile, t: CallTree): string[] {
  return Array.from({ length: t.length }, (_, i) => (i === 0 ? 'root' : callTreePath(t, i).map((f) => p.frames.name[f]).join(';')));
}

describe('ProfileBuilder', () => {
  test('interns frames and stacks, keeps parent < child', () => {
    const b = new ProfileBuilder({ name: 'x', source: 'test', weightUnit: 'samples' });
    const a1 = b.frame('a', 'f.lua', 1, 0);
    assert.equal(b.frame('a', 'f.lua', 1, 0), a1);
    assert.notEqual(b.frame('a', 'f.lua', 2, 0), a1);
    assert.notEqual(b.frame('a', 'f.lua', 1, 1), a1);
    const s = b.stackOf([a1, a1, a1]);
    assert.equal(b.stackOf([a1, a1, a1]), s);
    assert.equal(b.stackCount, 3);
    b.sample(s, 1, 5);
    b.sample(-1, 2, 1); // out of order: build sorts
    const p = b.build();
    assert.deepEqual(Array.from(p.samples.time), [1, 5]);
    assert.deepEqual(Array.from(p.samples.stack), [-1, s]);
    for (let i = 0; i < p.stacks.length; i++) assert.ok(p.stacks.parent[i] < i);
    assert.equal(p.frames.length, 3);
  });

  test('duration from the last sample for time weights', () => {
    const p = makeProfile(simpleRows);
    assert.equal(p.durationMs, 14);
    assert.equal(p.samples.length, 5);
  });
});

describe('call trees', () => {
  const p = makeProfile(simpleRows);

  test('top-down tree: preorder, sizes, left-heavy, exact weights', () => {
    const t = buildCallTree(p);
    assert.deepEqual(names(p, t), ['root', 'a', 'a;b', 'a;b;c', 'a;b;d']);
    assert.deepEqual(Array.from(t.total), [14, 14, 14, 5, 4]);
    assert.deepEqual(Array.from(t.self), [0, 0, 5, 5, 4]);
    assert.deepEqual(Array.from(t.samples), [5, 5, 5, 3, 1]);
    assert.deepEqual(Array.from(t.size), [5, 4, 3, 1, 1]);
    assert.deepEqual(Array.from(t.depth), [0, 1, 2, 3, 3]);
    assert.deepEqual(Array.from(t.parent), [-1, 0, 1, 2, 2]);
    assert.equal(t.maxDepth, 3);
    assert.equal(buildCallTree(p), t, 'cached');
  });

  test('time range and game-frame filters', () => {
    const r = buildCallTree(p, { range: [2, 9] });
    assert.deepEqual(names(p, r), ['root', 'a', 'a;b', 'a;b;d', 'a;b;c']);
    assert.deepEqual(Array.from(r.total), [7, 7, 7, 4, 3]);
    const g = makeProfile(simpleRows, [[0, 2], [2, 4], [6, 8]]);
    const t = buildCallTree(g, { gameFrames: [0, 2] });
    assert.deepEqual(Array.from(t.total), [10, 10, 10, 5]);
    assert.deepEqual(names(g, t), ['root', 'a', 'a;b', 'a;b;c']);
    assert.equal(buildCallTree(g, { gameFrames: [7] }).length, 1);
  });

  test('inverted tree', () => {
    const t = buildInvertedTree(p);
    assert.deepEqual(names(p, t), ['root', 'b', 'b;a', 'c', 'c;b', 'c;b;a', 'd', 'd;b', 'd;b;a']);
    assert.deepEqual(Array.from(t.total), [14, 5, 5, 5, 5, 5, 4, 4, 4]);
    assert.deepEqual(Array.from(t.self), [0, 0, 5, 0, 0, 5, 0, 0, 4]);
    assert.deepEqual(Array.from(t.size), [9, 2, 1, 3, 2, 1, 3, 2, 1]);
  });

  test('idle samples count in the root only', () => {
    const q = makeProfile([[0, 2, ''], [2, 3, 'a']]);
    const t = buildCallTree(q);
    assert.deepEqual(Array.from(t.total), [5, 3]);
    assert.deepEqual(Array.from(t.self), [2, 3]);
  });

  test('a 200k-deep stack does not overflow', () => {
    const b = new ProfileBuilder({ name: 'deep', source: 'test', weightUnit: 'samples' });
    const f = b.frame('r');
    let s = -1;
    for (let i = 0; i < 200_000; i++) s = b.stack(s, f);
    b.sample(s, 1, 0);
    const q = b.build();
    const t = buildCallTree(q);
    assert.equal(t.length, 200_001);
    assert.equal(t.maxDepth, 200_000);
    assert.equal(functionStats(q).total[0], 1, 'recursion counted once');
    assert.equal(buildInvertedTree(q).length, 200_001);
  });
});

describe('function and line stats', () => {
  test('self/total and per-line self', () => {
    const p = makeProfile(simpleRows);
    const s = functionStats(p);
    const fns = functionTable(p);
    const byName = (n: string) => fns.name.indexOf(n);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((n) => s.self[byName(n)]), [0, 5, 5, 4]);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((n) => s.total[byName(n)]), [14, 14, 5, 4]);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((n) => s.totalSamples[byName(n)]), [5, 5, 3, 1]);
    assert.equal(s.weight, 14);
    const l = lineStats(p);
    const at = (line: number) => l.line.indexOf(line);
    assert.deepEqual([1, 2, 3, 4].map((x) => l.self[at(x)]), [0, 5, 5, 4]);
    assert.deepEqual([1, 2, 3, 4].map((x) => l.total[at(x)]), [14, 14, 5, 4]);
  });

  test('recursion is not double counted', () => {
    const p = makeProfile([[0, 2, 'a;b;a;b'], [2, 1, 'a']]);
    const s = functionStats(p);
    assert.deepEqual(Array.from(s.total), [3, 2]);
    assert.deepEqual(Array.from(s.self), [1, 2]);
    const sw = callersAndCallees(p, 1);
    assert.deepEqual(sw.callers, [{ fn: 0, total: 2, samples: 1 }]);
    assert.deepEqual(sw.callees, [{ fn: 0, total: 2, samples: 1 }]);
  });

  test('functions fold frames that differ by line; per-line self', () => {
    const b = new ProfileBuilder({ name: 'x', source: 'test', weightUnit: 'milliseconds' });
    const f10 = b.frame('f', 'm.lua', 10, 0);
    const f12 = b.frame('f', 'm.lua', 12, 0);
    b.sample(b.stackOf([f10]), 1.5, 0);
    b.sample(b.stackOf([f12]), 2.5, 1.5);
    b.sample(b.stackOf([f12]), 1, 4);
    const s = functionStats(b.build());
    assert.equal(s.functions.length, 1);
    assert.equal(s.functions.line[0], 10);
    assert.equal(s.self[0], 5);
    assert.deepEqual(Array.from(s.lines.line), [10, 12]);
    assert.deepEqual(Array.from(s.lines.self), [1.5, 3.5]);
  });

  test('sandwich: callers and callees', () => {
    const p = makeProfile([...simpleRows, [14, 2, 'x;b;d']]);
    const fns = functionTable(p);
    const sw = callersAndCallees(p, fns.name.indexOf('b'));
    assert.equal(sw.total, 16);
    assert.equal(sw.self, 5);
    assert.deepEqual(sw.callers.map((r) => [fns.name[r.fn], r.total]), [['a', 14], ['x', 2]]);
    assert.deepEqual(sw.callees.map((r) => [fns.name[r.fn], r.total]), [['d', 6], ['c', 5]]);
    const root = callersAndCallees(p, fns.name.indexOf('a'));
    assert.deepEqual(root.callers, [{ fn: -1, total: 14, samples: 5 }]);
  });
});

describe('game frames', () => {
  const p = makeProfile(simpleRows, [[0, 2], [2, 4], [6, 8]]);
  test('slices', () => {
    assert.deepEqual(Array.from(gameFramesInRange(p, 1, 3)), [0, 1]);
    assert.deepEqual(Array.from(gameFramesInRange(p, 20, 30)), []);
    assert.deepEqual(Array.from(worstGameFrames(p, 2)), [2, 1]);
    assert.deepEqual(Array.from(worstGameFrames(p, 5, 'scriptsTime')), [2, 1, 0]);
    assert.equal(gameFrameAt(p, 6), 2);
    assert.equal(gameFrameAt(p, 14), -1);
    assert.deepEqual(samplesOfGameFrame(p, 2), [3, 5]);
    assert.deepEqual(Array.from(worstGameFrames(makeProfile(simpleRows), 3)), []);
  });
});

describe('diff', () => {
  test('per frame when both have game frames', () => {
    const a = makeProfile(simpleRows, [[0, 5], [5, 5], [10, 4]]);
    const b = makeProfile([...simpleRows, [14, 6, 'a;e']], [[0, 10], [10, 10]]);
    const d = diffProfiles(a, b);
    assert.equal(d.normalisation, 'perFrame');
    const fa = d.functions.name.indexOf('a');
    const close = (x: number, y: number) => assert.ok(Math.abs(x - y) < 1e-12, `${x} ≈ ${y}`);
    close(d.functions.totalA[fa], 14 / 3);
    close(d.functions.totalB[fa], 10);
    close(d.functions.deltaTotal[fa], 10 - 14 / 3);
    const fe = d.functions.name.indexOf('e');
    assert.equal(d.functions.totalA[fe], 0);
    assert.equal(d.functions.deltaSelf[fe], 3);
    // Union tree: root, a, a;b, a;b;c, a;b;d, a;e
    assert.equal(d.tree.length, 6);
    assert.equal(d.tree.totalB[0], 10);
    const e = Array.from(d.tree.frame).indexOf(fe);
    assert.equal(d.tree.deltaTotal[e], 3);
    assert.equal(d.tree.depth[e], 2);
  });

  test('per second without game frames', () => {
    const a = makeProfile(simpleRows);
    const b = makeProfile(simpleRows.map(([t, w, s]) => [t * 2, w * 2, s] as [number, number, string]));
    const d = diffProfiles(a, b);
    assert.equal(d.normalisation, 'perSecond');
    for (const v of d.functions.deltaTotal) assert.ok(Math.abs(v) < 1e-9);
    assert.ok(Math.abs(d.functions.totalA[0] - 1000) < 1e-9);
  });
});

describe('edge cases of the views', () => {
  test('diff falls back to shares when neither frames nor durations exist', () => {
    const b1 = new ProfileBuilder({ name: 'a', source: 'folded', weightUnit: 'samples' });
    b1.sample(b1.stackOf([b1.frame('x')]), 3, 0);
    b1.sample(b1.stackOf([b1.frame('y')]), 1, 3);
    b1.durationMs = 0;
    const b2 = new ProfileBuilder({ name: 'b', source: 'folded', weightUnit: 'samples' });
    b2.sample(b2.stackOf([b2.frame('x')]), 10, 0);
    b2.durationMs = 0;
    const d = diffProfiles(b1.build(), b2.build());
    assert.equal(d.normalisation, 'share');
    const x = d.functions.name.indexOf('x');
    const y = d.functions.name.indexOf('y');
    assert.equal(d.functions.totalA[x], 0.75);
    assert.equal(d.functions.totalB[x], 1);
    assert.equal(d.functions.deltaTotal[y], -0.25);
  });

  test('lineStats skips frames without a line; views are cached per filter', () => {
    const b = new ProfileBuilder({ name: 'l', source: 'test', weightUnit: 'milliseconds' });
    const native = b.frame('uevr.api', '', 0, 1);
    const lua = b.frame('f', 'm.lua', 4, 0);
    b.sample(b.stackOf([lua, native]), 2, 0);
    b.sample(b.stackOf([lua]), 1, 2);
    const p = b.build();
    const l = lineStats(p);
    assert.equal(l.length, 1);
    assert.equal(l.self[0], 1);
    assert.equal(l.total[0], 3);
    assert.equal(buildCallTree(p, { range: [0, 1] }).total[0], 2);
    assert.equal(buildCallTree(p, { range: [2, 3] }).total[0], 1);
    assert.notEqual(buildCallTree(p, { range: [0, 1] }), buildCallTree(p));
  });

  test('stacks whose parents come later (not built by ProfileBuilder) still aggregate', () => {
    const p: Profile = {
      name: 'raw', source: 'test', weightUnit: 'samples', durationMs: 0, meta: {},
      frames: { length: 2, name: ['a', 'b'], file: ['', ''], line: new Int32Array(2), kind: new Uint8Array(2) },
      // stack 0 = a;b (parent 1), stack 1 = a
      stacks: { length: 2, parent: Int32Array.from([1, -1]), frame: Int32Array.from([1, 0]), line: new Int32Array(2) },
      samples: { length: 2, stack: Int32Array.from([0, 1]), weight: Float64Array.from([2, 1]), time: Float64Array.from([0, 1]) },
    };
    const t = buildCallTree(p);
    assert.deepEqual(Array.from(t.total), [3, 3, 2]);
    assert.deepEqual(Array.from(t.frame), [-1, 0, 1]);
    assert.deepEqual(Array.from(functionStats(p).total), [3, 2]);
    assert.deepEqual(Array.from(buildInvertedTree(p).total), [3, 2, 2, 1]);
  });

  test('a parent cycle in corrupt input does not hang', () => {
    const p: Profile = {
      name: 'cyc', source: 'test', weightUnit: 'samples', durationMs: 0, meta: {},
      frames: { length: 1, name: ['a'], file: [''], line: new Int32Array(1), kind: new Uint8Array(1) },
      stacks: { length: 2, parent: Int32Array.from([1, 0]), frame: Int32Array.from([0, 0]), line: new Int32Array(2) },
      samples: { length: 1, stack: Int32Array.from([0]), weight: Float64Array.from([1]), time: Float64Array.from([0]) },
    };
    assert.equal(buildCallTree(p).total[0], 1);
    functionStats(p);
    buildInvertedTree(p);
    lineStats(p);
  });
});
