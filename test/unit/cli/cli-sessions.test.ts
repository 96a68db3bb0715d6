// uevr-prof against live sessions (in-process server, the sim as a child process) and the demo.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../../../src/core/capture/reader';
import { SessionServer } from '../../../src/core/session/server';
import { SessionClient } from '../../../src/core/session/client';
import { announceSession } from '../../../src/core/session/discovery';
import { TimerBackend } from '../session/timer-backend';
import { main } from '../../../src/cli/main';
import { cliHarness } from './harness';

const { dir, run, memIO } = cliHarness();

/** Runs the CLI with environment variables (the token's proper channel). */
async function runEnv(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const io = memIO();
  io.env = env;
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}


describe('uevr-prof capture against a live session', () => {
  let backend: TimerBackend;
  let server: SessionServer;
  before(async () => {
    backend = new TimerBackend(11.1, 2);
    server = await SessionServer.start({ backend, token: 'tok', port: 0 });
  });
  after(async () => {
    await server.close();
    await backend.dispose();
  });

  test('--attach HOST:PORT with the token from UEVR_PROFILER_TOKEN (no warning)', async () => {
    const r = await runEnv({ UEVR_PROFILER_TOKEN: 'tok' }, 'capture', '--attach', `127.0.0.1:${server.port}`, '--seconds', '0.3', '--out', 'a/att.uevrcap');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /capturing/);
    assert.doesNotMatch(r.err, /warning/);
    const p = readCapture(readFileSync(join(dir, 'a/att.uevrcap')), 'att');
    assert.ok(p.gameFrames!.length > 0);
    assert.ok(p.samples.length > 0);
  });

  test('--token still works but warns that the secret is visible in the process arguments', async () => {
    const r = await run('capture', '--attach', `127.0.0.1:${server.port}`, '--token', 'tok', '--seconds', '0.2', '--out', 'a/att2.uevrcap');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warning: --token puts the session token in the process arguments.*UEVR_PROFILER_TOKEN/);
  });

  test('--attach to a host that is not loopback is refused unless --allow-remote', async () => {
    for (const host of ['10.1.2.3', 'example.com', '0.0.0.0', '[fe80::1]']) {
      const r = await runEnv({ UEVR_PROFILER_TOKEN: 'tok' }, 'capture', '--attach', `${host}:47800`, '--seconds', '0.2', '--out', 'r.uevrcap');
      assert.equal(r.code, 2, host);
      assert.match(r.err, /is not a loopback address.*--allow-remote/, host);
    }
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      const r = await runEnv({ UEVR_PROFILER_TOKEN: 'tok' }, 'capture', '--attach', `${host}:1`, '--seconds', '0.2', '--out', 'r.uevrcap');
      assert.doesNotMatch(r.err, /loopback/, host);
    }
    // With --allow-remote the address is used (here nothing listens: a connect error, not a refusal).
    const r = await runEnv({ UEVR_PROFILER_TOKEN: 'tok' }, 'capture', '--attach', '0.0.0.0:1', '--allow-remote', '--seconds', '0.2', '--out', 'r.uevrcap');
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.err, /loopback/);
  });

  test('--attach with a wrong token exits 2 naming the refusal', async () => {
    const r = await run('capture', '--attach', `127.0.0.1:${server.port}`, '--token', 'bad', '--seconds', '0.3', '--out', 'bad.uevrcap');
    assert.equal(r.code, 2);
    assert.match(r.err, /refused the token/);
  });

  test('sessions lists live discovery files without their tokens', async () => {
    const sessions = mkdtempSync(join(tmpdir(), 'uevr-cli-l-'));
    const h = announceSession({ port: server.port, token: 'tok-secret', game: 'ListedGame' }, sessions);
    writeFileSync(join(sessions, 'broken.json'), '{');
    let r = await run('sessions', '--sessions-dir', sessions, '--all');
    assert.equal(r.code, 0);
    assert.match(r.out, /ListedGame {2}127\.0\.0\.1:\d+/);
    assert.match(r.out, /ignored .*broken\.json: .*not valid JSON/);
    assert.doesNotMatch(r.out, /tok-secret/);
    r = await run('sessions', '--sessions-dir', sessions, '--json');
    assert.equal(JSON.parse(r.out).sessions[0].game, 'ListedGame');
    assert.doesNotMatch(r.out, /tok-secret/);
    h.dispose();
  });

  test('--session FILE', async () => {
    const sessions = mkdtempSync(join(tmpdir(), 'uevr-cli-s-'));
    const h = announceSession({ port: server.port, token: 'tok', game: 'TestGame' }, sessions);
    const r = await run('capture', '--session', h.file, '--seconds', '0.3', '--out', 'sess.uevrcap');
    h.dispose();
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(join(dir, 'sess.uevrcap')));
  });
});

