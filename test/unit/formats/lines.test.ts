// Stack lines (a frame's current line, capture format 3) through the exports and back: speedscope
// frames carry the line and a round trip restores the per-line stacks; .cpuprofile nodes carry V8's
// positionTicks (what VS Code's profile views show per line) and the importer fills lines from them;
// Chrome trace and folded stay at function granularity unless asked for lines.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportProfile, loadProfile } from '../../../src/core/formats';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { lineStats } from '../../../src/core/profile/functionStats';
import type { Profile } from '../../../src/core/profile/types';

/**
 * tick → update: update spends 3 ms on line 12 and 1 ms on line 14; on line 14 it calls helper(), which
 * spends 2 ms on line 31. A Native call from line 16 (0.5 ms) has no current line (its frame line is
 * the calling line).
 */
function lineProfile(): Profile {
  const b = new ProfileBuilder({ name: 'lines', source: 'uevrcap', weightUnit: 'milliseconds' });
  const root = b.frame('on_pre_engine_tick', 'mod.lua', 3, 2);
  const update = b.frame('update', 'mod.lua', 10, 0);
  const helper = b.frame('helper', 'mod.lua', 30, 0);
  const api = b.frame('uevr.api:find_uobject', 'mod.lua', 16, 1);
  const r = b.stack(-1, root);
  const u12 = b.stack(r, update, 12);
  const u14 = b.stack(r, update, 14);
  const h31 = b.stack(u14, helper, 31);
  const u16 = b.stack(r, update, 16);
  const n = b.stack(u16, api);
  let t = 0;
  const add = (s: number, w: number, times: number) => {
    for (let i = 0; i < times; i++) {
      b.sample(s, w, t);
      t += w;
    }
  };
  add(u12, 1, 3);
  add(u14, 1, 1);
  add(h31, 0.5, 4);
  add(n, 0.5, 1);
  return b.build();
}

/** Self and total per "file:line" (lineStats: the model's per-line numbers). */
function perLine(p: Profile): Record<string, [number, number]> {
  const ls = lineStats(p);
  const out: Record<string, [number, number]> = {};
  for (let i = 0; i < ls.length; i++) out[`${ls.file[i]}:${ls.line[i]}`] = [Number(ls.self[i].toFixed(9)), Number(ls.total[i].toFixed(9))];
  return out;
}

const load = (text: string, name: string) => loadProfile(new TextEncoder().encode(text), name);

