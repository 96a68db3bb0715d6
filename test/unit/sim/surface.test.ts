// UEVR's Lua surface in the simulator, generated from docs/uevr-lua-surface.md: every row's name must
// exist with the type() the inventory gives, and its `check` expression (written in the row's call
// style) must run. Then the sol2 behaviours the agent and mods meet, checked one by one.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createSimulatedSession } from '../../../src/core/sim/session';
import { HOST_LOG } from './helpers';

interface Row {
  path: string;
  type: string;
  call: string;
  check: string;
}

/** The inventory rows: | `name` | kind | type() | call | arguments | the simulator | check | */
export function inventoryRows(md: string): Row[] {
  const rows: Row[] = [];
  for (const line of md.split('\n')) {
    const m = /^\| `([^`]+)` \|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    const cells = m[2]!.split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells.length < 6) continue;
    const check = /^`(.*)`$/.exec(cells[5]!)?.[1] ?? '';
    rows.push({ path: m[1]!, type: cells[1]!, call: cells[2]!, check });
  }
  return rows;
}

/** Sample instances for the `<Type>` placeholders of the inventory. */
const SAMPLES: Record<string, string> = {
  UObject: 'uevr.api:get_local_pawn(0)',
  UClass: 'uevr.api:find_uobject("Class /Script/Engine.Actor")',
  UFunction: 'uevr.api:find_uobject("Function /Script/Engine.Actor.ReceiveTick")',
  FName: 'uevr.api:get_local_pawn(0):get_fname()',
  MotionControllerState: 'UEVR_UObjectHook.get_or_add_motion_controller_state(uevr.api:get_local_pawn(0))',
  Vector3f: 'Vector3f.new(1, 2, 3)',
  StructObject: 'StructObject.new(uevr.api:find_uobject("ScriptStruct /Script/CoreUObject.Vector"))',
  FUObjectArray: 'uevr.api:get_uobject_array()',
  FConsoleManager: 'uevr.api:get_console_manager()',
  IConsoleVariable: 'uevr.api:get_console_manager():find_variable("r.ScreenPercentage")',
};

/** A Lua expression for the row's value, or null for rows that describe behaviour, not a name. */
function valueExpr(path: string): string | null {
  if (/[\s*]/.test(path) || /[.:](Name|Func)$/.test(path)) return null;
  let p = path;
  const ph = /^<(\w+)>/.exec(p);
  if (ph) {
    const sample = SAMPLES[ph[1]!];
    if (!sample) return null; // needs a callback argument (XINPUT_STATE): checked below
    p = `(${sample})${p.slice(ph[0].length)}`;
  }
  return p.replace(/:(\w+)$/, '.$1');
}

const md = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'uevr-lua-surface.md'), 'utf8');
const rows = inventoryRows(md);

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function runLua(code: string, frames = 1, engine: 'ue4' | 'ue5' = 'ue5'): Promise<{ out: string[]; errors: string[] }> {
  const d = mkdtempSync(join(tmpdir(), 'uevr-surface-'));
  dirs.push(d);
  writeFileSync(join(d, 'surface.lua'), code);
  const sim = await createSimulatedSession({ scriptsDir: d, agentPath: null, seed: 3, engine, menuOpen: true });
  const out: string[] = [];
  const errors: string[] = [];
  sim.subscribe({ log: (l) => void (HOST_LOG.test(l.text) || out.push(l.text)), scriptError: (e) => errors.push(`${e.line}: ${e.message}`) });
  await sim.runFrames(frames);
  await sim.dispose();
  return { out, errors };
}

const luaStr = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

describe('UEVR surface (generated from docs/uevr-lua-surface.md)', () => {
  test('the inventory has the rows the issue names', () => {
    assert.ok(rows.length > 250, `${rows.length} rows`);
    const names = new Set(rows.map((r) => r.path));
    for (const n of [
      'UEVR_Vector3f.new', 'UEVR_Vector2f.new', 'UEVR_Matrix4x4f.new', 'XINPUT_GAMEPAD_A', 'UEVR_UObjectHook.set_disabled',
      'uevr.params.vr.recenter_view', 'uevr.params.vr.trigger_haptic_vibration', 'uevr.params.vr.set_standing_origin',
      'uevr.params.vr.get_ue_projection_matrix', 'uevr.lua.add_script_panel', 'uevr.types.FUObjectArray',
      'uevr.params.sdk.callbacks.on_frame', 'uevr.params.vr:get_mod_value',
    ]) assert.ok(names.has(n), n);
  });

  test('every name exists with its type() and its check runs in its call style', async () => {
    const lines: string[] = ['local out = {}'];
    for (const r of rows) {
      const v = valueExpr(r.path);
      if (v && r.type !== 'any') {
        lines.push(`do local ok, t = pcall(function() return type(${v}) end)
  if not ok then out[#out + 1] = ${luaStr(r.path)} .. ': ' .. tostring(t)
  elseif t ~= ${luaStr(r.type)} then out[#out + 1] = ${luaStr(r.path)} .. ': type ' .. t .. ', expected ${r.type}' end end`);
      }
      if (r.check) {
        lines.push(`do local ok, e = pcall(function() return ${r.check} end)
  if not ok then out[#out + 1] = ${luaStr(r.path)} .. ': check failed: ' .. tostring(e) end end`);
      }
    }
    lines.push('print("surface-done") for i = 1, #out do print(out[i]) end');
    const { out, errors } = await runLua(lines.join('\n'));
    assert.deepEqual(errors, []);
    const done = out.indexOf('surface-done');
    assert.ok(done >= 0, 'the generated script ran to its end');
    assert.deepEqual(out.slice(done + 1), []);
  });

  test('a name missing from the simulator fails the generated check (the test can fail)', async () => {
    const lines = [`local ok, t = pcall(function() return type(${valueExpr('uevr.params.vr.no_such_function')}) end)`, 'print(t)'];
    const { out } = await runLua(lines.join('\n'));
    assert.equal(out[0], 'nil');
  });
});

