import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  announceSession,
  defaultSessionsDir,
  listSessions,
  newToken,
  readDiscoveryFile,
} from '../../../src/core/session/discovery';

const tmp = () => mkdtempSync(join(tmpdir(), 'uevr-disc-'));

describe('session discovery', () => {
  test('default folders per platform and the env override', () => {
    assert.equal(defaultSessionsDir({ UEVR_PROFILER_SESSIONS_DIR: '/x/y' }, 'linux'), '/x/y');
    assert.equal(defaultSessionsDir({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32'), join('C:\\Users\\me\\AppData\\Roaming', 'UnrealVRMod', 'profiler-sessions'));
    assert.equal(defaultSessionsDir({ XDG_STATE_HOME: '/s' }, 'linux'), join('/s', 'uevr-profiler', 'sessions'));
    assert.match(defaultSessionsDir({}, 'darwin'), /\.local[\\/]state[\\/]uevr-profiler[\\/]sessions$/);
  });

  test('tokens are 256-bit random hex', () => {
    const a = newToken();
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, newToken());
  });

  test('announce writes a 0600 file that lists as live, dispose removes it', () => {
    const dir = tmp();
    const h = announceSession({ port: 47800, token: 'tok', game: 'G' }, dir);
    const rec = JSON.parse(readFileSync(h.file, 'utf8'));
    assert.deepEqual(Object.keys(rec).sort(), ['game', 'host', 'pid', 'port', 'protocol', 'startedAt', 'token']);
    assert.equal(rec.host, '127.0.0.1');
    if (process.platform !== 'win32') assert.equal(statSync(h.file).mode & 0o777, 0o600);
    const l = listSessions(dir);
    assert.equal(l.sessions.length, 1);
    assert.equal(l.sessions[0]!.port, 47800);
    h.dispose();
    assert.equal(existsSync(h.file), false);
    assert.equal(listSessions(dir).sessions.length, 0);
  });

  test('stale, unparsable and invalid files are ignored with a reason', () => {
    const dir = tmp();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const base = { protocol: 1, host: '127.0.0.1', port: 5000, token: 't', game: 'g', startedAt: '' };
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ ...base, pid: Number(dead) }));
    writeFileSync(join(dir, 'b.json'), '{not json');
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ ...base, host: '0.0.0.0', pid: process.pid }));
    writeFileSync(join(dir, 'd.json'), JSON.stringify([1, 2]));
    writeFileSync(join(dir, 'e.json'), JSON.stringify({ ...base, protocol: 99, pid: process.pid }));
    writeFileSync(join(dir, 'f.json'), 'x'.repeat(100_000));
    writeFileSync(join(dir, 'ignored.txt'), 'hello');
    const l = listSessions(dir);
    assert.equal(l.sessions.length, 0);
    const reasons = Object.fromEntries(l.ignored.map((i) => [i.file.slice(dir.length + 1), i.reason]));
    assert.match(reasons['a.json']!, /not running/);
    assert.match(reasons['b.json']!, /not valid JSON/);
    assert.match(reasons['c.json']!, /host/);
    assert.match(reasons['d.json']!, /not a JSON object/);
    assert.match(reasons['e.json']!, /protocol version 99/);
    assert.match(reasons['f.json']!, /larger than/);
    assert.equal(l.ignored.length, 6);
  });

  test('a missing folder is an empty list; a missing file is a clear error', () => {
    assert.deepEqual(listSessions(join(tmp(), 'nope')), { sessions: [], ignored: [] });
    assert.throws(() => readDiscoveryFile('/nonexistent/s.json'), /cannot read session file/);
  });

  test('the file is removed when the process is killed with SIGTERM', async () => {
    const dir = tmp();
    const script = `
      const m = await import(${JSON.stringify(join(process.cwd(), 'src/core/session/discovery.ts'))});
      // tsx may load the .ts as CommonJS: its exports then sit on default.
      (m.announceSession ?? m.default.announceSession)({ port: 1234, token: 't', game: 'g' }, ${JSON.stringify(dir)});
      console.log('ready');
      setInterval(() => {}, 1000);`;
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    assert.equal(listSessions(dir).sessions.length, 1);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    assert.equal(listSessions(dir).sessions.length + listSessions(dir).ignored.length, 0);
  });
});
