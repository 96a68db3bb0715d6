// The editor's measured records from a capture that knows the current line of every Lua frame
// (issue 12): costs land on the lines inside a function body, with callers and the function's name,
// the hotspot diagnostic points at the hot line rather than the function header, and findings on a
// line get that line's cost. Captures without current lines keep the function-header records.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMeasured, byLine, hotspotFindings, measuredHover } from '../../../src/core/analyzer/measured';
import type { Finding } from '../../../src/core/analyzer/types';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import type { Profile } from '../../../src/core/profile/types';
import { measuredRecords } from '../../../src/core/report/measured';

const FILE = 'C:\\Game\\scripts\\mod.lua';

/**
 * 10 game frames of 11.11 ms at 90 Hz. on_pre_engine_tick (mod.lua:10) runs `tick` once a frame
 * for 4 ms: 2 ms on line 12 (a loop), 0.5 ms on line 14, and 1.5 ms in helper called from line 13
 * (1.2 ms on helper's line 31, 0.3 ms on line 33). With `lines` false the stacks carry no current
 * lines, as a capture before format version 3.
 */
function lineCapture(lines = true): Profile {
  const b = new ProfileBuilder({ name: 'c', source: 'uevrcap', weightUnit: 'milliseconds' });
  b.durationMs = 111.1;
  const cb = b.callback('on_pre_engine_tick', FILE, 10);
  const root = b.frame('on_pre_engine_tick', 'mod.lua', 10, 2);
  const tick = b.frame('tick', 'mod.lua', 10, 0);
  const helper = b.frame('helper', 'mod.lua', 30, 0);
  const at = (frames: number[], ls: number[]) => b.stackOf(frames, -1, lines ? ls : undefined);
  const s12 = at([root, tick], [0, 12]);
  const s14 = at([root, tick], [0, 14]);
  const s31 = at([root, tick, helper], [0, 13, 31]);
  const s33 = at([root, tick, helper], [0, 13, 33]);
  for (let f = 0; f < 10; f++) {
    const t = f * 11.11;
    const row = b.gameFrame(1000 + f, t, 11.11, 4);
    b.callbackTiming(row, cb, -1, t, 4);
    b.sample(s12, 2, t + 0.1);
    b.sample(s31, 1.2, t + 2.1);
    b.sample(s33, 0.3, t + 3.3);
    b.sample(s14, 0.5, t + 3.6);
  }
  return b.build();
}

const lineRange = (l: number) => ({ start: { line: l, character: 0 }, end: { line: l, character: 10 } });

test('line records sit on the sampled lines of the body, with self, total, p95, callers and the function', () => {
  const records = measuredRecords(lineCapture(), { refreshRateHz: 90 });
  const line = (l: number) => records.find((r) => r.line === l && !r.functionName);
  assert.equal(line(12)?.selfMsPerFrame.toFixed(3), '2.000');
  assert.equal(line(12)?.totalMsPerFrame.toFixed(3), '2.000');
  assert.equal(line(12)?.p95Ms?.toFixed(3), '2.000');
  assert.equal(line(12)?.inFunction, 'tick');
  assert.deepEqual(line(12)?.topCallers.map((c) => [c.name, c.msPerFrame.toFixed(3)]), [['on_pre_engine_tick', '2.000']]);
  // The call site: no time of its own, the callee's 1.5 ms as total.
  assert.equal(line(13)?.selfMsPerFrame, 0);
  assert.equal(line(13)?.totalMsPerFrame.toFixed(3), '1.500');
  assert.equal(line(31)?.selfMsPerFrame.toFixed(3), '1.200');
  assert.equal(line(31)?.inFunction, 'helper');
  assert.deepEqual(line(31)?.topCallers.map((c) => c.name), ['tick'], 'helper is called by tick');
  assert.equal(line(14)?.selfMsPerFrame.toFixed(3), '0.500');
  // Calls per frame are known for the callback's own line only (host timings).
  assert.equal(line(10)?.callsPerFrame, 1);
  assert.equal(line(12)?.callsPerFrame, null);
  // The function record (CodeLens) is still at the definition line, with the whole function's cost.
  const tick = records.find((r) => r.functionName === 'tick');
  assert.equal(tick?.line, 10);
  assert.equal(tick?.totalMsPerFrame.toFixed(3), '4.000');
  assert.equal(tick?.selfMsPerFrame.toFixed(3), '2.500');
});

test('UEVR100 points at the hot line of the body, not at the function header', () => {
  const records = measuredRecords(lineCapture(), { refreshRateHz: 90 });
  const hs = hotspotFindings(records, lineRange, 90);
  assert.equal(hs[0].range.start.line + 1, 12, hs.map((h) => `${h.range.start.line + 1}: ${h.message}`).join('\n'));
  assert.match(hs[0].message, /^Hotspot: 2\.00 ms\/frame, 18% of the 11\.1 ms budget at 90 Hz on this line of tick/);
  assert.deepEqual(hs.map((h) => h.range.start.line + 1), [12, 31, 14, 33], 'costliest self first; the header (no self time) is no hotspot');

  // The same capture without current lines: everything lands on the function headers, as before.
  const old = hotspotFindings(measuredRecords(lineCapture(false), { refreshRateHz: 90 }), lineRange, 90);
  assert.deepEqual(old.map((h) => h.range.start.line + 1), [10, 30]);
});

