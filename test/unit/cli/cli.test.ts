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

/**
 * Known per-line truth (capture format 3), 100 frames: heavy() 1.2 ms on line 2 and 0.3 ms on line 3,
 * where it calls light() (0.4 ms self on line 6), and once recursively through line 3 again (0.1 ms
 * in light): line 3's total counts that sample once, 0.8 ms.
 */
function linesCapture(path: string): void {
  const w = new CaptureWriter(new FileSink(path), {
    protocol: 1,
    session: { game: 'Lines', pid: 1, kind: 'simulator', refreshRateHz: 90, hostVersion: 't' },
    samplingHz: 1000,
    startTime: 0,
    startedAt: '2026-01-01T00:00:00Z',
    tool: 'test',
  });
  w.writeCallbacks([{ id: 1, name: 'on_pre_engine_tick', file: 'mod.lua', line: 10, generation: 0 }]);
  const frames: FrameMetrics[] = [];
  const samples: Array<[number, number, number, number]> = [];
  for (let i = 0; i < 100; i++) {
    frames.push({ frame: i, start: i * 11.1, frameMs: 11.1, scriptsMs: 2, gcMs: 0.1, luaMemoryKb: 100, overheadMs: 0.02, callbacks: [{ id: 1, eye: -1, ms: 2, calls: 1 }] });
    const t = i * 11.1;
    samples.push([1, t, 1.2, i], [2, t + 1.2, 0.3, i], [3, t + 1.5, 0.4, i], [5, t + 1.9, 0.1, i]);
  }
  w.writeFrames(frames);
  w.writeSamples({
    newFrames: [
      { id: 0, name: 'on_pre_engine_tick', file: 'mod.lua', line: 10, kind: 2 },
      { id: 1, name: 'heavy', file: 'mod.lua', line: 1, kind: 0 },
      { id: 2, name: 'light', file: 'mod.lua', line: 5, kind: 0 },
    ],
    newStacks: [
      [0, -1, 0, 0],
      [1, 0, 1, 2],
      [2, 0, 1, 3],
      [3, 2, 2, 6],
      [4, 2, 1, 3],
      [5, 4, 2, 6],
    ],
    samples,
  });
  w.close({ stopTime: 1110, reason: 'stopped', frames: 100, samples: 400, droppedFrames: 0 });
}
const linesCap = join(dir, 'lines.uevrcap');
linesCapture(linesCap);

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

  test('report --json lines: per-line self and total ms per frame (each line once per sample), heaviest self first; --top applies', async () => {
    let r = await run('report', linesCap, '--json');
    assert.equal(r.code, 0, r.err);
    let j = JSON.parse(r.out);
    const rows = (x: { lines: Array<{ file: string; line: number; function: string; selfMsPerFrame: number; totalMsPerFrame: number }> }) =>
      x.lines.map((l) => [l.file, l.line, l.function, Number(l.selfMsPerFrame.toFixed(9)), Number(l.totalMsPerFrame.toFixed(9))]);
    assert.deepEqual(rows(j), [
      ['mod.lua', 2, 'heavy', 1.2, 1.2],
      ['mod.lua', 6, 'light', 0.5, 0.5],
      ['mod.lua', 3, 'heavy', 0.3, 0.8],
    ]);
    // The callback root (registration line 10) is in callbacks, exact; not a line row.
    assert.ok(!j.lines.some((l: { line: number }) => l.line === 10));
    r = await run('report', linesCap, '--json', '--top', '2');
    j = JSON.parse(r.out);
    assert.deepEqual(rows(j).map((x) => x[1]), [2, 6]);
    assert.ok(j.notes.includes('1 lighter lines not listed (--top)'), j.notes.join('; '));
    // A capture without lines (the known capture above, format 3 with line 0): functions on their definition lines.
    j = JSON.parse((await run('report', known, '--json')).out);
    assert.deepEqual(rows(j), [
      ['mod.lua', 1, 'heavy', 1.5, 2],
      ['mod.lua', 5, 'light', 0.5, 0.5],
    ]);
  });

  test('convert: folded keeps function granularity unless --lines', async () => {
    const rounded = (out: string) => out.trim().split('\n').map((l) => l.replace(/ ([\d.]+)$/, (_, w: string) => ` ${Number(Number(w).toFixed(6))}`));
    let r = await run('convert', linesCap, '--to', 'folded', '--out', '-');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(rounded(r.out).sort(), ['on_pre_engine_tick (mod.lua:10);heavy (mod.lua:1) 150', 'on_pre_engine_tick (mod.lua:10);heavy (mod.lua:1);heavy (mod.lua:1);light (mod.lua:5) 10', 'on_pre_engine_tick (mod.lua:10);heavy (mod.lua:1);light (mod.lua:5) 40'].sort());
    r = await run('convert', linesCap, '--to', 'folded', '--out', '-', '--lines');
    assert.equal(r.code, 0, r.err);
    assert.ok(rounded(r.out).includes('on_pre_engine_tick (mod.lua:10);heavy (mod.lua:2) 120'), r.out);
    assert.ok(rounded(r.out).includes('on_pre_engine_tick (mod.lua:10);heavy (mod.lua:3);heavy (mod.lua:3);light (mod.lua:6) 10'), r.out);
  });

  test('report text has a Lines section with the hot line first', async () => {
    const r = await run('report', linesCap);
    assert.equal(r.code, 0, r.err);
    const section = r.out.slice(r.out.indexOf('Lines (sampled, per frame):'));
    assert.ok(r.out.includes('Lines (sampled, per frame):'), r.out);
    const rowsText = section.split('\n').slice(2, 5);
    assert.match(rowsText[0]!, /^mod\.lua:2\s+1\.20\s+11%\s+1\.20\s+11%\s+heavy$/);
    assert.match(rowsText[1]!, /^mod\.lua:6\s+0\.50\s+4\.5%\s+0\.50\s+4\.5%\s+light$/);
    assert.match(rowsText[2]!, /^mod\.lua:3\s+0\.30\s+2\.7%\s+0\.80\s+7\.2%\s+heavy$/);
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
