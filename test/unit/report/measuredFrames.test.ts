// Measured records of a profile without game frames: "per frame" is per 1/Hz of the profile's
// duration, worked out exactly (not from the summary's two-decimal frame count shown to readers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { measuredRecords } from '../../../src/core/report/measured';

function imported(durationMs: number, weightMs: number) {
  const b = new ProfileBuilder({ name: 'p', source: 'cpuprofile', weightUnit: 'milliseconds' });
  b.durationMs = durationMs;
  const s = b.stackOf([b.frame('tick', 'mod.lua', 4, 0)]);
  b.sample(s, weightMs, 0);
  return b.build();
}

test('a profile shorter than a frame: finite ms per frame, as many frames as its duration holds', () => {
  // 0.04 ms at 90 Hz is 0.0036 of a frame; rounded to two decimals that was 0 frames and Infinity ms/frame.
  const [line] = measuredRecords(imported(0.04, 0.04), { refreshRateHz: 90 });
  assert.ok(Number.isFinite(line.totalMsPerFrame), `got ${line.totalMsPerFrame}`);
  assert.ok(Math.abs(line.totalMsPerFrame - 1000 / 90) < 1e-9, 'busy all the time: the whole budget');
});

test('ms per frame without game frames are exact at any length', () => {
  // 111.1 ms at 120 Hz is 13.332 frames (13.33 in the summary's text).
  const [line] = measuredRecords(imported(111.1, 20), { refreshRateHz: 120 });
  assert.ok(Math.abs(line.totalMsPerFrame - 20 / (111.1 / (1000 / 120))) < 1e-12, `got ${line.totalMsPerFrame}`);
});