test('a finding on a line inside the body is worded with that line\'s measured cost', () => {
  const records = measuredRecords(lineCapture(), { refreshRateHz: 90 });
  const finding = (l: number): Finding => ({ code: 'UEVR001', severity: 'hint', message: 'find_uobject every frame.', range: lineRange(l - 1), hot: null, fixes: [] });
  const [on31, on14] = applyMeasured([finding(14), finding(31)], records, 90).map((f) => f);
  assert.equal(on31.range.start.line + 1, 31, 'costliest first');
  assert.match(on31.message, /^Measured 1\.20 ms\/frame, 11% of the 11\.1 ms budget at 90 Hz\. find_uobject/);
  assert.equal(on31.severity, 'error', '≥ 10 % of the budget');
  assert.match(on14.message, /^Measured 0\.50 ms\/frame/);
  assert.equal(on14.measuredMsPerFrame?.toFixed(3), '0.500');
});

test('the hover of a body line names the line and function, self and total with their share, and callers', () => {
  const records = measuredRecords(lineCapture(), { refreshRateHz: 90 });
  const rec = byLine(records.filter((r) => r.file === 'mod.lua')).get(31);
  assert.ok(rec);
  const text = measuredHover(rec, [], 90);
  assert.match(text, /measured on line 31 in `helper`: 1\.20 ms\/frame, 11% of the 11\.1 ms budget at 90 Hz/);
  assert.match(text, /\| self \| 1\.20 ms\/frame \(11% of budget\) \|/);
  assert.match(text, /\| total \| 1\.20 ms\/frame \(11% of budget\) \|/);
  assert.match(text, /Top callers: `tick` 1\.20 ms/);
  assert.doesNotMatch(text, /calls/, 'sampled lines cannot count calls');
  const header = byLine(records).get(10);
  assert.ok(header);
  assert.match(measuredHover(header, [], 90), /\| calls \| 1\.0 per frame \|/);
});

test('capture names cannot break out of the hover\'s code spans', () => {
  const records = measuredRecords(lineCapture(), { refreshRateHz: 90 });
  const rec = { ...records.find((r) => r.line === 12 && !r.functionName)!, inFunction: 'a`b\n# heading', topCallers: [{ name: 'x`y', msPerFrame: 1 }] };
  const text = measuredHover(rec, [], 90);
  assert.match(text, /in `a'b # heading`/);
  assert.match(text, /`x'y`/);
});

test('p95 per line over game frames equals a brute-force count on a random capture', () => {
  const b = new ProfileBuilder({ name: 'r', source: 'uevrcap', weightUnit: 'milliseconds' });
  const root = b.frame('on_pre_engine_tick', 'mod.lua', 1, 2);
  const fns = [b.frame('a', 'mod.lua', 10, 0), b.frame('b', 'mod.lua', 20, 0), b.frame('c', 'other.lua', 5, 0)];
  let x = 7;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const stacks: Array<{ id: number; lines: Set<string> }> = [];
  for (let k = 0; k < 40; k++) {
    const frames = [root];
    const lines = [0];
    for (let d = 0, n = 1 + Math.floor(rnd() * 3); d < n; d++) {
      const f = Math.floor(rnd() * 3);
      frames.push(fns[f]);
      lines.push((f === 2 ? 5 : f === 1 ? 20 : 10) + 1 + Math.floor(rnd() * 4));
    }
    const keys = new Set(frames.map((fr, i) => `${i === 0 ? 1 : lines[i]}:${fr === fns[2] ? 'other.lua' : 'mod.lua'}`));
    stacks.push({ id: b.stackOf(frames, -1, lines), lines: keys });
  }
  const frames = 57;
  const perFrame = new Map<string, number[]>();
  for (let f = 0; f < frames; f++) {
    b.gameFrame(f, f * 11.1, 11.1, 3);
    // Some frames have no samples at all; others a few, at random weights.
    const n = f % 5 === 0 ? 0 : Math.floor(rnd() * 6);
    for (let i = 0; i < n; i++) {
      const st = stacks[Math.floor(rnd() * stacks.length)];
      const w = Math.round(rnd() * 100) / 100;
      b.sample(st.id, w, f * 11.1 + i);
      for (const key of st.lines) {
        const arr = perFrame.get(key) ?? new Array<number>(frames).fill(0);
        arr[f] += w;
        perFrame.set(key, arr);
      }
    }
  }
  const records = measuredRecords(b.build(), { refreshRateHz: 90 }).filter((r) => !r.functionName);
  assert.ok(records.length > 10);
  assert.ok(records.filter((r) => (r.p95Ms ?? 0) > 0).length >= 5, 'the check covers non-zero percentiles');
  for (const r of records) {
    const arr = [...(perFrame.get(`${r.line}:${r.file}`) ?? [])].sort((p, q) => p - q);
    const expected = arr[Math.min(frames - 1, Math.floor(0.95 * frames))];
    assert.equal(r.p95Ms?.toFixed(6), expected.toFixed(6), `${r.file}:${r.line}`);
  }
});
