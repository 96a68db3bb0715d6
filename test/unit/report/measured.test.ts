import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measuredRecords } from '../../../src/core/report/measured';
import { capture } from './fixture';

test('measured lines and functions in ms per frame, with p95, callers and exact callback calls', () => {
  const records = measuredRecords(capture(2, 0.5), { refreshRateHz: 90 });
  const line = (l: number) => records.find((r) => r.line === l && !r.functionName);
  const fn = (name: string) => records.find((r) => r.functionName === name);
  // update (mod.lua:3): a quarter of the 2 ms tick in itself, the rest in find_uobject below it.
  assert.equal(line(3)?.selfMsPerFrame.toFixed(3), '0.500');
  assert.equal(line(3)?.totalMsPerFrame.toFixed(3), '2.000');
  assert.equal(line(3)?.p95Ms?.toFixed(3), '2.000', 'every frame costs the same');
  assert.equal(line(3)?.callsPerFrame, null, 'samples cannot count calls');
  assert.equal(line(18)?.totalMsPerFrame.toFixed(3), '1.000', 'stereo: both eyes');
  assert.equal(records.find((r) => r.line === 0), undefined, 'native frames have no line');
  assert.ok(records.every((r) => !('budgetMs' in r) && !('refreshRateHz' in r)), 'records carry ms only: the budget is applied when shown');

  const update = fn('update');
  assert.ok(update);
  assert.equal(update.totalMsPerFrame.toFixed(3), '2.000');
  assert.deepEqual(update.topCallers.map((c) => [c.name, c.msPerFrame.toFixed(3)]), [['on_pre_engine_tick', '2.000']]);
  const tick = fn('on_pre_engine_tick');
  assert.equal(tick?.callsPerFrame, 1, 'callback calls are exact (host timings)');
  assert.equal(fn('api:find_uobject'), undefined, 'native API calls get no CodeLens');
});

test('a profile without game frames has no p95 and is costed per 1/refresh-rate of its duration', () => {
  const withFrames = capture(2, 0.5);
  // The same samples without frames or callbacks (as a folded or speedscope import would be).
  const imported = { ...withFrames, gameFrames: undefined, callbacks: undefined, callbackTimings: undefined };
  const records = measuredRecords(imported, { refreshRateHz: 90 });
  const update = records.find((r) => r.line === 3 && !r.functionName);
  // 111.1 ms at 90 Hz is 10 frames, as many as the capture had: the same ms per frame.
  assert.equal(update?.totalMsPerFrame.toFixed(3), '2.000');
  assert.equal(update?.p95Ms, null);
  assert.equal(records.find((r) => r.functionName === 'on_pre_engine_tick')?.callsPerFrame, null, 'no host timings, no call counts');
});

test('hover and CodeLens say nothing about calls they cannot know, and show exact ones', async () => {
  const { measuredHover, lensTitle } = await import('../../../src/core/analyzer/measured');
  const records = measuredRecords(capture(2, 0.5), { refreshRateHz: 90 });
  const sampled = records.find((r) => r.functionName === 'update');
  const callback = records.find((r) => r.functionName === 'on_pre_engine_tick');
  assert.ok(sampled && callback);
  assert.doesNotMatch(measuredHover(sampled, [], 90), /calls/);
  assert.doesNotMatch(lensTitle(sampled.selfMsPerFrame, sampled.totalMsPerFrame, sampled.callsPerFrame, 90), /calls/);
  assert.match(measuredHover(callback, [], 90), /\| calls \| 1\.0 per frame \|/);
  assert.match(lensTitle(callback.selfMsPerFrame, callback.totalMsPerFrame, callback.callsPerFrame, 90), /· 1\.0 calls\/frame$/);
  // The same record at another rate: the budget is applied when shown, not frozen in the record.
  assert.match(lensTitle(callback.selfMsPerFrame, callback.totalMsPerFrame, callback.callsPerFrame, 120), /of the 8\.33 ms budget\)/);
  assert.match(measuredHover(callback, [], 120), /of the 8\.33 ms budget at 120 Hz/);
});

test('a callback and the Lua function it wraps get one CodeLens record, with exact calls', async () => {
  const { ProfileBuilder } = await import('../../../src/core/profile/builder');
  const b = new ProfileBuilder({ name: 'm', source: 'uevrcap', weightUnit: 'milliseconds' });
  const cb = b.callback('on_post_engine_tick', 'C:\\Game\\scripts\\hud.lua', 15);
  const root = b.frame('on_post_engine_tick', 'C:\\Game\\scripts\\hud.lua', 15, 2);
  const fn = b.frame('function <hud.lua:15>', 'C:\\Game\\scripts\\hud.lua', 15, 0);
  const s = b.stackOf([root, fn]);
  for (let f = 0; f < 4; f++) {
    const row = b.gameFrame(f, f * 11.1, 11.1, 2);
    b.callbackTiming(row, cb, -1, f * 11.1, 2);
    b.sample(s, 2, f * 11.1 + 1);
  }
  const records = measuredRecords(b.build(), { refreshRateHz: 90 }).filter((r) => r.functionName && r.line === 15);
  assert.equal(records.length, 1, records.map((r) => r.functionName).join(', '));
  assert.equal(records[0].functionName, 'function <hud.lua:15>');
  assert.equal(records[0].callsPerFrame, 1);
});

test('a rate change re-costs the records of a profile without game frames (per 1/Hz of its duration), not those of a capture', async () => {
  const { recordsAtRate } = await import('../../../src/core/report/measured');
  const withFrames = capture(2, 0.5);
  const imported = { ...withFrames, gameFrames: undefined, callbacks: undefined, callbackTimings: undefined };
  const at90 = measuredRecords(imported, { refreshRateHz: 90 });
  const at120 = measuredRecords(imported, { refreshRateHz: 120 });
  // At 120 Hz a frame is 8.33 ms of the profile's duration: 3/4 of the ms per frame at 90 Hz.
  assert.equal(at120.find((r) => r.line === 3 && !r.functionName)?.totalMsPerFrame.toFixed(3), '1.500');
  const recosted = recordsAtRate(at90, imported, 90, 120);
  assert.equal(recosted.length, at120.length);
  recosted.forEach((r, i) => {
    const want = at120[i];
    assert.equal(r.file, want.file);
    assert.equal(r.line, want.line);
    assert.equal(r.functionName, want.functionName);
    assert.ok(Math.abs(r.selfMsPerFrame - want.selfMsPerFrame) < 1e-9, `self of ${r.file}:${r.line}`);
    assert.ok(Math.abs(r.totalMsPerFrame - want.totalMsPerFrame) < 1e-9, `total of ${r.file}:${r.line}`);
    assert.deepEqual(r.topCallers.map((c) => [c.name, c.msPerFrame.toFixed(9)]), want.topCallers.map((c) => [c.name, c.msPerFrame.toFixed(9)]));
  });
  // A capture's frames are the game's: its ms per frame do not depend on the rate in force.
  const captured = measuredRecords(withFrames, { refreshRateHz: 90 });
  assert.deepEqual(recordsAtRate(captured, withFrames, 90, 120), captured);
  assert.deepEqual(measuredRecords(withFrames, { refreshRateHz: 120 }), captured);
  // An unknown rate on either side changes nothing (never divides by 0).
  assert.deepEqual(recordsAtRate(at90, imported, 0, 120), at90);
});