describe('line-level exports', () => {
  const p = lineProfile();
  const truth = perLine(p);

  test('the fixture: per-line self and total as built', () => {
    assert.deepEqual(truth['mod.lua:12'], [3, 3]);
    assert.deepEqual(truth['mod.lua:14'], [1, 3]);
    assert.deepEqual(truth['mod.lua:31'], [2, 2]);
    assert.deepEqual(truth['mod.lua:16'], [0.5, 0.5]);
  });

  test('speedscope: frames carry the current line; a round trip restores the per-line stacks', () => {
    const text = exportProfile(p, 'speedscope');
    const j = JSON.parse(text) as { shared: { frames: Array<{ name: string; line?: number }> } };
    const updateLines = j.shared.frames.filter((f) => f.name === 'update').map((f) => f.line).sort((a, b) => a! - b!);
    // The function frame (definition line 10) and one frame per sampled line.
    assert.deepEqual(updateLines, [10, 12, 14, 16]);
    const q = load(text, 'x.speedscope.json');
    assert.deepEqual(perLine(q), truth);
    // The line frames map back to one 'update' frame (not four functions).
    assert.equal(q.frames.name.filter((n) => n === 'update').length, 1);
    assert.deepEqual([...new Set(Array.from(q.stacks.line))].sort((a, b) => a - b), [0, 12, 14, 16, 31]);
  });

  test('.cpuprofile: one node per function path with positionTicks; the importer fills the leaf lines', () => {
    const text = exportProfile(p, 'cpuprofile');
    const j = JSON.parse(text) as { nodes: Array<{ id: number; callFrame: { functionName: string; lineNumber: number }; hitCount: number; positionTicks?: Array<{ line: number; ticks: number }> }> };
    const updates = j.nodes.filter((n) => n.callFrame.functionName === 'update');
    assert.equal(updates.length, 1, 'update on three lines is one node');
    assert.equal(updates[0]!.callFrame.lineNumber, 9, '0-based definition line');
    assert.deepEqual(updates[0]!.positionTicks, [
      { line: 12, ticks: 3 },
      { line: 14, ticks: 1 },
    ]);
    assert.equal(updates[0]!.hitCount, 4);
    const helper = j.nodes.find((n) => n.callFrame.functionName === 'helper')!;
    assert.deepEqual(helper.positionTicks, [{ line: 31, ticks: 4 }]);
    const api = j.nodes.find((n) => n.callFrame.functionName === 'uevr.api:find_uobject')!;
    assert.equal(api.positionTicks, undefined, 'no current line, no positionTicks');
    const q = load(text, 'x.cpuprofile');
    const got = perLine(q);
    // Self per line is exact; the format has no caller lines, so the call into helper (line 14) is not a total there.
    assert.deepEqual(got['mod.lua:12'], [3, 3]);
    assert.deepEqual(got['mod.lua:14']![0], 1);
    assert.deepEqual(got['mod.lua:31'], [2, 2]);
    assert.deepEqual(got['mod.lua:16'], [0.5, 0.5]);
  });

  test('.cpuprofile import: hostile positionTicks are skipped, never fatal, and time is kept', () => {
    const prof = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, hitCount: 0, children: [2] },
        {
          id: 2,
          callFrame: { functionName: 'f', url: 'a.lua', lineNumber: 0 },
          hitCount: 4,
          positionTicks: [{ line: -3, ticks: 1 }, { line: 1.5, ticks: 1 }, { line: 2 ** 40, ticks: 1 }, { line: 5, ticks: -2 }, { line: 6, ticks: 'x' }, 'junk', null, { line: 7, ticks: 2 }],
          children: [],
        },
      ],
      startTime: 0,
      endTime: 4000,
      samples: [2, 2, 2, 2],
      timeDeltas: [0, 1000, 1000, 1000],
    };
    const q = load(JSON.stringify(prof), 'h.cpuprofile');
    assert.equal(q.samples.length, 4);
    const lines = Array.from(q.samples.stack, (s) => q.stacks.line[s]);
    assert.deepEqual(lines, [7, 7, 0, 0]);
    let total = 0;
    for (const w of q.samples.weight) total += w;
    assert.equal(total, 4);
  });

  test('Chrome trace and folded keep function granularity by default; --lines gives a frame per line', () => {
    const folded = exportProfile(p, 'folded');
    assert.deepEqual(folded.trim().split('\n').sort(), [
      'on_pre_engine_tick (mod.lua:3);update (mod.lua:10) 4',
      'on_pre_engine_tick (mod.lua:3);update (mod.lua:10);helper (mod.lua:30) 2',
      'on_pre_engine_tick (mod.lua:3);update (mod.lua:10);uevr.api:find_uobject (mod.lua:16) 0.5',
    ]);
    const foldedLines = exportProfile(p, 'folded', { lines: true });
    assert.deepEqual(foldedLines.trim().split('\n').sort(), [
      'on_pre_engine_tick (mod.lua:3);update (mod.lua:12) 3',
      'on_pre_engine_tick (mod.lua:3);update (mod.lua:14) 1',
      'on_pre_engine_tick (mod.lua:3);update (mod.lua:14);helper (mod.lua:31) 2',
      'on_pre_engine_tick (mod.lua:3);update (mod.lua:16);uevr.api:find_uobject (mod.lua:16) 0.5',
    ]);
    type Ev = { ph: string; name: string; tid: number; args?: { line?: number } };
    const events = (t: string) => (JSON.parse(t) as { traceEvents: Ev[] }).traceEvents.filter((e) => e.ph === 'X' && e.tid === 1 && e.name === 'update');
    // Function granularity: update is one span (its samples are contiguous), at its definition line.
    assert.deepEqual(events(exportProfile(p, 'chrome')).map((e) => e.args?.line), [10]);
    assert.deepEqual(events(exportProfile(p, 'chrome', { lines: true })).map((e) => e.args?.line), [12, 14, 16]);
  });

  test('a profile without lines exports as before (no positionTicks, no extra frames)', () => {
    const b = new ProfileBuilder({ name: 'plain', source: 'test', weightUnit: 'milliseconds' });
    const s = b.stackOf([b.frame('a', 'a.lua', 1, 0), b.frame('b', 'a.lua', 5, 0)]);
    b.sample(s, 1, 0);
    const plain = b.build();
    assert.ok(!exportProfile(plain, 'cpuprofile').includes('positionTicks'));
    assert.ok(!exportProfile(plain, 'speedscope').includes('lineFrames'));
    assert.equal(exportProfile(plain, 'folded', { lines: true }), exportProfile(plain, 'folded'));
  });
});
