// Leak detection from Lua memory after UEVR's GC step (issue 13): real mods in the simulator (one that
// leaks ~100 KiB/s, one that allocates ~14 MiB/s and frees it all) under several GC options, and the
// detector's rules on series with a known truth, including broken input.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { UEVR_DEFAULT_GC } from '../../../src/core/gc/uevr-menu';
import { LeakDetector, leakMessage, theilSen } from '../../../src/core/live/leak';
import type { GcOptions } from '../../../src/core/sim/host-prelude';
import { createSimulatedSession } from '../../../src/core/sim/session';

const MODS = join(__dirname, '..', '..', 'fixtures', 'mods');
const HZ = 90;

/** Runs `seconds` of simulated session (frame k at k/HZ s) and returns when the detector first flagged, and its last status. */
async function session(mod: string, gc: Partial<GcOptions>, seconds: number) {
  const sim = await createSimulatedSession({ scriptsDir: join(MODS, mod), seed: 5, agentPath: null, refreshRateHz: HZ, gc });
  const d = new LeakDetector();
  let firstFlagS = -1;
  let flaggedChecks = 0;
  sim.subscribe({
    frame: (m) => {
      d.add(m.frame / HZ, m.luaMemoryKb);
      // The live view would check about ten times a second.
      if (m.frame % 9 === 0 && d.status().leaking) {
        flaggedChecks++;
        if (firstFlagS < 0) firstFlagS = m.frame / HZ;
      }
    },
  });
  try {
    await sim.runFrames(seconds * HZ);
  } finally {
    await sim.dispose();
  }
  return { firstFlagS, flaggedChecks, last: d.status() };
}

const GCS: Array<[string, Partial<GcOptions>]> = [
  ['UEVR default', {}],
  ['minor 100', { minorMultiplier: 100 }],
  ['incremental 250 µs', { mode: 'incremental', budgetUs: 250 }],
  ['Managed by Lua, incremental', { handler: 'lua', mode: 'incremental' }],
];

describe('leak detection on real mods in the simulator', () => {
  for (const [name, gc] of GCS) {
    test(`${name}: a mod leaking ~100 KiB/s is flagged within 30 s, with the rate and a forecast`, async () => {
      const r = await session('gc-leak', gc, 30);
      assert.ok(r.firstFlagS > 0 && r.firstFlagS <= 30, `flagged at ${r.firstFlagS} s`);
      assert.ok(r.last.leaking);
      assert.ok(r.last.rateKbPerS > 85 && r.last.rateKbPerS < 125, `rate ${r.last.rateKbPerS} KiB/s`);
      // (512 MiB - floor) / rate: ~85 min at 100 KiB/s.
      assert.ok(r.last.secondsToLimit! > 60 * 65 && r.last.secondsToLimit! < 60 * 105, `${r.last.secondsToLimit} s`);
      assert.match(r.last.message!, /^Lua memory grows \d+ KiB\/s after collection; at this rate it reaches 512 MiB in \d+ min$/);
    });
    test(`${name}: a mod that allocates ~14 MiB/s and frees it all is never flagged`, async () => {
      const r = await session('gc-churn', gc, 30);
      assert.equal(r.flaggedChecks, 0, `flagged (rate ${r.last.rateKbPerS} KiB/s)`);
      assert.ok(Math.abs(r.last.rateKbPerS) < 16, `rate ${r.last.rateKbPerS}`);
    });
  }
  test('UEVR default is the one a user has (sanity: GCS[0] is it)', () => assert.deepEqual({ ...UEVR_DEFAULT_GC, ...GCS[0]![1] }, UEVR_DEFAULT_GC));
});

