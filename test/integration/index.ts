// Runs inside VS Code's extension host (extensionTestsPath). Loads every *.test.js next to this file
// into mocha, and writes the pass/fail counts to $UEVR_TEST_RESULTS_FILE for the outer runner, which
// prints the `N passed, N failed` line (mocha's own summary is not one CI reads).
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec' });
  // UEVR_TEST_FILTER runs only the test files whose name contains it (the benchmarks use this).
  const filter = process.env.UEVR_TEST_FILTER;
  for (const f of readdirSync(__dirname).filter((n) => n.endsWith('.test.js') && (!filter || n.includes(filter))).sort()) mocha.addFile(join(__dirname, f));
  const failures: Array<{ title: string; error: string }> = [];
  let passed = 0;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => passed++);
    runner.on('fail', (t: Mocha.Test, err: Error) => failures.push({ title: t.fullTitle(), error: String(err?.message ?? err).split('\n')[0] }));
  });
  const file = process.env.UEVR_TEST_RESULTS_FILE;
  if (file) writeFileSync(file, JSON.stringify({ passed, failed: failures.length, failures }, null, 2));
  if (failures.length) throw new Error(`${failures.length} integration test(s) failed`);
}
