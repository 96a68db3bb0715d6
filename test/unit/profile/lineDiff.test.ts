// The per-line diff of two profiles (diffLines): "line 41: 1.20 → 0.050 ms/frame" (numbers by budget.ts
// formatMs), matched by file and line, in the same normalisation as the function diff (ms per game frame
// when both have frames).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { describeLineDiff, diffLines } from '../../../src/core/profile/diff';
import type { Profile } from '../../../src/core/profile/types';

/** `frames` game frames; per frame: update() on line 41 for `hot` ms, on line 45 for 0.3 ms, helper() line 60 0.2 ms. */
function capture(frames: number, hot: number, withHelper = true): Profile {
  const b = new ProfileBuilder({ name: 'c', source: 'uevrcap', weightUnit: 'milliseconds' });
  const root = b.frame('on_pre_engine_tick', 'mod.lua', 3, 2);
  const update = b.frame('update', 'mod.lua', 40, 0);
  const helper = b.frame('helper', 'mod.lua', 59, 0);
  const r = b.stack(-1, root);
  const l41 = b.stack(r, update, 41);
  const l45 = b.stack(r, update, 45);
  const h = b.stack(l45, helper, 60);
  for (let i = 0; i < frames; i++) {
    const t = i * 11.1;
    b.gameFrame(i, t, 11.1, hot + 0.5);
    if (hot > 0) b.sample(l41, hot, t);
    b.sample(l45, 0.3, t + 2);
    if (withHelper) b.sample(h, 0.2, t + 3);
  }
  return b.build();
}

describe('per-line diff', () => {
  test('ms per frame per line, before → after, matched by file:line; profiles of different lengths compare', () => {
    const before = capture(100, 1.2);
    const after = capture(40, 0.05);
    const d = diffLines(before, after);
    assert.equal(d.normalisation, 'perFrame');
    assert.equal(d.unit, 'ms/frame');
    const row = (line: number) => {
      const i = Array.from(d.line).indexOf(line);
      assert.ok(i >= 0, `line ${line} in the diff`);
      return i;
    };
    const i41 = row(41);
    assert.equal(d.function[i41], 'update');
    assert.ok(Math.abs(d.selfA[i41] - 1.2) < 1e-9 && Math.abs(d.selfB[i41] - 0.05) < 1e-9);
    assert.ok(Math.abs(d.deltaSelf[i41] + 1.15) < 1e-9);
    assert.equal(describeLineDiff(d, i41), 'line 41: 1.20 → 0.050 ms/frame');
    // Line 45 calls helper: self 0.3, total 0.5 on both sides; no change.
    const i45 = row(45);
    assert.ok(Math.abs(d.totalA[i45] - 0.5) < 1e-9 && Math.abs(d.totalB[i45] - 0.5) < 1e-9);
    assert.ok(Math.abs(d.deltaSelf[i45]) < 1e-9);
    assert.deepEqual(Array.from(d.line), [41, 45, 60], 'ordered by file, then line');
  });

  test('a line on one side only; the rows of one function', () => {
    const before = capture(10, 1, true);
    const after = capture(10, 0, false);
    const d = diffLines(before, after);
    const i60 = Array.from(d.line).indexOf(60);
    assert.ok(Math.abs(d.selfA[i60] - 0.2) < 1e-9);
    assert.equal(d.selfB[i60], 0);
    const i41 = Array.from(d.line).indexOf(41);
    assert.equal(d.selfB[i41], 0);
    assert.equal(describeLineDiff(d, i41), 'line 41: 1.00 → 0 ms/frame');
    const only = diffLines(before, after, { fn: { name: 'update', file: 'mod.lua' } });
    assert.deepEqual(Array.from(only.line), [41, 45]);
    assert.deepEqual(only.function, ['update', 'update']);
  });

  test('profiles without game frames or time compare as shares (%)', () => {
    const make = (a: number, b2: number) => {
      const b = new ProfileBuilder({ name: 's', source: 'folded', weightUnit: 'samples' });
      const f = b.frame('f', 'x.lua', 1, 0);
      b.sample(b.stack(-1, f, 2), a, 0);
      b.sample(b.stack(-1, f, 3), b2, 0);
      const p = b.build();
      p.durationMs = 0;
      return p;
    };
    const d = diffLines(make(3, 1), make(1, 1));
    assert.equal(d.normalisation, 'share');
    assert.equal(d.unit, '%');
    assert.deepEqual(Array.from(d.selfA), [75, 25]);
    assert.deepEqual(Array.from(d.selfB), [50, 50]);
    assert.equal(describeLineDiff(d, 0), 'line 2: 75.0 → 50.0 %');
  });
});
