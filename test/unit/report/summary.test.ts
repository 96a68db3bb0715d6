import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { compareProfiles } from '../../../src/core/report/compare';
import { summarizeProfile } from '../../../src/core/report/summary';
import { capture } from './fixture';

describe('capture summary', () => {
  test('callbacks and functions in ms per frame, stereo split per eye', () => {
    const s = summarizeProfile(capture(2, 0.5), { refreshRateHz: 90 });
    assert.equal(s.frames, 10);
    assert.equal(s.basis, 'frames');
    assert.equal(s.scriptsMsPerFrame.toFixed(3), '3.000');
    assert.equal(s.budgetMs.toFixed(2), '11.11');
    const tick = s.callbacks.find((c) => c.name === 'on_pre_engine_tick');
    const eye = s.callbacks.find((c) => c.name.includes('stereo'));
    assert.ok(tick && eye);
    assert.equal(tick.msPerFrame.toFixed(3), '2.000');
    assert.equal(tick.callsPerFrame, 1);
    assert.equal(tick.perEye, undefined);
    assert.equal(eye.msPerFrame.toFixed(3), '1.000');
    assert.equal(eye.callsPerFrame, 2);
    assert.deepEqual(eye.perEye?.map((v) => v.toFixed(3)), ['0.500', '0.500']);
    const find = s.functions.find((f) => f.name === 'api:find_uobject');
    const update = s.functions.find((f) => f.name === 'update');
    assert.ok(find?.native);
    assert.equal(find.selfMsPerFrame.toFixed(3), '1.500');
    assert.equal(update?.selfMsPerFrame.toFixed(3), '0.500');
    assert.equal(update?.totalMsPerFrame.toFixed(3), '2.000');
    assert.equal(s.functions[0].name, 'api:find_uobject', 'sorted by self time');
  });

  test('a profile without game frames is costed per 1/refresh-rate of its duration', () => {
    const b = new ProfileBuilder({ name: 'x', source: 'folded', weightUnit: 'milliseconds' });
    b.durationMs = 1000;
    b.sample(b.stackOf([b.frame('f')]), 90, 0);
    const s = summarizeProfile(b.build(), { refreshRateHz: 90 });
    assert.equal(s.basis, 'duration');
    assert.equal(s.frames, 90, '1 s at 90 Hz counts as 90 frames');
    assert.match(s.notes.join(), /no game frames/);
    assert.equal(s.scriptsMsPerFrame.toFixed(3), '1.000', '90 ms over 1 s at 90 Hz = 1 ms per frame');
    assert.deepEqual(s.callbacks, []);
  });
});

describe('before/after comparison', () => {
  test('verdict and deltas, matching a callback whose line moved', () => {
    const c = compareProfiles(capture(2, 0.5), capture(0.4, 0.1, 14), 90);
    assert.equal(c.verdict, 'scripts: 3.00 → 0.60 ms/frame, −80%');
    assert.equal(c.scripts.delta.toFixed(2), '-2.40');
    const tick = c.callbacks.find((d) => d.name === 'on_pre_engine_tick');
    assert.ok(tick);
    assert.equal(tick.before.toFixed(2), '2.00');
    assert.equal(tick.after.toFixed(2), '0.40');
    assert.equal(tick.line, 14, 'reported at its new line');
    assert.equal(c.callbacks.length, 2, 'no phantom added/removed callbacks');
    assert.equal(c.functions[0].name, 'api:find_uobject', 'biggest change first');
  });

  test('a regression says so', () => {
    const c = compareProfiles(capture(1, 0), capture(2, 0), 90);
    assert.equal(c.verdict, 'scripts: 1.00 → 2.00 ms/frame, +100%');
  });
});
