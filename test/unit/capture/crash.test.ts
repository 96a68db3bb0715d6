// "Nothing lost when either side dies": the recorder process is killed with SIGKILL mid-capture;
// the file it was writing still opens, with the frames and samples written so far, and says the
// recording did not finish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionServer } from '../../../src/core/session/server';
import { readCapture } from '../../../src/core/capture/reader';
import { TimerBackend } from '../session/timer-backend';

test('a recorder killed with SIGKILL leaves a readable, truncated capture', { skip: process.platform === 'win32' ? 'no SIGKILL semantics' : false }, async () => {
  const backend = new TimerBackend(11.1, 2);
  const server = await SessionServer.start({ backend, token: 'tok', port: 0 });
  const out = join(mkdtempSync(join(tmpdir(), 'uevr-crash-')), 'crash.uevrcap');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/unit/capture/fixtures/record-child.ts', String(server.port), 'tok', out], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('recording') && resolve());
      child.on('exit', (code) => reject(new Error(`recorder exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await exited;
    const p = readCapture(readFileSync(out), out);
    assert.equal(p.meta.truncated, true);
    assert.match(String(p.meta.truncatedReason), /did not finish/);
    assert.ok(p.gameFrames!.length >= 20, `frames ${p.gameFrames!.length}`);
    assert.ok(p.samples.length > 0);
    assert.equal(p.callbacks!.length, 2);
  } finally {
    await server.close();
    await backend.dispose();
  }
});
