// The line-level model: stacks carry the current line of their frame, trees can group by
// function+line, and per-line self/total follow the sampled lines (issue 12's model contract).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { buildCallTree, buildInvertedTree } from '../../../src/core/profile/callTree';
import { functionLineStats, functionStats, functionTable, lineStats } from '../../../src/core/profile/functionStats';
import type { Profile } from '../../../src/core/profile/types';

/**
 * cb (callback root) → tick (mod.lua:10) → helper (mod.lua:30).
 * tick runs line 12 for 6 ms (self), line 14 for 2 ms (self); from line 13 it calls helper, which
 * spends 3 ms on line 31 and 1 ms on line 33. One sample per ms.
 */
function lineProfile(): Profile {
  const b = new ProfileBuilder({ name: 'lines', source: 'test', weightUnit: 'milliseconds' });
  const cb = b.frame('on_pre_engine_tick', 'mod.lua', 5, 2);
  const tick = b.frame('tick', 'mod.lua', 10, 0);
  const helper = b.frame('helper', 'mod.lua', 30, 0);
  let t = 0;
  const add = (frames: number[], lines: number[], count: number) => {
    const s = b.stackOf(frames, -1, lines);
    for (let i = 0; i < count; i++) b.sample(s, 1, t++);
  };
  add([cb, tick], [0, 12], 6);
  add([cb, tick], [0, 14], 2);
  add([cb, tick, helper], [0, 13, 31], 3);
  add([cb, tick, helper], [0, 13, 33], 1);
  return b.build();
}

