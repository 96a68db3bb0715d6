// Converting a 1,000,000-sample speedscope JSON to folded stacks, side by side with a bare
// JSON.parse of the same file (the baseline: no converter can read JSON faster than the engine's
// own parser). Also: load into a Profile, build the call tree, heap growth.
//   node --import tsx bench/convert.bench.ts [samples]      (default 1000000)
// Budget (issue 4): convert ≤ 2.5 × JSON.parse.

import { readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { exportProfile, loadProfile } from '../src/core/formats';
import { buildCallTree } from '../src/core/profile/callTree';
import { functionStats } from '../src/core/profile/functionStats';
import type { Profile } from '../src/core/profile/types';
import { syntheticFile } from './lib/synthetic';
import { importSpeedscope } from '../src/core/formats/speedscopeImport';
import { LoadContext } from '../src/core/formats/loadContext';

setFlagsFromString('--expose-gc');

/** Bytes held by the profile's typed arrays (what structured clone / transfer moves). */
function modelBytes(p: object): number {
  let n = 0;
  const visit = (v: unknown) => {
    if (ArrayBuffer.isView(v)) n += v.byteLength;
    else if (v && typeof v === 'object' && !Array.isArray(v)) for (const x of Object.values(v)) visit(x);
  };
  visit(p);
  return n;
}
const gc = runInNewContext('gc') as () => void;

const samples = Number(process.argv[2] ?? 1_000_000);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const dmb = (n: number) => `${n >= 0 ? '+' : ''}${(n / 1048576).toFixed(1)} MB`;
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

function time<T>(fn: () => T): [number, T] {
  const t0 = performance.now();
  const v = fn();
  return [performance.now() - t0, v];
}

console.log(`${new Date().toISOString()}  node ${process.version}  load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`generating / reusing the synthetic file (${samples} samples)…`);
const [genMs, path] = time(() => syntheticFile({ samples }));
const bytes = new Uint8Array(readFileSync(path));
console.log(`file: ${path}\n  ${mb(statSync(path).size)}; ready in ${(genMs / 1000).toFixed(1)} s`);
const text = new TextDecoder().decode(bytes);

const parseMs: number[] = [];
const decodeParseMs: number[] = [];
const convertMs: number[] = [];
let foldedLength = 0;
for (let r = 0; r < REPS; r++) {
  gc();
  parseMs.push(time(() => JSON.parse(text))[0]);
  gc();
  decodeParseMs.push(time(() => JSON.parse(new TextDecoder().decode(bytes)))[0]);
  gc();
  const [ms, out] = time(() => exportProfile(loadProfile(bytes, 'synthetic.speedscope.json'), 'folded'));
  convertMs.push(ms);
  foldedLength = out.length;
}
const base = median(parseMs);
const conv = median(convertMs);
console.log(`\nJSON.parse (text already decoded)   median ${base.toFixed(0)} ms   runs ${parseMs.map((x) => x.toFixed(0)).join(', ')}`);
console.log(`decode + JSON.parse                  median ${median(decodeParseMs).toFixed(0)} ms   runs ${decodeParseMs.map((x) => x.toFixed(0)).join(', ')}`);
console.log(`convert bytes → folded (ours)        median ${conv.toFixed(0)} ms   runs ${convertMs.map((x) => x.toFixed(0)).join(', ')}   output ${mb(foldedLength)}`);
console.log(`RATIO convert / JSON.parse = ${(conv / base).toFixed(2)}× (medians)   ${(Math.min(...convertMs) / Math.min(...parseMs)).toFixed(2)}× (best of ${REPS})   budget 2.5×   vs decode+parse ${(conv / median(decodeParseMs)).toFixed(2)}×`);

// For reference: the ordinary path (JSON.parse, then walk the parsed arrays), which the byte-level
// fast path replaces for files of 4 MB and more.
gc();
const [ordinaryMs] = time(() => exportProfile(importSpeedscope(JSON.parse(text), new LoadContext('synthetic.speedscope.json')), 'folded'));
console.log(`reference: ordinary path (JSON.parse + walk + folded) ${ordinaryMs.toFixed(0)} ms = ${(ordinaryMs / base).toFixed(2)}× JSON.parse`);

// Load into a Profile and keep it: how much heap does the model cost, and the call tree on top.
gc();
const heap0 = process.memoryUsage().heapUsed;
const ab0 = process.memoryUsage().arrayBuffers;
const [loadMs, profile] = time((): Profile => loadProfile(bytes, 'synthetic.speedscope.json'));
gc();
const heap1 = process.memoryUsage().heapUsed;
const ab1 = process.memoryUsage().arrayBuffers;
const [treeMs, tree] = time(() => buildCallTree(profile));
gc();
const heap2 = process.memoryUsage().heapUsed;
const [statsMs] = time(() => functionStats(profile));
console.log(`\nload → Profile: ${loadMs.toFixed(0)} ms; ${profile.samples.length} samples, ${profile.stacks.length} stacks, ${profile.frames.length} frames`);
console.log(`  model: ${mb(modelBytes(profile))} of typed arrays (by count; the array-buffer counter said ${dmb(ab1 - ab0)}, it lags behind GC), JS heap ${dmb(heap1 - heap0)} (frame names)`);
console.log(`call tree: ${treeMs.toFixed(0)} ms; ${tree.length} nodes, max depth ${tree.maxDepth}; ${mb(modelBytes(tree))} of typed arrays; retained JS heap ${dmb(heap2 - heap1)}`);
console.log(`function stats: ${statsMs.toFixed(0)} ms`);
console.log(`peak RSS of this process: ${mb(process.resourceUsage().maxRSS * 1024)} (includes the file bytes, its decoded text and JSON.parse garbage)`);
