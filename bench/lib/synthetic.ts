// A synthetic, Lua-mod-like profile for benchmarks: N samples over ~40k distinct stacks of depth
// ~30 drawn from ~5k functions in ~250 files, with a fixed seed so every run (and every helper that
// reuses it) measures the same data. Written as speedscope JSON with our own exporter.

import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileBuilder } from '../../src/core/profile/builder';
import type { Profile } from '../../src/core/profile/types';
import { exportProfileChunks, type ExportFormat } from '../../src/core/formats';

export interface SyntheticOptions {
  samples: number;
  /** Distinct sample stacks (leaf paths) to generate; the call tree has ~20× as many nodes. */
  stacks?: number;
  functions?: number;
  files?: number;
  meanDepth?: number;
  seed?: number;
  /** Add game frames of 11.1 ms (90 Hz) covering the samples. */
  gameFrames?: boolean;
}

// The generator lives in src/core/random (shared with the simulator and the fuzz tests).
export { seededRandom } from '../../src/core/random';
import { seededRandom } from '../../src/core/random';

export function syntheticProfile(opts: SyntheticOptions): Profile {
  const { samples, stacks = 40_000, functions = 5_000, files = 250, meanDepth = 30, seed = 42 } = opts;
  const r = seededRandom(seed);
  const b = new ProfileBuilder({ name: `synthetic ${samples} samples`, source: 'synthetic', weightUnit: 'milliseconds' });
  const callbacks = ['on_pre_engine_tick', 'on_post_engine_tick', 'on_pre_calculate_stereo_view_offset', 'on_post_calculate_stereo_view_offset', 'on_xinput_get_state', 'on_frame'];
  const fnFrame: number[] = [];
  for (let f = 0; f < functions; f++) {
    const file = f % files;
    fnFrame.push(b.frame(`fn_${f}`, `scripts/mod_${file % 25}/file_${file}.lua`, 1 + ((f * 37) % 900), 0));
  }
  const rootFrames = callbacks.map((c, i) => b.frame(c, 'scripts/main.lua', 10 + i, 2));
  // Random walks down a growing tree: each walk reuses existing children with high probability,
  // so the stacks share prefixes like real call trees do.
  const children = new Map<number, number[]>();
  const leaves: number[] = [];
  const leafSet = new Set<number>();
  const gauss = () => (r() + r() + r() + r() - 2) * 1.73;
  while (leaves.length < stacks) {
    let s = b.stack(-1, rootFrames[Math.floor(r() * r() * rootFrames.length)]);
    const depth = Math.max(3, Math.round(meanDepth + gauss() * 5));
    for (let d = 1; d < depth; d++) {
      const kids = children.get(s) ?? [];
      let next: number;
      // Reuse an existing child often near the root, so paths share a prefix of a few frames.
      if (kids.length > 0 && r() < 0.87) next = kids[Math.floor(r() * r() * kids.length)];
      else {
        // Functions cluster by module so the same file shows up along a path.
        const base = Math.floor(r() * functions);
        next = b.stack(s, fnFrame[(base + d * 7) % functions]);
        if (!kids.includes(next)) kids.push(next);
        children.set(s, kids);
      }
      s = next;
    }
    if (!leafSet.has(s)) {
      leafSet.add(s);
      leaves.push(s);
    }
  }
  // Samples: a few hot stacks dominate (Zipf-like), consecutive samples often repeat a stack.
  let t = 0;
  let cur = leaves[0];
  const frameMs = 1000 / 90;
  for (let i = 0; i < samples; i++) {
    if (r() > 0.35) cur = leaves[Math.floor(leaves.length * Math.pow(r(), 2.2))];
    const w = Math.round((0.8 + 0.4 * r()) * 1000) / 1000;
    b.sample(cur, w, t);
    t += w;
  }
  if (opts.gameFrames) {
    for (let f = 0; f * frameMs < t; f++) b.gameFrame(1000 + f, f * frameMs, frameMs, frameMs * 0.2, 0.1, 4096);
  }
  b.meta.synthetic = true;
  b.meta.seed = seed;
  return b.build();
}

/** Writes a profile to a file chunk by chunk (a 1M-sample export is over 100 MB). */
export function writeExport(profile: Profile, format: ExportFormat, path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of exportProfileChunks(profile, format)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** Path of a cached synthetic file (generated on first use; the name carries every parameter). */
export function syntheticFile(opts: SyntheticOptions, format: ExportFormat = 'speedscope'): string {
  const dir = join(tmpdir(), 'uevr-profiler-bench');
  mkdirSync(dir, { recursive: true });
  const key = `v1-s${opts.samples}-k${opts.stacks ?? 40000}-f${opts.functions ?? 5000}-n${opts.files ?? 250}-d${opts.meanDepth ?? 30}-r${opts.seed ?? 42}${opts.gameFrames ? '-gf' : ''}`;
  const ext = format === 'speedscope' ? '.speedscope.json' : format === 'chrome' ? '.trace.json' : format === 'folded' ? '.folded' : '.cpuprofile';
  const path = join(dir, `synthetic-${key}${ext}`);
  if (!existsSync(path) || statSync(path).size === 0) {
    const tmp = `${path}.tmp`;
    writeExport(syntheticProfile(opts), format, tmp);
    // Publish under the final name only once complete, so an interrupted run is never reused.
    renameSync(tmp, path);
  }
  return path;
}
