// Quick fixes: every fix offered on the fixtures yields a chunk real Lua 5.4 accepts, removes the finding
// it fixes on re-analysis, and fix-all applies only safe fixes.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, applyEdits, fixAll } from '../../../src/core/analyzer/analyze';
import { luaLoadError, closeLua } from '../lua/real-lua';

after(closeLua);
const dir = join(__dirname, '../../fixtures/analyzer');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.lua')).sort().map((f) => ({ f, text: readFileSync(join(dir, f), 'utf8') }));

const count = (text: string, code: string): number => analyze(text, 'file:///t.lua').filter((x) => x.code === code).length;

describe('quick fixes keep Lua valid and remove their finding', () => {
  for (const { f, text } of fixtures) {
    test(f, async () => {
      const findings = analyze(text, `file:///${f}`);
      for (const finding of findings) {
        for (const fix of finding.fixes) {
          const out = applyEdits(text, fix.edits);
          const err = await luaLoadError(out);
          assert.equal(err, null, `${finding.code} "${fix.title}" broke the file:\n${err}\n${out}`);
          assert.ok(count(out, finding.code) < count(text, finding.code), `${finding.code} "${fix.title}" did not remove the finding:\n${out}`);
          if (fix.kind === 'suggestion') assert.ok(fix.reason && fix.reason.length > 10, 'a suggestion says why it is not safe');
        }
      }
    });
  }
});

describe('fix-all', () => {
  test('applies only safe fixes, the result loads in Lua and has no safe fix left', async () => {
    for (const { f, text } of fixtures) {
      const r = fixAll(text, `file:///${f}`);
      assert.equal(await luaLoadError(r.text), null, `${f}:\n${r.text}`);
      const left = analyze(r.text, `file:///${f}`).filter((x) => x.fixes.some((k) => k.kind === 'safe'));
      assert.deepEqual(left.map((x) => x.code), [], `${f}: safe fixes left after fix-all\n${r.text}`);
    }
  });

  test('suggestions are never applied by fix-all', () => {
    const src = 'local vr = uevr.params.vr\nuevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  vr.set_mod_value("A", "1")\n  print("x")\nend)\n';
    assert.equal(fixAll(src).text, src);
  });

  test('one cache per literal per file, reused across fixes and rounds', () => {
    const src = [
      'local api = uevr.api',
      'uevr.sdk.callbacks.on_pre_engine_tick(function(e, d)',
      '  local a = api:find_uobject("Class /Script/Engine.Pawn")',
      '  local b = api:find_uobject("Class /Script/Engine.Pawn")',
      'end)',
      'uevr.sdk.callbacks.on_post_engine_tick(function(e, d)',
      '  local c = api:find_uobject("Class /Script/Engine.Pawn")',
      'end)',
    ].join('\n');
    const out = fixAll(src).text;
    assert.equal(out.match(/find_uobject\("Class \/Script\/Engine\.Pawn"\)/g)?.length, 1, out);
  });
});

