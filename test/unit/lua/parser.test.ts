import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, MAX_DEPTH } from '../../../src/core/lua/parser';
import { lex, T } from '../../../src/core/lua/lexer';
import { LineIndex } from '../../../src/core/lua/positions';
import { luaLoadError, closeLua } from './real-lua';
import { VALID, INVALID } from './corpus';
import { seededRandom } from '../../../src/core/random';

after(closeLua);


const rng = seededRandom;

describe('lua parser: acceptance matches real Lua 5.4', () => {
  test('every corpus chunk: accepted exactly when load() accepts it', async () => {
    for (const src of [...VALID, ...INVALID]) {
      const luaErr = await luaLoadError(src);
      const ours = parse(src, { allowShebang: false }).errors;
      assert.equal(ours.length === 0, luaErr === null, `${JSON.stringify(src)}\n lua: ${luaErr}\n ours: ${JSON.stringify(ours)}`);
    }
  });

  test('the analyzer fixtures are valid Lua 5.4 for both', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = join(__dirname, '../../fixtures/analyzer');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.lua'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      assert.equal(await luaLoadError(src), null, f);
      assert.deepEqual(parse(src).errors, [], f);
    }
  });

  test('fuzzed token mutations of the valid corpus agree with load()', async () => {
    const rand = rng(12345);
    let checked = 0;
    const pieces = ['end', '(', ')', '=', ',', 'local', '<const>', '::x::', 'goto x', '...', '..', '[[', ']]', '"', '--', '\\', '{', '}', 'break', 'return', 'function', ';', 'x', '0x', '1e', '[=['];
    for (let round = 0; round < 6; round++) {
      for (const base of VALID) {
        const toks = lex(base).tokens.filter((t) => t.t !== T.EOF);
        if (toks.length === 0) continue;
        const t = toks[Math.floor(rand() * toks.length)];
        let src: string;
        const r = rand();
        if (r < 0.35) src = base.slice(0, t.s) + base.slice(t.e); // drop a token
        else if (r < 0.7) src = base.slice(0, t.s) + pieces[Math.floor(rand() * pieces.length)] + ' ' + base.slice(t.s); // insert
        else src = base.slice(0, t.e) + ' ' + base.slice(t.s); // duplicate
        const luaErr = await luaLoadError(src);
        const ours = parse(src, { allowShebang: false }).errors;
        assert.equal(ours.length === 0, luaErr === null, `${JSON.stringify(src)}\n lua: ${luaErr}\n ours: ${JSON.stringify(ours)}`);
        checked++;
      }
    }
    assert.ok(checked > 100);
  });
});

