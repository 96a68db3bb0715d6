import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
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

  test('the sessions folder is created 0700 and an existing looser one of ours is tightened; no temp file is left', { skip: process.platform === 'win32' }, () => {
    const base = tmp();
    const dir = join(base, 'a', 'sessions');
    const h = announceSession({ port: 47801, token: newToken(), game: 'G' }, dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(h.file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), [`session-${process.pid}-47801.json`]);
    h.dispose();
    const loose = join(base, 'loose');
    mkdirSync(loose);
    chmodSync(loose, 0o777);
    announceSession({ port: 47802, token: newToken(), game: 'G' }, loose).dispose();
    assert.equal(statSync(loose).mode & 0o777, 0o700);
  });

  const strace = spawnSync('strace', ['-V']).status === 0;
  test('the temp file is opened O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600 from the start (strace), then renamed', { skip: process.platform !== 'linux' || !strace ? 'needs strace on Linux' : false }, () => {
    const dir = tmp();
    const script = `require(${JSON.stringify(join(__dirname, '../../../src/core/session/discovery.ts'))}).announceSession({ port: 5, token: 'x', game: 'G' }, ${JSON.stringify(dir)}).dispose()`;
    const r = spawnSync('strace', ['-f', '-e', 'trace=openat,rename,renameat,renameat2', process.execPath, '--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: join(__dirname, '../../..') });
    assert.equal(r.status, 0, r.stderr.slice(-500));
    const open = r.stderr.split('\n').find((l) => l.includes('openat(') && l.includes(dir) && l.includes('.tmp'));
    assert.ok(open, 'the temp file open is traced');
    assert.match(open, /O_WRONLY\|O_CREAT\|O_EXCL\|O_NOFOLLOW/);
    assert.match(open, /, 0600\)/);
    assert.match(open, /\/\.session-[0-9a-f]{32}\.tmp"/, 'a random temp name');
    assert.ok(r.stderr.split('\n').some((l) => /rename/.test(l) && l.includes('.tmp') && l.includes('session-')), 'then renamed');
  });

  test('a named pipe called *.json in the folder is skipped with a reason, not read (no hang)', { skip: process.platform === 'win32' }, () => {
    const dir = tmp();
    execFileSync('mkfifo', [join(dir, 'session-1-2.json')]);
    const r = listSessions(dir);
    assert.equal(r.sessions.length, 0);
    assert.match(r.ignored[0]!.reason, /is a named pipe, not a regular file/);
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
