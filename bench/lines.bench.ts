// What recording lines (capture format 3) costs the samplers per sample, measured against the same
// sampler without lines in the same run (interleaved rounds; the ratio of medians is what to read):
//   simulator — Sampler.recordSample (stack walk, interning) plus the randomised re-arm that keeps
//               loops from aliasing onto one line; without lines: no current line, fixed hook count;
//   native    — Profiler::hook on the Linux test host (walk, interning, plus the spread's first hook
//               call); without lines (--no-lines): "Sn" instead of "Sln", no spread, line 0.
// The target (issue 12): at most +10 % per sample.
//   node --import tsx bench/lines.bench.ts [--rounds 7] [--frames 200] [--native-frames 800]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createSimulatedSession, Simulator } from '../src/core/sim/session';

const root = resolve(__dirname, '..');
const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const ROUNDS = arg('--rounds', 7);
const FRAMES = arg('--frames', 200);
const NATIVE_FRAMES = arg('--native-frames', 800);
const MODS: Array<[string, string]> = [
  ['examples (API calls + Lua)', join(root, 'examples')],
  ['known-cost-lines (Lua loops)', join(root, 'test/fixtures/mods/known-cost-lines')],
];

const median = (v: ArrayLike<number>): number => {
  const a = Array.from(v).sort((x, y) => x - y);
  return a.length ? a[Math.floor(a.length / 2)]! : NaN;
};

async function simRun(dir: string, lines: boolean): Promise<{ us: number; samples: number }> {
  const s = await createSimulatedSession({ scriptsDir: dir, seed: 11, watchdogInstructions: 0 });
  if (!(s instanceof Simulator)) throw new Error('not the in-process simulator');
  s.sampler.lines = lines;
  s.startSampling(8000);
  await s.runFrames(FRAMES);
  const n = Math.min(s.sampler.samplesTaken, s.sampler.sampleCosts.length);
  const us = median(s.sampler.sampleCosts.subarray(0, n)) * 1000;
  const samples = s.sampler.samplesTaken;
  await s.dispose();
  return { us, samples };
}

interface NativeResult {
  samples: number;
  medianSampleCostUs: number;
}

const host = join(root, 'agent/native/build-linux/uevrprof-host');
function nativeRun(lines: boolean): NativeResult {
  const args = ['--agent', join(root, 'agent/!uevr-profiler-agent.lua'), '--bench', '--mods', join(root, 'examples'), '--mods', join(root, 'test/fixtures/mods/known-cost-lines'), '--frames', String(NATIVE_FRAMES), '--game-ms', '0.5', '--hz', '4000'];
  if (!lines) args.push('--no-lines');
  const r = spawnSync(host, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`host failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as NativeResult;
}

async function main(): Promise<void> {
  console.log(`# ${ROUNDS} rounds, ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('\n## simulator sampler: median µs per sample, with lines / without (8 kHz, watchdog off)');
  for (const [name, dir] of MODS) {
    const ratios: number[] = [];
    const withUs: number[] = [];
    const withoutUs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so a drift of the machine's load does not favour one side.
      const a = r % 2 === 0 ? await simRun(dir, true) : undefined;
      const b = await simRun(dir, false);
      const c = a ?? (await simRun(dir, true));
      withUs.push(c.us);
      withoutUs.push(b.us);
      ratios.push(c.us / b.us);
    }
    console.log(`${name}: with lines ${median(withUs).toFixed(2)} µs, without ${median(withoutUs).toFixed(2)} µs, ratio (median of rounds) ${median(ratios).toFixed(3)}`);
  }
  if (!existsSync(host)) {
    const b = spawnSync(process.execPath, [join(root, 'agent/native/build.mjs'), '--linux'], { stdio: 'inherit' });
    if (b.status !== 0) {
      console.log('\n## native sampler: skipped (the Linux test host did not build)');
      return;
    }
  }
  console.log(`\n## native sampler (Linux test host): median µs per sample, with lines / without (4 kHz, examples + known-cost-lines, ${NATIVE_FRAMES} frames)`);
  const ratios: number[] = [];
  const withUs: number[] = [];
  const withoutUs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const first = r % 2 === 0;
    const x = nativeRun(first);
    const y = nativeRun(!first);
    const w = first ? x : y;
    const wo = first ? y : x;
    withUs.push(w.medianSampleCostUs);
    withoutUs.push(wo.medianSampleCostUs);
    ratios.push(w.medianSampleCostUs / wo.medianSampleCostUs);
  }
  console.log(`with lines ${median(withUs).toFixed(2)} µs, without ${median(withoutUs).toFixed(2)} µs, ratio (median of rounds) ${median(ratios).toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
