import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BudgetAlerter } from '../../../src/core/live/alerts';
import { CallbackSeries, Ring } from '../../../src/core/live/ring';

// 90 Hz: budget 11.11 ms; 20 % of it = 2.22 ms of scripts.
const frame = (i: number, scriptsMs: number, frameMs = 8) => ({ time: i * 11.1, frameMs, scriptsMs });

describe('budget alerts', () => {
  test('fires once after a sustained run, not before', () => {
    const a = new BudgetAlerter({ sustainedFrames: 10, minIntervalMs: 0 });
    const fired = [];
    for (let i = 0; i < 9; i++) assert.equal(a.push(frame(i, 3)), undefined);
    const alert = a.push(frame(9, 3));
    assert.ok(alert);
    assert.equal(alert.kind, 'scripts');
    assert.equal(alert.frames, 10);
    assert.equal(alert.meanMs, 3);
    assert.equal(Math.round(alert.sharePercent), 27);
    for (let i = 10; i < 100; i++) if (a.push(frame(i, 3))) fired.push(i);
    assert.deepEqual(fired, [], 'one alert per run');
  });

  test('a single good frame breaks the run', () => {
    const a = new BudgetAlerter({ sustainedFrames: 5, minIntervalMs: 0 });
    for (let i = 0; i < 4; i++) a.push(frame(i, 5));
    assert.equal(a.push(frame(4, 0.1)), undefined);
    for (let i = 5; i < 9; i++) assert.equal(a.push(frame(i, 5)), undefined);
    assert.ok(a.push(frame(9, 5)));
  });

  test('rate limit spaces alerts of separate runs', () => {
    const a = new BudgetAlerter({ sustainedFrames: 2, minIntervalMs: 1000 });
    const times: number[] = [];
    for (let i = 0; i < 400; i++) {
      const bad = i % 20 < 10; // runs of 10 bad frames, 10 good
      const r = a.push({ time: i * 11.1, frameMs: 8, scriptsMs: bad ? 4 : 0 });
      if (r) times.push(r.time);
    }
    assert.ok(times.length >= 2);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 1000, `spacing ${times[i] - times[i - 1]}`);
  });

  test('frame-time alerts, silence, disabled, and a new refresh rate', () => {
    const a = new BudgetAlerter({ sustainedFrames: 3, minIntervalMs: 0 });
    a.push(frame(0, 0.1, 15));
    a.push(frame(1, 0.1, 15));
    const f = a.push(frame(2, 0.1, 15));
    assert.equal(f?.kind, 'frame');
    const s = new BudgetAlerter({ sustainedFrames: 1, minIntervalMs: 0 });
    s.silence();
    assert.equal(s.push(frame(0, 9)), undefined);
    const d = new BudgetAlerter({ sustainedFrames: 1, minIntervalMs: 0, enabled: false });
    assert.equal(d.push(frame(0, 9)), undefined);
    // 2 ms of scripts: under 20 % at 90 Hz (2.22 ms), over at 144 Hz (1.39 ms).
    const r = new BudgetAlerter({ sustainedFrames: 1, minIntervalMs: 0 });
    assert.equal(r.push(frame(0, 2)), undefined);
    r.configure({ refreshRateHz: 144 });
    assert.equal(r.push(frame(1, 2))?.kind, 'scripts');
  });
});

describe('bounded buffers', () => {
  test('a ring keeps the newest values in order and never grows', () => {
    const r = new Ring(4);
    for (let i = 1; i <= 10; i++) r.push(i);
    assert.equal(r.length, 4);
    assert.deepEqual([...r.toArray()], [7, 8, 9, 10]);
    assert.equal(r.last(), 10);
    assert.ok(Number.isNaN(r.at(4)));
    assert.throws(() => new Ring(0), /positive integer/);
  });

  test('an hour of frames at 144 Hz stays within the fixed capacity', () => {
    const s = new CallbackSeries(600, 3);
    const costs = new Map<string, number>();
    for (let i = 0; i < 144 * 3600; i++) {
      costs.clear();
      costs.set(`cb${i % 5}`, 1); // 5 callbacks, only 3 tracked
      s.pushFrame(costs);
    }
    assert.deepEqual(s.keys(), ['cb0', 'cb1', 'cb2']);
    for (const k of s.keys()) assert.equal(s.get(k)?.length, 600);
    assert.equal(s.otherSeries().length, 600);
    // The last frame was i = 518399 → cb4, which is not tracked: it lands in "other".
    assert.equal(s.otherSeries().last(), 1);
  });

  test('a callback that appears late is aligned with earlier frames', () => {
    const s = new CallbackSeries(10);
    s.pushFrame(new Map([['a', 1]]));
    s.pushFrame(new Map([['a', 1], ['b', 2]]));
    assert.deepEqual([...(s.get('b')?.toArray() ?? [])], [0, 2]);
  });
});
