// "Behaviour is kept": a mod is run in real Lua 5.4 against a small recording model of UEVR's API,
// before and after fix-all; what the mod computes each frame must be identical.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LuaFactory } from 'wasmoon';
import { analyze, fixAll } from '../../../src/core/analyzer/analyze';

const UEVR_MODEL = `
log = {}
local cbs = {}
local objects = {}
local function new_obj(name)
  local o = { name = name }
  return setmetatable(o, { __index = function(t, k)
    if k == 'get_full_name' then return function(self) return self.name end end
    if k == 'Conv_StringToName' then return function(self, s) return 'FName:' .. s end end
    if k == 'X' then return 1 elseif k == 'Y' then return 2 elseif k == 'Z' then return 3 end
    local child = new_obj(t.name .. '.' .. k)
    rawset(t, k, child)
    return child
  end })
end
local function find(path)
  objects[path] = objects[path] or new_obj(path)
  return objects[path]
end
local engine = find('GameEngine /Engine/Transient.GameEngine_0')
local pawn = new_obj('Pawn_0')
uevr = { api = {}, params = { vr = {} }, sdk = { callbacks = setmetatable({}, { __index = function(_, name)
  return function(f) cbs[name] = cbs[name] or {}; table.insert(cbs[name], f) end
end }) } }
function uevr.api:find_uobject(p) return find(p) end
function uevr.api:get_local_pawn(i) return pawn end
function uevr.params.vr.set_mod_value(k, v) log[#log + 1] = 'set ' .. k .. '=' .. v end
UEVR_UObjectHook = {
  exists = function(o) return o ~= nil end,
  get_first_object_by_class = function(c) return engine end,
}
function run_frames(n)
  for frame = 1, n do
    for _, f in ipairs(cbs.on_pre_engine_tick or {}) do f(engine, frame) end
  end
  return table.concat(log, '|')
end
`;

const MOD = `
local api = uevr.api
local PREFIX = "[mod] "
local ks = api:find_uobject("Class /Script/Engine.KismetStringLibrary")
uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)
  local e = UEVR_UObjectHook.get_first_object_by_class(api:find_uobject("Class /Script/Engine.GameEngine"))
  log[#log + 1] = tostring(e == engine)
  local c = api:find_uobject("Class /Script/Engine.Pawn")
  local bp = api:find_uobject("BlueprintGeneratedClass /Game/Weapons/BP_Gun.BP_Gun_C")
  log[#log + 1] = c.name .. bp.name
  local t = {3, 4, 5}
  log[#log + 1] = tostring(t[1] + #t)
  for i = 1, 2 do log[#log + 1] = tostring(math.floor(i * 1.5)) end
  log[#log + 1] = ks:Conv_StringToName("hand_r")
  local pawn = api:get_local_pawn(0)
  if pawn:get_full_name():find("Bike") then log[#log + 1] = "bike"
  elseif pawn:get_full_name():find("Pawn") then log[#log + 1] = "pawn" end
  local x = pawn.Mesh.RelativeLocation.X
  local y = pawn.Mesh.RelativeLocation.Y
  local z = pawn.Mesh.RelativeLocation.Z
  log[#log + 1] = tostring(x + y + z)
  local again = api:get_local_pawn(0)
  pcall(function() log[#log + 1] = again.name .. ":" .. delta end)
  log[#log + 1] = PREFIX .. "status"
  uevr.params.vr.set_mod_value("VR_AimMethod", "2")
end)
`;

async function runMod(src: string): Promise<string> {
  const lua = await new LuaFactory().createEngine();
  try {
    await lua.doString(UEVR_MODEL);
    await lua.doString(src);
    return String(await lua.doString('return run_frames(3)'));
  } finally {
    lua.global.close();
  }
}

describe('fix-all keeps behaviour', () => {
  test('a mod with one finding per fixable rule computes the same values after fix-all', async () => {
    const before = analyze(MOD, 'file:///mod.lua');
    const fixed = fixAll(MOD, 'file:///mod.lua');
    const after = analyze(fixed.text, 'file:///mod.lua');
    assert.ok(fixed.applied >= 8, `applied ${fixed.applied}:\n${fixed.text}`);
    for (const code of ['UEVR002', 'UEVR003', 'UEVR004', 'UEVR005', 'UEVR006', 'UEVR007', 'UEVR008', 'UEVR012', 'UEVR013', 'UEVR015']) {
      assert.ok(before.some((f) => f.code === code), `the mod exercises ${code}`);
      assert.ok(!after.some((f) => f.code === code && f.fixes.some((x) => x.kind === 'safe')), `${code} fixed:\n${fixed.text}`);
    }
    const a = await runMod(MOD);
    const b = await runMod(fixed.text);
    assert.ok(a.length > 50);
    assert.equal(b, a, fixed.text);
  });

  test('hoists never evaluate a guarded read early (nil objects stay safe)', async () => {
    const mod = `
local api = uevr.api
local missing = api:find_uobject("Class /Script/Engine.Missing")
uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)
  local nobody = nil
  if nobody ~= nil and nobody:get_full_name():find("A") then log[#log + 1] = "a"
  elseif nobody ~= nil and nobody:get_full_name():find("B") then log[#log + 1] = "b" end
  if nobody then
    local x = nobody.Mesh.RelativeLocation.X
    local y = nobody.Mesh.RelativeLocation.Y
    local z = nobody.Mesh.RelativeLocation.Z
    log[#log + 1] = tostring(x + y + z)
  end
  if missing then
    log[#log + 1] = missing:Conv_StringToName("hand_r")
  end
  log[#log + 1] = "ok" .. delta
end)
`;
    // A model where find_uobject misses (nil), like a class that is not loaded.
    const lua = await new LuaFactory().createEngine();
    const run = async (src: string): Promise<string> => {
      await lua.doString(UEVR_MODEL + 'function uevr.api:find_uobject(p) return nil end');
      await lua.doString(src);
      return String(await lua.doString('return run_frames(2)'));
    };
    try {
      const fixed = fixAll(mod, 'file:///nil.lua');
      const a = await run(mod);
      const b = await run(fixed.text);
      assert.equal(a, 'ok1|ok2');
      assert.equal(b, a, fixed.text);
      assert.match(fixed.text, /= missing and missing:Conv_StringToName/);
      const r4 = analyze(mod, 'file:///nil.lua').find((f) => f.code === 'UEVR004');
      assert.ok(r4, 'the name chain is still reported');
      assert.equal(r4.fixes.length, 0, 'but not hoisted above a nil check');
    } finally {
      lua.global.close();
    }
  });

  test('suggestions that are applied one by one still load and keep values where stated', async () => {
    const f = analyze(MOD, 'file:///mod.lua').find((x) => x.code === 'UEVR001')!;
    const sugg = f.fixes.find((x) => x.kind === 'suggestion')!;
    assert.ok(sugg.reason);
    const { applyEdits } = await import('../../../src/core/analyzer/analyze');
    const out = applyEdits(MOD, sugg.edits);
    // With nothing else writing the option, write-on-change writes it once instead of every frame.
    const logB = await runMod(out);
    assert.equal((logB.match(/set VR_AimMethod=2/g) ?? []).length, 1);
    assert.equal((await runMod(MOD)).match(/set VR_AimMethod=2/g)?.length, 3);
  });
});
