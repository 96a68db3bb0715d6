// No silent failure, end to end through the CLI: `capture --sim` prints each distinct script error as
// file:line: message on stderr (then a count), and `report` (text and --json) carries the errors and
// says why no callback ran. Real simulated session, real capture file.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliHarness } from './harness';

const { dir, run } = cliHarness();

function scripts(name: string, files: Record<string, string>): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, code] of Object.entries(files)) writeFileSync(join(d, f), code);
  return d;
}

describe('script errors reach the user', () => {
  test('all scripts fail to load: stderr lists each once, the report says why nothing ran', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 5; i++) files[`mod${i}.lua`] = 'local u = require("libs/uevr_utils")\nuevr.sdk.callbacks.on_frame(function() end)\n';
    const d = scripts('all-fail', files);
    const cap = join(dir, 'all-fail.uevrcap');
    const c = await run('capture', '--sim', d, '--seconds', '0.5', '--out', cap);
    assert.equal(c.code, 0, c.err);
    const lines = c.err.split('\n');
    for (let i = 1; i <= 5; i++) {
      assert.equal(lines.filter((l) => l === `all-fail/mod${i}.lua:1: module 'libs/uevr_utils' not found`).length, 1, c.err);
    }
    assert.ok(lines.includes('5 script errors (5 distinct)'), c.err);

    const t = await run('report', cap);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /note: no callback was registered: 5 of 5 scripts failed to load, first: libs\/uevr_utils not found/);
    assert.match(t.out, /Script errors \(5, 5 distinct\):/);

    const j = JSON.parse((await run('report', cap, '--json')).out);
    assert.equal(j.notes[0], 'no callback was registered: 5 of 5 scripts failed to load, first: libs/uevr_utils not found');
    assert.equal(j.scriptErrors.length, 5);
    assert.deepEqual(Object.keys(j.scriptErrors[0]).sort(), ['count', 'file', 'line', 'message']);
    assert.equal(j.scriptErrors[0].line, 1);
    assert.match(j.scriptErrors[0].file, /mod1\.lua$/);
  });

  test('a runtime error repeated every frame is printed once and counted; callbacks that ran mean no note', async () => {
    const d = scripts('runtime', {
      'a_ok.lua': 'uevr.sdk.callbacks.on_frame(function() end)\n',
      'b_bad.lua': 'local n = 0\nuevr.sdk.callbacks.on_pre_engine_tick(function()\n  n = n + 1\n  local t = nil\n  return t.field\nend)\n',
    });
    const cap = join(dir, 'runtime.uevrcap');
    const c = await run('capture', '--sim', d, '--seconds', '0.5', '--out', cap, '--engine', 'ue4', '--gc-mode', 'incremental', '--gc-budget-us', '500');
    assert.equal(c.code, 0, c.err);
    const errLines = c.err.split('\n').filter((l) => l.includes('b_bad.lua'));
    assert.deepEqual(errLines, ["runtime/b_bad.lua:5: attempt to index a nil value (local 't')"]);
    const count = /^(\d+) script errors \(1 distinct\)$/m.exec(c.err);
    assert.ok(count && Number(count[1]) > 5, c.err);

    const j = JSON.parse((await run('report', cap, '--json')).out);
    assert.equal(j.scriptErrors.length, 1);
    assert.ok(j.scriptErrors[0].count > 5);
    assert.ok(!j.notes.some((n: string) => n.startsWith('no callback')), j.notes.join('; '));
  });

  test('bad simulator flags are usage errors', async () => {
    const d = scripts('flags', { 'a.lua': '' });
    for (const argv of [
      ['capture', '--sim', d, '--out', 'x.uevrcap', '--engine', 'ue3'],
      ['capture', '--sim', d, '--out', 'x.uevrcap', '--gc-mode', 'fast'],
      ['capture', '--sim', d, '--out', 'x.uevrcap', '--gc-budget-us', '5000'],
      ['sim', '--scripts', d, '--gc-minor', '0'],
    ]) {
      const r = await run(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')} → ${r.code} ${r.err}`);
    }
  });
});
