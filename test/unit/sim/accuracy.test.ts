// Accuracy: on mods whose functions burn known shares of time, the measured callback and function
// shares are within ±5 percentage points of the truth. Frames run as fast as possible; the assertions
// are on shares (ratios of measured times), never on wall-clock durations.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inclusiveWeights, startSim, undisturbedFrames } from './helpers';

const PP = 5;

function near(actual: number, truth: number, what: string): void {
  assert.ok(Math.abs(actual - truth) <= PP, `${what}: ${actual.toFixed(1)} % measured, ${truth} % true (±${PP} pp)`);
}

describe('profiling accuracy on known-cost mods', () => {
  test('callback shares (exact timings and sampled) match 60/30/10', async () => {
    const r = await startSim('known-cost-callbacks');
    r.sim.startSampling(5000);
    await r.sim.runFrames(400);
    const cbs = r.sim.callbacks();
    const id = (n: string) => cbs.find((c) => c.name === n)!.id;
    const ms = new Map<number, number>();
    let total = 0;
    const keep = undisturbedFrames(r.frames);
    assert.ok(keep.size > 20, `${keep.size} undisturbed frames`);
    for (const f of r.frames.filter((x) => keep.has(x.frame))) {
      for (const c of f.callbacks) {
        ms.set(c.id, (ms.get(c.id) ?? 0) + c.ms);
        total += c.ms;
      }
    }
    near((100 * ms.get(id('on_pre_engine_tick'))!) / total, 60, 'pre tick (timed)');
    near((100 * ms.get(id('on_post_engine_tick'))!) / total, 30, 'post tick (timed)');
    near((100 * ms.get(id('on_pre_calculate_stereo_view_offset'))!) / total, 10, 'stereo (timed)');
    const w = inclusiveWeights(r.batches, (f) => keep.has(f));
    assert.ok(w.total > 0);
    const samples = r.batches.reduce((n, b) => n + b.samples.length, 0);
    assert.ok(samples > 300, `${samples} samples`); // one sample per API call, weighted by the points inside it
    near((100 * w.byName.get('on_pre_engine_tick')!) / w.total, 60, 'pre tick (sampled)');
    near((100 * w.byName.get('on_post_engine_tick')!) / w.total, 30, 'post tick (sampled)');
    near((100 * w.byName.get('on_pre_calculate_stereo_view_offset')!) / w.total, 10, 'stereo (sampled)');
    await r.sim.dispose();
  });

  test('function shares through host time (native frames charged to the calling line) match 60/30/10', async () => {
    const r = await startSim('known-cost-burn');
    r.sim.startSampling(4000);
    await r.sim.runFrames(300);
    const keep = undisturbedFrames(r.frames);
    const w = inclusiveWeights(r.batches, (f) => keep.has(f));
    near((100 * w.byName.get('f60')!) / w.total, 60, 'f60');
    near((100 * w.byName.get('f30')!) / w.total, 30, 'f30');
    near((100 * w.byName.get('f10')!) / w.total, 10, 'f10');
    // The native frame sits on the calling line of each function.
    const natives = r.batches.flatMap((b) => b.newFrames).filter((f) => f.kind === 1);
    assert.deepEqual(natives.map((f) => f.line).sort(), [2, 3, 4]);
    assert.ok(natives.every((f) => f.name === 'uevr_sim.burn' && f.file.endsWith('burn.lua')));
    // Sampled weight adds up to the timed callback time (time-weighted samples).
    const timed = r.frames.filter((f) => keep.has(f.frame)).reduce((s, f) => s + f.scriptsMs, 0);
    assert.ok(Math.abs(w.total - timed) / timed < 0.1, `sampled ${w.total.toFixed(1)} ms vs timed ${timed.toFixed(1)} ms`);
    await r.sim.dispose();
  });

  test('function shares through Lua work (hook sampling) match 60/30/10', async () => {
    const r = await startSim('known-cost-loops');
    r.sim.startSampling(5000);
    await r.sim.runFrames(250);
    const keep = undisturbedFrames(r.frames);
    const w = inclusiveWeights(r.batches, (f) => keep.has(f));
    const samples = r.batches.reduce((n, b) => n + b.samples.length, 0);
    assert.ok(samples > 800, `${samples} samples`);
    // Shares of the callback's time; the callback's own lines (three calls, an add) are a sliver.
    near((100 * w.byName.get('f60')!) / w.total, 60, 'f60');
    near((100 * w.byName.get('f30')!) / w.total, 30, 'f30');
    near((100 * w.byName.get('f10')!) / w.total, 10, 'f10');
    await r.sim.dispose();
  });
});
