// The one test command: unit tests (node's test runner, TypeScript through tsx), then the integration
// tests inside a real VS Code (@vscode/test-electron). Ends with one line `N passed, N failed` that
// covers both parts, and exits non-zero when anything failed or did not run.
//   node test/run-all.mjs [--unit] [--integration] [unit test files or name filters…]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const only = new Set(argv.filter((a) => a === '--unit' || a === '--integration'));
const filters = argv.filter((a) => !a.startsWith('--'));
const wantUnit = only.size === 0 || only.has('--unit');
const wantIntegration = (only.size === 0 || only.has('--integration')) && filters.length === 0;

const outDir = join(root, 'out');
mkdirSync(outDir, { recursive: true });

function listFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p, suffix) : p.endsWith(suffix) ? [p] : [];
  });
}

let passed = 0;
let failed = 0;
const problems = [];

if (wantUnit) {
  let files = listFiles(join(root, 'test/unit'), '.test.ts').sort();
  if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
  // One file per run: two runs at once (a developer and a watcher) must not read each other's counts.
  const tap = join(outDir, `unit-${process.pid}.tap`);
  rmSync(tap, { force: true });
  console.log(`\n== unit tests (${files.length} files)`);
  const r = spawnSync(
    process.execPath,
    [
      '--import', 'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...files.map((f) => relative(root, f)),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } },
  );
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  rmSync(tap, { force: true });
  const count = (k) => Number((new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text) ?? [])[1] ?? NaN);
  const [p, f] = [count('pass'), count('fail')];
  if (Number.isNaN(p) || Number.isNaN(f)) {
    problems.push(`unit tests did not report a summary (exit ${r.status})`);
    failed += 1;
  } else {
    passed += p;
    failed += f;
    if (r.status !== 0 && f === 0) {
      problems.push(`unit test runner exited ${r.status}`);
      failed += 1;
    }
  }
}

if (wantIntegration) {
  console.log('\n== integration tests (inside VS Code)');
  const results = join(outDir, 'integration-results.json');
  rmSync(results, { force: true });
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    problems.push('the build failed, integration tests not run');
    failed += 1;
  } else {
    const r = spawnSync(process.execPath, ['test/integration-runner.mjs', results], { cwd: root, stdio: 'inherit' });
    if (existsSync(results)) {
      const res = JSON.parse(readFileSync(results, 'utf8'));
      passed += res.passed;
      failed += res.failed;
      for (const x of res.failures ?? []) problems.push(`integration: ${x.title}: ${x.error}`);
      if (res.passed + res.failed === 0) {
        problems.push('no integration test ran');
        failed += 1;
      }
    } else {
      problems.push(`VS Code reported no test results (exit ${r.status})`);
      failed += 1;
    }
  }
}

if (problems.length) {
  console.log('\nProblems:');
  for (const p of problems) console.log(`  - ${p}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
