// The simulator loads every *.lua of a mods folder: a named pipe there must be skipped (a script
// error of the session), not hang it (a sync read of a pipe with no writer never returns). The real CLI in a
// child process with a time limit, since a blocked thread cannot time itself out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCapture } from '../../../src/core/capture/reader';

const root = resolve(__dirname, '../../..');

test('a *.lua named pipe in the mods folder, or required by a mod, does not hang the simulator; the mods run', { skip: process.platform === 'win32' }, () => {
  const mods = mkdtempSync(join(tmpdir(), 'uevr-sim-pipes-'));
  execFileSync('mkfifo', [join(mods, 'apipe.lua')]);
  // A module that is a pipe, required by a mod (the listing skips non-files; require must too).
  execFileSync('mkfifo', [join(mods, 'pipelib.lua')]);
  writeFileSync(join(mods, 'good.lua'), 'pcall(require, "pipelib")\nuevr.sdk.callbacks.on_pre_engine_tick(function() local x = 0 for i = 1, 100 do x = x + i end end)\n');
  const out = join(mods, 'x.uevrcap');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'capture', '--sim', mods, '--seconds', '0.4', '--out', out], { cwd: root, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  assert.equal(r.error, undefined, `the simulator blocked: ${String(r.error)}`);
  assert.equal(r.status, 0, r.stderr);
  // The good mod ran: its callback is registered in the capture and timed every frame.
  const p = readCapture(readFileSync(out), 'x.uevrcap');
  assert.ok(p.callbacks!.file.some((f) => /good\.lua$/.test(f)), JSON.stringify(p.callbacks!.file));
  assert.ok(p.gameFrames!.length > 5);
});
