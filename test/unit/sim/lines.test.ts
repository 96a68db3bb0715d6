// Per-line accuracy in the simulator, on a mod whose lines have known costs (test/fixtures/mods/
// known-cost-lines: the same loop body on every costed line, so cost = iterations): each sample's
// leaf line (the innermost Lua frame's current line) gives per-line self shares within ±3 percentage
// points of the truth, and the hot line ranks first. Assertions are on shares, never on durations.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SampleBatch } from '../../../src/core/protocol/types';
import { startSim, undisturbedFrames } from './helpers';

const PP = 3;

/** Self weight per leaf line, as a share (%) of its callback root's sampled weight: "root|line" → %. */
function lineShares(batches: SampleBatch[], keep: (frame: number) => boolean): Map<string, number> {
  const name = new Map<number, string>();
  const kind = new Map<number, number>();
  const def = new Map<number, [number, number, number]>();
  const w = new Map<string, number>();
  const rootW = new Map<string, number>();
  for (const b of batches) {
    for (const f of b.newFrames) {
      name.set(f.id, f.name);
      kind.set(f.id, f.kind);
    }
    for (const d of b.newStacks) def.set(d[0], [d[1], d[2], d[3] ?? 0]);
    for (const [stack, , weight, frame] of b.samples) {
      if (!keep(frame)) continue;
      const leafLine = def.get(stack)![2];
      let root = '';
      for (let s = stack; s >= 0; s = def.get(s)![0]) if (kind.get(def.get(s)![1]) === 2) root = name.get(def.get(s)![1])!;
      w.set(`${root}|${leafLine}`, (w.get(`${root}|${leafLine}`) ?? 0) + weight);
      rootW.set(root, (rootW.get(root) ?? 0) + weight);
    }
  }
  const out = new Map<string, number>();
  for (const [k, v] of w) out.set(k, (100 * v) / rootW.get(k.split('|')[0]!)!);
  return out;
}

function near(shares: Map<string, number>, key: string, truth: number): void {
  const v = shares.get(key) ?? 0;
  assert.ok(Math.abs(v - truth) <= PP, `${key}: ${v.toFixed(1)} % measured, ${truth} % true (±${PP} pp)`);
}

function hottest(shares: Map<string, number>, root: string): string {
  return [...shares].filter(([k]) => k.startsWith(`${root}|`)).sort((a, b) => b[1] - a[1])[0]![0];
}

describe('per-line accuracy on a known-cost mod (simulator)', () => {
  test('two loops 3:1 on lines 8 and 9; 80 % on line 17 of a 30-line callback; a two-line loop body splits evenly', async () => {
    const r = await startSim('known-cost-lines');
    r.sim.startSampling(8000);
    await r.sim.runFrames(500);
    const keep = undisturbedFrames(r.frames);
    assert.ok(keep.size > 100, `${keep.size} undisturbed frames`);
    const s = lineShares(r.batches, (f) => keep.has(f));
    near(s, 'on_post_engine_tick|8', 75);
    near(s, 'on_post_engine_tick|9', 25);
    near(s, 'on_pre_engine_tick|17', 80);
    assert.equal(hottest(s, 'on_post_engine_tick'), 'on_post_engine_tick|8');
    assert.equal(hottest(s, 'on_pre_engine_tick'), 'on_pre_engine_tick|17');
    // pair(): `for` line 49 (the loop instruction), then two identical lines of 2 instructions each:
    // 1:2:2. A hook count that divides the loop's 5 instructions put 100 % on line 51 before the count
    // was randomised (Sampler.sampleCount).
    near(s, 'on_frame|49', 20);
    near(s, 'on_frame|50', 40);
    near(s, 'on_frame|51', 40);
    await r.sim.dispose();
  });
});
