// The native agent's portable core, built with cmake against Debian's Lua 5.4.4 and driven by the Linux
// test host (test/native/host.cpp), which plays UEVR's part with real mod scripts and the real Lua agent.
// Skips (with the reason) only when cmake, g++ or liblua5.4-dev are missing.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

const root = resolve(__dirname, '../../..');
const host = join(root, 'agent/native/build-linux/uevrprof-host');
const agent = join(root, 'agent/!uevr-profiler-agent.lua');
const mods = (name: string) => join(root, 'test/fixtures/mods', name);

function missingTools(): string | undefined {
  for (const t of ['cmake', 'g++']) if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed (apt-get install -y cmake g++ liblua5.4-dev)`;
  if (!existsSync('/usr/include/lua5.4/lua.h')) return 'liblua5.4-dev is not installed (apt-get install -y liblua5.4-dev)';
  return undefined;
}

const skip = missingTools();

interface BenchResult {
  frames: number;
  samples: number;
  sampledMs: number;
  scriptsMsTotal: number;
  errors: number;
  inclusiveShare: Record<string, number>;
  rootShare: Record<string, number>;
  exactCallbackShare: Record<string, number>;
  /** Leaf line self share of its callback root's sampled time, "<root>|<file name>:<line>" → %. */
  lineSelfShare: Record<string, number>;
  /** The same over the frames whose callbacks were not preempted (within 10 % of their median). */
  lineSelfShareUndisturbed: Record<string, number>;
  undisturbedFrames: number;
}

function bench(args: string[]): BenchResult {
  const r = spawnSync(host, ['--agent', agent, '--bench', ...args], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, `host exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as BenchResult;
}

