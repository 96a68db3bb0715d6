// The Lua half of the simulated UEVR host: builds the environment UEVR gives mod scripts (design/
// uevr-host.md) inside the one Lua state, then hands the JS side its entry points. It runs as chunk
// "=uevr-host" with a private table of raw C functions (H) as its argument, so mods never see H or the
// host's `debug` reference. Kept as a TS string so the bundle needs no extra asset.
//
// Every modelled API call is bracketed by H.api_enter(id) / H.api_leave(): the host measures it on its
// own clock and charges it to the calling Lua line as a Native frame (the sampler never sees host Lua).
// H.burn(us) is the cost model's deterministic CPU time (cost-model.ts).

/** Callback names in dispatch order; index i (1-based) is what the JS side passes to dispatch(). */
export const CALLBACK_NAMES = [
  'on_frame',
  'on_draw_ui',
  'on_pre_engine_tick',
  'on_post_engine_tick',
  'on_early_calculate_stereo_view_offset',
  'on_pre_calculate_stereo_view_offset',
  'on_post_calculate_stereo_view_offset',
  'on_xinput_get_state',
  'on_xinput_set_state',
  'on_pre_viewport_client_draw',
  'on_post_viewport_client_draw',
  'on_pre_slate_draw_window_render_thread',
  'on_post_slate_draw_window_render_thread',
  'on_script_reset',
  'on_lua_event',
] as const;
export type CallbackName = (typeof CALLBACK_NAMES)[number];
export const CB_INDEX: Record<CallbackName, number> = Object.fromEntries(
  CALLBACK_NAMES.map((n, i) => [n, i + 1]),
) as Record<CallbackName, number>;

export const HOST_CHUNK = '=uevr-host';

/** Builds the prelude source; `costs` is a Lua table constructor from costsAsLua(). */
export function hostPrelude(costs: string, seed: number, hookCallsPerFrame: number): string {
  return `local H = ...
local COST = ${costs}
local CALLBACK_NAMES = { ${CALLBACK_NAMES.map((n) => `'${n}'`).join(', ')} }
local HOOK_CALLS = ${Math.max(0, Math.floor(hookCallsPerFrame))}
math.randomseed(${Math.floor(seed)})
${PRELUDE_BODY}`;
}