describe('fix naming and placement', () => {
  test('a call is hoisted above its statement only when no other call in it completes first', () => {
    // Moving `obj:get_full_name()` or `api:get_local_pawn(0)` before the statement would run it before
    // a call that may change what it returns (a new view target, a possessed pawn).
    const crossing = [
      'local api = uevr.api',
      'uevr.sdk.callbacks.on_pre_engine_tick(function(e, d)',
      '  local ctl = api:get_player_controller(0)',
      '  local obj = ctl.Target',
      '  if string.find(tostring(ctl:SetViewTargetToNext()) .. obj:get_full_name(), "A") then print(1)',
      '  elseif string.find(obj:get_full_name(), "B") then print(2) end',
      '  print(ctl:PossessNext(), api:get_local_pawn(0))',
      '  local p = api:get_local_pawn(0)',
      'end)',
    ].join('\n');
    const f = analyze(crossing, 'file:///crossing.lua');
    for (const code of ['UEVR004', 'UEVR006']) {
      const found = f.filter((x) => x.code === code);
      assert.ok(found.length > 0, `${code} is reported`);
      assert.ok(found.every((x) => !x.fixes.some((k) => k.kind === 'safe')), `${code} offers no safe hoist across a call`);
    }
    // Without the earlier call the same shapes are fixed.
    const plain = crossing.replace('tostring(ctl:SetViewTargetToNext()) .. ', '').replace('ctl:PossessNext(), ', '');
    const out = fixAll(plain, 'file:///plain.lua');
    assert.ok(out.codes.includes('UEVR004') && out.codes.includes('UEVR006'), `${out.codes}\n${out.text}`);
  });

  test('new names never collide with or shadow existing names', async () => {
    const src = [
      'local api = uevr.api',
      'local Pawn_class = 5',
      'uevr.sdk.callbacks.on_pre_engine_tick(function(e, d)',
      '  local Pawn_class_2 = Pawn_class',
      '  local x = api:find_uobject("Class /Script/Engine.Pawn")',
      'end)',
    ].join('\n');
    const out = fixAll(src).text;
    assert.match(out, /local Pawn_class_3 = api:find_uobject/);
    assert.equal(await luaLoadError(out), null);
  });

  test('a hoist goes after the file-scope locals it needs', async () => {
    const src = [
      '-- header comment',
      'local ks = uevr.api:find_uobject("Class /Script/Engine.KismetStringLibrary")',
      'uevr.sdk.callbacks.on_pre_engine_tick(function(e, d)',
      '  local n = ks:Conv_StringToName("hand_r")',
      'end)',
    ].join('\n');
    const out = fixAll(src).text;
    const lines = out.split('\n');
    assert.ok(lines.findIndex((l) => l.includes('Conv_StringToName')) > lines.findIndex((l) => l.startsWith('local ks')), out);
    assert.equal(await luaLoadError(out), null);
  });

  test('instance paths are never hoisted to file scope (lazy, re-validated cache instead)', () => {
    const src = 'local api = uevr.api\nuevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  local w = api:find_uobject("BP_Gun_C /Game/Maps/Level.Level:PersistentLevel.BP_Gun_C_1")\nend)\n';
    const f = analyze(src, 'file:///x.lua').find((x) => x.code === 'UEVR003')!;
    assert.equal(f.fixes.length, 1);
    const out = applyEdits(src, f.fixes[0].edits);
    assert.match(out, /UEVR_UObjectHook\.exists/);
    assert.doesNotMatch(out, /^local \w+ = api:find_uobject/m);
  });
});

describe('behaviour is kept (run in real Lua with a recording mock of UEVR)', () => {
  test('lifting a pcall closure and fetching the pawn once give the same effects', async () => {
    const mod = [
      'local api = uevr.api',
      'uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)',
      '  local pawn = api:get_local_pawn(0)',
      '  pcall(function() log[#log + 1] = pawn.name .. ":" .. delta end)',
      '  local again = api:get_local_pawn(0)',
      '  log[#log + 1] = again.name',
      'end)',
    ].join('\n');
    const harness = (src: string): string => [
      'log = {}',
      'local cb',
      'uevr = { api = {}, sdk = { callbacks = { on_pre_engine_tick = function(f) cb = f end } } }',
      'function uevr.api:get_local_pawn(i) return { name = "pawn" .. i } end',
      src,
      'for i = 1, 3 do cb({}, i) end',
      'return table.concat(log, ",")',
    ].join('\n');
    const fixed = fixAll(mod).text;
    assert.notEqual(fixed, mod);
    const { LuaFactory } = await import('wasmoon');
    const lua = await new LuaFactory().createEngine();
    try {
      const a = await lua.doString(harness(mod));
      const b = await lua.doString(harness(fixed));
      assert.equal(b, a);
    } finally {
      lua.global.close();
    }
  });
});

describe('constant tables are hoisted only when nothing can see the difference', () => {
  const tick = (body: string): string => `uevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n${body}\nend)\n`;
  const hoisted = (body: string): boolean => analyze(tick(body), 'file:///t.lua').some((f) => f.code === 'UEVR007' && f.fixes.some((x) => x.kind === 'safe'));
  test('read-only uses', () => {
    assert.ok(hoisted('  local t = {1, 2, 3}\n  local s = t[1] + #t\n  for _, v in ipairs(t) do s = s + v end'));
  });
  test('writes, escapes and identity are not', () => {
    assert.ok(!hoisted('  local t = {1, 2}\n  t[f(x[1])] = 3'));
    assert.ok(!hoisted('  local t = {1, 2}\n  table.insert(t, 3)'));
    assert.ok(!hoisted('  local t = {1, 2}\n  keep(t)'));
    assert.ok(!hoisted('  local t = {1, 2}\n  if t ~= last then last = t end'));
    assert.ok(!hoisted('  local t = {1, 2}\n  return t'));
    assert.ok(!hoisted('  local t = {x = 1}\n  t.x = 2'));
  });
});