describe('native agent core (Linux test host)', { skip }, () => {
  before(() => {
    const r = spawnSync(process.execPath, [join(root, 'agent/native/build.mjs'), '--linux'], { encoding: 'utf8', timeout: 300000 });
    assert.equal(r.status, 0, `build failed:\n${r.stdout}\n${r.stderr}`);
  });

  test('the independent protocol checks pass against the native session; discovery file appears (0600) and goes on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uevrprof-native-'));
    const child = spawn(host, ['--agent', agent, '--mods', join(root, 'examples'), '--mods', mods('known-cost-loops'), '--serve', '--port', '0', '--sessions-dir', dir], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((res, rej) => {
        createInterface({ input: child.stdout }).once('line', res);
        child.once('exit', (code) => rej(new Error(`host exited ${code}`)));
      });
      const info = JSON.parse(line) as { port: number; token: string; discovery: string };
      assert.ok(existsSync(info.discovery));
      assert.equal(statSync(info.discovery).mode & 0o777, 0o600);
      const checkUrl = pathToFileURL(join(root, 'test/independent-client/check.mjs')).href;
      const { runChecks } = (await import(checkUrl)) as { runChecks: (h: string, p: number, t: string, log?: (l: string) => void) => Promise<number> };
      const lines: string[] = [];
      const failures = await runChecks('127.0.0.1', info.port, info.token, (l) => lines.push(l));
      assert.equal(failures, 0, lines.filter((l) => l.startsWith('not ok')).join('\n'));
      const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.deepEqual(readdirSync(dir), [], 'the discovery file is removed at exit');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const strace = spawnSync('sh', ['-c', 'command -v strace']).status === 0;
  test('the discovery file: folder created 0700, temp file O_CREAT|O_EXCL|O_NOFOLLOW 0600 under a random name, then renamed (strace)', { skip: !strace && 'needs strace' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uevrprof-native-'));
    const sessions = join(dir, 'state', 'sessions');
    const trace = join(dir, 'trace.txt');
    const child = spawn('strace', ['-f', '-e', 'trace=openat,rename,renameat,renameat2,mkdir,mkdirat', '-o', trace, host, '--agent', agent, '--mods', mods('known-cost-loops'), '--serve', '--port', '0', '--sessions-dir', sessions], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((res, rej) => {
        createInterface({ input: child.stdout }).once('line', res);
        child.once('exit', (code) => rej(new Error(`host exited ${code}`)));
      });
      const info = JSON.parse(line) as { discovery: string };
      assert.equal(statSync(sessions).mode & 0o777, 0o700);
      assert.equal(statSync(info.discovery).mode & 0o777, 0o600);
      const pid = Number(/session-(\d+)-/.exec(info.discovery)![1]);
      const exited = new Promise((res) => child.once('exit', res));
      process.kill(pid, 'SIGTERM');
      await exited;
      const lines = readFileSync(trace, 'utf8').split('\n');
      const open = lines.find((l) => l.includes('openat(') && l.includes(sessions) && l.includes('.tmp'));
      assert.ok(open, 'the temp file open is traced');
      assert.match(open, /O_WRONLY\|O_CREAT\|O_EXCL\|O_NOFOLLOW/);
      assert.match(open, /, 0600\)/);
      assert.match(open, /\/\.session-[0-9a-f]{32}\.tmp"/);
      assert.ok(lines.some((l) => /mkdir/.test(l) && l.includes(`"${sessions}", 0700`)), 'the folder is created 0700');
      assert.ok(lines.some((l) => /rename/.test(l) && l.includes('.tmp') && l.includes(info.discovery)), 'then renamed into place');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('hostile bodies get one-line errors (deep nesting, invalid UTF-8, huge numbers, 100k+ values); a 9th unattached connection evicts the oldest idle one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uevrprof-native-'));
    const child = spawn(host, ['--agent', agent, '--mods', mods('known-cost-loops'), '--serve', '--port', '0', '--sessions-dir', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    const sockets: Socket[] = [];
    try {
      const line = await new Promise<string>((res, rej) => {
        createInterface({ input: child.stdout }).once('line', res);
        child.once('exit', (code) => rej(new Error(`host exited ${code}`)));
      });
      const { port, token } = JSON.parse(line) as { port: number; token: string };
      const open = () =>
        new Promise<{ s: Socket; text: () => string; closed: () => boolean }>((res, rej) => {
          let text = '';
          let closed = false;
          const s = connect({ host: '127.0.0.1', port }, () => res({ s, text: () => text, closed: () => closed }));
          s.on('data', (d: Buffer) => (text += d.toString('utf8')));
          s.on('close', () => (closed = true));
          s.on('error', rej);
          sockets.push(s);
        });
      const frame = (body: Buffer) => Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
      const until = async (pred: () => boolean) => {
        for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
        return pred();
      };
      const a = await open();
      a.s.write(frame(Buffer.from('['.repeat(10000))));
      a.s.write(frame(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])));
      a.s.write(frame(Buffer.from('{"seq":1e400,"type":"request","command":"initialize"}')));
      a.s.write(frame(Buffer.from('{"seq":2,"type":"request","command":"initialize"}')));
      // 60 KiB (under the 64 KiB pre-attach limit) of 30,000 values is fine; 110,000 values is not.
      a.s.write(frame(Buffer.from(`{"seq":3,"type":"request","command":"initialize","arguments":{"x":[${'0,'.repeat(29_999)}0]}}`)));
      assert.ok(await until(() => (a.text().match(/"success":true/g) ?? []).length === 2), a.text());
      const errors = a.text().match(/"message":"(?:[^"\\]|\\.)*"/g) ?? [];
      assert.equal(errors.length, 3, a.text());
      assert.match(errors[0], /nesting too deep/);
      assert.match(errors[1], /UTF-8/);
      assert.match(errors[2], /seq/);
      assert.ok(!a.closed());
      // Eight unattached connections fill the pool; a ninth evicts the oldest that never initialized
      // (with the reason), so idle sockets cannot lock the owner out (docs/protocol.md §1).
      const idle: Array<Awaited<ReturnType<typeof open>>> = [];
      for (let i = 0; i < 7; i++) idle.push(await open());
      const ninth = await open();
      assert.ok(await until(() => idle[0]!.closed()), 'the oldest idle connection is evicted');
      assert.match(idle[0]!.text(), /evicted: more than 8 connections waiting to attach/);
      assert.ok(!a.closed(), 'the connection that initialized is kept');
      assert.ok(!ninth.closed());
      // After attach bodies may be 16 MiB, but the JSON reader stores at most 100,000 values per body.
      const b = await open();
      b.s.write(frame(Buffer.from('{"seq":1,"type":"request","command":"initialize"}')));
      b.s.write(frame(Buffer.from(JSON.stringify({ seq: 2, type: 'request', command: 'attach', arguments: { token } }))));
      assert.ok(await until(() => (b.text().match(/"success":true/g) ?? []).length === 2), b.text());
      b.s.write(frame(Buffer.from(`{"seq":3,"type":"request","command":"sessionInfo","arguments":{"x":[${'0,'.repeat(149_999)}0]}}`)));
      assert.ok(await until(() => /too many values/.test(b.text())), b.text().slice(-300));
      assert.ok(!b.closed());
    } finally {
      for (const s of sockets) s.destroy();
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('sampling on: real mod stacks with file and names, the heavier function weighs more; exact per-callback times', () => {
    const r = bench(['--mods', mods('known-cost-loops'), '--frames', '150', '--game-ms', '0.5', '--hz', '4000']);
    assert.equal(r.errors, 0);
    assert.ok(r.samples > 20, `only ${r.samples} samples`);
    assert.ok(r.inclusiveShare.f60 > r.inclusiveShare.f10, JSON.stringify(r.inclusiveShare));
    assert.ok(r.inclusiveShare.work > 90, 'nearly every sample is inside work()');
    assert.equal(r.rootShare.on_pre_engine_tick, 100);
    assert.equal(r.exactCallbackShare.on_pre_engine_tick, 100);
  });

  test('per-line accuracy (known-cost-lines): 3:1 loops on lines 8/9, 80 % on line 17 of a 30-line callback, a two-line loop body split evenly, within ±5 pp; the hot line first', () => {
    // Lua work only (no C calls), so each sample's line is where the script thread was. Shares over the
    // frames the machine did not disturb (the machine is shared; as the simulator's accuracy tests do).
    // ±5 pp, the native core's accuracy target elsewhere (docs/benchmarks.md): issue 12 asks ±3 pp, which
    // the simulator meets (test/unit/sim/lines.test.ts). Here, with the exponential wake-ups (after the
    // merge with s2-11) and the spread only for arms noticed at once and cut at calls, 10 runs of this
    // command at load 6-9 had every line's mean within 0.7 pp of its truth but 1.1-1.8 pp of spread per
    // run: the worst line was off by 3.96 pp and 4 of the 10 runs missed ±3 pp (before the spread rules,
    // 25 runs: means within 0.8 pp, 4 missed ±3; at 3000 frames 1 of 9). Unbiased, but not within ±3 in
    // every run on this shared machine, so the gate stays ±5.
    const r = bench(['--mods', mods('known-cost-lines'), '--frames', '1000', '--game-ms', '0.5', '--hz', '8000']);
    assert.equal(r.errors, 0);
    assert.ok(r.undisturbedFrames > 150, `${r.undisturbedFrames} undisturbed frames`);
    const s = r.lineSelfShareUndisturbed;
    const near = (key: string, truth: number) => {
      const v = s[`${key}`] ?? 0;
      assert.ok(Math.abs(v - truth) <= 5, `${key}: ${v.toFixed(1)} % measured, ${truth} % true (±5 pp); all: ${JSON.stringify(s)}`);
    };
    near('on_post_engine_tick|lines.lua:8', 75);
    near('on_post_engine_tick|lines.lua:9', 25);
    near('on_pre_engine_tick|lines.lua:17', 80);
    // pair(): the `for` line's loop instruction, then two identical 2-instruction lines: 1:2:2. The arm is
    // noticed only after a jump, so without the spread (Profiler::hook) line 50 got 99.5 %.
    near('on_frame|lines.lua:49', 20);
    near('on_frame|lines.lua:50', 40);
    near('on_frame|lines.lua:51', 40);
    const hottest = (root: string) => Object.entries(s).filter(([k]) => k.startsWith(`${root}|`)).sort((a, b) => b[1] - a[1])[0]![0];
    assert.equal(hottest('on_post_engine_tick'), 'on_post_engine_tick|lines.lua:8');
    assert.equal(hottest('on_pre_engine_tick'), 'on_pre_engine_tick|lines.lua:17');
  });

  test('sampling off: no samples, callbacks still timed exactly', () => {
    const r = bench(['--mods', mods('known-cost-callbacks'), '--frames', '60', '--game-ms', '0.5', '--hz', '0']);
    assert.equal(r.samples, 0);
    assert.deepEqual(Object.keys(r.exactCallbackShare).sort(), ['on_post_engine_tick', 'on_pre_calculate_stereo_view_offset', 'on_pre_engine_tick']);
  });

  test('script resets: the hook is dropped with the old state, the new state is instrumented and sampled again', () => {
    const r = bench(['--mods', mods('known-cost-loops'), '--frames', '200', '--game-ms', '0.5', '--hz', '4000', '--reset-every', '40']);
    assert.equal(r.errors, 0);
    assert.ok(r.samples > 20);
    assert.ok(r.inclusiveShare.f60 > 0);
  });

  test('mods with errors and the demo examples run under the agent without breaking the host', () => {
    const r = bench(['--mods', mods('errors'), '--mods', join(root, 'examples'), '--frames', '40', '--game-ms', '0.2', '--hz', '2000']);
    assert.ok(r.errors > 0, 'the error fixtures do raise');
    assert.ok(Object.keys(r.exactCallbackShare).length > 3, JSON.stringify(r.exactCallbackShare));
  });

  test('the Windows DLL (when built by npm run build:agent) exports UEVR\'s entry points', (t) => {
    const dll = join(root, 'agent/native/build-win64/uevr_profiler.dll');
    if (!existsSync(dll) || spawnSync('sh', ['-c', 'command -v x86_64-w64-mingw32-objdump']).status !== 0) {
      t.skip('no Windows build here (npm run build:agent needs mingw-w64)');
      return;
    }
    const dump = spawnSync('x86_64-w64-mingw32-objdump', ['-p', dll], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).stdout;
    assert.match(dump, /\]\s+uevr_plugin_required_version\b/);
    assert.match(dump, /\]\s+uevr_plugin_initialize\b/);
    assert.doesNotMatch(dump, /DLL Name: (libstdc|libgcc|libwinpthread|lua)/i, 'no runtime DLLs a game folder lacks');
  });

  after(() => {});
});
