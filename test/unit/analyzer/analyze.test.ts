import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, analyzeFiles } from '../../../src/core/analyzer/analyze';
import { RULES } from '../../../src/core/analyzer/catalog';

const tick = (body: string): string => `local api = uevr.api\nuevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)\n${body}\nend)\n`;
const codes = (src: string, opts = {}): string[] => analyze(src, 'file:///m.lua', opts).map((f) => `${f.range.start.line + 1} ${f.code}`);

describe('rule catalog', () => {
  test('codes UEVR001..UEVR015 follow the catalog order R1..R15', () => {
    RULES.slice(0, 15).forEach((r, i) => {
      assert.equal(r.code, `UEVR${String(i + 1).padStart(3, '0')}`);
      assert.equal(r.id, `R${i + 1}`);
    });
  });
});

describe('suppression', () => {
  const body = '  print("a")\n  print("b")';
  test('disable-next-line, disable-line and file-wide directives', () => {
    assert.deepEqual(codes(tick(body)), ['3 UEVR011', '4 UEVR011']);
    assert.deepEqual(codes(tick('  -- uevr-prof: disable-next-line UEVR011\n' + body)), ['5 UEVR011']);
    assert.deepEqual(codes(tick('  print("a") -- uevr-prof: disable-line UEVR011\n  print("b")')), ['4 UEVR011']);
    assert.deepEqual(codes('-- uevr-prof: disable UEVR011\n' + tick(body)), []);
    assert.deepEqual(codes(tick('  -- uevr-prof: disable-next-line UEVR003\n' + body)), ['4 UEVR011', '5 UEVR011'], 'other codes are not suppressed');
    assert.deepEqual(codes(tick('  -- uevr-prof: disable-next-line\n' + body)), ['5 UEVR011'], 'no code = every rule');
  });
  test('disabledRules option', () => {
    assert.deepEqual(codes(tick(body), { disabledRules: ['UEVR011'] }), []);
  });
});

describe('syntax errors', () => {
  test('a syntax error is reported and the rest of the file is still analysed', () => {
    const src = 'local x = = 1\n' + tick('  print("still analysed")');
    const f = analyze(src, 'file:///m.lua');
    assert.equal(f[0].code, 'syntax');
    assert.equal(f[0].range.start.line, 0);
    assert.ok(f.some((x) => x.code === 'UEVR011'));
  });
  test('hostile input never throws', () => {
    for (const src of ['x = a' + '.b'.repeat(60_000), 'f(' + 'g('.repeat(300) + ')'.repeat(301), '\u0000\uffff"', tick('x = ' + '{'.repeat(150) + '}'.repeat(150))]) {
      assert.doesNotThrow(() => analyze(src, 'file:///h.lua'));
    }
  });
});

describe('hot-path inference across files', () => {
  const lib = [
    'local M = {}',
    'function M.on_tick(fn) uevr.sdk.callbacks.on_pre_engine_tick(fn) end',
    'function M.slow() return uevr.api:find_uobject("Class /Script/Engine.Pawn") end',
    'return M',
  ].join('\n');
  test('a function passed to a registrar of a required library is hot', () => {
    const main = 'local lib = require("lib")\nlib.on_tick(function() print("x") end)\n';
    const resolveRequire = (name: string) => (name === 'lib' ? { uri: 'file:///lib.lua', text: lib } : undefined);
    assert.deepEqual(analyze(main, 'file:///main.lua', { resolveRequire }).map((f) => f.code), ['UEVR011']);
    assert.deepEqual(analyze(main, 'file:///main.lua').map((f) => f.code), [], 'without the library nothing is known');
  });
  test('hot calls into a required module make its functions hot (analyzeFiles)', () => {
    const main = 'local lib = require("lib")\nuevr.sdk.callbacks.on_pre_engine_tick(function() lib.slow() end)\n';
    const out = analyzeFiles([{ uri: 'file:///w/main.lua', text: main }, { uri: 'file:///w/lib.lua', text: lib }]);
    assert.deepEqual(out.get('file:///w/lib.lua')!.map((f) => `${f.range.start.line + 1} ${f.code}`), ['3 UEVR003']);
  });
  test('globals are shared between scripts of one state', () => {
    const a = 'function shared_helper() print("x") end\n';
    const b = 'uevr.sdk.callbacks.on_pre_engine_tick(function() shared_helper() end)\n';
    const out = analyzeFiles([{ uri: 'file:///a.lua', text: a }, { uri: 'file:///b.lua', text: b }]);
    assert.deepEqual(out.get('file:///a.lua')!.map((f) => f.code), ['UEVR011']);
  });
});

describe('findings carry where they run', () => {
  test('hot info names the callback, frequency and path', () => {
    const src = 'local function helper() print(1) end\nuevr.sdk.callbacks.on_post_calculate_stereo_view_offset(function(d, view_index) helper() end)\n';
    const f = analyze(src, 'file:///m.lua').find((x) => x.code === 'UEVR011')!;
    assert.equal(f.hot?.callback, 'on_post_calculate_stereo_view_offset');
    assert.equal(f.hot?.frequency, 'stereo');
    assert.match(f.message, /twice per frame/);
    assert.match(f.message, /helper/);
  });
});