describe('sol2 behaviours', () => {
  test('userdata, fresh userdata per member read, pairs raises, instance assignment as sol2 does it', async () => {
    const { out, errors } = await runLua(`
local cb = uevr.sdk.callbacks
print('types', type(uevr.sdk), type(cb), type(uevr.api), type(uevr.params), type(uevr.params.vr), type(uevr.params.sdk))
print('fresh', rawequal(uevr.sdk.callbacks, uevr.sdk.callbacks), uevr.sdk.callbacks == uevr.sdk.callbacks, rawequal(uevr.api, uevr.api))
print('pairs', (select(2, pcall(pairs, cb))))
print('next', (select(2, pcall(next, cb))))
print('rawset', (select(2, pcall(rawset, cb, 'x', 1))))
local before = cb.on_frame
print('assign-existing', pcall(function() cb.on_frame = print end), cb.on_frame == before)
print('assign-new', (select(2, pcall(function() cb.on_nothing = print end))))
local mt = getmetatable(cb)
print('mt', type(mt), mt == getmetatable(uevr.params.sdk.callbacks), mt.__index == mt, type(rawget(mt, 'on_frame')))
local seen = 0
rawset(mt, 'on_frame', function(fn) seen = seen + 1 return before(fn) end)
uevr.sdk.callbacks.on_frame(function() end)
uevr.params.sdk.callbacks.on_frame(function() end)
print('rawset-both', seen)
local fn = uevr.api:find_uobject('Function /Script/Engine.Actor.ReceiveTick')
local fmt = getmetatable(fn)
print('ufunction-index', type(fmt.__index), rawget(fmt, 'hook_ptr'))
rawset(fmt, 'hook_ptr', 'shadow')
print('rawset-ignored', type(fn.hook_ptr))
local orig = fmt.__index
fmt.__index = function(s, k) if k == 'hook_ptr' then return 'wrapped' end return orig(s, k) end
print('index-replaced', fn.hook_ptr, type(fn.get_full_name))
fmt.__index = orig
print('same-object', rawequal(uevr.api:get_local_pawn(0), uevr.api:get_local_pawn(0)))
print('new-vectors', rawequal(Vector3f.new(1, 2, 3), Vector3f.new(1, 2, 3)), Vector3f.new(1, 2, 3) == Vector3f.new(1, 2, 3))
print('pairs-uobject', (select(2, pcall(pairs, uevr.api:get_local_pawn(0)))))
print('vr-dot', (select(2, pcall(uevr.params.vr.get_mod_value, 'VR_AimMethod'))), uevr.params.vr:get_mod_value('VR_SnapturnTurnAngle'))
`);
    assert.deepEqual(errors, []);
    const kv = Object.fromEntries(out.map((l) => [l.split('\t')[0], l.split('\t').slice(1).join('\t')]));
    assert.equal(kv.types, 'userdata\tuserdata\tuserdata\tuserdata\tuserdata\tuserdata');
    assert.equal(kv.fresh, 'false\ttrue\ttrue');
    assert.match(kv.pairs, /sol: cannot call '__pairs\/pairs' on type 'UEVR_SDKCallbacks': it is not recognized as a container/);
    assert.match(kv.next, /table expected, got /);
    assert.match(kv.rawset, /table expected, got /);
    assert.equal(kv['assign-existing'], 'true\ttrue');
    assert.match(kv['assign-new'], /sol: cannot set \(new_index\) into this object/);
    assert.equal(kv.mt, 'table\ttrue\ttrue\tfunction');
    assert.equal(kv['rawset-both'], '2');
    assert.equal(kv['ufunction-index'], 'function\tnil');
    assert.equal(kv['rawset-ignored'], 'function');
    assert.equal(kv['index-replaced'], 'wrapped\tfunction');
    assert.equal(kv['same-object'], 'true');
    assert.equal(kv['new-vectors'], 'false\ttrue');
    assert.match(kv['pairs-uobject'], /not recognized as a container/);
    assert.match(kv['vr-dot'], /stack index 1, expected userdata, received string.*\t45$/);
  });

  test('the named global table replaces a binding for every instance', async () => {
    const { out, errors } = await runLua(`
local fn = uevr.api:find_uobject('Function /Script/Engine.Actor.ReceiveTick')
local orig = UEVR_UFunction.hook_ptr
print(type(UEVR_UFunction), type(orig), fn.hook_ptr == orig)
UEVR_UFunction.hook_ptr = function() return 'replaced' end
print(fn:hook_ptr(), uevr.api:find_uobject('Function /Script/Engine.Pawn.ReceivePossessed').hook_ptr())
`);
    assert.deepEqual(errors, []);
    assert.deepEqual(out, ['table\tfunction\ttrue', 'replaced\treplaced']);
  });

  test('XInput state and constants as UEVR passes them; view_index per engine', async () => {
    const code = `
local seen = {}
uevr.sdk.callbacks.on_xinput_get_state(function(retval, user_index, state)
  local g = state.Gamepad
  seen.x = type(state) .. ',' .. type(g) .. ',' .. math.type(g.wButtons) .. ',' .. tostring(XINPUT_GAMEPAD_A) .. ',' .. tostring(XINPUT_GAMEPAD_DPAD_UP)
  g.wButtons = g.wButtons | XINPUT_GAMEPAD_B
  seen.after = state.Gamepad.wButtons & XINPUT_GAMEPAD_B
end)
uevr.sdk.callbacks.on_pre_calculate_stereo_view_offset(function(device, view_index, wtm, position, rotation, is_double)
  seen[#seen + 1] = tostring(view_index) .. ':' .. getmetatable(position).__name .. ':' .. tostring(is_double)
end)
uevr.sdk.callbacks.on_post_engine_tick(function()
  print(seen.x, seen.after, table.concat(seen, ' '))
end)`;
    const ue5 = await runLua(code, 1, 'ue5');
    assert.deepEqual(ue5.errors, []);
    assert.equal(ue5.out[0], 'userdata,userdata,integer,4096,1\t8192\t0:sol.Vector3d:true 1:sol.Vector3d:true');
    const ue4 = await runLua(code, 1, 'ue4');
    assert.deepEqual(ue4.errors, []);
    assert.equal(ue4.out[0], 'userdata,userdata,integer,4096,1\t8192\t1:sol.Vector3f:false 2:sol.Vector3f:false');
  });
});
