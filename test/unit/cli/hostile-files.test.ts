// `report`, `convert` and `analyze` given what is not a normal file: /dev/zero, a named pipe with no
// writer, a capture that is its magic line plus zeros, a symlink loop. Each must answer with one line
// and a non-zero exit within seconds (the real CLI as a child process, so a hang or an out-of-memory
// crash shows as what it is), and the analyzer must still analyze the good files.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const posix = process.platform !== 'win32';
const root = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'uevr-hostile-files-'));

/** Runs the CLI; kills it and fails after `ms` (a hang is a failure, not a stuck test run). */
function cli(args: string[], ms = 20_000, heapMb = 256): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  return new Promise((res, rej) => {
    const t0 = Date.now();
    // A small heap: a reader that buffers without bound crashes instead of passing slowly.
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`uevr-prof ${args.join(' ')} did not finish within ${ms} ms (stderr: ${err.slice(0, 200)})`));
    }, ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, out, err, ms: Date.now() - t0 });
    });
  });
}

function oneLine(err: string, re: RegExp): void {
  const lines = err.trim().split('\n');
  assert.equal(lines.length, 1, err);
  assert.match(lines[0]!, re);
}

describe('CLI on hostile files', { skip: !posix }, () => {
  const fifo = join(dir, 'pipe.uevrcap');
  execFileSync('mkfifo', [fifo]);

  test('report /dev/zero: one line, exit 2', async () => {
    const r = await cli(['report', '/dev/zero']);
    assert.equal(r.code, 2);
    oneLine(r.err, /^uevr-prof: cannot read \/dev\/zero: is a character device, not a regular file$/);
  });

  test('report and convert on a named pipe with no writer: one line, exit 2, no hang', async () => {
    for (const args of [['report', fifo], ['convert', fifo, '--to', 'folded', '--out', join(dir, 'o.folded')]]) {
      const r = await cli(args);
      assert.equal(r.code, 2, r.err);
      oneLine(r.err, /is a named pipe, not a regular file$/);
    }
  });

  test('a 50 MB capture of its magic line then zeros fails fast with a clear message (bounded memory)', async () => {
    const f = join(dir, 'zeros.uevrcap');
    const b = Buffer.alloc(50 * 1024 * 1024);
    b.write('UEVRCAP v2     \n', 'latin1');
    writeFileSync(f, b);
    // 256 MB of heap: one entry per zero chunk (the old reader) would need gigabytes.
    const r = await cli(['report', f], 20_000, 256);
    assert.equal(r.code, 2, r.err);
    oneLine(r.err, /zeros\.uevrcap has no readable header chunk \(the chunk header at byte 16 is damaged\)$/);
    assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
  });

  test('analyze skips a *.lua pipe, a *.lua link to /dev/zero and a folder link loop, and analyzes the rest', async () => {
    const mods = join(dir, 'mods');
    mkdirSync(join(mods, 'sub'), { recursive: true });
    writeFileSync(join(mods, 'good.lua'), 'local x = 1\nreturn x\n');
    writeFileSync(join(mods, 'sub', 'also.lua'), 'local y = 2\nreturn y\n');
    execFileSync('mkfifo', [join(mods, 'pipe.lua')]);
    symlinkSync('/dev/zero', join(mods, 'zero.lua'));
    symlinkSync(mods, join(mods, 'sub', 'loop')); // a folder link back up: a loop
    symlinkSync(join(mods, 'self-a'), join(mods, 'self-b'));
    symlinkSync(join(mods, 'self-b'), join(mods, 'self-a')); // an ELOOP link pair
    const r = await cli(['analyze', mods, '--json'], 30_000);
    assert.equal(r.code, 0, r.err);
    const files = new Set((JSON.parse(r.out) as Array<{ file: string }>).map((x) => x.file));
    assert.ok(files.size <= 2);
    assert.match(r.err, /skipping .*pipe\.lua: is a named pipe, not a regular file/);
    assert.match(r.err, /skipping .*zero\.lua: is a character device, not a regular file/);
    assert.match(r.err, /skipping .*loop: symbolic link to a folder already analyzed/);
    assert.match(r.err, /skipping .*self-a: symbolic link loop/);
    // The good files were read (text mode prints the count).
    const t = await cli(['analyze', mods], 30_000);
    assert.match(t.out, /in 2 files\n$/);
  });
});

describe('convert notes what the output lacks', () => {
  test('a truncated capture converts, with a note on stderr', async () => {
    const { cliHarness } = await import('./harness');
    const { CaptureWriter, FileSink } = await import('../../../src/core/capture/writer');
    const h = cliHarness();
    const f = join(h.dir, 'cut.uevrcap');
    const w = new CaptureWriter(new FileSink(f), { protocol: 1, session: { game: 'G', pid: 1, kind: 'simulator', refreshRateHz: 90, hostVersion: 't' }, samplingHz: 1000, startTime: 0, startedAt: 'x', tool: 't' });
    w.writeSamples({ newFrames: [{ id: 1, name: 'f', file: 'a.lua', line: 1, kind: 0 }], newStacks: [[1, -1, 1]], samples: [[1, 1, 1, 0]] });
    w.abandon(); // no END chunk: the recording did not finish
    const r = await h.run('convert', f, '--to', 'folded', '--out', join(h.dir, 'cut.folded'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /note: .*cut\.uevrcap is truncated: the recording did not finish/);
  });
});
