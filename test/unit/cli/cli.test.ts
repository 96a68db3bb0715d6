import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, registerCommand, commands, type CliIO } from '../../../src/cli/main';
import { CaptureWriter, FileSink } from '../../../src/core/capture/writer';
import { readCapture } from '../../../src/core/capture/reader';
import { SessionServer } from '../../../src/core/session/server';
import { SessionClient } from '../../../src/core/session/client';
import { announceSession } from '../../../src/core/session/discovery';
import { loadProfile } from '../../../src/core/formats/loadProfile';
import type { FrameMetrics } from '../../../src/core/session/backend';
import { TimerBackend } from '../session/timer-backend';

const dir = mkdtempSync(join(tmpdir(), 'uevr-cli-'));

function memIO(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    stderrIsTTY: false,
    cwd: dir,
    env: {} as NodeJS.ProcessEnv,
    signal: new AbortController().signal,
  };
  return io;
}

async function run(...argv: string[]) {
  const io = memIO();
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

/**
 * A capture with known truth: 100 frames at 90 Hz; on_pre_engine_tick costs 2 ms, the stereo
 * callback 0.5 ms per eye; samples: 'heavy' 1.5 ms self under tick, 'light' 0.5 ms under heavy.
 */
function knownCapture(path: string): void {
  const w = new CaptureWriter(new FileSink(path), {
    protocol: 1,
    session: { game: 'Known', pid: 1, kind: 'simulator', refreshRateHz: 90, hostVersion: 't' },
    samplingHz: 1000,
    startTime: 0,
    startedAt: '2026-01-01T00:00:00Z',
    tool: 'test',
  });
  w.writeCallbacks([
    { id: 1, name: 'on_pre_engine_tick', file: 'mod.lua', line: 10, generation: 0 },
    { id: 2, name: 'on_early_calculate_stereo_view_offset', file: 'mod.lua', line: 20, generation: 0 },
  ]);
  const frames: FrameMetrics[] = [];
  const samples: Array<[number, number, number, number]> = [];
  for (let i = 0; i < 100; i++) {
    frames.push({
      frame: i,
      start: i * 11.1,
      frameMs: 11.1,
      scriptsMs: 3,
      gcMs: 0.1,
      luaMemoryKb: 100,
      overheadMs: 0.02,
      callbacks: [
        { id: 1, eye: -1, ms: 2, calls: 1 },
        { id: 2, eye: 0, ms: 0.5, calls: 1 },
        { id: 2, eye: 1, ms: 0.5, calls: 1 },
      ],
    });
    samples.push([1, i * 11.1, 1.5, i], [2, i * 11.1 + 1.5, 0.5, i]);
  }
  w.writeFrames(frames);
  w.writeSamples({
    newFrames: [
      { id: 0, name: 'on_pre_engine_tick', file: 'mod.lua', line: 10, kind: 2 },
      { id: 1, name: 'heavy', file: 'mod.lua', line: 1, kind: 0 },
      { id: 2, name: 'light', file: 'mod.lua', line: 5, kind: 0 },
    ],
    newStacks: [
      [0, -1, 0],
      [1, 0, 1],
      [2, 1, 2],
    ],
    samples,
  });
  w.close({ stopTime: 1110, reason: 'stopped', frames: 100, samples: 200, droppedFrames: 0 });
}

const known = join(dir, 'known.uevrcap');
knownCapture(known);

describe('uevr-prof', () => {
  test('usage and unknown commands exit 2 with one line', async () => {
    let r = await run();
    assert.equal(r.code, 2);
    assert.match(r.out, /usage: uevr-prof/);
    r = await run('frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.err, /^uevr-prof: unknown command "frobnicate"/);
    assert.equal(r.err.trim().split('\n').length, 1);
    r = await run('--help');
    assert.equal(r.code, 0);
    r = await run('report', '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /report FILE/);
  });

  test('the command table is extensible', async () => {
    registerCommand('hello', { summary: 'test', usage: 'hello X', run: async (argv, io) => (io.stdout(`hello ${argv[0]}\n`), 1) });
    const r = await run('hello', 'x');
    assert.equal(r.code, 1);
    assert.equal(r.out, 'hello x\n');
    commands.delete('hello');
  });

  test('analyze, the analyzer command, is wired', async () => {
    const mods = mkdtempSync(join(tmpdir(), 'uevr-cli-an-'));
    writeFileSync(join(mods, 'm.lua'), 'uevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  local x = uevr.api:find_uobject("Class /Script/Engine.Actor")\nend)\n');
    const r = await run('analyze', mods, '--json');
    assert.ok(r.code === 0 || r.code === 1, r.err);
    assert.ok(Array.isArray(JSON.parse(r.out)) || typeof JSON.parse(r.out) === 'object');
    assert.equal((await run('analyze')).code, 2);
  });

  test('report --json: per-callback and per-function ms per frame match the truth', async () => {
    const r = await run('report', known, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.frames, 100);
    assert.ok(Math.abs(j.budgetMs - 1000 / 90) < 1e-9);
    assert.equal(j.refreshRateHz, 90);
    assert.deepEqual(
      j.callbacks.map((c: { name: string; msPerFrame: number; line: number }) => [c.name, c.line, Number(c.msPerFrame.toFixed(6))]),
      [
        ['on_pre_engine_tick', 10, 2],
        ['on_early_calculate_stereo_view_offset', 20, 1],
      ],
    );
    assert.deepEqual(j.callbacks[1].perEye, { left: 0.5, right: 0.5 });
    const fns = Object.fromEntries(j.functions.map((f: { name: string; selfMsPerFrame: number; totalMsPerFrame: number }) => [f.name, [f.selfMsPerFrame, f.totalMsPerFrame]]));
    assert.deepEqual(fns, { heavy: [1.5, 2], light: [0.5, 0.5] });
    assert.equal(j.functions[0].file, 'mod.lua');
    assert.equal(j.functions[0].line, 1);
    assert.ok(Math.abs(j.overheadMsPerFrame - 0.02) < 1e-9);
  });

  test('report text names the budget share; --hz changes the budget', async () => {
    let r = await run('report', known);
    assert.equal(r.code, 0);
    assert.match(r.out, /frame budget 11\.1 ms at 90 Hz; scripts 3\.00 ms\/frame = 27% of the budget/);
    assert.match(r.out, /on_pre_engine_tick\s+2\.00\s+18%\s+mod\.lua:10/);
    r = await run('report', known, '--hz', '120', '--json');
    assert.ok(Math.abs(JSON.parse(r.out).budgetMs - 1000 / 120) < 1e-9);
  });

  test('budget check: exit 1 over the limit, 0 under it', async () => {
    let r = await run('report', known, '--budget-ms', '11.1', '--fail-over', '20');
    assert.equal(r.code, 1);
    assert.match(r.err, /budget check failed: scripts take 3\.000 ms\/frame = 27\.0% of the 11\.10 ms budget, over the 20% limit/);
    r = await run('report', known, '--fail-over', '30');
    assert.equal(r.code, 0);
    r = await run('report', known, '--budget-ms', '2');
    assert.equal(r.code, 1, 'budget alone means 100 %');
  });

  test('bad input exits 2 with a one-line message', async () => {
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.from([0, 1, 2, 3, 255, 254]));
    const trunc = join(dir, 'trunc.uevrcap');
    writeFileSync(trunc, readFileSync(known).subarray(0, 10));
    for (const argv of [
      ['report'],
      ['report', join(dir, 'missing.uevrcap')],
      ['report', garbage],
      ['report', trunc],
      ['report', dir],
      ['report', known, '--hz', 'fast'],
      ['report', known, '--bogus'],
      ['report', known, 'extra'],
      ['convert', known],
      ['convert', known, '--to', 'pdf', '--out', 'x'],
      ['convert', known, '--to', 'folded'],
      ['capture', '--seconds', '1', '--out', 'x.uevrcap'],
      ['capture', '--sim', 'a', '--attach', '127.0.0.1:1', '--out', 'x'],
      ['capture', '--attach', 'nohost', '--token', 't', '--out', 'x'],
      ['capture', '--attach', '127.0.0.1:1', '--out', 'x'],
      ['capture', '--sim', join(dir, 'no-such-dir'), '--out', 'x.uevrcap', '--seconds', '1'],
      ['capture', '--session', join(dir, 'no-such.json'), '--out', 'x.uevrcap'],
      ['sim'],
    ]) {
      const r = await run(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')} → ${r.code} ${r.err}`);
      assert.equal(r.err.trim().split('\n').length, 1, `${argv.join(' ')}: ${r.err}`);
      assert.doesNotMatch(r.err, /\n\s+at /);
    }
  });

  test('a truncated capture still reports, and says so', async () => {
    const bytes = readFileSync(known);
    const cut = join(dir, 'cut.uevrcap');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    const r = await run('report', cut, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.truncated, true);
    assert.match(j.notes[0], /truncated/);
  });

  test('convert to every format; the output loads back', async () => {
    for (const to of ['speedscope', 'chrome', 'folded', 'cpuprofile']) {
      const out = join(dir, `known.${to}.out`);
      const r = await run('convert', known, '--to', to, '--out', out);
      assert.equal(r.code, 0, r.err);
      const p = loadProfile(readFileSync(out), out.replace(/\.out$/, to === 'speedscope' ? '.speedscope.json' : to === 'folded' ? '.folded' : to === 'cpuprofile' ? '.cpuprofile' : '.json'));
      assert.ok(p.samples.length > 0, to);
    }
  });

  test('report reads converted (non-capture) profiles too', async () => {
    const out = join(dir, 'k.speedscope.json');
    await run('convert', known, '--to', 'speedscope', '--out', out);
    const r = await run('report', out, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.ok(j.functions.some((f: { name: string }) => f.name === 'heavy'));
  });
});

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

  test('--attach HOST:PORT --token', async () => {
    const r = await run('capture', '--attach', `127.0.0.1:${server.port}`, '--token', 'tok', '--seconds', '0.3', '--out', 'a/att.uevrcap');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /capturing/);
    const p = readCapture(readFileSync(join(dir, 'a/att.uevrcap')), 'att');
    assert.ok(p.gameFrames!.length > 0);
    assert.ok(p.samples.length > 0);
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
