// The DOM-free parts of the line-level views (issue 12): flame chart runs by function or by
// function+line, the per-line diff of two captures, the view state's "by line" flag, and profiles
// crossing to the webview with their stacks' lines.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { biggestLineChanges, diffLines } from '../../../src/core/profile';
import { parseViewState, DEFAULT_VIEW_STATE } from '../../../src/core/view/messages';
import { packProfile, unpackProfile } from '../../../src/core/view/packProfile';
import { buildTimeOrder } from '../../../src/core/view/timeOrder';
import { lineProfile, smallProfile } from '../../webview/fixtures';

describe('flame chart runs and current lines', () => {
  test('by function, samples of one function on different lines are one run; by line they split', () => {
    const p = lineProfile();
    const name = (t: ReturnType<typeof buildTimeOrder>, i: number): string => p.frames.name[t.frame[i]];
    // First frame only (samples 0..9): 6 × tick:12, 2 × tick:13→helper:31, 2 × tick:14.
    const fn = buildTimeOrder(p, 0, 10);
    assert.deepEqual(Array.from({ length: fn.length }, (_, i) => `${name(fn, i)}@${fn.start[i]}+${fn.width[i]}:${fn.line[i]}`), [
      'on_pre_engine_tick@0+10:0',
      'tick@0+10:0',
      'helper@6+2:0',
    ]);
    const ln = buildTimeOrder(p, 0, 10, 1000, [[0, 10]], true);
    assert.deepEqual(Array.from({ length: ln.length }, (_, i) => `${name(ln, i)}@${ln.start[i]}+${ln.width[i]}:${ln.line[i]}`), [
      'on_pre_engine_tick@0+10:0',
      'tick@0+6:12',
      'tick@6+2:13',
      'helper@6+2:31',
      'tick@8+2:14',
    ]);
    assert.deepEqual(Array.from(ln.size), [5, 1, 2, 1, 1]);
  });

  test('profiles without current lines draw the same chart either way', () => {
    const p = smallProfile();
    const a = buildTimeOrder(p);
    const b = buildTimeOrder(p, 0, p.samples.length, 4_000_000, [[0, p.samples.length]], true);
    assert.deepEqual([...b.frame], [...a.frame]);
    assert.deepEqual([...b.width], [...a.width]);
    assert.ok(b.line.every((l) => l === 0));
  });
});

describe('per-line diff (the diff view\'s model: diffLines, biggestLineChanges)', () => {
  test('lines match by file and line, scaled per frame; the changed lines, biggest change of self time first', () => {
    const before = lineProfile('before', 6);
    const after = lineProfile('after', 1);
    const d = diffLines(before, after);
    assert.equal(d.unit, 'ms/frame');
    // The callback's own line (its registration, line 5) is left out: its time is the callback's.
    assert.deepEqual(
      Array.from({ length: d.length }, (_, i) => [d.line[i], d.function[i], d.selfA[i], d.selfB[i], d.totalA[i], d.totalB[i]]),
      [
        [12, 'tick', 6, 1, 6, 1],
        [13, 'tick', 0, 0, 2, 2],
        [14, 'tick', 2, 2, 2, 2],
        [31, 'helper', 2, 2, 2, 2],
      ],
    );
    assert.deepEqual(biggestLineChanges(d).map((i) => d.line[i]), [12]);
  });

  test('a line only one side has is compared with zero; biggest changes first, ties by file and line, at most max', () => {
    const before = smallProfile('before');
    const after = lineProfile('after');
    const d = diffLines(before, after);
    const at = (file: string, line: number): number => Array.from({ length: d.length }, (_, i) => i).find((i) => d.file[i] === file && d.line[i] === line) ?? -1;
    const l12 = at('mod.lua', 12);
    assert.deepEqual([d.selfA[l12], d.selfB[l12]], [0, 6]);
    const find = at('hands.lua', 55);
    assert.deepEqual([d.function[find], d.selfA[find], d.selfB[find]], ['find_component', 4, 0]);
    const key = (i: number): string => `${d.file[i]}:${d.line[i]}`;
    // Lines whose self time did not change (mod.lua:13, its self is 0 on both sides) are not listed.
    assert.deepEqual(biggestLineChanges(d).map(key), ['mod.lua:12', 'hands.lua:55', 'hands.lua:20', 'mod.lua:14', 'mod.lua:31', '<img src=x onerror=alert(2)>.lua:1', 'ui.lua:5']);
    assert.deepEqual(biggestLineChanges(d, 2).map(key), ['mod.lua:12', 'hands.lua:55']);
  });
});

describe('view state and transport', () => {
  test('"by line" is kept in the view state and checked like every other field', () => {
    assert.deepEqual(parseViewState({ ...DEFAULT_VIEW_STATE, byLine: true })?.byLine, true);
    assert.equal(parseViewState({ ...DEFAULT_VIEW_STATE })?.byLine, undefined);
    assert.equal(parseViewState({ ...DEFAULT_VIEW_STATE, byLine: 'yes' }), undefined);
    // The zoomed node's lines travel with its path, checked the same way.
    assert.deepEqual(parseViewState({ ...DEFAULT_VIEW_STATE, byLine: true, flameZoomPath: [0, 1], flameZoomLines: [0, 14] })?.flameZoomLines, [0, 14]);
    for (const bad of [[-1], [1.5], ['12'], new Array(10_001).fill(1), 'x']) {
      assert.equal(parseViewState({ ...DEFAULT_VIEW_STATE, flameZoomLines: bad }), undefined, JSON.stringify(bad).slice(0, 40));
    }
  });

  test('stacks keep their lines through packing; a pack without them reads as unknown lines', () => {
    const p = lineProfile();
    const { header, bytes } = packProfile(p);
    assert.deepEqual([...unpackProfile(header, bytes).stacks.line], [...p.stacks.line]);
    const old = { ...header, columns: header.columns.filter((c) => c.path !== 'stacks.line') };
    const q = unpackProfile(old, bytes);
    assert.equal(q.stacks.line.length, p.stacks.length);
    assert.ok(q.stacks.line.every((l) => l === 0));
  });
});