const PRELUDE_BODY = String.raw`
local dbg = debug            -- the host keeps its own reference; mods get no debug library
local burn, api_enter, api_leave = H.burn, H.api_enter, H.api_leave
local type, tostring, setmetatable, rawget, rawequal, pcall, select = type, tostring, setmetatable, rawget, rawequal, pcall, select
local sfind, smatch, sformat = string.find, string.match, string.format

local function api_id(name) return H.api_id(name) end

-------------------------------------------------------------------------------- libraries as UEVR opens them
debug = nil
io = nil
os.execute, os.exit, os.getenv, os.remove, os.rename, os.setlocale, os.tmpname = nil, nil, nil, nil, nil, nil, nil
local hclock = H.clock
os.clock = function() return (hclock() // 1) / 1000 end   -- wall time, 1 ms resolution (MSVC build)

bit32 = {}
do
  local M = 0xFFFFFFFF
  local function n(x) return (math.tointeger(x) or math.floor(x)) & M end
  function bit32.band(...) local r = M for i = 1, select('#', ...) do r = r & n((select(i, ...))) end return r end
  function bit32.bor(...) local r = 0 for i = 1, select('#', ...) do r = r | n((select(i, ...))) end return r end
  function bit32.bxor(...) local r = 0 for i = 1, select('#', ...) do r = r ~ n((select(i, ...))) end return r end
  function bit32.bnot(x) return (~n(x)) & M end
  function bit32.btest(...) return bit32.band(...) ~= 0 end
  function bit32.lshift(x, d) if d >= 32 or d <= -32 then return 0 end if d < 0 then return n(x) >> -d end return (n(x) << d) & M end
  function bit32.rshift(x, d) if d >= 32 or d <= -32 then return 0 end if d < 0 then return (n(x) << -d) & M end return n(x) >> d end
  function bit32.arshift(x, d)
    x = n(x)
    if d <= 0 then return bit32.lshift(x, -d) end
    if x & 0x80000000 == 0 then return bit32.rshift(x, d) end
    if d >= 32 then return M end
    return ((x >> d) | (M << (32 - d))) & M
  end
  function bit32.extract(x, f, w) w = w or 1 return (n(x) >> f) & ((1 << w) - 1) end
  function bit32.replace(x, v, f, w) w = w or 1 local m = ((1 << w) - 1) << f return (n(x) & ~m | ((n(v) << f) & m)) & M end
  function bit32.lrotate(x, d) d = d % 32 x = n(x) return ((x << d) | (x >> (32 - d))) & M end
  function bit32.rrotate(x, d) return bit32.lrotate(x, -d) end
end

local A_PRINT = api_id('print')
print = function(...)
  local t = {}
  for i = 1, select('#', ...) do t[i] = tostring((select(i, ...))) end
  local s = table.concat(t, '\t')
  api_enter(A_PRINT) burn(COST.printUs) H.log(0, s) api_leave()
end

-- require: scripts live on the real disk, not in wasm's file system; the host resolves the name as Lua's
-- searcher does on Windows with UEVR's package.path (script-files.ts) and hands over the source.
package.path = '<scripts>\\?.lua;<scripts>\\?\\init.lua'
package.cpath = ''
package.searchers = {
  package.searchers[1],
  function(name)
    local src, path = H.read_script(tostring(name))
    if not src then
      if sfind(path, '^outside:') then error(path:sub(9), 0) end
      return path
    end
    local f, err = load(src, '@' .. path)
    if not f then error('error loading module \'' .. tostring(name) .. '\' from file \'' .. path .. '\':\n\t' .. err, 0) end
    return f, path
  end,
}

-------------------------------------------------------------------------------- UObject model
local REC = setmetatable({}, { __name = 'rec' })   -- private key: wrapper -> record
local ARR = {}                                      -- marks a TArray value in props
local M_OBJ, M_CLASS, M_FUNC, M_STRUCT = {}, {}, {}, {}
setmetatable(M_CLASS, { __index = M_OBJ })
setmetatable(M_FUNC, { __index = M_OBJ })
setmetatable(M_STRUCT, { __index = M_OBJ })
local MT = {}
local by_name = {}       -- full name -> record (what exists in the simulated object array)
local classes = {}       -- short name -> class record

local A_PROP, A_SETPROP, A_CALL = api_id('UObject property'), api_id('UObject property write'), api_id('UFunction call (reflective)')
local A_NAME, A_SCAN, A_SMALL = api_id('UObject:get_full_name'), api_id('object scan'), api_id('UObject method')

local function wrap(rec) return setmetatable({ [REC] = rec }, MT[rec.kind]) end
local function rec_of(v) if type(v) == 'table' then return rawget(v, REC) end end

local function short_of(name) return smatch(name, '[%./:]([%w_]+)$') or name end

local new_class
local function get_class_rec(short)
  local c = classes[short]
  if c then return c end
  return new_class(short, 'Object', '/Script/Engine')
end
new_class = function(short, super, pkg)
  if classes[short] then return classes[short] end
  local rec = { kind = 'class', name = 'Class ' .. pkg .. '.' .. short, short = short, props = {},
                instances = H.instances(short) }
  classes[short] = rec
  by_name[rec.name] = rec
  if super and super ~= short then rec.super = get_class_rec(super) end
  return rec
end
new_class('Object', nil, '/Script/CoreUObject')
for _, d in ipairs({
  { 'Actor', 'Object' }, { 'Pawn', 'Actor' }, { 'Character', 'Pawn' }, { 'Controller', 'Actor' },
  { 'PlayerController', 'Controller' }, { 'PlayerCameraManager', 'Actor' }, { 'HUD', 'Actor' },
  { 'ActorComponent', 'Object' }, { 'SceneComponent', 'ActorComponent' }, { 'PrimitiveComponent', 'SceneComponent' },
  { 'MeshComponent', 'PrimitiveComponent' }, { 'StaticMeshComponent', 'MeshComponent' },
  { 'SkeletalMeshComponent', 'MeshComponent' }, { 'CameraComponent', 'SceneComponent' },
  { 'CapsuleComponent', 'PrimitiveComponent' }, { 'MotionControllerComponent', 'PrimitiveComponent' },
  { 'CharacterMovementComponent', 'ActorComponent' }, { 'Engine', 'Object' }, { 'GameEngine', 'Engine' },
  { 'GameViewportClient', 'Object' }, { 'World', 'Object' }, { 'GameInstance', 'Object' }, { 'Player', 'Object' },
  { 'LocalPlayer', 'Player' }, { 'Widget', 'Object' }, { 'UserWidget', 'Widget' }, { 'WidgetComponent', 'MeshComponent' },
  { 'KismetMathLibrary', 'Object' }, { 'KismetSystemLibrary', 'Object' }, { 'GameplayStatics', 'Object' },
  { 'Canvas', 'Object' }, { 'Function', 'Object' }, { 'ScriptStruct', 'Object' },
}) do new_class(d[1], d[2], '/Script/Engine') end
classes.Widget.name = 'Class /Script/UMG.Widget' ; by_name[classes.Widget.name] = classes.Widget
classes.UserWidget.name = 'Class /Script/UMG.UserWidget' ; by_name[classes.UserWidget.name] = classes.UserWidget

local function new_object(cls, path)
  local rec = { kind = 'object', name = cls.short .. ' ' .. path, cls = cls, props = {} }
  by_name[rec.name] = rec
  return rec
end
local function new_struct(short, fields)
  local props = {}
  for k, v in pairs(fields) do props[k] = v end
  return { kind = 'struct', name = 'ScriptStruct /Script/CoreUObject.' .. short, cls = get_class_rec('ScriptStruct'), props = props }
end
local function new_function(owner_short, fname)
  local name = 'Function /Script/Engine.' .. owner_short .. '.' .. fname
  local rec = by_name[name]
  if rec then return rec end
  rec = { kind = 'function', name = name, cls = get_class_rec('Function'), props = {}, short = fname }
  by_name[name] = rec
  return rec
end
local function first_instance(cls)
  local inst = cls.first
  if not inst then
    inst = new_object(cls, '/Game/Maps/Main.Main:PersistentLevel.' .. cls.short .. '_0')
    cls.first = inst
  end
  return inst
end

-- Permissive stand-ins: unknown properties and functions yield usable values so real mods run.
local function is_function_name(k)
  return sfind(k, '^K2_') or sfind(k, '^Get%u') or sfind(k, '^Set%u') or sfind(k, '^Is%u') or sfind(k, '^Can%u')
    or sfind(k, '^Has%u') or sfind(k, '^Add%u') or sfind(k, '^Remove%u') or sfind(k, '^Find%u') or sfind(k, '^Conv_')
    or sfind(k, '^Spawn') or sfind(k, '^Play') or sfind(k, '^Stop') or sfind(k, '^Update%u') or sfind(k, '^Apply')
    or sfind(k, '^Enable') or sfind(k, '^Disable') or sfind(k, '^Toggle') or sfind(k, '^Show') or sfind(k, '^Hide')
    or sfind(k, '^Attach') or sfind(k, '^Detach') or sfind(k, '^Receive') or sfind(k, '^Client') or sfind(k, '^Server')
end
local NUMERIC = { 'FOV', 'FieldOfView', 'Speed', 'Health', 'Amount', 'Time', 'Distance', 'Angle', 'Alpha', 'Count',
  'Index', 'Height', 'Width', 'Radius', 'Scale$', 'Value', 'Pitch', 'Yaw', 'Roll', 'Multiplier', 'Factor', 'Rate', 'Size' }
local function vector() return new_struct('Vector', { X = 0.0, Y = 0.0, Z = 0.0 }) end
local function rotator() return new_struct('Rotator', { Pitch = 0.0, Yaw = 0.0, Roll = 0.0 }) end
local function guess_value(rec, k)
  if type(k) ~= 'string' then return nil end
  if sfind(k, '^b%u') then return false end
  if k == 'X' or k == 'Y' or k == 'Z' or k == 'W' or k == 'x' or k == 'y' or k == 'z' or k == 'w' then return 0.0 end
  if sfind(k, 'Rotation') or sfind(k, 'Rotator') then return rotator() end
  if sfind(k, 'Location') or sfind(k, 'Offset') or sfind(k, 'Velocity') or sfind(k, 'Vector') or sfind(k, 'Scale3D') then return vector() end
  for i = 1, #NUMERIC do if sfind(k, NUMERIC[i]) then return 0.0 end end
  if sfind(k, 's$') and sfind(k, '^%u') and not sfind(k, 'ss$') then return { [ARR] = true } end  -- plural: a TArray
  local cls = classes[k] or (sfind(k, 'Component$') and get_class_rec(k)) or get_class_rec('Object')
  local path = (rec.name:match(' (.*)$') or 'Transient') .. '.' .. k
  return new_object(cls, path)
end

local function value_out(v)
  if type(v) == 'table' then
    if v.kind then return wrap(v) end
    if v[ARR] then
      local t = {}
      for i = 1, #v do t[i] = wrap(v[i]) end
      return t
    end
  end
  return v
end

local function call_result(self_rec, k)
  if sfind(k, 'Rotation') or sfind(k, 'Rotator') then return wrap(rotator()) end
  if sfind(k, 'Location') or sfind(k, 'Vector') or sfind(k, 'Velocity') or sfind(k, 'Scale') then return wrap(vector()) end
  if sfind(k, '^Is') or sfind(k, '^Can') or sfind(k, '^Has') or sfind(k, '^Was') then return false end
  if sfind(k, '^Get') or sfind(k, '^K2_Get') or sfind(k, '^Spawn') or sfind(k, '^Find') then
    local key = '$ret:' .. k
    local r = self_rec.props[key]
    if r == nil then r = guess_value(self_rec, (k:gsub('^K2_', ''):gsub('^Get', ''):gsub('^Spawn', ''):gsub('^Find', ''))) self_rec.props[key] = r end
    return value_out(r)
  end
  return nil
end

local callables = {}
local function callable(k)
  local f = callables[k]
  if f then return f end
  f = function(self, ...)
    local r = rec_of(self)
    api_enter(A_CALL) burn(COST.functionCallUs)
    local out = r and call_result(r, k) or nil
    api_leave()
    return out
  end
  callables[k] = f
  return f
end

local function make_index(methods)
  return function(w, k)
    local m = methods[k]
    if m ~= nil then return m end
    local rec = rawget(w, REC)
    api_enter(A_PROP) burn(COST.propertyLookupUs)
    if type(k) == 'string' and rec.kind ~= 'struct' and is_function_name(k) and rec.props[k] == nil then
      api_leave()
      return callable(k)
    end
    local v = rec.props[k]
    if v == nil then v = guess_value(rec, k) rec.props[k] = v end
    api_leave()
    return value_out(v)
  end
end
local function newindex(w, k, v)
  local rec = rawget(w, REC)
  api_enter(A_SETPROP) burn(COST.propertyLookupUs)
  if type(v) == 'table' then
    local r = rawget(v, REC)
    if r then v = r
    elseif #v > 0 and rawget(v[1], REC) then
      local arr = { [ARR] = true }
      for i = 1, #v do arr[i] = rawget(v[i], REC) end
      v = arr
    end
  end
  rec.props[k] = v
  api_leave()
end
local function num(v) if type(v) == 'number' then return v end return 0 end
for kind, methods in pairs({ object = M_OBJ, class = M_CLASS, ['function'] = M_FUNC, struct = M_STRUCT }) do
  MT[kind] = {
    __index = make_index(methods), __newindex = newindex, __name = 'UObject',
    __eq = function(a, b) return rawget(a, REC) == rawget(b, REC) end,
    __tostring = function(w) local r = rawget(w, REC) return r and r.name or 'UObject' end,
    __add = function(a, b) return num(a) + num(b) end, __sub = function(a, b) return num(a) - num(b) end,
    __mul = function(a, b) return num(a) * num(b) end, __div = function(a, b) return num(a) / num(b) end,
    __unm = function() return 0 end, __lt = function(a, b) return num(a) < num(b) end,
    __le = function(a, b) return num(a) <= num(b) end, __len = function() return 0 end,
    __concat = function(a, b) return tostring(a) .. tostring(b) end,
    __call = function() return nil end,
  }
end

local function small(id, us) api_enter(id) burn(us or COST.smallCallUs) api_leave() end

function M_OBJ.get_full_name(self)
  local r = rec_of(self)
  api_enter(A_NAME) burn(COST.nameStringUs)
  local s = r and (r.name .. '') or ''
  api_leave()
  return s
end
local FNAME_MT = { __index = {} }
function FNAME_MT.__index.to_string(f)
  api_enter(A_NAME) burn(COST.nameStringUs) local s = f.s .. '' api_leave() return s
end
function M_OBJ.get_fname(self)
  local r = rec_of(self)
  small(A_SMALL)
  return setmetatable({ s = r and short_of(r.name) or 'None' }, FNAME_MT)
end
function M_OBJ.get_class(self)
  local r = rec_of(self)
  small(A_SMALL)
  if not r then return nil end
  if r.kind == 'class' then return wrap(get_class_rec('Class')) end
  return r.cls and wrap(r.cls) or nil
end
function M_OBJ.is_a(self, cls)
  local r, c = rec_of(self), rec_of(cls)
  small(A_SMALL)
  if not r or not c then return false end
  local k = r.cls
  while k do if k == c then return true end k = k.super end
  return false
end
function M_OBJ.get_outer(self) small(A_SMALL) return nil end
function M_OBJ.get_address(self) small(A_SMALL) return 0x10000 end
function M_OBJ.call(self, fname, ...) return callable(fname)(self, ...) end
function M_OBJ.as_class(self) return self end
function M_OBJ.get_property_data(self) return nil end

function M_CLASS.get_first_object_matching(self, include_default)
  local c = rec_of(self)
  api_enter(A_SCAN) burn(COST.scanBaseUs + c.instances * COST.perInstanceScanUs)
  local inst = first_instance(c)
  api_leave()
  return wrap(inst)
end
function M_CLASS.get_objects_matching(self, include_default)
  local c = rec_of(self)
  api_enter(A_SCAN) burn(COST.scanBaseUs + c.instances * COST.perInstanceScanUs)
  local t = { wrap(first_instance(c)) }
  for i = 2, math.min(c.instances, 16) do
    t[i] = wrap(new_object(c, '/Game/Maps/Main.Main:PersistentLevel.' .. c.short .. '_' .. (i - 1)))
  end
  api_leave()
  return t
end
function M_CLASS.get_class_default_object(self)
  local c = rec_of(self)
  small(A_SMALL)
  c.cdo = c.cdo or new_object(c, '/Script/Engine.Default__' .. c.short)
  return wrap(c.cdo)
end
function M_CLASS.find_function(self, name)
  local c = rec_of(self)
  small(A_SMALL, COST.findHitUs)
  return wrap(new_function(c.short, name))
end
function M_CLASS.get_super_struct(self) local c = rec_of(self) small(A_SMALL) return c.super and wrap(c.super) or nil end
M_CLASS.get_super = M_CLASS.get_super_struct

-- hook_ptr: the host calls hooked engine functions HOOK_CALLS times per frame during the game tick.
local hooks = {}
function M_FUNC.hook_ptr(self, pre, post)
  local r = rec_of(self)
  small(A_SMALL)
  hooks[#hooks + 1] = { fn = r, pre = pre, post = post }
end
function M_FUNC.call(self, ...) return callable('Call')(self, ...) end

-------------------------------------------------------------------------------- the simulated world
local engine = new_object(classes.GameEngine, '/Engine/Transient.GameEngine_0')
local gvc = new_object(classes.GameViewportClient, '/Engine/Transient.GameEngine_0.GameViewportClient_0')
local world = new_object(classes.World, '/Game/Maps/Main.Main')
local gi = new_object(classes.GameInstance, '/Engine/Transient.GameEngine_0.GameInstance_0')
local lp = new_object(classes.LocalPlayer, '/Engine/Transient.GameEngine_0.LocalPlayer_0')
local pcr = new_object(classes.PlayerController, '/Game/Maps/Main.Main:PersistentLevel.PlayerController_0')
local pawn = new_object(classes.Character, '/Game/Maps/Main.Main:PersistentLevel.BP_PlayerCharacter_C_0')
local cam = new_object(classes.PlayerCameraManager, '/Game/Maps/Main.Main:PersistentLevel.PlayerCameraManager_0')
local mesh = new_object(classes.SkeletalMeshComponent, pawn.name:match(' (.*)$') .. '.CharacterMesh0')
local camc = new_object(classes.CameraComponent, pawn.name:match(' (.*)$') .. '.FirstPersonCamera')
local capsule = new_object(classes.CapsuleComponent, pawn.name:match(' (.*)$') .. '.CollisionCylinder')
engine.props.GameViewport = gvc
gvc.props.World = world
world.props.OwningGameInstance = gi
gi.props.LocalPlayers = { [ARR] = true, lp }
lp.props.PlayerController = pcr
pcr.props.Pawn, pcr.props.AcknowledgedPawn, pcr.props.PlayerCameraManager = pawn, pawn, cam
pawn.props.Controller, pawn.props.Mesh, pawn.props.RootComponent = pcr, mesh, capsule
pawn.props.FirstPersonCameraComponent, pawn.props.Camera = camc, camc
classes.GameEngine.first, classes.World.first, classes.PlayerController.first = engine, world, pcr
classes.Character.first, classes.Pawn.first, classes.PlayerCameraManager.first = pawn, pawn, cam
classes.GameViewportClient.first, classes.LocalPlayer.first, classes.GameInstance.first = gvc, lp, gi
local viewport_rec = new_object(get_class_rec('Object'), '/Engine/Transient.Viewport_0')
local canvas_rec = new_object(classes.Canvas, '/Engine/Transient.Canvas_0')

-------------------------------------------------------------------------------- uevr.api
local api = {}
local find_cache = {}
local A_FIND, A_PAWN, A_SPAWN, A_CMD, A_EVENT = api_id('uevr.api:find_uobject'), api_id('uevr.api:get_local_pawn/get_player_controller/get_engine'),
  api_id('uevr.api:spawn_object/add_component_by_class'), api_id('uevr.api:execute_command'), api_id('uevr.api:dispatch_custom_event')
local TYPE_PATHS = { Class = true, ScriptStruct = true, Function = true, Enum = true, BlueprintGeneratedClass = true,
  WidgetBlueprintGeneratedClass = true, AnimBlueprintGeneratedClass = true, Package = true }
local function create_from_path(name)
  local kind, path = smatch(name, '^(%w+) (/.+)$')
  if not kind or not TYPE_PATHS[kind] then return nil end
  if kind == 'Function' then
    local owner, fname = smatch(path, '%.([%w_]+)[:%.]([%w_]+)$')
    if not fname then return nil end
    local rec = { kind = 'function', name = name, cls = get_class_rec('Function'), props = {}, short = fname }
    by_name[name] = rec
    return rec
  end
  local short = short_of(path)
  local c = classes[short]
  if c then return c end
  c = new_class(short, 'Object', smatch(path, '^(.*)%.') or path)
  c.name = name
  by_name[name] = c
  return c
end
function api.find_uobject(self, name)
  if type(self) == 'string' and name == nil then name = self end   -- tolerate api.find_uobject(name)
  api_enter(A_FIND)
  local rec = find_cache[name]
  if rec then burn(COST.findHitUs) api_leave() return wrap(rec) end
  rec = by_name[name] or create_from_path(tostring(name))
  if rec then
    burn(COST.objectCount * COST.perObjectNameUs / 2)   -- walks until found (half the array on average)
    find_cache[name] = rec
  else
    burn(COST.objectCount * COST.perObjectNameUs)       -- a miss walks the whole object array, every call
  end
  api_leave()
  return rec and wrap(rec) or nil
end
function api.get_local_pawn(self, i) api_enter(A_PAWN) burn(COST.pawnFetchUs) api_leave() return wrap(pawn) end
function api.get_player_controller(self, i) api_enter(A_PAWN) burn(COST.pawnFetchUs) api_leave() return wrap(pcr) end
function api.get_engine(self) api_enter(A_PAWN) burn(COST.pawnFetchUs) api_leave() return wrap(engine) end
function api.spawn_object(self, cls, outer)
  local c = rec_of(cls) or get_class_rec('Object')
  api_enter(A_SPAWN) burn(COST.spawnUs)
  local o = new_object(c.kind == 'class' and c or get_class_rec('Object'), '/Engine/Transient.' .. (c.short or 'Object') .. '_' .. math.random(1, 1e9))
  api_leave()
  return wrap(o)
end
function api.add_component_by_class(self, actor, cls, deferred) return api.spawn_object(self, cls, actor) end
function api.execute_command(self, cmd) api_enter(A_CMD) burn(COST.executeCommandUs) api_leave() end
function api.execute_command_ex(self, cmd) return api.execute_command(self, cmd) end
function api.dispatch_custom_event(self, name, data)
  api_enter(A_EVENT) burn(COST.smallCallUs) H.custom_event(tostring(name), tostring(data or '')) api_leave()
end
function api.get_uobject_array(self) small(A_SMALL) return setmetatable({}, { __index = function() return function() return 0 end end }) end
function api.get_persistent_dir(self, sub) return '/persistent' .. (sub and ('/' .. sub) or '') end
function api.get_console_manager(self) small(A_SMALL) return wrap(new_object(get_class_rec('Object'), '/Engine/Transient.ConsoleManager')) end
local function stub_table(id)
  return setmetatable({}, { __index = function(t, k)
    local f = function() small(id) return nil end
    rawset(t, k, f)
    return f
  end })
end
setmetatable(api, getmetatable(stub_table(A_SMALL)))

-------------------------------------------------------------------------------- value types
local A_NEW = api_id('value type .new')
local function vec_type(fields, tname)
  local T = {}
  local mt = { __index = T, __name = tname }
  local n = #fields
  T.new = function(...)
    api_enter(A_NEW) burn(COST.valueNewUs) api_leave()
    local v = {}
    for i = 1, n do v[fields[i]] = ((select(i, ...)) or 0) + 0.0 end   -- float fields, as glm vectors
    return setmetatable(v, mt)
  end
  mt.__add = function(a, b) local r = {} for i = 1, n do local f = fields[i] r[f] = a[f] + (type(b) == 'table' and b[f] or b) end return setmetatable(r, mt) end
  mt.__sub = function(a, b) local r = {} for i = 1, n do local f = fields[i] r[f] = a[f] - (type(b) == 'table' and b[f] or b) end return setmetatable(r, mt) end
  mt.__mul = function(a, b)
    if type(a) == 'number' then a, b = b, a end
    local r = {} for i = 1, n do local f = fields[i] r[f] = a[f] * (type(b) == 'table' and b[f] or b) end return setmetatable(r, mt)
  end
  mt.__unm = function(a) local r = {} for i = 1, n do local f = fields[i] r[f] = -a[f] end return setmetatable(r, mt) end
  mt.__tostring = function(a) local p = {} for i = 1, n do p[i] = sformat('%g', a[fields[i]]) end return tname .. '(' .. table.concat(p, ', ') .. ')' end
  function T.length(a) local s = 0 for i = 1, n do s = s + a[fields[i]] ^ 2 end return math.sqrt(s) end
  function T.dot(a, b) local s = 0 for i = 1, n do s = s + a[fields[i]] * b[fields[i]] end return s end
  function T.normalized(a) local l = T.length(a) if l == 0 then return a * 1 end return a * (1 / l) end
  function T.normalize(a) local l = T.length(a) if l > 0 then for i = 1, n do a[fields[i]] = a[fields[i]] / l end end return a end
  function T.cross(a, b) return setmetatable({ x = a.y * b.z - a.z * b.y, y = a.z * b.x - a.x * b.z, z = a.x * b.y - a.y * b.x }, mt) end
  function T.set(a, ...) for i = 1, n do a[fields[i]] = (select(i, ...)) or a[fields[i]] end return a end
  return T
end
Vector2f = vec_type({ 'x', 'y' }, 'Vector2f')
Vector3f = vec_type({ 'x', 'y', 'z' }, 'Vector3f')
Vector3d = vec_type({ 'x', 'y', 'z' }, 'Vector3d')
Vector4f = vec_type({ 'x', 'y', 'z', 'w' }, 'Vector4f')
Vector4d = vec_type({ 'x', 'y', 'z', 'w' }, 'Vector4d')
UEVR_Quaternionf = vec_type({ 'w', 'x', 'y', 'z' }, 'Quaternionf')
Quaternionf = UEVR_Quaternionf
StructObject = {
  new = function(struct)
    api_enter(A_NEW) burn(COST.valueNewUs) api_leave()
    local r = rec_of(struct)
    local rec = new_struct(r and short_of(r.name) or 'Struct', {})
    return wrap(rec)
  end,
}
UEVR_UObject, UEVR_UClass, UEVR_UFunction, UEVR_UStruct = M_OBJ, M_CLASS, M_FUNC, M_STRUCT

-------------------------------------------------------------------------------- UEVR_UObjectHook
local A_MC, A_EXISTS = api_id('UEVR_UObjectHook motion controller state'), api_id('UEVR_UObjectHook.exists')
local MC = {}
local MC_MT = { __index = MC }
for _, m in ipairs({ 'set_hand', 'set_permanent', 'set_rotation_offset', 'set_location_offset', 'set_hand_offset' }) do
  local field = '$' .. m:sub(5)   -- stored apart from the method names
  MC[m] = function(s, v) api_enter(A_MC) burn(COST.motionStateUs) s[field] = v api_leave() end
end
for _, m in ipairs({ 'get_hand', 'get_permanent', 'get_rotation_offset', 'get_location_offset' }) do
  local field = '$' .. m:sub(5)
  MC[m] = function(s) api_enter(A_MC) burn(COST.motionStateUs) api_leave() return rawget(s, field) end
end
local mc_states = setmetatable({}, { __mode = 'k' })
UEVR_UObjectHook = {
  activate = function() small(A_SMALL) end,
  exists = function(obj) api_enter(A_EXISTS) burn(COST.existsUs) api_leave() return rec_of(obj) ~= nil end,
  get_first_object_by_class = function(cls, include_default)
    local c = rec_of(cls)
    if not c then return nil end
    api_enter(A_SCAN) burn(COST.scanBaseUs + (c.instances or 0) * COST.perInstanceScanUs)
    local inst = c.kind == 'class' and first_instance(c) or nil
    api_leave()
    return inst and wrap(inst) or nil
  end,
  get_objects_by_class = function(cls, include_default) return M_CLASS.get_objects_matching(cls, include_default) end,
  get_or_add_motion_controller_state = function(obj)
    local r = rec_of(obj)
    api_enter(A_MC) burn(COST.motionStateUs)
    local s = r and mc_states[r]
    if r and not s then s = setmetatable({}, MC_MT) mc_states[r] = s end
    api_leave()
    return s
  end,
  get_motion_controller_state = function(obj)
    local r = rec_of(obj)
    api_enter(A_MC) burn(COST.motionStateUs) api_leave()
    return r and mc_states[r] or nil
  end,
  remove_motion_controller_state = function(obj) local r = rec_of(obj) small(A_MC) if r then mc_states[r] = nil end end,
  remove_all_motion_controller_states = function() small(A_MC) for k in pairs(mc_states) do mc_states[k] = nil end end,
}

-------------------------------------------------------------------------------- uevr.params
local A_OPT, A_LOG = api_id('uevr.params.vr.set_mod_value/get_mod_value'), api_id('uevr.params.functions.log')
local OPTION_NAMES = { 'VR_RenderingMethod', 'VR_SyncedSequentialMethod', 'VR_UncapFramerate', 'VR_Compatibility_SkipPostInitProperties',
  'VR_2DScreenMode', 'VR_WorldScale', 'VR_CameraForwardOffset', 'VR_CameraRightOffset', 'VR_CameraUpOffset', 'VR_LerpCameraPitch',
  'VR_LerpCameraYaw', 'VR_LerpCameraRoll', 'VR_LerpCameraSpeed', 'VR_DecoupledPitch', 'VR_DecoupledPitchUIAdjust', 'VR_AimMethod',
  'VR_AimSpeed', 'VR_AimInterp', 'VR_RoomscaleMovement', 'VR_SnapTurn', 'VR_SnapturnTurnAngle', 'VR_JoystickDeadzone',
  'VR_DPadShifting', 'VR_SwapControllerInputs', 'VR_MotionControlsInactivityTimer', 'VR_ExtremeCompatibilityMode',
  'VR_EnableGUI', 'VR_ShowFPSOverlay', 'UI_Distance', 'UI_Size', 'UI_X_Offset', 'UI_Y_Offset', 'UI_FollowView', 'UI_InvertAlpha',
  'FrameworkConfig_MenuKey', 'FrameworkConfig_ShowCursor' }
for i = #OPTION_NAMES + 1, COST.modOptionCount do OPTION_NAMES[i] = 'VR_Option' .. i end
local option_index, option_values = {}, {}
for i, n in ipairs(OPTION_NAMES) do option_index[n] = i option_values[n] = 'false' end
local function scan_option(key)
  burn((option_index[key] or #OPTION_NAMES) * COST.perOptionCompareUs)
end
local vr = {
  set_mod_value = function(key, value)
    api_enter(A_OPT) scan_option(key) burn(COST.optionParseUs)
    if option_index[key] then option_values[key] = tostring(value) end
    api_leave()
  end,
  get_mod_value = function(key)
    api_enter(A_OPT) scan_option(key) local v = option_values[key] api_leave()
    return v or ''
  end,
  is_hmd_active = function() return true end,
  is_using_controllers = function() return true end,
  get_hmd_index = function() return 0 end,
  get_left_controller_index = function() return 1 end,
  get_right_controller_index = function() return 2 end,
  get_lowest_xinput_index = function() return 0 end,
  get_movement_orientation = function() return 0 end,
  get_pose = function(index, pos, rot)
    small(A_SMALL)
    if type(pos) == 'table' then pos.x, pos.y, pos.z = 0.0, 1.6, 0.0 end
    if type(rot) == 'table' then rot.w, rot.x, rot.y, rot.z = 1.0, 0.0, 0.0, 0.0 end
    if pos == nil then return Vector3f.new(0, 1.6, 0), UEVR_Quaternionf.new(1, 0, 0, 0) end
  end,
  get_standing_origin = function(out) small(A_SMALL) if type(out) == 'table' then out.x, out.y, out.z = 0, 0, 0 return out end return Vector3f.new(0, 0, 0) end,
  get_rotation_offset = function(out) small(A_SMALL) if type(out) == 'table' then return out end return UEVR_Quaternionf.new(1, 0, 0, 0) end,
  get_ui_width = function() return 1920 end,
  get_ui_height = function() return 1080 end,
  get_action_handle = function(name) small(A_SMALL) return 1 end,
  is_action_active = function() small(A_SMALL) return false end,
  get_left_joystick_source = function() return 1 end,
  get_right_joystick_source = function() return 2 end,
  get_joystick_axis = function() small(A_SMALL) return Vector2f.new(0, 0) end,
  get_aim_method = function() return tonumber(option_values.VR_AimMethod) or 0 end,
}
vr.set_aim_method = function(v) vr.set_mod_value('VR_AimMethod', v) end
setmetatable(vr, getmetatable(stub_table(A_SMALL)))
local function logger(level) return function(s) api_enter(A_LOG) burn(COST.logUs) H.log(level, tostring(s)) api_leave() end end
local functions = { log_info = logger(0), log_warn = logger(1), log_error = logger(2), is_drawing_ui = function() return false end }
setmetatable(functions, getmetatable(stub_table(A_SMALL)))

-- Simulator-only helper (not in UEVR): burns host time like a UEVR API call, for known-cost test mods.
local A_BURN = api_id('uevr_sim.burn')
uevr_sim = { burn = function(ms) api_enter(A_BURN) burn((tonumber(ms) or 0) * 1000) api_leave() end }

-------------------------------------------------------------------------------- uevr.sdk.callbacks
local lists = {}
local callbacks = {}
for i, n in ipairs(CALLBACK_NAMES) do
  local list = {}
  lists[i] = list
  callbacks[n] = function(fn)
    if type(fn) ~= 'function' then error('bad argument #1 to \'' .. n .. '\' (function expected, got ' .. type(fn) .. ')', 2) end
    list[#list + 1] = fn
  end
end

uevr = {
  params = { vr = vr, functions = functions, version = { major = 1, minor = 0, patch = 5 }, sdk = {} },
  api = api,
  types = { UObject = M_OBJ, UClass = M_CLASS, UFunction = M_FUNC, UStruct = M_STRUCT, FName = FNAME_MT.__index },
  plugin_callbacks = {},
  sdk = { callbacks = callbacks },
  lua = { get_persistent_dir = api.get_persistent_dir },
}

-------------------------------------------------------------------------------- dispatch (called by the JS side)
local script_error, watch_reset = H.script_error, H.watch_reset
local function report(f, err)
  local info = dbg.getinfo(f, 'S')
  script_error(tostring(err), info and info.source or '', info and info.linedefined or 0)
end
local function run(list, ...)
  for i = 1, #list do
    local f = list[i]
    watch_reset()
    local ok, err = pcall(f, ...)
    if not ok then report(f, err) end
  end
end

local stereo_pos, stereo_rot = Vector3d.new(0, 0, 0), Vector3d.new(0, 0, 0)
local xstate = { dwPacketNumber = 0, Gamepad = { wButtons = 0, bLeftTrigger = 0, bRightTrigger = 0, sThumbLX = 0, sThumbLY = 0, sThumbRX = 0, sThumbRY = 0 } }
local vibration = { wLeftMotorSpeed = 0, wRightMotorSpeed = 0 }
local frame_no = 0
local K = {}
for i, n in ipairs(CALLBACK_NAMES) do K[n] = i end

local function run_hooks(calls)
  for h = 1, #hooks do
    local hk = hooks[h]
    local fnw = wrap(hk.fn)
    local obj = wrap(first_instance(get_class_rec('Actor')))
    for _ = 1, calls do
      if hk.pre then watch_reset() local ok, err = pcall(hk.pre, fnw, obj, {}, nil) if not ok then report(hk.pre, err) end end
      if hk.post then watch_reset() local ok, err = pcall(hk.post, fnw, obj, {}, nil) if not ok then report(hk.post, err) end end
    end
  end
end

local tointeger = math.tointeger
local function dispatch(kind, eye, delta)
  kind, eye = tointeger(kind), tointeger(eye)   -- the JS side pushes doubles; UEVR passes integers
  if kind == 0 then return run_hooks(HOOK_CALLS) end
  local list = lists[kind]
  if #list == 0 then return end
  if kind == K.on_pre_engine_tick or kind == K.on_post_engine_tick then
    if kind == K.on_pre_engine_tick then frame_no = frame_no + 1 end
    return run(list, wrap(engine), delta)
  elseif kind >= K.on_early_calculate_stereo_view_offset and kind <= K.on_post_calculate_stereo_view_offset then
    stereo_pos.x, stereo_pos.y, stereo_pos.z = 0.0, 0.0, 160.0
    stereo_rot.x, stereo_rot.y, stereo_rot.z = 0.0, 0.0, 0.0
    return run(list, 0, eye, 100.0, stereo_pos, stereo_rot, true)
  elseif kind == K.on_xinput_get_state then
    xstate.dwPacketNumber = xstate.dwPacketNumber + 1
    local g = xstate.Gamepad
    g.wButtons = (frame_no % 120 < 10) and 0x1000 or 0   -- A pressed for 10 of every 120 frames
    g.bLeftTrigger, g.bRightTrigger = 0, (frame_no % 90 < 45) and 200 or 0
    g.sThumbLX, g.sThumbLY, g.sThumbRX, g.sThumbRY = 0, 12000, 0, 0
    return run(list, 0, 0, xstate)
  elseif kind == K.on_xinput_set_state then
    return run(list, 0, 0, vibration)
  elseif kind == K.on_pre_viewport_client_draw or kind == K.on_post_viewport_client_draw then
    return run(list, wrap(gvc), wrap(viewport_rec), wrap(canvas_rec))
  elseif kind == K.on_pre_slate_draw_window_render_thread or kind == K.on_post_slate_draw_window_render_thread then
    return run(list, 0, 0)
  end
  return run(list)
end

local function lua_event(name, data) return run(lists[K.on_lua_event], name, data) end

collectgarbage('generational')
collectgarbage('stop')
local collect = collectgarbage
local function gc_step() collect('step', 0) return collect('count') end
local function mem() return collect('count') end

return dispatch, gc_step, lua_event, mem
`;
