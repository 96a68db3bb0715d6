// Opening captures in VS Code's flame graph editor, to first paint, through the real VS Code (the
// shared test host: code-server 1.100.3 in headless Chromium, software rendering, 2 cores).
// Baseline measured in the same run: a 1,000-sample capture (the fixed cost of opening any editor
// with a webview). The anchor (docs/benchmarks.md): Microsoft's flame chart needs 5.7 s for 10k
// samples, 24.1 s for 100k, and runs out of memory at 1M on this machine.
// --lines: captures whose stacks carry current lines (format 3), at 1k (the baseline) and 1M, and the
// 1M capture without lines in the same run.
//   node --import tsx bench/vscode-open.bench.ts [--quick | --lines]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticCaptureFile } from './lib/syntheticCapture';

const quick = process.argv.includes('--quick');
const withLines = process.argv.includes('--lines');
const sizes = quick ? [1_000, 10_000, 100_000] : withLines ? [1_000, 1_000_000] : [1_000, 10_000, 100_000, 1_000_000];
console.log(`preparing synthetic captures: ${sizes.join(', ')} samples${withLines ? ' (with lines), and 1M without' : ''}`);
const files = sizes.map((samples) => ({ path: syntheticCaptureFile(samples, undefined, withLines), samples, runs: samples >= 1_000_000 ? (withLines ? 2 : 1) : 3 }));
const labels = sizes.map((s) => `${s}${withLines ? ' lines' : ''}`);
// The same 1M capture without lines, for the ratio (results come back in the order of `files`).
if (withLines) {
  files.push({ path: syntheticCaptureFile(1_000_000), samples: 1_000_000, runs: 2 });
  labels.push('1000000 no lines');
}
const out = join(mkdtempSync(join(tmpdir(), 'uevr-openbench-')), 'results.json');
const r = spawnSync(process.execPath, ['test/integration-runner.mjs', join(tmpdir(), 'uevr-openbench-ignored.json')], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, UEVR_TEST_FILTER: 'openBench', UEVR_BENCH_FILES: JSON.stringify(files), UEVR_BENCH_OUT: out, VSCODE_TEST_TIMEOUT_MS: '1800000' },
});
if (r.status !== 0) console.log(`(the VS Code run exited ${r.status})`);
const results = JSON.parse(readFileSync(out, 'utf8')) as Array<{ samples: number; ms: number[] }>;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(results.find((x) => x.samples === 1_000)?.ms ?? [1]);
console.log('\nopen capture → first paint in the UEVR Flame Graph editor (VS Code 1.100.3 test host)');
console.log('samples           median ms   runs            × the 1k baseline');
results.forEach((x, i) => {
  console.log(`${(labels[i] ?? String(x.samples)).padStart(16)}  ${String(median(x.ms)).padStart(9)}   ${x.ms.join('/').padEnd(16)} ${(median(x.ms) / base).toFixed(2)}×`);
});
