import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalyzeCommand, type AnalyzeJsonRecord } from '../../../src/core/analyzer/cli';

function io() {
  const o = { out: '', err: '' };
  return { o, io: { out: (s: string) => { o.out += s; }, err: (s: string) => { o.err += s; } } };
}

const MOD = 'local api = uevr.api\nuevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  local c = api:find_uobject("Class /Script/Engine.Pawn")\n  print("x")\nend)\n';

describe('uevr-prof analyze', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uevr-analyze-'));
  writeFileSync(join(dir, 'mod.lua'), MOD);
  writeFileSync(join(dir, 'broken.lua'), 'local x = = 1\n');

  test('--json lists findings with positions, codes and fixable', async () => {
    const { o, io: w } = io();
    assert.equal(await runAnalyzeCommand(['analyze', dir, '--json'], w), 0);
    const recs = JSON.parse(o.out) as AnalyzeJsonRecord[];
    const r3 = recs.find((r) => r.code === 'UEVR003')!;
    assert.deepEqual([r3.line, r3.column, r3.severity, r3.fixable], [3, 13, 'warning', true]);
    assert.ok(recs.some((r) => r.code === 'syntax' && r.file.endsWith('broken.lua')));
    for (const r of recs) assert.deepEqual(Object.keys(r).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'fixable', 'line', 'message', 'severity']);
  });

  test('--fail-on: 1 when matched, 0 otherwise', async () => {
    assert.equal(await runAnalyzeCommand([join(dir, 'mod.lua'), '--fail-on', 'error'], io().io), 1);
    writeFileSync(join(dir, 'clean.lua'), 'print("hello")\n');
    assert.equal(await runAnalyzeCommand([join(dir, 'clean.lua'), '--fail-on', 'hint'], io().io), 0);
  });

  test('bad usage exits 2 with a one-line reason', async () => {
    for (const argv of [[], ['--bogus', dir], [dir, '--fail-on', 'fatal'], [join(dir, 'missing.lua')]]) {
      const { o, io: w } = io();
      assert.equal(await runAnalyzeCommand(argv, w), 2, JSON.stringify(argv));
      assert.match(o.err, /uevr-prof analyze: /);
    }
  });

  test('--fix applies safe fixes only and writes the file', async () => {
    const p = join(dir, 'fixme.lua');
    writeFileSync(p, MOD);
    const { o, io: w } = io();
    assert.equal(await runAnalyzeCommand([p, '--fix'], w), 0);
    const fixed = readFileSync(p, 'utf8');
    assert.match(fixed, /^local Pawn_class = api:find_uobject/m);
    assert.match(fixed, /print\("x"\)/, 'print gating is a suggestion: not applied');
    assert.match(o.out, /fixed 1 issue/);
  });
});