describe('uevr-prof as a process', () => {
  test('bad input: exit 2, one line, no stack trace', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'report', '/nonexistent/x.uevrcap'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'uevr-prof: cannot read /nonexistent/x.uevrcap: no such file\n');
  });

  test('sim announces itself, serves the protocol, and removes its file on SIGTERM', async () => {
    const scripts = mkdtempSync(join(tmpdir(), 'uevr-cli-mods-'));
    writeFileSync(join(scripts, 'mod.lua'), 'uevr.sdk.callbacks.on_pre_engine_tick(function(e, d) local s = 0 for i = 1, 100 do s = s + i end end)\n');
    const sessions = mkdtempSync(join(tmpdir(), 'uevr-cli-sd-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sim', '--scripts', scripts, '--port', '0', '--sessions-dir', sessions], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const deadline = Date.now() + 20_000; // safety net against a hang, not a timing assertion
    while (!/discovery file/.test(out)) {
      assert.ok(Date.now() < deadline, `sim did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const files = readdirSync(sessions);
    assert.equal(files.length, 1);
    const rec = JSON.parse(readFileSync(join(sessions, files[0]!), 'utf8'));
    const c = await SessionClient.open('127.0.0.1', rec.port, rec.token);
    const info = await c.request('sessionInfo', {});
    assert.equal(info.session.kind, 'simulator');
    const frames = await new Promise<number>((r) => c.on('frames', (b) => r(b.frames.length)));
    assert.ok(frames > 0);
    c.close();
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(readdirSync(sessions).length, 0);
  });
});

describe('uevr-prof demo', () => {
  test('captures the example mods and writes the capture, speedscope and (when built) HTML files', async () => {
    const scripts = mkdtempSync(join(tmpdir(), 'uevr-cli-demo-'));
    writeFileSync(join(scripts, 'mod.lua'), 'local function work() local s = 0 for i = 1, 5000 do s = s + i end return s end\nuevr.sdk.callbacks.on_pre_engine_tick(function(e, d) work() end)\n');
    const { webviewBundlePaths } = await import('../../../src/cli/paths');
    const r = await run('demo', '--scripts', scripts, '--seconds', '1', '--out', 'demo-out');
    const built = webviewBundlePaths() !== undefined;
    assert.equal(r.code, built ? 0 : 2, r.err);
    assert.match(r.out, /Callbacks \(exact, per frame\):/);
    assert.match(r.out, /on_pre_engine_tick/);
    assert.match(r.out, /demo-out[\\/]demo\.uevrcap/);
    const p = readCapture(readFileSync(join(dir, 'demo-out', 'demo.uevrcap')), 'demo');
    assert.ok(p.gameFrames!.length > 10);
    const ss = JSON.parse(readFileSync(join(dir, 'demo-out', 'demo.speedscope.json'), 'utf8'));
    assert.match(String(ss.$schema), /speedscope/);
    if (built) assert.match(readFileSync(join(dir, 'demo-out', 'demo.html'), 'utf8'), /Content-Security-Policy/);
  });
});
