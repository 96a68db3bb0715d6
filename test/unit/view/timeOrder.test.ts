import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile';
import { buildTimeOrder, hasTimestamps } from '../../../src/core/view/timeOrder';
import { foldedLikeProfile, smallProfile } from '../../webview/fixtures';

describe('buildTimeOrder (flame chart runs)', () => {
  test('merges consecutive samples that share a stack prefix, per depth', () => {
    const p = smallProfile();
    const t = buildTimeOrder(p);
    const name = (i: number): string => p.frames.name[t.frame[i]];
    // One tick run over everything, then per game frame: hands(find), ui, hostile.
    assert.equal(t.length, 41);
    assert.equal(name(0), 'on_pre_engine_tick');
    assert.equal(t.start[0], 0);
    assert.equal(t.width[0], 116); // last sample starts at 115 and weighs 1 ms
    assert.equal(t.size[0], 41);
    assert.deepEqual([name(1), t.start[1], t.width[1], t.size[1], t.depth[1]], ['update_hands', 0, 6, 2, 1]);
    assert.deepEqual([name(2), t.start[2], t.width[2], t.depth[2]], ['find_component', 0, 4, 2]);
    assert.deepEqual([name(3), t.start[3], t.width[3]], ['update_ui', 6, 1]);
    assert.deepEqual([t.start[4], t.width[4]], [7, 1]);
    assert.deepEqual([name(5), t.start[5], t.width[5]], ['update_hands', 12, 6]);
    assert.equal(t.maxDepth, 2);
    assert.equal(t.truncated, false);
    assert.equal(t.to, 80);
  });

  test('a sample range covers only those samples', () => {
    const t = buildTimeOrder(smallProfile(), 8, 16);
    assert.equal(t.length, 5);
    assert.equal(t.start[0], 12);
    assert.equal(t.width[0], 8);
  });

  test('disjoint sample ranges (e.g. the worst frames) never merge runs across the gap', () => {
    const p = smallProfile();
    const t = buildTimeOrder(p, 0, 80, 1000, [
      [0, 8],
      [24, 32],
    ]);
    assert.equal(t.length, 10);
    assert.deepEqual([t.start[0], t.width[0], t.size[0]], [0, 8, 5]);
    assert.deepEqual([t.start[5], t.width[5], t.size[5], t.depth[5]], [36, 8, 5, 0]); // samples 24–31 are game frame 3 (36 ms)
    assert.equal(t.to, 32);
  });

  test('stops at the node cap and says so', () => {
    const t = buildTimeOrder(smallProfile(), 0, 80, 10);
    assert.equal(t.truncated, true);
    assert.ok(t.length <= 10);
    assert.ok(t.to < 80);
    // What was built is still a consistent preorder tree.
    for (let i = 0; i < t.length; i++) assert.ok(i + t.size[i] <= t.length);
  });

  test('without timestamps the axis is cumulative weight', () => {
    const p = foldedLikeProfile();
    assert.equal(hasTimestamps(p), false);
    const t = buildTimeOrder(p);
    assert.equal(t.width[0], 50);
    assert.deepEqual(Array.from(t.start), [0, 0, 30]);
  });

  test('sample weights in samples span until the next sample', () => {
    const b = new ProfileBuilder({ name: 'x', source: 'test', weightUnit: 'samples' });
    const f = b.frame('f');
    const g = b.frame('g');
    b.sample(b.stackOf([f]), 1, 0);
    b.sample(b.stackOf([g]), 1, 5);
    b.sample(b.stackOf([g]), 1, 7);
    const t = buildTimeOrder(b.build());
    assert.deepEqual(Array.from(t.start), [0, 5]);
    assert.deepEqual(Array.from(t.width), [5, 4]); // the last sample lasts as long as the gap before it
  });

  test('idle samples (stack -1) and corrupt stack ids are skipped', () => {
    const b = new ProfileBuilder({ name: 'x', source: 'test', weightUnit: 'milliseconds' });
    const f = b.frame('f');
    b.sample(-1, 1, 0);
    b.sample(b.stackOf([f]), 1, 1);
    const p = b.build();
    p.samples.stack[0] = 999;
    const t = buildTimeOrder(p);
    assert.equal(t.length, 1);
    assert.equal(t.start[0], 1);
  });
});