describe('line-level stacks', () => {
  test('stacks are interned by parent, frame and line; frames are not duplicated per line', () => {
    const b = new ProfileBuilder({ name: 'x', source: 'test', weightUnit: 'samples' });
    const f = b.frame('f', 'a.lua', 3, 0);
    const s12 = b.stack(-1, f, 12);
    assert.equal(b.stack(-1, f, 12), s12);
    const s13 = b.stack(-1, f, 13);
    assert.notEqual(s13, s12);
    const s0 = b.stack(-1, f);
    assert.notEqual(s0, s12);
    assert.equal(b.stack(-1, f, 0), s0);
    // Not a positive integer: unknown, never a bogus line.
    assert.equal(b.stack(-1, f, -4), s0);
    assert.equal(b.stack(-1, f, Number.NaN), s0);
    assert.equal(b.stack(-1, f, 2 ** 40), s0);
    assert.equal(b.frameCount, 1);
    const p = b.build();
    assert.deepEqual(Array.from(p.stacks.line), [12, 13, 0]);
  });

  test('the function-grouped tree is unchanged by lines; byLine splits nodes per line', () => {
    const p = lineProfile();
    const byFn = buildCallTree(p);
    // root, cb, tick, helper
    assert.equal(byFn.length, 4);
    assert.deepEqual(Array.from(byFn.total), [12, 12, 12, 4]);
    assert.ok(Array.from(byFn.line).every((l) => l === 0));
    const byLine = buildCallTree(p, { byLine: true });
    const rows = Array.from({ length: byLine.length }, (_, i) => `${byLine.frame[i] < 0 ? 'root' : p.frames.name[byLine.frame[i]]}:${byLine.line[i]}=${byLine.total[i]}/${byLine.self[i]}`);
    assert.deepEqual(rows, ['root:0=12/0', 'on_pre_engine_tick:0=12/0', 'tick:12=6/6', 'tick:13=4/0', 'helper:31=3/3', 'helper:33=1/1', 'tick:14=2/2']);
    // The two groupings are cached apart.
    assert.equal(buildCallTree(p).length, 4);
    const inv = buildInvertedTree(p, { byLine: true });
    assert.equal(inv.total[0], 12);
    assert.ok(Array.from(inv.line).includes(31));
  });

  test('lineStats: self at the leaf line, total once per sample, the owning function named', () => {
    const p = lineProfile();
    const ls = lineStats(p);
    const fns = functionTable(p);
    const at = (line: number) => {
      const i = Array.from(ls.line).indexOf(line);
      assert.ok(i >= 0, `line ${line} present`);
      return { self: ls.self[i], total: ls.total[i], fn: fns.name[ls.fn[i]] };
    };
    assert.deepEqual(at(12), { self: 6, total: 6, fn: 'tick' });
    assert.deepEqual(at(13), { self: 0, total: 4, fn: 'tick' });
    assert.deepEqual(at(14), { self: 2, total: 2, fn: 'tick' });
    assert.deepEqual(at(31), { self: 3, total: 3, fn: 'helper' });
    // The callback root has no current line: it counts at its own (registration) line, as before.
    assert.deepEqual(at(5), { self: 0, total: 12, fn: 'on_pre_engine_tick' });
    // Function headers get nothing once the current lines are known.
    assert.ok(!Array.from(ls.line).includes(10));
    assert.ok(!Array.from(ls.line).includes(30));
  });

  test('a recursive function on one line counts the line once per sample', () => {
    const b = new ProfileBuilder({ name: 'rec', source: 'test', weightUnit: 'milliseconds' });
    const f = b.frame('walk', 'r.lua', 1, 0);
    const s = b.stackOf([f, f, f], -1, [4, 4, 6]);
    b.sample(s, 2, 0);
    const p = b.build();
    const ls = lineStats(p);
    const i4 = Array.from(ls.line).indexOf(4);
    assert.equal(ls.total[i4], 2);
    assert.equal(ls.self[i4], 0);
    const rows = functionLineStats(p, functionTable(p).ofFrame[f]);
    assert.deepEqual(Array.from(rows.line), [4, 6]);
    assert.deepEqual(Array.from(rows.total), [2, 2]);
    assert.deepEqual(Array.from(rows.self), [0, 2]);
  });

  test('functionLineStats expands one function into its lines; functionStats totals are per function', () => {
    const p = lineProfile();
    const fns = functionTable(p);
    const tick = fns.name.indexOf('tick');
    const rows = functionLineStats(p, tick);
    assert.deepEqual(Array.from(rows.line), [12, 13, 14]);
    assert.deepEqual(Array.from(rows.self), [6, 0, 2]);
    assert.deepEqual(Array.from(rows.total), [6, 4, 2]);
    const fs = functionStats(p);
    assert.equal(fs.total[tick], 12);
    assert.equal(fs.self[tick], 8);
    assert.equal(functionLineStats(p, 999).length, 0);
  });

  test('profiles without current lines keep the old per-line behaviour (frame lines)', () => {
    const b = new ProfileBuilder({ name: 'old', source: 'test', weightUnit: 'milliseconds' });
    const f = b.frame('f', 'o.lua', 7, 0);
    const g = b.frame('get_pawn', 'o.lua', 9, 1);
    b.sample(b.stackOf([f, g]), 3, 0);
    b.sample(b.stackOf([f]), 1, 3);
    const ls = lineStats(b.build());
    assert.deepEqual(Array.from(ls.line).sort(), [7, 9]);
    const i9 = Array.from(ls.line).indexOf(9);
    assert.equal(ls.self[i9], 3);
  });
});

test("a line whose time is all in a native call belongs to the Lua function that runs it, whichever frame came first", () => {
  for (const nativeFirst of [true, false]) {
    const b = new ProfileBuilder({ name: 'n', source: 'uevrcap', weightUnit: 'milliseconds' });
    b.durationMs = 100;
    // A native call's frame line is its call site (mod.lua:12), the line tick is executing.
    const frames = nativeFirst
      ? { nat: b.frame('api:find_uobject', 'mod.lua', 12, 1), tick: b.frame('tick', 'mod.lua', 10, 0) }
      : { tick: b.frame('tick', 'mod.lua', 10, 0), nat: b.frame('api:find_uobject', 'mod.lua', 12, 1) };
    const atLine = b.stack(-1, frames.tick, 12);
    b.sample(b.stack(atLine, frames.nat, 0), 5, 1);
    const p = b.build();
    const ls = lineStats(p);
    const i = Array.from(ls.line).indexOf(12);
    assert.ok(i >= 0);
    assert.equal(functionTable(p).name[ls.fn[i]], 'tick', `native frame interned ${nativeFirst ? 'first' : 'second'}`);
  }
});