describe('leak detector rules', () => {
  const feed = (d: LeakDetector, seconds: number, mem: (t: number) => number, hz = 30) => {
    for (let k = 0; k <= seconds * hz; k++) d.add(k / hz, mem(k / hz));
  };

  test('steady growth under a sawtooth: the floor rate, not the swing', () => {
    const d = new LeakDetector();
    // 8 MiB live, +50 KiB/s leak, garbage piling up to +6 MiB and collected every 1.5 s.
    feed(d, 40, (t) => 8192 + 50 * t + ((t % 1.5) / 1.5) * 6144);
    const s = d.status();
    assert.ok(s.leaking);
    assert.ok(Math.abs(s.rateKbPerS - 50) < 3, `${s.rateKbPerS}`);
  });

  test('a sawtooth with no growth, slow growth, and too little growth are not leaks', () => {
    const saw = new LeakDetector();
    feed(saw, 60, (t) => 8192 + ((t % 3) / 3) * 8192);
    assert.equal(saw.status().leaking, false);
    const slow = new LeakDetector();
    feed(slow, 60, (t) => 8192 + 10 * t); // 10 KiB/s: below minRateKbPerS
    assert.equal(slow.status().leaking, false);
    const tiny = new LeakDetector({ minRateKbPerS: 1 });
    feed(tiny, 30, (t) => 8192 + 20 * t); // 20 KiB/s for 25 s = 500 KiB < minGrowthKb
    assert.equal(tiny.status().leaking, false);
  });

  test('needs minSpanS of windows after the warm-up; growth that stops clears the status', () => {
    const d = new LeakDetector();
    feed(d, 15, (t) => 4096 + 200 * t);
    assert.equal(d.status().leaking, false, 'only ~10 s after the warm-up');
    const e = new LeakDetector({ historyS: 20 });
    feed(e, 30, (t) => 4096 + 200 * Math.min(t, 28));
    assert.ok(e.status().leaking);
    for (let k = 30 * 30; k <= 60 * 30; k++) e.add(k / 30, 4096 + 200 * 28);
    assert.equal(e.status().leaking, false, 'a plateau for longer than the history');
  });

  test('loading growth in the warm-up is not counted; a reset forgets', () => {
    const d = new LeakDetector();
    feed(d, 30, (t) => (t < 5 ? 1000 + 20000 * t : 101_000));
    assert.equal(d.status().leaking, false);
    const e = new LeakDetector();
    feed(e, 30, (t) => 4096 + 300 * t);
    assert.ok(e.status().leaking);
    e.reset();
    assert.equal(e.status().leaking, false);
    assert.ok(Number.isNaN(e.status().floorKb));
  });

  test('broken input is ignored: NaN, Infinity, negative or zero memory, time going back', () => {
    const d = new LeakDetector();
    for (let k = 0; k <= 30 * 30; k++) {
      const t = k / 30;
      d.add(t, 4096 + 150 * t);
      d.add(t, NaN);
      d.add(t, -5);
      d.add(t, 0);
      d.add(NaN, 1);
      d.add(t - 100, 1e12); // from the past: dropped
      d.add(Infinity, 1e12);
    }
    const s = d.status();
    assert.ok(s.leaking && Math.abs(s.rateKbPerS - 150) < 5, `${s.rateKbPerS}`);
    assert.throws(() => new LeakDetector({ windowS: 0 }), /windowS/);
    // A very long session stays bounded: only historyS of windows are kept.
    const long = new LeakDetector();
    for (let k = 0; k < 3600 * 10; k++) long.add(k / 10, 4096);
    assert.equal(long.status().spanS, 118);
  });

  test('the message and the forecast', () => {
    assert.equal(leakMessage(120, 100 * 1024, 512 * 1024, (412 * 1024) / 120), 'Lua memory grows 120 KiB/s after collection; at this rate it reaches 512 MiB in 59 min');
    assert.equal(leakMessage(2048, 1024, 512 * 1024, 60), 'Lua memory grows 2 MiB/s after collection; at this rate it reaches 512 MiB in 60 s');
    assert.equal(leakMessage(50, 600 * 1024, 512 * 1024, 0), 'Lua memory grows 50 KiB/s after collection; it is above 512 MiB already (600 MiB)');
    assert.equal(leakMessage(1, 1024, 512 * 1024, 524_000), 'Lua memory grows 1 KiB/s after collection; at this rate it reaches 512 MiB in 145.6 h');
    assert.equal(theilSen([0, 1, 2, 3, 4], [0, 1, 2, 100, 4]), 1, 'one outlier does not move the rate');
    assert.equal(theilSen([1], [1]), 0);
  });
});
