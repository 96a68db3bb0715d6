// Capture file speed at a million samples: write a 1,000,000-sample .uevrcap (streamed in 100 ms
// batches like a live capture), read it into the columnar Profile, and compare the read with
// JSON.parse of the same data as JSON (the baseline: parse alone, before any model is built).
// Then the same samples with lines (capture format 3: every stack carries its frame's current line,
// 3× the distinct stacks): open, and the per-line views the worker and the webview build (lineStats,
// the call tree by function+line), against the function-level capture in the same run.
//   node --import tsx bench/capture.bench.ts [samples]
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from '../src/core/capture/writer';
import { readCapture } from '../src/core/capture/reader';
import type { FrameMetrics, SampledFrameInfo, StackDef } from '../src/core/protocol/types';
import { buildCallTree } from '../src/core/profile/callTree';
import { functionStats, lineStats } from '../src/core/profile/functionStats';

const N = Number(process.argv[2] ?? 1_000_000);
const FUNCS = 4900;
const STACKS = 40_000;
const HZ = 1000;

let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const frameDefs: SampledFrameInfo[] = Array.from({ length: FUNCS }, (_, i) => ({
  id: i,
  name: `fn_${i}`,
  file: `scripts/mod_${i % 250}.lua`,
  line: 1 + (i % 400),
  kind: i < 20 ? 2 : 0,
}));
const stackDefs: StackDef[] = [];
for (let i = 0; i < STACKS; i++) stackDefs.push([i, i < 20 ? -1 : Math.floor(rnd() * i), i < 20 ? i : 20 + Math.floor(rnd() * (FUNCS - 20))]);
const time = new Float64Array(N);
const weight = new Float64Array(N).fill(1000 / HZ);
const stack = new Int32Array(N);
const gframe = new Int32Array(N);
for (let i = 0; i < N; i++) {
  time[i] = i * (1000 / HZ);
  stack[i] = Math.floor(rnd() * STACKS);
  gframe[i] = Math.floor(time[i]! / 11.1);
}
const nFrames = Math.ceil((N * (1000 / HZ)) / 11.1);
const frames: FrameMetrics[] = Array.from({ length: nFrames }, (_, i) => ({
  frame: i,
  start: i * 11.1,
  frameMs: 11.1,
  scriptsMs: 2,
  gcMs: 0.2,
  luaMemoryKb: 1024,
  overheadMs: 0.02,
  callbacks: [
    { id: 1, eye: -1, ms: 1, calls: 1 },
    { id: 2, eye: 0, ms: 0.5, calls: 1 },
    { id: 2, eye: 1, ms: 0.5, calls: 1 },
  ],
}));

const dir = mkdtempSync(join(tmpdir(), 'uevr-capbench-'));
const capPath = join(dir, 'big.uevrcap');
const jsonPath = join(dir, 'big.json');

const perBatch = HZ / 10;

/**
 * Writes a capture streamed as a live capture would be: one chunk pair per 100 ms of samples, with the
 * given stack definitions and per-sample stacks (the other columns are shared by both captures).
 */
function writeBenchCapture(path: string, defs: StackDef[], sampleStacks: Int32Array, callbacks: boolean): void {
  const cw = CaptureWriter.toFile(path, {
    protocol: 1,
    session: { game: 'Bench', pid: 1, kind: 'simulator', refreshRateHz: 90, hostVersion: 'bench' },
    samplingHz: HZ,
    startTime: 0,
    startedAt: new Date().toISOString(),
    tool: 'bench',
  });
  if (callbacks) {
    cw.writeCallbacks([
      { id: 1, name: 'on_pre_engine_tick', file: 'a.lua', line: 1, generation: 0 },
      { id: 2, name: 'on_early_calculate_stereo_view_offset', file: 'a.lua', line: 2, generation: 0 },
    ]);
  }
  cw.writeDefinitions(frameDefs, defs);
  for (let i = 0, f = 0; i < N; i += perBatch) {
    const j = Math.min(N, i + perBatch);
    cw.writeSampleColumns(time.subarray(i, j), weight.subarray(i, j), sampleStacks.subarray(i, j), gframe.subarray(i, j));
    const until = time[j - 1]!;
    const fs: FrameMetrics[] = [];
    while (f < nFrames && frames[f]!.start <= until) fs.push(frames[f++]!);
    cw.writeFrames(fs);
  }
  cw.close({ stopTime: time[N - 1]!, reason: 'stopped', frames: nFrames, samples: N, droppedFrames: 0 });
}

let t = performance.now();
writeBenchCapture(capPath, stackDefs, stack, true);
const writeMs = performance.now() - t;