describe('lua parser: a file as luaL_loadfilex reads it', () => {
  // UEVR runs scripts with sol2's safe_script_file (luaL_loadfilex): a UTF-8 byte-order mark, then a
  // first line starting with '#', are skipped. Real mods saved by Windows editors start with a BOM.
  const files = ['\ufefflocal x = 1\nprint(x)\n', '\ufeff#!/usr/bin/lua\nprint(1)\n', '\ufeff\ufeffprint(1)\n', 'print(1)\ufeff\n', '\ufeff'];
  test('a BOM at the start of a file is accepted exactly when luac5.4 accepts the file', (t) => {
    const probe = spawnSync('luac5.4', ['-v']);
    if (probe.error) return t.skip('luac5.4 is not installed (apt-get install -y lua5.4)');
    const dir = mkdtempSync(join(tmpdir(), 'bom-'));
    try {
      for (const [k, src] of files.entries()) {
        const f = join(dir, `f${k}.lua`);
        writeFileSync(f, src, 'utf8');
        const luac = spawnSync('luac5.4', ['-p', f], { encoding: 'utf8' });
        const ours = parse(src).errors;
        assert.equal(ours.length === 0, luac.status === 0, `${JSON.stringify(src)}\n luac: ${luac.stderr}\n ours: ${JSON.stringify(ours)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(parse(files[0]).errors, []);
    const c = parse(files[0]);
    assert.equal(c.body.body[0].start, 1, 'offsets stay those of the text (the BOM is one UTF-16 unit)');
  });

  test('load() of a string does not skip a BOM, and neither does the parser in load mode', async () => {
    assert.notEqual(await luaLoadError(files[0]), null);
    assert.notEqual(parse(files[0], { allowShebang: false }).errors.length, 0);
  });
});

describe('lua parser: AST and ranges', () => {
  test('names resolve to locals, upvalues and globals', () => {
    const c = parse('local a = 1\nlocal function f() return a + b end\n');
    assert.deepEqual(c.globals.map((g) => g.name), ['b']);
    const loc = c.body.body[0];
    assert.equal(loc.kind, 'Local');
    if (loc.kind === 'Local') assert.equal(loc.names[0].v.refs.length, 1);
  });

  test('ranges are precise offsets and map to line/column', () => {
    const src = 'local x = 1\n  print(x)\n';
    const c = parse(src);
    const call = c.body.body[1];
    assert.equal(src.slice(call.start, call.end), 'print(x)');
    const li = new LineIndex(src);
    assert.deepEqual(li.position(call.start), { line: 1, character: 2 });
  });

  test('comments are kept with their ranges', () => {
    const c = parse('-- uevr-prof: disable UEVR003\nx = 1 --[==[ long ]==]\n');
    assert.equal(c.comments.length, 2);
    assert.equal(c.comments[0].text, ' uevr-prof: disable UEVR003');
    assert.equal(c.comments[1].long, true);
  });

  test('method definitions get an implicit self parameter', () => {
    const c = parse('function M:update(dt) return self end');
    const s = c.body.body[0];
    assert.equal(s.kind, 'FunctionStat');
    if (s.kind === 'FunctionStat') {
      assert.deepEqual(s.func.params.map((p) => p.name), ['self', 'dt']);
      assert.equal(s.func.name, 'M:update');
    }
  });
});

describe('lua parser: error recovery', () => {
  test('a syntax error is reported where it is and the rest of the file is parsed', () => {
    const src = 'local a = 1\nx = = 3\nlocal function later() return 2 end\nprint(later())\n';
    const c = parse(src);
    assert.equal(c.errors.length, 1);
    assert.equal(new LineIndex(src).position(c.errors[0].start).line, 1);
    const kinds = c.body.body.map((s) => s.kind);
    assert.ok(kinds.includes('LocalFunction'));
    assert.ok(kinds.includes('CallStat'));
  });

  test('an error inside a function body keeps the following functions', () => {
    const src = 'function a()\n  local x = (1 +\nend\nfunction b() return 1 end\n';
    const c = parse(src);
    assert.ok(c.errors.length >= 1);
    assert.ok(c.body.body.some((s) => s.kind === 'FunctionStat' && s.func.name === 'b'));
  });

  test('unterminated string and long comment give one clear error each', () => {
    const a = parse('local s = "abc\nprint(1)\n');
    assert.match(a.errors[0].message, /unfinished string/);
    assert.ok(a.body.body.some((s) => s.kind === 'CallStat'));
    const b = parse('x = 1\n--[[ never closed\nprint(2)');
    assert.match(b.errors[0].message, /unfinished long comment/);
  });
});

describe('lua parser: hostile input', () => {
  test('deep nesting yields a depth diagnostic, not a stack overflow', () => {
    const n = 100_000;
    for (const src of ['x = ' + '('.repeat(n) + '1' + ')'.repeat(n), 'x = ' + '{'.repeat(n) + '}'.repeat(n),
      'do '.repeat(n) + 'end '.repeat(n), 'x = ' + '- '.repeat(n) + '1', 'x = 1' + ' .. 1'.repeat(n),
      'f = ' + 'function() return '.repeat(n) + '1' + ' end'.repeat(n)]) {
      const c = parse(src);
      assert.ok(c.errors.some((e) => e.message.includes('too many syntax levels')), src.slice(0, 30));
    }
    assert.equal(parse('x = ' + '('.repeat(MAX_DEPTH - 5) + '1' + ')'.repeat(MAX_DEPTH - 5)).errors.length, 0);
  });

  test('a 1 MB file parses', () => {
    const unit = 'local function f_N(a, b)\n  local t = {a, b, "s"}\n  if a > b then return a .. b end\n  return t\nend\n';
    let src = '';
    for (let i = 0; src.length < 1_000_000; i++) src += unit.replaceAll('N', String(i));
    const c = parse(src);
    assert.equal(c.errors.length, 0);
    assert.ok(c.body.body.length > 5_000);
  });

  test('long flat chains (Lua accepts them) parse', () => {
    assert.equal(parse('x = 1' + ' + 1'.repeat(50_000)).errors.length, 0);
    assert.equal(parse('x = a' + '.b'.repeat(50_000)).errors.length, 0);
  });

  test('random bytes: bounded errors, no crash', () => {
    const rand = rng(7);
    for (let k = 0; k < 20; k++) {
      let s = '';
      const len = k === 0 ? 200_000 : 2_000;
      for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(rand() * 256));
      const c = parse(s);
      assert.ok(c.errors.length <= 101);
    }
    const c = parse('\ud800\udc00 \uffff x = "\u0000"');
    assert.ok(c.errors.length >= 1);
  });

  test('truncations of a valid file never throw', () => {
    const src = VALID.join('\n');
    for (let i = 0; i < src.length; i += 7) parse(src.slice(0, i));
  });
});
