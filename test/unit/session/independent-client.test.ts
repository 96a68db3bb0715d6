// Runs the independent client (written only from docs/protocol.md, no imports from src/) as a
// separate process against the TypeScript server, as the native plugin's server will be checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { SessionServer } from '../../../src/core/session/server';
import { TimerBackend } from './timer-backend';

test('independent client (docs/protocol.md only) passes against the session server', async () => {
  const backend = new TimerBackend(11.1, 3);
  const server = await SessionServer.start({ backend, token: 'independent-token', port: 0 });
  try {
    const child = spawn(process.execPath, ['test/independent-client/check.mjs', '127.0.0.1', String(server.port), 'independent-token'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 0, out);
    assert.match(out, /# all checks passed/);
    assert.ok(!/not ok/.test(out), out);
    // Every connection the checker opened is gone (the server forgets closed clients).
    const deadline = Date.now() + 8000;
    while (server.connectionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.connectionCount, 0);
  } finally {
    await server.close();
    await backend.dispose();
  }
});