// The same content as JSON (samples as [stack, time, weight, frame] rows, like the protocol's events).
const samplesJson: Array<[number, number, number, number]> = new Array(N);
for (let i = 0; i < N; i++) samplesJson[i] = [stack[i]!, time[i]!, weight[i]!, gframe[i]!];
writeFileSync(jsonPath, JSON.stringify({ frames: frameDefs, stacks: stackDefs, samples: samplesJson, gameFrames: frames }));

// Best of 5, interleaved (capture, JSON, capture, JSON…) so a burst of load from other processes on
// this shared machine hits both sides alike.
let samplesRead = 0;
let readMs = Infinity;
let jsonMs = Infinity;
for (let r = 0; r < 5; r++) {
  let s = performance.now();
  const p = readCapture(readFileSync(capPath), capPath);
  readMs = Math.min(readMs, performance.now() - s);
  samplesRead = p.samples.length;
  s = performance.now();
  JSON.parse(readFileSync(jsonPath, 'utf8'));
  jsonMs = Math.min(jsonMs, performance.now() - s);
}
if (samplesRead !== N) throw new Error(`read ${samplesRead} samples, wrote ${N}`);
const capBytes = statSync(capPath).size;
const jsonBytes = statSync(jsonPath).size;

// --- lines (format 3): 3× the stacks, each with a current line near its function's line ---------------
const LINE_STACKS = STACKS * 3;
const lineDefs: StackDef[] = [];
for (let i = 0; i < LINE_STACKS; i++) {
  const f = i < 20 ? i : 20 + Math.floor(rnd() * (FUNCS - 20));
  lineDefs.push([i, i < 20 ? -1 : Math.floor(rnd() * i), f, i < 20 ? 0 : frameDefs[f]!.line + 1 + Math.floor(rnd() * 40)]);
}
const lineStack = new Int32Array(N);
for (let i = 0; i < N; i++) lineStack[i] = Math.floor(rnd() * LINE_STACKS);
const linesPath = join(dir, 'lines.uevrcap');
writeBenchCapture(linesPath, lineDefs, lineStack, false);
// Best of 5, interleaved: open each capture, then build what the views need from it (fresh profiles,
// so nothing is cached between rounds).
const best = { open: Infinity, openLines: Infinity, views: Infinity, viewsLines: Infinity };
for (let r = 0; r < 5; r++) {
  let s = performance.now();
  const plain = readCapture(readFileSync(capPath), capPath);
  best.open = Math.min(best.open, performance.now() - s);
  s = performance.now();
  functionStats(plain);
  lineStats(plain);
  buildCallTree(plain);
  best.views = Math.min(best.views, performance.now() - s);
  s = performance.now();
  const withLines = readCapture(readFileSync(linesPath), linesPath);
  best.openLines = Math.min(best.openLines, performance.now() - s);
  if (withLines.samples.length !== N || withLines.stacks.length !== LINE_STACKS) throw new Error('lines capture read back wrong');
  s = performance.now();
  functionStats(withLines);
  lineStats(withLines);
  buildCallTree(withLines);
  buildCallTree(withLines, { byLine: true });
  best.viewsLines = Math.min(best.viewsLines, performance.now() - s);
}
const linesBytes = statSync(linesPath).size;

const mb = (b: number) => (b / 1048576).toFixed(1);
console.log(`capture bench: ${N.toLocaleString('en')} samples, ${STACKS} stacks, ${FUNCS} functions, ${nFrames} game frames`);
console.log(`  write (streamed, ${Math.ceil(N / perBatch)} batches): ${writeMs.toFixed(0)} ms`);
console.log(`  file size: .uevrcap ${mb(capBytes)} MiB vs JSON ${mb(jsonBytes)} MiB (${(capBytes / jsonBytes).toFixed(2)}x)`);
console.log(`  open .uevrcap into the Profile (read + decode, best of 5): ${readMs.toFixed(0)} ms`);
console.log(`  baseline JSON read + JSON.parse only (best of 5):        ${jsonMs.toFixed(0)} ms`);
console.log(`  ratio capture/JSON: ${(readMs / jsonMs).toFixed(3)} (${(jsonMs / readMs).toFixed(1)}x faster)`);
console.log(`lines (format 3): ${LINE_STACKS} stacks with current lines, same ${N.toLocaleString('en')} samples; file ${mb(linesBytes)} MiB`);
console.log(`  open with lines (best of 5): ${best.openLines.toFixed(0)} ms vs ${best.open.toFixed(0)} ms without (${(best.openLines / best.open).toFixed(2)}x)`);
console.log(`  views with lines (functionStats + lineStats + call tree + call tree by line, best of 5): ${best.viewsLines.toFixed(0)} ms vs ${best.views.toFixed(0)} ms without (functionStats + lineStats + call tree) (${(best.viewsLines / best.views).toFixed(2)}x)`);
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(capPath);
