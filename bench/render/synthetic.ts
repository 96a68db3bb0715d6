// Synthetic Lua-like captures for the render benchmark, built with the model's ProfileBuilder:
// 1 ms samples in 11.1 ms game frames, ~5,000 functions in 250 files, depth 8–35. Each sample keeps a
// prefix of the previous stack and replaces `churn` frames on average (exponentially distributed),
// which sets how many distinct call-tree nodes the profile has (≈ samples × churn).
import { ProfileBuilder, type Profile } from '../../src/core/profile';

export interface SynthOptions {
  samples: number;
  /** Average frames replaced per sample (5 → ≈5 new call-tree nodes per sample). */
  churn: number;
  functions?: number;
  seed?: number;
}

export function synthProfile(o: SynthOptions): Profile {
  const FUNCS = o.functions ?? 4900;
  let seed = o.seed ?? 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const b = new ProfileBuilder({ name: `synthetic ${o.samples} samples`, source: 'uevrcap', weightUnit: 'milliseconds' });
  const frameIds = new Int32Array(FUNCS);
  for (let i = 0; i < FUNCS; i++) {
    frameIds[i] = i < 8 ? b.frame(`on_callback_${i}`, `scripts/main.lua`, 10 + i, 2) : b.frame(`fn_${i}`, `scripts/mod_${i % 250}.lua`, 1 + (i % 400), 0);
  }
  const frames: number[] = [];
  const stacks: number[] = [];
  let target = 20;
  const FRAME_MS = 11.1;
  let nextFrame = 0;
  for (let s = 0; s < o.samples; s++) {
    const t = s; // one sample per ms
    while (t >= nextFrame * FRAME_MS) {
      b.gameFrame(nextFrame, nextFrame * FRAME_MS, FRAME_MS + (rnd() < 0.1 ? 4 * rnd() : 0), 1 + 3 * rnd(), 0.05, 2048);
      nextFrame++;
    }
    const drop = Math.min(frames.length, Math.floor(-Math.log(1 - rnd()) * o.churn + 0.5));
    frames.length -= drop;
    stacks.length = frames.length;
    target = Math.max(8, Math.min(35, target + Math.round((rnd() - 0.5) * 4)));
    while (frames.length < target) {
      const f = frames.length === 0 ? frameIds[Math.floor(rnd() * 8)] : frameIds[8 + Math.floor(rnd() * (FUNCS - 8))];
      frames.push(f);
      stacks.push(b.stack(stacks.length > 0 ? stacks[stacks.length - 1] : -1, f));
    }
    b.sample(stacks[stacks.length - 1], 1, t);
  }
  b.durationMs = o.samples;
  return b.build();
}
