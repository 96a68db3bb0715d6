// The simulator collects garbage as UEVR does (ScriptState.cpp gc_data_changed / on_frame, the options
// of LuaLoader.hpp), in the real Lua 5.4 VM: each option leaves the traces in the frames' memory after
// the GC step and in the step's time that UEVR's code implies. Memory is deterministic (the same
// allocations, the same collector decisions); times are compared by medians with wide ratios.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { UEVR_DEFAULT_GC } from '../../../src/core/gc/uevr-menu';
import type { GcOptions } from '../../../src/core/sim/host-prelude';
import { replayGcOptions, type GcReplayResult } from '../../../src/core/sim/gc-replay';
import { MODS } from './helpers';

const D = UEVR_DEFAULT_GC;
const OPTIONS: Record<string, GcOptions> = {
  default: D,
  minor20: { ...D, minorMultiplier: 20 },
  minor100: { ...D, minorMultiplier: 100 },
  minor200: { ...D, minorMultiplier: 200 },
  inc0: { ...D, mode: 'incremental', budgetUs: 0 },
  inc250: { ...D, mode: 'incremental', budgetUs: 250 },
  inc2000: { ...D, mode: 'incremental', budgetUs: 2000 },
  full: { ...D, type: 'full' },
  lua: { ...D, handler: 'lua' },
};
const NAMES = Object.keys(OPTIONS);
const FRAMES = 300;
const WARM = 100;

interface Trace {
  mem: number[];
  post: number[];
  gcMedian: number;
  range: number;
  drops: number;
}

function traces(r: GcReplayResult): Record<string, Trace> {
  const out: Record<string, Trace> = {};
  NAMES.forEach((name, i) => {
    const frames = r.frames[i]!;
    assert.equal(frames.length, FRAMES, `${name} ran every frame`);
    const mem = frames.map((f) => f.luaMemoryKb);
    const post = mem.slice(WARM);
    const gc = frames.slice(WARM).map((f) => f.gcMs).sort((a, b) => a - b);
    let drops = 0;
    for (let k = 1; k < post.length; k++) if (post[k]! < post[k - 1]! - 1) drops++;
    out[name] = { mem, post, gcMedian: gc[gc.length >> 1]!, range: Math.max(...post) - Math.min(...post), drops };
  });
  return out;
}

describe("UEVR's GC options in the simulator", () => {
  let churn: Record<string, Trace>;
  let clean: Record<string, Trace>;
  before(async () => {
    const opts = NAMES.map((n) => OPTIONS[n]!);
    churn = traces(await replayGcOptions({ scriptsDir: join(MODS, 'gc-churn'), options: opts, frames: FRAMES, seed: 3 }));
    clean = traces(await replayGcOptions({ scriptsDir: join(MODS, 'gc-clean'), options: opts, frames: FRAMES, seed: 3 }));
  });

  test('default (Managed by UEVR, Step, Generational, minor 1): a young collection every frame keeps memory flat', () => {
    const t = churn.default!;
    // ~160 KiB of garbage per frame is more than 1 % of the ~11 MiB heap: every step(1) collects it.
    assert.ok(t.range < 0.005 * Math.min(...t.post), `memory after the step varies by ${t.range} KiB`);
    // The 11 MiB built while loading (collector already stopped) made the first major collection a
    // "bad" one: Lua then waits for the heap to double before collecting again (lgc.c genstep/setpause).
    assert.ok(Math.max(...t.mem) > 1.8 * Math.min(...t.post), `peak ${Math.max(...t.mem)} KiB`);
  });

  test('the minor multiplier spaces the young collections: memory swings grow with it, collections get rarer', () => {
    const r = [churn.default!, churn.minor20!, churn.minor100!, churn.minor200!].map((t) => t.range);
    assert.ok(r[0]! < r[1]! && r[1]! < r[2]! && r[2]! < r[3]!, `ranges ${r.join(' < ')}`);
    assert.ok(churn.minor20!.drops > churn.minor100!.drops && churn.minor100!.drops >= churn.minor200!.drops, 'collections per frame fall');
    // minor 200: a young collection only after 200 % of the heap was allocated again (~2x the floor).
    assert.ok(Math.max(...churn.minor200!.post) > 2.5 * Math.min(...churn.minor200!.post));
  });

  test('type Full collects everything every frame: memory after the step is the live set, at many times the step cost', () => {
    const f = churn.full!;
    assert.ok(f.range < 1, `the same live set after every full collection (varies by ${f.range} KiB)`);
    for (const n of NAMES) assert.ok(Math.min(...churn[n]!.post) >= Math.min(...f.post) - 8, `${n} never below the live set`);
    assert.ok(f.gcMedian > 4 * churn.default!.gcMedian, `full ${f.gcMedian} ms vs step ${churn.default!.gcMedian} ms`);
  });

  test('incremental steps until the cycle ends or the budget is spent: a bigger budget holds less garbage', () => {
    const peak = (n: string) => Math.max(...churn[n]!.post);
    // Budget 0: exactly one lua_gc(STEP, 1) per frame, far too little for 160 KiB/frame.
    assert.ok(peak('inc0') > peak('inc250') && peak('inc250') > peak('inc2000'), `${peak('inc0')} > ${peak('inc250')} > ${peak('inc2000')}`);
    assert.ok(churn.inc2000!.gcMedian > churn.inc250!.gcMedian, 'the bigger budget is spent');
    // With little garbage the loop keeps adding 1 KiB of debt until a whole cycle has run: every frame
    // ends at the fully collected heap, at a cost the generational step does not pay.
    const c = clean.inc250!;
    assert.ok(c.range < 1, `varies by ${c.range} KiB`);
    assert.ok(Math.min(...c.post) < Math.min(...clean.default!.post));
    assert.ok(c.gcMedian > 4 * clean.default!.gcMedian, `incremental ${c.gcMedian} ms vs generational ${clean.default!.gcMedian} ms`);
  });

  test('Managed by Lua: the frame step does nothing and Lua still collects, inside the callbacks', () => {
    const l = churn.lua!;
    assert.ok(l.gcMedian < 0.02, `step ${l.gcMedian} ms`);
    assert.ok(l.drops > 5, 'memory falls between frames: Lua collected while the callbacks allocated');
    assert.ok(Math.max(...l.post) < 2.5 * Math.min(...churn.full!.post));
  });

  test('a mod that allocates nothing per frame keeps the same memory under every option', () => {
    for (const n of NAMES) {
      if (n === 'inc0') continue; // one 1 KiB step per frame: still finishing the load-time cycle
      assert.ok(clean[n]!.range <= 2, `${n}: memory after the step varies by ${clean[n]!.range} KiB`);
    }
  });
});
