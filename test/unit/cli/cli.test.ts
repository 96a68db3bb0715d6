import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCommand, commands } from '../../../src/cli/main';
import { CaptureWriter, FileSink } from '../../../src/core/capture/writer';
import { loadProfile } from '../../../src/core/formats/loadProfile';
import type { FrameMetrics } from '../../../src/core/protocol/types';
import { cliHarness } from './harness';

const { dir, run } = cliHarness();

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
    assert.match(r.err, /usage: uevr-prof/, 'a usage error prints the usage on stderr');
    assert.equal(r.out, '');
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
