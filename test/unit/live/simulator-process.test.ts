// The simulated session's start failures reach the extension as structured errors (the session manager
// words them through vscode.l10n): a simulator that exits at once, and one that never announces itself
// (killed at the deadline). Real child processes, standing in for `dist/cli.js sim`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SimulatorProcess, SimulatorStartError } from '../../../src/extension/live/simulatorProcess';

const dir = mkdtempSync(join(tmpdir(), 'uevr-prof-simproc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a simulator that exits before it starts: exit code and its last output lines', async () => {
  const cli = join(dir, 'exits.js');
  writeFileSync(cli, "for (const l of ['one', 'two', 'three', 'scripts folder not found']) console.error(l); process.exit(3);\n");
  const lines: string[] = [];
  const err = await SimulatorProcess.start(cli, dir, 90, (l) => lines.push(l), 10_000).then(
    () => assert.fail('started'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SimulatorStartError, String(err));
  assert.equal(err.reason, 'exited');
  assert.equal(err.exitCode, 3);
  assert.deepEqual(err.lastOutput, ['two', 'three', 'scripts folder not found']);
  assert.deepEqual(lines, ['one', 'two', 'three', 'scripts folder not found'], 'every line also went to the log callback');
});

test('a simulator that never announces itself is killed at the deadline', async () => {
  const cli = join(dir, 'hangs.js');
  const pidFile = join(dir, 'hangs.pid');
  writeFileSync(cli, `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);\n`);
  const err = await SimulatorProcess.start(cli, dir, 90, () => undefined, 1500).then(
    () => assert.fail('started'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SimulatorStartError, String(err));
  assert.equal(err.reason, 'timeout');
  assert.equal(err.timeoutMs, 1500);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const deadline = Date.now() + 5000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(pid), false, 'the hung simulator was killed');
});
