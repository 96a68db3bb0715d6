// GC settings advice, the pure part: statistics per option, the recommendation rule, and UEVR's menu
// as LuaLoader.cpp draws it (which settings show for which choice).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MEMORY_FACTOR, optionStats, quantile, recommend, TIE_MS, type GcOptionStats } from '../../../src/core/gc/advice';
import { configKeys, GC_CANDIDATES, gcLabel, menuSettings, sameGc, UEVR_DEFAULT_GC } from '../../../src/core/gc/uevr-menu';
import type { FrameMetrics } from '../../../src/core/protocol/types';
import type { GcOptions } from '../../../src/core/sim/host-prelude';

const frame = (i: number, gcMs: number, scriptsMs: number, luaMemoryKb: number): FrameMetrics => ({
  frame: i + 1,
  start: i * 11.1,
  frameMs: 11.1,
  scriptsMs,
  gcMs,
  luaMemoryKb,
  overheadMs: 0,
  callbacks: [],
});

const stat = (gc: GcOptions, luaP99Ms: number, peakMemoryKb = 1000, luaMeanMs = 0.5): GcOptionStats => ({
  gc,
  frames: 100,
  gcMeanMs: 0.1,
  gcP99Ms: 0.2,
  gcMaxMs: 0.3,
  luaMeanMs,
  luaP99Ms,
  peakMemoryKb,
  endMemoryKb: peakMemoryKb,
});
const [DEF, MINOR20, MINOR100, MAJOR300, INC250, , , FULL, LUA_GEN] = GC_CANDIDATES as [GcOptions, ...GcOptions[]];

describe('GC advice statistics', () => {
  test('quantile is the nearest rank; empty is NaN', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(quantile(v, 0.99), 99);
    assert.equal(quantile(v, 0.5), 50);
    assert.equal(quantile([7], 0.99), 7);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  test('warm-up frames are not timed but their memory counts; the measured cost caps a preempted GC step', () => {
    const frames = [frame(0, 50, 1, 9000), ...Array.from({ length: 100 }, (_, i) => frame(i + 1, i === 50 ? 30 : 0.2, 1, 500 + i))];
    const s = optionStats(DEF, frames, 1);
    assert.equal(s.frames, 100);
    assert.equal(s.peakMemoryKb, 9000);
    assert.equal(s.endMemoryKb, 599);
    assert.equal(s.gcMaxMs, 30, 'without a measured cost the wall time stands');
    // Frame 51's GC step took 30 ms of wall time but the whole frame only 1.4 ms: the OS took the thread.
    const cost = frames.map((_, i) => (i === 51 ? 1.4 : 1.2));
    const c = optionStats(DEF, frames, 1, cost);
    assert.equal(c.gcMaxMs, 1.4);
    assert.equal(c.luaP99Ms, 1.2, 'one frame in 100 is above the p99 (nearest rank)');
    assert.ok(Math.abs(c.luaMeanMs - 1.202) < 1e-9);
  });

  test("recommend: UEVR's default among equals, a clear win otherwise, memory hogs only as a last resort", () => {
    // Equal within the tolerance: keep the default even though another is a little lower.
    let r = recommend([stat(MINOR20, 1.0), stat(DEF, 1.0 + TIE_MS - 0.01), stat(FULL, 5)]);
    assert.ok(r.keepDefault && sameGc(r.best.gc, DEF));
    assert.deepEqual(r.equivalent.map((s) => gcLabel(s.gc)).sort(), [gcLabel(DEF), gcLabel(MINOR20)].sort());
    // A clear win (beyond 0.25 ms and 20 %).
    r = recommend([stat(DEF, 3), stat(MAJOR300, 1.2), stat(INC250, 4)]);
    assert.ok(!r.keepDefault && sameGc(r.best.gc, MAJOR300));
    assert.match(r.reason, /p99 1\.20 ms .* against 3\.00 ms with UEVR's default/);
    // Equal spikes: the lower peak memory.
    r = recommend([stat(MINOR100, 1, 5000), stat(LUA_GEN, 1, 1200), stat(DEF, 3, 1100)]);
    assert.ok(sameGc(r.best.gc, LUA_GEN));
    // The lowest spikes but more than MEMORY_FACTOR x the leanest memory: not recommended.
    r = recommend([stat(MINOR100, 0.5, 1000 * MEMORY_FACTOR + 1), stat(DEF, 2, 1000)]);
    assert.ok(sameGc(r.best.gc, DEF));
    assert.throws(() => recommend([{ ...stat(DEF, NaN) }]), /no GC option/);
  });
});

describe("UEVR's GC menu (LuaLoader.cpp)", () => {
  test('the candidate set is bounded, distinct, in range, and starts with the default', () => {
    assert.ok(GC_CANDIDATES.length <= 12);
    assert.ok(sameGc(GC_CANDIDATES[0]!, UEVR_DEFAULT_GC));
    assert.equal(new Set(GC_CANDIDATES.map(gcLabel)).size, GC_CANDIDATES.length);
    for (const g of GC_CANDIDATES) {
      assert.ok(g.budgetUs >= 0 && g.budgetUs <= 2000 && g.minorMultiplier >= 1 && g.minorMultiplier <= 200 && g.majorMultiplier >= 1 && g.majorMultiplier <= 1000);
    }
  });

  test('only the settings UEVR draws for a choice are named', () => {
    const labels = (g: GcOptions) => menuSettings(g).map(([l]) => l);
    assert.deepEqual(labels(UEVR_DEFAULT_GC), ['Garbage Collection Handler', 'Garbage Collection Mode', 'Minor GC Multiplier', 'Major GC Multiplier', 'Garbage Collection Type']);
    // Incremental + Managed by UEVR: the budget instead of the multipliers.
    assert.deepEqual(menuSettings({ ...UEVR_DEFAULT_GC, mode: 'incremental', budgetUs: 250 }), [
      ['Garbage Collection Handler', 'Managed by UEVR'],
      ['Garbage Collection Mode', 'Incremental (Mark & Sweep)'],
      ['Garbage Collection Type', 'Step'],
      ['Garbage Collection Budget', '250'],
    ]);
    // Managed by Lua: no Type, no Budget (UEVR draws them only for its own handler).
    assert.deepEqual(labels({ ...UEVR_DEFAULT_GC, handler: 'lua', mode: 'incremental' }), ['Garbage Collection Handler', 'Garbage Collection Mode']);
    assert.deepEqual(Object.fromEntries(configKeys(LUA_GEN)), {
      LuaLoader_GarbageCollectionHandler: '1',
      LuaLoader_GarbageCollectionType: '0',
      LuaLoader_GarbageCollectionMode: '0',
      LuaLoader_GarbageCollectionBudget: '1000',
      LuaLoader_GarbageCollectionMinorMultiplier: '1',
      LuaLoader_GarbageCollectionMajorMultiplier: '100',
    });
  });
});
