// Writes the shared synthetic profile (bench/lib/synthetic.ts) as a .uevrcap capture, the way a live
// capture streams it (definitions, then samples and frames in 100 ms batches), so benchmarks can open
// captures of any size without running the simulator for minutes.
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from '../../src/core/capture/writer';
import type { CallbackInfo, FrameMetrics, SampledFrameInfo, StackDef } from '../../src/core/protocol/types';
import { syntheticProfile } from './synthetic';

/**
 * `lines`: every stack with a Lua frame carries a current line (capture format 3) a few lines below
 * its function's definition, as a line-level capture does (same stacks, one line each).
 */
export function syntheticCaptureFile(samples: number, stacks = Math.min(40_000, Math.max(200, Math.round(samples / 4))), lines = false): string {
  const dir = join(tmpdir(), 'uevr-profiler-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `synthetic-capture-v3-s${samples}-k${stacks}${lines ? '-lines' : ''}.uevrcap`);
  if (existsSync(path) && statSync(path).size > 0) return path;

  const p = syntheticProfile({ samples, stacks, gameFrames: true });
  const gf = p.gameFrames!;
  const w = CaptureWriter.toFile(`${path}.tmp`, {
    protocol: 1,
    session: { game: 'Synthetic', pid: 1, kind: 'simulator', refreshRateHz: 90, hostVersion: 'bench' },
    samplingHz: 1000,
    startTime: 0,
    startedAt: '2026-11-26T00:00:00.000Z',
    tool: 'bench/lib/syntheticCapture.ts',
  });
  const callbacks: CallbackInfo[] = [
    { id: 1, name: 'on_pre_engine_tick', file: 'scripts/main.lua', line: 10, generation: 0 },
    { id: 2, name: 'on_post_calculate_stereo_view_offset', file: 'scripts/main.lua', line: 13, generation: 0 },
  ];
  w.writeCallbacks(callbacks);
  const frames: SampledFrameInfo[] = [];
  for (let i = 0; i < p.frames.length; i++) frames.push({ id: i, name: p.frames.name[i], file: p.frames.file[i], line: p.frames.line[i], kind: p.frames.kind[i] as 0 | 1 | 2 | 3 });
  const stackDefs: StackDef[] = [];
  for (let i = 0; i < p.stacks.length; i++) {
    const f = p.stacks.frame[i];
    const line = lines && p.frames.kind[f] === 0 && p.frames.line[f] > 0 ? p.frames.line[f] + 1 + (i % 17) : 0;
    stackDefs.push([i, p.stacks.parent[i], f, line]);
  }
  w.writeDefinitions(frames, stackDefs);
  const frameOf = new Int32Array(p.samples.length);
  for (let i = 0, f = 0; i < p.samples.length; i++) {
    while (f + 1 < gf.length && gf.start[f + 1] <= p.samples.time[i]) f++;
    frameOf[i] = f;
  }
  let f = 0;
  const batchMs = 100;
  for (let i = 0; i < p.samples.length; ) {
    let j = i;
    const until = p.samples.time[i] + batchMs;
    while (j < p.samples.length && p.samples.time[j] < until) j++;
    w.writeSampleColumns(p.samples.time.subarray(i, j), p.samples.weight.subarray(i, j), p.samples.stack.subarray(i, j), frameOf.subarray(i, j));
    const batch: FrameMetrics[] = [];
    while (f < gf.length && gf.start[f] < until) {
      batch.push({
        frame: gf.index[f],
        start: gf.start[f],
        frameMs: gf.duration[f],
        scriptsMs: gf.scriptsMs[f],
        gcMs: 0.1,
        luaMemoryKb: 4096,
        overheadMs: 0.01,
        callbacks: [
          { id: 1, eye: -1, ms: gf.scriptsMs[f] * 0.6, calls: 1 },
          { id: 2, eye: 0, ms: gf.scriptsMs[f] * 0.2, calls: 1 },
          { id: 2, eye: 1, ms: gf.scriptsMs[f] * 0.2, calls: 1 },
        ],
      });
      f++;
    }
    w.writeFrames(batch);
    i = j;
  }
  w.close({ stopTime: p.durationMs, reason: 'stopped', frames: gf.length, samples: p.samples.length, droppedFrames: 0 });
  // Renamed only when complete, so a benchmark interrupted mid-write never reuses a partial file.
  renameSync(`${path}.tmp`, path);
  return path;
}
