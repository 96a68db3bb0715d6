// The Lua half of the simulated UEVR host: builds the environment UEVR gives mod scripts (UEVR's
// src/mods/LuaLoader.cpp, lua-api/lib/src/ScriptContext.cpp; docs/simulator.md) inside the one Lua state, then hands the JS side its entry points. It runs as chunk
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
/** UEVR's garbage-collection options (LuaLoader.hpp: UEVR menu > Lua), defaults as UEVR's. */
export interface GcOptions {
  /** 'uevr': collector stopped, stepped once per frame by UEVR (default); 'lua': Lua's own automatic collector. */
  handler: 'uevr' | 'lua';
  /** 'step' (default) or 'full' (a full collection every frame). */
  type: 'step' | 'full';
  /** 'generational' (default) or 'incremental'. */
  mode: 'generational' | 'incremental';
  /** Incremental step budget per frame, µs: 0-2000, default 1000. */
  budgetUs: number;
  /** Generational minor multiplier, 1-200, default 1. */
  minorMultiplier: number;
  /** Generational major multiplier, 1-1000, default 100. */
  majorMultiplier: number;
}
export const DEFAULT_GC: GcOptions = { handler: 'uevr', type: 'step', mode: 'generational', budgetUs: 1000, minorMultiplier: 1, majorMultiplier: 100 };

/** Clamps GC options to UEVR's slider ranges and fills defaults; throws on an unknown enum value. */
export function normalizeGc(o: Partial<GcOptions> = {}): GcOptions {
  const g = { ...DEFAULT_GC, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as GcOptions;
  const oneOf = <T extends string>(v: string, allowed: readonly T[], what: string): T => {
    if (!(allowed as readonly string[]).includes(v)) throw new Error(`GC ${what} must be ${allowed.join(' or ')} (got ${v})`);
    return v as T;
  };
  const clamp = (v: number, lo: number, hi: number, d: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : d);
  return {
    handler: oneOf(g.handler, ['uevr', 'lua'] as const, 'handler'),
    type: oneOf(g.type, ['step', 'full'] as const, 'type'),
    mode: oneOf(g.mode, ['generational', 'incremental'] as const, 'mode'),
    budgetUs: clamp(g.budgetUs, 0, 2000, 1000),
    minorMultiplier: clamp(g.minorMultiplier, 1, 200, 1),
    majorMultiplier: clamp(g.majorMultiplier, 1, 1000, 100),
  };
}

export function hostPrelude(costs: string, seed: number, hookCallsPerFrame: number, engine: 'ue4' | 'ue5' = 'ue5', gc: GcOptions = DEFAULT_GC): string {
  return `local H = ...
local COST = ${costs}
local CALLBACK_NAMES = { ${CALLBACK_NAMES.map((n) => `'${n}'`).join(', ')} }
local HOOK_CALLS = ${Math.max(0, Math.floor(hookCallsPerFrame))}
local IS_UE5 = ${engine === 'ue5' ? 'true' : 'false'}
local GC = { handler = '${gc.handler}', type = '${gc.type}', mode = '${gc.mode}', budget_us = ${gc.budgetUs}, minor = ${gc.minorMultiplier}, major = ${gc.majorMultiplier} }
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

-- No bit32: UEVR builds Lua 5.4 without lbitlib.c and sol2 opens bit32 only with SOL_LUA_BIT32_LIB.

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
-- UObjects are sol2 userdata, pooled per object as UEVR pools them (ScriptContext.cpp
-- _sol_lua_push_objects_*: weak tables keyed by address): the same object is the same userdata while
-- it is alive, so getting it again makes no garbage. StructObjects and vectors are new userdata each time.
local newud = H.newud
local UD = setmetatable({}, { __mode = 'k' })     -- userdata -> record (what sol2 keeps in the payload)
local POOL = setmetatable({}, { __mode = 'v' })   -- record -> its pooled userdata
local STORE = setmetatable({}, { __mode = 'k' })  -- userdata -> its field values (sol2 variables of value types)
local ARR = {}                                      -- marks a TArray value in props
-- sol2 gives every usertype a __pairs that raises unless the type is a container.
local function not_container(tname)
  return function() error("sol: cannot call '__pairs/pairs' on type '" .. tname .. "': it is not recognized as a container", 2) end
end
-- Method storage per usertype, with sol2's bases as UEVR declares them (ScriptContext.cpp): UClass and
-- UFunction are UStructs, UStruct is a UField is a UObject. M_SOBJ is StructObject (a struct value).
local M_OBJ, M_USTRUCT, M_CLASS, M_FUNC, M_SOBJ = {}, {}, {}, {}, {}
setmetatable(M_USTRUCT, { __index = M_OBJ })
setmetatable(M_CLASS, { __index = M_USTRUCT })
setmetatable(M_FUNC, { __index = M_USTRUCT })
local M_STRUCT = M_SOBJ
local MT = {}
local by_name = {}       -- full name -> record (what exists in the simulated object array)
local classes = {}       -- short name -> class record

local A_PROP, A_SETPROP, A_CALL = api_id('UObject property'), api_id('UObject property write'), api_id('UFunction call (reflective)')
local A_NAME, A_SCAN, A_SMALL = api_id('UObject:get_full_name'), api_id('object scan'), api_id('UObject method')

local function wrap(rec)
  if rec.kind == 'struct' then local u = newud(MT.struct) UD[u] = rec return u end
  local u = POOL[rec]
  if u then return u end
  u = newud(MT[rec.kind])
  UD[u] = rec
  POOL[rec] = u
  return u
end
local function rec_of(v) if type(v) == 'userdata' then return UD[v] end end

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
    or sfind(k, '^Reset') or sfind(k, '^Destroy') or sfind(k, '^Teleport') or sfind(k, '^Launch') or sfind(k, '^Create%u')
end
-- Names of TArray properties: plurals, …List, …Array, …Children (not getters: GetComponents is a function).
-- A verb in front makes it a function (SetGenerateOverlapEvents) unless the name is just verb + plural
-- noun (AttachChildren, ShowFlags): those are properties.
local function is_array_name(k)
  if is_function_name(k) and select(2, k:gsub('%u', '')) > 2 then return false end
  return sfind(k, '^%u') and not sfind(k, '^Get%u') and not sfind(k, '^K2_') and not sfind(k, '^Find%u')
    and ((sfind(k, 's$') and not sfind(k, 'ss$') and not sfind(k, 'is$') and not sfind(k, 'us$')) or sfind(k, 'List$') or sfind(k, 'Array$') or sfind(k, 'Children$'))
end
local NUMERIC = { '^Num%u', 'FOV', 'FieldOfView', 'Speed', 'Health', 'Amount', 'Time', 'Distance', 'Angle', 'Alpha', 'Count',
  'Index', 'Height', 'Width', 'Radius', 'Scale$', 'Value', 'Pitch', 'Yaw', 'Roll', 'Multiplier', 'Factor', 'Rate', 'Size' }
-- FVector and FRotator properties come out as Vector3d (UE5) / Vector3f (UE4) pointing into the object
-- (ScriptUtility.cpp prop_to_object): writes through them stay. VEC marks such a stored value.
local VEC = {}
local MK_VEC   -- the engine's vector constructor, set once the value types exist
local MK_FNAME -- FName userdata constructor, set with FName's metatable
local FNM = {}  -- marks a stored FName value
local function vector() return { [VEC] = true, x = 0.0, y = 0.0, z = 0.0 } end
local rotator = vector
local function guess_value(rec, k)
  if type(k) ~= 'string' then return nil end
  if sfind(k, '^b%u') then return false end
  if k == 'X' or k == 'Y' or k == 'Z' or k == 'W' or k == 'x' or k == 'y' or k == 'z' or k == 'w' then return 0.0 end
  if rec.kind == 'struct' and k == 'Rotation' then return new_struct('Quat', { X = 0.0, Y = 0.0, Z = 0.0, W = 1.0 }) end   -- FTransform.Rotation is an FQuat
  if sfind(k, 'Rotation$') or sfind(k, 'Rotator$') then return rotator() end
  if sfind(k, 'Location$') or sfind(k, 'Offset$') or sfind(k, 'Velocity$') or sfind(k, 'Vector$') or sfind(k, 'Scale3D$') then return vector() end
  -- FVector2D / FIntPoint sizes of widgets and viewports (a plain 'Size' stays a number below)
  if sfind(k, '^%u%l+Size$') and (sfind(k, '^Draw') or sfind(k, '^Screen') or sfind(k, '^Viewport') or sfind(k, '^Image') or sfind(k, '^Desired')) then
    return new_struct('Vector2D', { X = 0.0, Y = 0.0 })
  end
  if sfind(k, '%lName$') and not sfind(k, 'By%u') then return { [FNM] = 'None' } end   -- FName properties (NetDriverName, AttachSocketName, ...)
  if not sfind(k, 'Timeline') then
    for i = 1, #NUMERIC do if sfind(k, NUMERIC[i]) then return 0.0 end end
  end
  if is_array_name(k) then   -- a TArray, with one element (none below an element: the world must end somewhere)
    local base = (rec.name:match(' (.*)$') or 'Transient') .. '.' .. k
    local depth = (rec.depth or 0) + 1
    local standin = new_object(get_class_rec('Object'), base)
    standin.depth = depth
    if depth > 1 then return { [ARR] = true, standin = standin } end
    local e = new_object(get_class_rec('Object'), base .. '_0')
    e.depth = depth
    return { [ARR] = true, e, standin = standin }
  end
  local cls = classes[k] or (sfind(k, 'Component$') and get_class_rec(k)) or get_class_rec('Object')
  local path = (rec.name:match(' (.*)$') or 'Transient') .. '.' .. k
  local o = new_object(cls, path)
  o.depth = rec.depth   -- objects below an array element keep its depth: their arrays are empty
  o.key = k             -- called after all (a function the name did not reveal): answers as one
  return o
end

local function value_out(v)
  if type(v) == 'table' then
    if v.kind then return wrap(v) end
    if v[VEC] then return MK_VEC(v) end
    if v[FNM] then return MK_FNAME(v[FNM]) end
    if v[ARR] then
      -- A TArray is a plain Lua table in UEVR. A stand-in array (a plural name the simulator guessed)
      -- also answers a few more indices and, for names, what an object would: the guess may be wrong
      -- (MeshLegs, CollisionResponses are not arrays) and a game would not fail there.
      local t = {}
      for i = 1, #v do t[i] = wrap(v[i]) end
      if v.standin then
        setmetatable(t, { __index = function(tt, k)
          if math.type(k) == 'integer' then
            if k < 1 or k > 4 or (v.standin.depth or 0) > 1 then return nil end
            local er = new_object(get_class_rec('Object'), v.standin.name:match(' (.*)$') .. '_' .. k)
            er.depth = v.standin.depth
            local e = wrap(er)
            rawset(tt, k, e)
            return e
          end
          return wrap(v.standin)[k]
        end })
      end
      return t
    end
  end
  return v
end

local function call_result(self_rec, k)
  if sfind(k, 'Rotation') or sfind(k, 'Rotator') or sfind(k, 'Location') or sfind(k, 'Vector') or sfind(k, 'Velocity') or sfind(k, 'Scale') then
    return MK_VEC(vector())   -- a return value: a temporary copy
  end
  if sfind(k, '^Is') or sfind(k, '^Can') or sfind(k, '^Has') or sfind(k, '^Was') then return false end
  if sfind(k, 'Transform') then
    return wrap(new_struct('Transform', { Translation = vector(), Rotation = new_struct('Quat', { X = 0.0, Y = 0.0, Z = 0.0, W = 1.0 }), Scale3D = { [VEC] = true, x = 1.0, y = 1.0, z = 1.0 } }))
  end
  if sfind(k, 'Axis') or sfind(k, 'Direction') or sfind(k, 'Normal') then return MK_VEC(vector()) end
  if sfind(k, '^Add') and sfind(k, 'Component') then   -- AddComponentByClass and kin return the component
    return wrap(new_object(get_class_rec('SceneComponent'), (self_rec.name:match(' (.*)$') or 'Transient') .. '.' .. k .. '_' .. math.random(1, 1e9)))
  end
  -- Verbs that do something return nothing; other functions (Get*, Find*, Make*, Conv_*, library
  -- functions) return a value of the kind their name says.
  if sfind(k, '^Set') or sfind(k, '^Add') or sfind(k, '^Remove') or sfind(k, '^Play') or sfind(k, '^Stop') or sfind(k, '^Enable')
    or sfind(k, '^Disable') or sfind(k, '^Show') or sfind(k, '^Hide') or sfind(k, '^Attach') or sfind(k, '^Detach')
    or sfind(k, '^Update') or sfind(k, '^Apply') or sfind(k, '^Toggle') or sfind(k, '^Receive') or sfind(k, '^Client')
    or sfind(k, '^Server') or sfind(k, '^Destroy') or sfind(k, '^Reset') then
    return nil
  end
  do
    local key = '$ret:' .. k
    local r = self_rec.props[key]
    if r == nil then r = guess_value(self_rec, (k:gsub('^K2_', ''):gsub('^%u%w*_', ''):gsub('^Get', ''):gsub('^Spawn', ''):gsub('^Find', ''):gsub('^Make', ''))) self_rec.props[key] = r end
    return value_out(r)
  end
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
    local rec = UD[w]
    api_enter(A_PROP)
    if type(k) == 'string' and rec.kind ~= 'struct' and rec.props[k] == nil
        and ((sfind(k, '^%u') and rec.cls and (sfind(rec.cls.short, 'Library$') or sfind(rec.cls.short, 'Statics$')))   -- function libraries have only functions
          or (not is_array_name(k) and (is_function_name(k) or sfind(k, '^%u%w*_%u')))) then
      -- A UFunction of the object's class: UEVR returns the UFunction itself, called through its __call,
      -- after a property search of the whole class chain that cannot find it (the cost of obj:Func()).
      burn(COST.functionLookupUs)
      local fr = new_function((rec.cls and rec.cls.short) or 'Object', k)
      api_leave()
      return wrap(fr)
    end
    burn(COST.propertyLookupUs)
    local v = rec.props[k]
    if v == nil then v = guess_value(rec, k) rec.props[k] = v end
    api_leave()
    return value_out(v)
  end
end
local function newindex(w, k, v)
  local rec = UD[w]
  api_enter(A_SETPROP) burn(COST.propertyLookupUs)
  if type(v) == 'userdata' and UD[v] then v = UD[v]
  elseif type(v) == 'userdata' and STORE[v] and STORE[v].x ~= nil then
    local st = STORE[v]
    v = { [VEC] = true, x = st.x, y = st.y, z = st.z or 0.0 }
  elseif type(v) == 'table' and #v > 0 and rec_of(v[1]) then
    local arr = { [ARR] = true }
    for i = 1, #v do arr[i] = rec_of(v[i]) end
    v = arr
  end
  rec.props[k] = v
  api_leave()
end
local function num(v) if type(v) == 'number' then return v end return 0 end
for kind, methods in pairs({ object = M_OBJ, class = M_CLASS, ['function'] = M_FUNC, struct = M_STRUCT }) do
  MT[kind] = {
    __index = make_index(methods), __newindex = newindex, __name = 'sol.uevr::API::UObject*', __pairs = not_container('uevr::API::UObject'),
    __eq = function(a, b) return UD[a] == UD[b] end,
    __tostring = function(w) local r = UD[w] return r and r.name or 'UObject' end,
    __add = function(a, b) return num(a) + num(b) end, __sub = function(a, b) return num(a) - num(b) end,
    __mul = function(a, b) return num(a) * num(b) end, __div = function(a, b) return num(a) / num(b) end,
    __unm = function() return 0 end, __lt = function(a, b) return num(a) < num(b) end,
    __le = function(a, b) return num(a) <= num(b) end, __len = function() return 0 end,
    __concat = function(a, b) return tostring(a) .. tostring(b) end,
    __call = kind == 'function' and function(fnw, obj, ...)
      local fr = UD[fnw]
      return callable(fr.short or 'Call')(obj, ...)
    end or function(w, obj, ...)
      local r = UD[w]
      if r and r.key then return callable(r.key)(obj, ...) end
      return nil
    end,
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
local FNAME_MT = { __index = {}, __name = 'sol.uevr::API::FName', __pairs = not_container('uevr::API::FName') }
function FNAME_MT.__index.to_string(f)
  api_enter(A_NAME) burn(COST.nameStringUs) local s = STORE[f].s .. '' api_leave() return s
end
function M_OBJ.get_fname(self)
  local r = rec_of(self)
  small(A_SMALL)
  return MK_FNAME(r and short_of(r.name) or 'None')
end
MK_FNAME = function(text) local u = newud(FNAME_MT) STORE[u] = { s = text } return u end
function M_OBJ.get_short_name(self)
  local r = rec_of(self)
  api_enter(A_NAME) burn(COST.nameStringUs) api_leave()
  return r and short_of(r.name) or 'None'
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
-- The outer is the object whose path is this path without its last segment: actors in a level are in
-- PersistentLevel, the level in the World, assets in their package.
function M_OBJ.get_outer(self)
  local r = rec_of(self)
  small(A_SMALL)
  if not r then return nil end
  local path = r.name:match(' (.*)$') or ''
  local parent = path:match('^(.*)[%.:][^%.:/]+$')
  if not parent or parent == '' then return nil end
  for _, prefix in ipairs({ 'World ', 'Level ', 'Package ', 'Object ' }) do
    local o = by_name[prefix .. parent]
    if o then return wrap(o) end
  end
  local cls = sfind(parent, ':PersistentLevel$') and get_class_rec('Level') or (not sfind(parent, '[%.:]') and get_class_rec('Package')) or get_class_rec('Object')
  return wrap(new_object(cls, parent))
end
function M_OBJ.get_address(self) small(A_SMALL) return 0x10000 end
function M_OBJ.call(self, fname, ...) return callable(fname)(self, ...) end
function M_OBJ.static_class() small(A_SMALL) return wrap(get_class_rec('Object')) end
function M_OBJ.as_class(self) local r = rec_of(self) return r and r.kind == 'class' and self or nil end
function M_OBJ.as_struct(self) local r = rec_of(self) return r and (r.kind == 'class' or r.kind == 'function') and self or nil end
function M_OBJ.as_function(self) local r = rec_of(self) return r and r.kind == 'function' and self or nil end
-- get_property / set_property: the reflective read and write of obj.Name / obj.Name = v, by name.
function M_OBJ.get_property(self, name) return MT[rec_of(self).kind].__index(self, name) end
function M_OBJ.set_property(self, name, v) return MT[rec_of(self).kind].__newindex(self, name, v) end
local function typed_get(conv)
  return function(self, name)
    local v = M_OBJ.get_property(self, name)
    return conv(v)
  end
end
M_OBJ.get_bool_property = typed_get(function(v) return v == true end)
M_OBJ.get_float_property = typed_get(function(v) return type(v) == 'number' and v or 0.0 end)
M_OBJ.get_double_property = M_OBJ.get_float_property
M_OBJ.get_int_property = typed_get(function(v) return math.tointeger(v) or 0 end)
M_OBJ.get_uint_property = M_OBJ.get_int_property
M_OBJ.get_uobject_property = typed_get(function(v) return rec_of(v) and v or nil end)
M_OBJ.get_fname_property = typed_get(function(v) return v end)
-- Raw memory access: there is no memory here; reads give 0 and writes are dropped.
for _, w in ipairs({ 'qword', 'dword', 'word', 'byte', 'float', 'double' }) do
  M_OBJ['read_' .. w] = function(self, offset) small(A_SMALL) return 0 end
  M_OBJ['write_' .. w] = function(self, offset, v) small(A_SMALL) end
  M_SOBJ['read_' .. w] = M_OBJ['read_' .. w]
  M_SOBJ['write_' .. w] = M_OBJ['write_' .. w]
end
function M_OBJ.DANGEROUS_call_member_virtual(self, index) small(A_SMALL) return 0 end
function M_OBJ.get_next(self) small(A_SMALL) return nil end   -- UField
function M_USTRUCT.find_property(self, name) small(A_SMALL) return nil end
function M_USTRUCT.get_child_properties(self) small(A_SMALL) return nil end
function M_USTRUCT.get_children(self) small(A_SMALL) return nil end
function M_USTRUCT.get_properties_size(self) small(A_SMALL) return 0x100 end
function M_USTRUCT.get_struct_size(self) small(A_SMALL) return 0x100 end   -- UScriptStruct
function M_SOBJ.get_address(self) small(A_SMALL) return 0x40000 end
function M_SOBJ.get_struct(self) local r = rec_of(self) return r and r.cls and wrap(r.cls) or nil end
function M_SOBJ.get_property(self, name) return MT.struct.__index(self, name) end
function M_SOBJ.set_property(self, name, v) return MT.struct.__newindex(self, name, v) end

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
function M_USTRUCT.find_function(self, name)
  local c = rec_of(self)
  small(A_SMALL, COST.findHitUs)
  return wrap(new_function(c.short, name))
end
function M_USTRUCT.get_super_struct(self) local c = rec_of(self) small(A_SMALL) return c.super and wrap(c.super) or nil end
M_USTRUCT.get_super = M_USTRUCT.get_super_struct

-- hook_ptr: the host calls hooked engine functions HOOK_CALLS times per frame during the game tick.
local hooks = {}
local n_registered = 0   -- registrations the host saw (callbacks, hook_ptr, script panels), agent or not
function M_FUNC.hook_ptr(self, pre, post)
  local r = rec_of(self)
  small(A_SMALL)
  hooks[#hooks + 1] = { fn = r, pre = pre, post = post, pre_list = { pre }, post_list = { post } }
  n_registered = n_registered + 1
end
function M_FUNC.call(self, obj, ...) local r = rec_of(self) return callable(r and r.short or 'Call')(obj, ...) end
function M_FUNC.get_native_function(self) small(A_SMALL) return 0x50000 end
function M_FUNC.get_function_flags(self) small(A_SMALL) local r = rec_of(self) return r and r.flags or 0x04020401 end
function M_FUNC.set_function_flags(self, flags) small(A_SMALL) local r = rec_of(self) if r then r.flags = flags end end

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
local FUOBJECTARRAY, CONSOLE   -- set below, once their usertypes exist
local A_FIND, A_PAWN, A_SPAWN, A_CMD, A_EVENT = api_id('uevr.api:find_uobject'), api_id('uevr.api:get_local_pawn/get_player_controller/get_engine'),
  api_id('uevr.api:spawn_object/add_component_by_class'), api_id('uevr.api:execute_command'), api_id('uevr.api:dispatch_custom_event')
local TYPE_PATHS = { Class = true, ScriptStruct = true, Function = true, Enum = true, BlueprintGeneratedClass = true,
  WidgetBlueprintGeneratedClass = true, AnimBlueprintGeneratedClass = true, Package = true,
  UserDefinedStruct = true, UserDefinedEnum = true }
local function create_from_path(name)
  local kind, path = smatch(name, '^(%w+) (/.+)$')
  if not kind then return nil end
  -- Class default objects of engine classes exist in every game: '<Class> /Script/<Module>.Default__<Class>'.
  local module, cdo = smatch(path, '^/Script/([%w_]+)%.Default__([%w_]+)$')
  if cdo and cdo == kind then
    local c = classes[cdo] or new_class(cdo, 'Object', '/Script/' .. module)
    c.cdo = c.cdo or new_object(c, '/Script/' .. module .. '.Default__' .. cdo)
    return c.cdo
  end
  -- Engine content (/Engine/...: EngineMaterials, BasicShapes, EngineFonts) ships with every game.
  if sfind(path, '^/Engine/') and not sfind(path, '^/Engine/Transient') then
    local c = classes[kind] or new_class(kind, 'Object', '/Script/Engine')
    return new_object(c, path)
  end
  if not TYPE_PATHS[kind] then return nil end
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
  if type(self) ~= 'userdata' then error("stack index 1, expected userdata, received " .. type(self) .. ": call it as uevr.api:find_uobject(name)", 2) end
  if type(name) ~= 'string' then error("bad argument #2 to 'find_uobject' (string expected, got " .. type(name) .. ')', 2) end
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
function api.dispatch_custom_event(self, name, data)
  api_enter(A_EVENT) burn(COST.smallCallUs) H.custom_event(tostring(name), tostring(data or '')) api_leave()
end
function api.to_uobject(self, addr) small(A_SMALL) return nil end
function api.get_uobject_array(self) small(A_SMALL) return FUOBJECTARRAY end
function api.get_console_manager(self) small(A_SMALL) return CONSOLE end

-------------------------------------------------------------------------------- sol2 usertypes
-- How sol2 3.2.3 (as UEVR vendors it) builds a usertype, reproduced with real userdata:
-- * a usertype with only functions gets a metatable whose __index is the metatable itself, holding the
--   functions; one with variables or a custom index gets an __index function over sol2's own storage, so
--   rawset of a name in the metatable changes nothing while replacing __index does;
-- * every usertype has __pairs raising "not recognized as a container";
-- * assigning a key on an instance: an existing function key is ignored, a new key raises;
-- * the usertype's named global (UEVR_UFunction, UEVR_SDKCallbacks, ...) is a table whose reads and
--   writes go to that storage: writing there replaces the binding for every instance.
local NEWINDEX_FAIL = 'sol: cannot set (new_index) into this object: no defined new_index operation on usertype'
local function named_table(storage)
  return setmetatable({}, { __index = storage, __newindex = storage })
end
-- methods: name -> function; vars: name -> getter(self, store) or true (a plain stored value)
local function usertype(tname, methods, vars, opts)
  opts = opts or {}
  local mt = { __name = 'sol.' .. tname .. (opts.value and '' or '*'), __pairs = not_container(tname) }
  if vars == nil and not opts.index then
    for k, f in pairs(methods) do mt[k] = f end
    mt.__index = mt
    mt.__newindex = function(u, k, v)
      if rawget(mt, k) ~= nil then return end   -- an existing key: silently nothing
      error(NEWINDEX_FAIL, 2)
    end
  else
    mt.__index = function(u, k)
      local m = methods[k]
      if m ~= nil then return m end
      local g = vars and vars[k]
      if g == true then local st = STORE[u] return st and st[k] end
      if g then return g(u, STORE[u]) end
      if opts.index then return opts.index(u, k) end
      return nil
    end
    mt.__newindex = function(u, k, v)
      local g = vars and vars[k]
      if g == true then
        local st = STORE[u]
        local old = st[k]
        if type(old) == 'number' and type(v) ~= 'number' then error('sol: cannot write to this variable: expected a number, got ' .. type(v), 2) end
        st[k] = v
        return
      end
      if opts.newindex then return opts.newindex(u, k, v) end
      if methods[k] ~= nil or g then return end
      error(NEWINDEX_FAIL, 2)
    end
  end
  if opts.eq then mt.__eq = opts.eq end
  for k, v in pairs(opts.meta or {}) do mt[k] = v end
  local function new(store) local u = newud(mt) if store then STORE[u] = store end return u end
  return mt, new
end
-- The constructor of a usertype whose metatable nobody needs by name.
local function ut(...) local _, mk = usertype(...) return mk end

-------------------------------------------------------------------------------- value types (lua::datatypes)
local A_NEW = api_id('value type .new')
-- Vector2f/3f/3d/4f/4d, Quaternionf/d: sol2 usertypes with x/y/z(/w) variables and their aliases
-- (X/Y/Z/W, Pitch/Yaw/Roll for vector3s); every result is a new userdata (UEVR_Vector.cpp, Quaternion.cpp).
local function vec_type(tname, fields, extra_aliases)
  local T = {}
  local n = #fields
  local vars, alias = {}, {}
  for i = 1, n do local f = fields[i] vars[f] = true alias[f] = f alias[f:upper()] = f end
  for a, f in pairs(extra_aliases or {}) do alias[a] = f end
  local mt, mk
  local function make(vals) return mk(vals) end
  local function get(u) return STORE[u] end
  mt, mk = usertype(tname, T, vars, {
    value = true,
    index = function(u, k) local f = alias[k] if f then return STORE[u][f] end return nil end,
    newindex = function(u, k, v)
      local f = alias[k]
      if not f then error(NEWINDEX_FAIL, 2) end
      if type(v) ~= 'number' then error('sol: cannot write to this variable: expected a number, got ' .. type(v), 2) end
      STORE[u][f] = v
    end,
    meta = {
      __add = function(a, b) local x, y, r = get(a), get(b), {} for i = 1, n do local f = fields[i] r[f] = x[f] + y[f] end return make(r) end,
      __sub = function(a, b) local x, y, r = get(a), get(b), {} for i = 1, n do local f = fields[i] r[f] = x[f] - y[f] end return make(r) end,
      __mul = function(a, b)
        if type(a) == 'number' then a, b = b, a end
        local x, r = get(a), {}
        if type(b) == 'number' then for i = 1, n do local f = fields[i] r[f] = x[f] * b end
        else local y = get(b) for i = 1, n do local f = fields[i] r[f] = x[f] * y[f] end end
        return make(r)
      end,
      __unm = function(a) local x, r = get(a), {} for i = 1, n do local f = fields[i] r[f] = -x[f] end return make(r) end,
      __eq = function(a, b) local x, y = get(a), get(b) for i = 1, n do local f = fields[i] if x[f] ~= y[f] then return false end end return true end,
      __tostring = function(a) local x, p = get(a), {} for i = 1, n do p[i] = sformat('%g', x[fields[i]]) end return tname .. '(' .. table.concat(p, ', ') .. ')' end,
    },
  })
  T.new = function(...)
    api_enter(A_NEW) burn(COST.valueNewUs) api_leave()
    local v = {}
    for i = 1, n do
      local x = select(i, ...)
      local num_x = x == nil and 0 or tonumber(x)
      if num_x == nil then error(sformat("bad argument #%d to '%s.new' (number expected, got %s)", i, tname, type(x)), 2) end
      v[fields[i]] = num_x + 0.0
    end
    return make(v)
  end
  function T.clone(a) local x, r = get(a), {} for i = 1, n do r[fields[i]] = x[fields[i]] end return make(r) end
  function T.length(a) local x, s = get(a), 0 for i = 1, n do s = s + x[fields[i]] ^ 2 end return math.sqrt(s) end
  function T.dot(a, b) local x, y, s = get(a), get(b), 0 for i = 1, n do s = s + x[fields[i]] * y[fields[i]] end return s end
  function T.normalized(a) local l = T.length(a) local x, r = get(a), {} for i = 1, n do r[fields[i]] = l > 0 and x[fields[i]] / l or 0.0 end return make(r) end
  function T.normalize(a) local l = T.length(a) local x = get(a) if l > 0 then for i = 1, n do x[fields[i]] = x[fields[i]] / l end end end
  function T.set(a, ...) local x = get(a) for i = 1, n do local v = select(i, ...) if v ~= nil then x[fields[i]] = v + 0.0 end end return a end
  function T.lerp(a, b, t) local x, y, r = get(a), get(b), {} for i = 1, n do local f = fields[i] r[f] = x[f] + (y[f] - x[f]) * t end return make(r) end
  if n >= 3 then
    function T.cross(a, b) local x, y = get(a), get(b) return make({ x = x.y * y.z - x.z * y.y, y = x.z * y.x - x.x * y.z, z = x.x * y.y - x.y * y.x, w = n == 4 and 0.0 or nil }) end
    function T.reflect(a, nrm) local d = 2 * T.dot(a, nrm) return a - nrm * d end
  end
  return named_table(T), make
end
local V3A = { Pitch = 'x', Yaw = 'y', Roll = 'z' }
local mk3f, mk3d, mk2f, mk4f, mkqf
Vector2f, mk2f = vec_type('Vector2f', { 'x', 'y' })
Vector3f, mk3f = vec_type('Vector3f', { 'x', 'y', 'z' }, V3A)
Vector3d, mk3d = vec_type('Vector3d', { 'x', 'y', 'z' }, V3A)
Vector4f, mk4f = vec_type('Vector4f', { 'x', 'y', 'z', 'w' }, V3A)
Vector4d = vec_type('Vector4d', { 'x', 'y', 'z', 'w' }, V3A)
Quaternionf, mkqf = vec_type('Quaternionf', { 'w', 'x', 'y', 'z' })   -- glm order: new(w, x, y, z)
Quaterniond = vec_type('Quaterniond', { 'w', 'x', 'y', 'z' })
MK_VEC = IS_UE5 and mk3d or mk3f

-- The plugin API's plain C structs (ScriptContext.cpp): variables plus as_full_binding / cast_to_vector.
local function c_struct(tname, fields, conv_name, conv)
  local T = {}
  local vars = {}
  for i = 1, #fields do vars[fields[i]] = true end
  local mt, mk = usertype(tname, T, vars, { value = true })
  local function make(v) return mk(v) end
  T.new = function()
    api_enter(A_NEW) burn(COST.valueNewUs) api_leave()
    local v = {} for i = 1, #fields do v[fields[i]] = 0.0 end
    return make(v)
  end
  if conv_name then T[conv_name] = function(self) local st = STORE[self] return conv(st) end end
  return named_table(T), make
end
local mkU3f, mkU2f, mkUq
UEVR_Vector2f, mkU2f = c_struct('UEVR_Vector2f', { 'x', 'y' }, 'as_full_binding', function(s) return mk2f({ x = s.x, y = s.y }) end)
UEVR_Vector3f, mkU3f = c_struct('UEVR_Vector3f', { 'x', 'y', 'z' }, 'as_full_binding', function(s) return mk3f({ x = s.x, y = s.y, z = s.z }) end)
UEVR_Vector3d = c_struct('UEVR_Vector3d', { 'x', 'y', 'z' }, 'as_full_binding', function(s) return mk3d({ x = s.x, y = s.y, z = s.z }) end)
UEVR_Vector4f = c_struct('UEVR_Vector4f', { 'x', 'y', 'z', 'w' }, 'as_full_binding', function(s) return mk4f({ x = s.x, y = s.y, z = s.z, w = s.w }) end)
UEVR_Quaternionf, mkUq = c_struct('UEVR_Quaternionf', { 'x', 'y', 'z', 'w' }, 'as_full_binding', function(s) return mkqf({ w = s.w, x = s.x, y = s.y, z = s.z }) end)
UEVR_Rotatorf = c_struct('UEVR_Rotatorf', { 'pitch', 'yaw', 'roll' }, 'cast_to_vector', function(s) return mk3f({ x = s.pitch, y = s.yaw, z = s.roll }) end)
UEVR_Rotatord = c_struct('UEVR_Rotatord', { 'pitch', 'yaw', 'roll' }, 'cast_to_vector', function(s) return mk3d({ x = s.pitch, y = s.yaw, z = s.roll }) end)
-- Matrices: m[i] (0..3) is a row of 4 floats, anything else nil (ScriptContext.cpp's custom index).
local ROW_MT = { __name = 'sol.float[4]*', __index = function(r, i) local st = STORE[r] return type(i) == 'number' and st[i] or nil end,
  __newindex = function(r, i, v) local st = STORE[r] if type(i) == 'number' and st[i] ~= nil then st[i] = v + 0.0 else error(NEWINDEX_FAIL, 2) end end }
local function matrix_type(tname)
  local T = {}
  local mt, mk = usertype(tname, T, nil, { value = true, index = function(u, k)
    if math.type(k) ~= 'integer' or k < 0 or k >= 4 then return nil end
    local row = newud(ROW_MT) STORE[row] = STORE[u][k + 1] return row
  end })
  T.new = function()
    local rows = {}
    for i = 1, 4 do rows[i] = { [1] = 0.0, [2] = 0.0, [3] = 0.0, [4] = 0.0, [0] = 0.0 } rows[i][i] = 1.0 end
    return mk(rows)
  end
  return named_table(T), T.new
end
local mkM4f
UEVR_Matrix4x4f, mkM4f = matrix_type('UEVR_Matrix4x4f')
UEVR_Matrix4x4d = matrix_type('UEVR_Matrix4x4d')

-- StructObject (StructObject.cpp): a struct value with reflective properties; new per call.
StructObject = named_table({
  new = function(struct)
    api_enter(A_NEW) burn(COST.valueNewUs) api_leave()
    local r = rec_of(struct)
    return wrap(new_struct(r and short_of(r.name) or 'Struct', {}))
  end,
})
UEVR_UObject, UEVR_UClass, UEVR_UFunction, UEVR_UStruct = named_table(M_OBJ), named_table(M_CLASS), named_table(M_FUNC), named_table(M_USTRUCT)
UEVR_UScriptStruct, UEVR_UField = named_table(M_USTRUCT), named_table(M_OBJ)

-------------------------------------------------------------------------------- XInput (XInput.cpp)
XINPUT_GAMEPAD_DPAD_UP, XINPUT_GAMEPAD_DPAD_DOWN, XINPUT_GAMEPAD_DPAD_LEFT, XINPUT_GAMEPAD_DPAD_RIGHT = 0x0001, 0x0002, 0x0004, 0x0008
XINPUT_GAMEPAD_START, XINPUT_GAMEPAD_BACK, XINPUT_GAMEPAD_LEFT_THUMB, XINPUT_GAMEPAD_RIGHT_THUMB = 0x0010, 0x0020, 0x0040, 0x0080
XINPUT_GAMEPAD_LEFT_SHOULDER, XINPUT_GAMEPAD_RIGHT_SHOULDER = 0x0100, 0x0200
XINPUT_GAMEPAD_A, XINPUT_GAMEPAD_B, XINPUT_GAMEPAD_X, XINPUT_GAMEPAD_Y = 0x1000, 0x2000, 0x4000, 0x8000
local mk_gamepad = ut('XINPUT_GAMEPAD', {}, { wButtons = true, bLeftTrigger = true, bRightTrigger = true,
  sThumbLX = true, sThumbLY = true, sThumbRX = true, sThumbRY = true })
local GAMEPAD = { wButtons = 0, bLeftTrigger = 0, bRightTrigger = 0, sThumbLX = 0, sThumbLY = 0, sThumbRX = 0, sThumbRY = 0 }
local XSTATE = { dwPacketNumber = 0 }
local mk_xstate = ut('XINPUT_STATE', {}, { dwPacketNumber = true, Gamepad = function() return mk_gamepad(GAMEPAD) end })
local VIBRATION = { wLeftMotorSpeed = 0, wRightMotorSpeed = 0 }
local mk_vibration = ut('XINPUT_VIBRATION', {}, { wLeftMotorSpeed = true, wRightMotorSpeed = true })
local mk_retval = ut('unsigned int', {}, nil, { index = function() return nil end })

-------------------------------------------------------------------------------- UEVR_UObjectHook
local A_MC, A_EXISTS = api_id('UEVR_UObjectHook motion controller state'), api_id('UEVR_UObjectHook.exists')
local MC = {}
for _, m in ipairs({ 'set_hand', 'set_permanent', 'set_rotation_offset', 'set_location_offset' }) do
  local field = m:sub(5)
  MC[m] = function(s, v) api_enter(A_MC) burn(COST.motionStateUs) STORE[s][field] = v api_leave() end
end
local mk_mcstate = ut('uevr::API::UObjectHook::MotionControllerState', MC)
local mc_states = setmetatable({}, { __mode = 'k' })   -- record -> pooled state userdata (MotionControllerState pool)
local uobjecthook_disabled = false
local UOH = {
  activate = function() small(A_SMALL) end,
  exists = function(obj) api_enter(A_EXISTS) burn(COST.existsUs) api_leave() return rec_of(obj) ~= nil end,
  is_disabled = function() small(A_SMALL) return uobjecthook_disabled end,
  set_disabled = function(v) small(A_SMALL) uobjecthook_disabled = v and true or false end,
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
    if r and not s then s = mk_mcstate({}) mc_states[r] = s end
    api_leave()
    return s
  end,
  -- Bound with a self parameter in UEVR (ScriptContext.cpp): called as UEVR_UObjectHook.get_motion_controller_state(obj)
  -- the object fills the self slot; sol2 does not check it and the object is the second argument, nil.
  get_motion_controller_state = function(self, obj)
    local r = rec_of(obj)
    api_enter(A_MC) burn(COST.motionStateUs) api_leave()
    return r and mc_states[r] or nil
  end,
  remove_motion_controller_state = function(obj) local r = rec_of(obj) small(A_MC) if r then mc_states[r] = nil end end,
  remove_all_motion_controller_states = function() small(A_MC) for k in pairs(mc_states) do mc_states[k] = nil end end,
}
UEVR_UObjectHook = named_table(UOH)
UEVR_MotionControllerState = named_table(MC)

-------------------------------------------------------------------------------- uevr.params
local A_OPT, A_LOG = api_id('uevr.params.vr.set_mod_value/get_mod_value'), api_id('uevr.params.functions.log')
local OPTION_NAMES = { 'VR_RenderingMethod', 'VR_SyncedSequentialMethod', 'VR_UncapFramerate', 'VR_Compatibility_SkipPostInitProperties',
  'VR_2DScreenMode', 'VR_WorldScale', 'VR_CameraForwardOffset', 'VR_CameraRightOffset', 'VR_CameraUpOffset', 'VR_LerpCameraPitch',
  'VR_LerpCameraYaw', 'VR_LerpCameraRoll', 'VR_LerpCameraSpeed', 'VR_DecoupledPitch', 'VR_DecoupledPitchUIAdjust', 'VR_AimMethod',
  'VR_AimSpeed', 'VR_AimInterp', 'VR_RoomscaleMovement', 'VR_SnapTurn', 'VR_SnapturnTurnAngle', 'VR_JoystickDeadzone',
  'VR_DPadShifting', 'VR_SwapControllerInputs', 'VR_MotionControlsInactivityTimer', 'VR_ExtremeCompatibilityMode',
  'VR_EnableGUI', 'VR_ShowFPSOverlay', 'UI_Distance', 'UI_Size', 'UI_X_Offset', 'UI_Y_Offset', 'UI_FollowView', 'UI_InvertAlpha',
  'FrameworkConfig_MenuKey', 'FrameworkConfig_ShowCursor' }
local option_index, option_values = {}, {}
-- Values as UEVR's options print them (ModValue::to_string): booleans 'true'/'false', integers '45',
-- floats '%f'. The options mods read most, with UEVR's defaults; the rest default to 'false'.
local OPTION_DEFAULTS = { VR_RenderingMethod = '0', VR_SyncedSequentialMethod = '1', VR_WorldScale = '1.000000',
  VR_CameraForwardOffset = '0.000000', VR_CameraRightOffset = '0.000000', VR_CameraUpOffset = '0.000000',
  VR_LerpCameraSpeed = '1.000000', VR_DecoupledPitchUIAdjust = 'true', VR_AimMethod = '0', VR_AimSpeed = '0.150000',
  VR_SnapturnTurnAngle = '45', VR_JoystickDeadzone = '0.200000', VR_SnapturnJoystickDeadzone = '0.200000',
  VR_DPadShiftingMethod = '0', VR_ControllerPitchOffset = '0.000000', VR_MovementOrientation = '0',
  VR_MotionControlsInactivityTimer = '30.000000', VR_EnableGUI = 'true', UI_Distance = '2.000000', UI_Size = '2.000000',
  UI_X_Offset = '0.000000', UI_Y_Offset = '0.000000', FrameworkConfig_MenuKey = '45', FrameworkConfig_AlwaysShowCursor = 'false' }
for k in pairs(OPTION_DEFAULTS) do
  local known = false
  for i = 1, #OPTION_NAMES do if OPTION_NAMES[i] == k then known = true end end
  if not known then table.insert(OPTION_NAMES, 30, k) end
end
for i = #OPTION_NAMES + 1, COST.modOptionCount do OPTION_NAMES[i] = 'VR_Option' .. i end
for i, n in ipairs(OPTION_NAMES) do option_index[n] = i option_values[n] = OPTION_DEFAULTS[n] or 'false' end
local function scan_option(key)
  burn((option_index[key] or #OPTION_NAMES) * COST.perOptionCompareUs)
end
local function str_arg(v, i, fname)
  if type(v) == 'string' then return v end
  if type(v) == 'number' then return tostring(v) end
  error(sformat("bad argument #%d to '%s' (string expected, got %s)", i, fname, type(v)), 3)
end
-- UEVR_VRData (API.h): its functions are C function pointers bound as variables, so they take no self and
-- are called with '.': uevr.params.vr.set_mod_value(k, v). get_mod_value is the exception: a lambda taking
-- the VRData first, called with ':' (ScriptContext.cpp).
local VR_FN
local vr_vars = {}
local function pose_out(pos, rot)
  local p = pos and STORE[pos] if p then p.x, p.y, p.z = 0.0, 1.6, 0.0 end
  local q = rot and STORE[rot] if q then q.w, q.x, q.y, q.z = 1.0, 0.0, 0.0, 0.0 end
end
VR_FN = {
  is_runtime_ready = function() return true end,
  is_openvr = function() return false end,
  is_openxr = function() return true end,
  is_hmd_active = function() return true end,
  get_standing_origin = function(out) small(A_SMALL) local o = out and STORE[out] if o then o.x, o.y, o.z = 0.0, 0.0, 0.0 end end,
  get_rotation_offset = function(out) small(A_SMALL) local o = out and STORE[out] if o then o.w, o.x, o.y, o.z = 1.0, 0.0, 0.0, 0.0 end end,
  set_standing_origin = function(v) small(A_SMALL) end,
  set_rotation_offset = function(q) small(A_SMALL) end,
  get_hmd_index = function() return 0 end,
  get_left_controller_index = function() return 1 end,
  get_right_controller_index = function() return 2 end,
  get_pose = function(index, pos, rot) small(A_SMALL) pose_out(pos, rot) end,
  get_transform = function(index, out) small(A_SMALL) end,
  get_eye_offset = function(eye, out) small(A_SMALL) local o = out and STORE[out] if o then o.x, o.y, o.z = eye == 0 and -3.2 or 3.2, 0.0, 0.0 end end,
  get_ue_projection_matrix = function(eye, out) small(A_SMALL) end,
  get_left_joystick_source = function() return 1 end,
  get_right_joystick_source = function() return 2 end,
  get_action_handle = function(name) small(A_SMALL) return 1 end,
  is_action_active = function(action, source) small(A_SMALL) return false end,
  get_joystick_axis = function(source, out) small(A_SMALL) local o = out and STORE[out] if o then o.x, o.y = 0.0, 0.0 end end,
  trigger_haptic_vibration = function(delay, amplitude, frequency, duration, source) small(A_SMALL) end,
  is_using_controllers = function() return true end,
  get_lowest_xinput_index = function() return 0 end,
  recenter_view = function() small(A_SMALL) end,
  recenter_horizon = function() small(A_SMALL) end,
  get_aim_method = function() return tonumber(option_values.VR_AimMethod) or 0 end,
  set_aim_method = function(v) api_enter(A_OPT) scan_option('VR_AimMethod') burn(COST.optionParseUs) option_values.VR_AimMethod = tostring(v) api_leave() end,
  is_aim_allowed = function() return true end,
  set_aim_allowed = function(v) end,
  get_hmd_width = function() return 2160 end,
  get_hmd_height = function() return 2160 end,
  get_ui_width = function() return 1920 end,
  get_ui_height = function() return 1080 end,
  is_snap_turn_enabled = function() return option_values.VR_SnapTurn == 'true' end,
  set_snap_turn_enabled = function(v) option_values.VR_SnapTurn = v and 'true' or 'false' end,
  set_decoupled_pitch_enabled = function(v) option_values.VR_DecoupledPitch = v and 'true' or 'false' end,
  set_mod_value = function(key, value)
    key = str_arg(key, 1, 'set_mod_value')
    -- sol2 converts the value with lua_tolstring: a boolean becomes a null string in UEVR (what the game
    -- then does is unknown); here it is stored as 'true'/'false' rather than blamed on the mod.
    if type(value) == 'boolean' then value = tostring(value) else value = str_arg(value, 2, 'set_mod_value') end
    api_enter(A_OPT) scan_option(key) burn(COST.optionParseUs)
    if option_index[key] then option_values[key] = value end
    api_leave()
  end,
  save_config = function() small(A_SMALL) end,
  reload_config = function() small(A_SMALL) end,
}
for k, f in pairs(VR_FN) do vr_vars[k] = function() return f end end
local VR_METHODS = {
  get_mod_value = function(self, key)
    if rec_of(self) ~= nil or type(self) ~= 'userdata' or STORE[self] ~= VR_FN then
      error(sformat("stack index 1, expected userdata, received %s: called with '.' instead of ':'? (uevr.params.vr:get_mod_value(key))", type(self)), 2)
    end
    key = str_arg(key, 2, 'get_mod_value')
    api_enter(A_OPT) scan_option(key) local v = option_values[key] api_leave()
    return v or ''
  end,
}
local mk_vr = ut('UEVR_VRData', VR_METHODS, vr_vars)
local function logger(level) return function(fmt, ...) api_enter(A_LOG) burn(COST.logUs) H.log(level, tostring(fmt)) api_leave() end end
local FN = {
  log_info = logger(0), log_warn = logger(1), log_error = logger(2), is_drawing_ui = function() return false end,
  get_commit_hash = function() return 'simulated' end, get_tag = function() return 'simulated' end,
  get_tag_long = function() return 'simulated' end, get_branch = function() return 'master' end,
  get_build_date = function() return 'simulated' end, get_build_time = function() return 'simulated' end,
  get_commits_past_tag = function() return 0 end, get_total_commits = function() return 0 end,
  dispatch_custom_event = function(name, data) H.custom_event(tostring(name), tostring(data or '')) end,
}
local fn_vars = {}
for k, f in pairs(FN) do fn_vars[k] = function() return f end end
local mk_functions = ut('UEVR_PluginFunctions', {}, fn_vars)
local mk_version = ut('UEVR_PluginVersion', {}, { major = true, minor = true, patch = true })
local VERSION = { major = 2, minor = 39, patch = 0 }

-- Simulator-only helper (not in UEVR): burns host time like a UEVR API call, for known-cost test mods.
local A_BURN = api_id('uevr_sim.burn')
uevr_sim = { burn = function(ms) api_enter(A_BURN) burn((tonumber(ms) or 0) * 1000) api_leave() end }

-------------------------------------------------------------------------------- uevr.sdk.callbacks (UEVR_SDKCallbacks)
local lists = {}
local CB = {}
for i, n in ipairs(CALLBACK_NAMES) do
  local list = {}
  lists[i] = list
  CB[n] = function(fn)
    if type(fn) ~= 'function' then error('bad argument #1 to \'' .. n .. '\' (function expected, got ' .. type(fn) .. ')', 2) end
    list[#list + 1] = fn
    n_registered = n_registered + 1
  end
end
-- Functions only: __index is the metatable itself, shared by uevr.sdk.callbacks and uevr.params.sdk.callbacks.
local CB_MT, mk_callbacks = usertype('UEVR_SDKCallbacks', CB, nil, { eq = function() return true end })
UEVR_SDKCallbacks = setmetatable({}, { __index = CB_MT, __newindex = CB_MT })
local function opaque(tname) local _, mk = usertype(tname, {}, nil, { index = function() return nil end }) return mk end
local mk_sdkfunctions = opaque('UEVR_SDKFunctions')
local mk_uobjecthookfns = opaque('UEVR_UObjectHookFunctions')
local mk_sdkopaque = opaque('UEVR_SDKData member')
local mk_sdk = ut('UEVR_SDKData', {}, {
  callbacks = function() return mk_callbacks(CB) end,
  functions = function() return mk_sdkfunctions({}) end,
  uobject_hook = function() return mk_uobjecthookfns({}) end,
  uobject = function() return mk_sdkopaque({}) end, uobject_array = function() return mk_sdkopaque({}) end,
  ffield = function() return mk_sdkopaque({}) end, fproperty = function() return mk_sdkopaque({}) end,
  ustruct = function() return mk_sdkopaque({}) end, uclass = function() return mk_sdkopaque({}) end,
  ufunction = function() return mk_sdkopaque({}) end, ffield_class = function() return mk_sdkopaque({}) end,
  fname = function() return mk_sdkopaque({}) end, console = function() return mk_sdkopaque({}) end,
})
local mk_opaque_ptr = opaque('void')
local mk_params = ut('UEVR_PluginInitializeParam', {}, {
  uevr_module = function() return mk_opaque_ptr({}) end,
  version = function() return mk_version(VERSION) end,
  functions = function() return mk_functions(FN) end,
  callbacks = function() return mk_opaque_ptr({}) end,
  renderer = function() return mk_opaque_ptr({}) end,
  vr = function() return mk_vr(VR_FN) end,
  openvr = function() return mk_opaque_ptr({}) end,
  openxr = function() return mk_opaque_ptr({}) end,
  sdk = function() return mk_sdk({}) end,
})
local API_MT, mk_api = usertype('uevr::API', api, { sdk = function() return mk_sdk({}) end })

-------------------------------------------------------------------------------- FUObjectArray, console
local A_OBJARR = api_id('FUObjectArray')
local OBJARR = {
  get = function() return FUOBJECTARRAY end,
  is_chunked = function(self) return true end,
  is_inlined = function(self) return false end,
  get_objects_offset = function(self) return 0x10 end,
  get_item_distance = function(self) return 24 end,
  get_object_count = function(self) small(A_OBJARR) return COST.objectCount end,
  get_objects_ptr = function(self) return 0 end,
  get_object = function(self, i) small(A_OBJARR) return nil end,
  get_item = function(self, i) small(A_OBJARR) return nil end,
}
local mk_objarr = ut('uevr::API::FUObjectArray', OBJARR)
FUOBJECTARRAY = mk_objarr({})
UEVR_FUObjectArray = named_table(OBJARR)
local CVAR = { set = function(self, v) small(A_SMALL) end, set_float = function(self, v) small(A_SMALL) end,
  set_int = function(self, v) small(A_SMALL) end, set_ex = function(self, v) small(A_SMALL) end,
  get_int = function(self) return 0 end, get_float = function(self) return 0.0 end, as_command = function(self) return nil end,
  execute = function(self, args) small(A_SMALL) end }
local mk_cvar = ut('uevr::API::IConsoleVariable', CVAR)
local CONMGR = {
  get_console_objects = function(self) return nil end,
  find_object = function(self, name) small(A_SMALL) return mk_cvar({}) end,
  find_variable = function(self, name) small(A_SMALL) return mk_cvar({}) end,
  find_command = function(self, name) small(A_SMALL) return mk_cvar({}) end,
}
local mk_conmgr = ut('uevr::API::FConsoleManager', CONMGR)
CONSOLE = mk_conmgr({})
UEVR_FConsoleManager, UEVR_IConsoleVariable, UEVR_IConsoleCommand, UEVR_IConsoleObject = named_table(CONMGR), named_table(CVAR), named_table(CVAR), named_table(CVAR)
UEVR_FName = named_table(FNAME_MT.__index)

-------------------------------------------------------------------------------- imgui, json, fs (LuaLoader::add_additional_bindings)
-- ImGui widgets never change anything here (no one clicks): each returns "not changed" and the value it got.
do
local A_UI = api_id('imgui')
imgui = setmetatable({
  begin_window = function() small(A_UI) return true end,
  collapsing_header = function() small(A_UI) return false end,
  tree_node = function() small(A_UI) return false end,
  get_display_size = function() return mk2f({ x = 1920.0, y = 1080.0 }) end,
  get_window_size = function() return mk2f({ x = 400.0, y = 300.0 }) end,
  get_window_pos = function() return mk2f({ x = 0.0, y = 0.0 }) end,
  calc_text_size = function(s) return mk2f({ x = 7.0 * #tostring(s or ''), y = 13.0 }) end,
  get_mouse = function() return mk2f({ x = 0.0, y = 0.0 }) end,
  get_default_font_size = function() return 13.0 end,
  load_font = function() return 0 end,
  get_id = function(s) return 1 end,
}, { __index = function(t, k)
  local f = function(label, value) small(A_UI) return false, value end
  rawset(t, k, f)
  return f
end })
end
draw = setmetatable({}, { __index = function(t, k) local f = function() end rawset(t, k, f) return f end })

do
-- json: real encoding and decoding; files live in memory for the session (the game's persistent data
-- folder is not here), so what a mod saves it can load again, and a first load finds nothing (nil).
local FILES = {}
local function json_encode(v, out, depth)
  depth = depth or 0
  if depth > 100 then error('json: nested too deeply', 0) end
  local t = type(v)
  if v == nil then out[#out + 1] = 'null'
  elseif t == 'boolean' then out[#out + 1] = v and 'true' or 'false'
  elseif t == 'number' then out[#out + 1] = (v ~= v or v == math.huge or v == -math.huge) and 'null' or (math.type(v) == 'integer' and tostring(v) or sformat('%.17g', v))
  elseif t == 'string' then out[#out + 1] = '"' .. v:gsub('[%c"\\]', function(c) return sformat('\\u%04x', c:byte()) end) .. '"'
  elseif t == 'table' then
    if #v > 0 or next(v) == nil then
      out[#out + 1] = '['
      for i = 1, #v do if i > 1 then out[#out + 1] = ',' end json_encode(v[i], out, depth + 1) end
      out[#out + 1] = ']'
    else
      out[#out + 1] = '{'
      local first = true
      for k, x in pairs(v) do
        if not first then out[#out + 1] = ',' end
        first = false
        json_encode(tostring(k), out, depth + 1) out[#out + 1] = ':' json_encode(x, out, depth + 1)
      end
      out[#out + 1] = '}'
    end
  else out[#out + 1] = 'null' end
end
local function json_decode(s)
  local pos = 1
  local function ws() pos = sfind(s, '[^ \t\r\n]', pos) or #s + 1 end
  local value
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == '' then error('json: unterminated string', 0) end
      if c == '"' then pos = pos + 1 break end
      if c == '\\' then
        local e = s:sub(pos + 1, pos + 1)
        if e == 'u' then out[#out + 1] = utf8.char(tonumber(s:sub(pos + 2, pos + 5), 16) or 63) pos = pos + 6
        else out[#out + 1] = ({ n = '\n', t = '\t', r = '\r', b = '\b', f = '\f' })[e] or e pos = pos + 2 end
      else out[#out + 1] = c pos = pos + 1 end
    end
    return table.concat(out)
  end
  value = function(depth)
    if depth > 100 then error('json: nested too deeply', 0) end
    ws()
    local c = s:sub(pos, pos)
    if c == '{' then
      local t = {} pos = pos + 1 ws()
      if s:sub(pos, pos) == '}' then pos = pos + 1 return t end
      while true do
        ws() if s:sub(pos, pos) ~= '"' then error('json: expected a key at ' .. pos, 0) end
        local k = str() ws()
        if s:sub(pos, pos) ~= ':' then error('json: expected : at ' .. pos, 0) end
        pos = pos + 1
        t[k] = value(depth + 1) ws()
        local d = s:sub(pos, pos) pos = pos + 1
        if d == '}' then return t end
        if d ~= ',' then error('json: expected , or } at ' .. pos, 0) end
      end
    elseif c == '[' then
      local t = {} pos = pos + 1 ws()
      if s:sub(pos, pos) == ']' then pos = pos + 1 return t end
      while true do
        t[#t + 1] = value(depth + 1) ws()
        local d = s:sub(pos, pos) pos = pos + 1
        if d == ']' then return t end
        if d ~= ',' then error('json: expected , or ] at ' .. pos, 0) end
      end
    elseif c == '"' then return str()
    elseif s:sub(pos, pos + 3) == 'true' then pos = pos + 4 return true
    elseif s:sub(pos, pos + 4) == 'false' then pos = pos + 5 return false
    elseif s:sub(pos, pos + 3) == 'null' then pos = pos + 4 return nil
    else
      local num = smatch(s, '^-?%d+%.?%d*[eE]?[-+]?%d*', pos)
      if not num or num == '' then error('json: unexpected character at ' .. pos, 0) end
      pos = pos + #num
      return tonumber(num)
    end
  end
  return value(0)
end
local A_FILE = api_id('json/fs file')
json = {
  dump_string = function(v, indent) local out = {} json_encode(v, out) return table.concat(out) end,
  load_string = function(s) local ok, v = pcall(json_decode, tostring(s)) if ok then return v end return nil end,
  dump_file = function(name, v, indent) small(A_FILE, COST.logUs) local out = {} json_encode(v, out) FILES[tostring(name)] = table.concat(out) return true end,
  load_file = function(name) small(A_FILE, COST.logUs) local s = FILES[tostring(name)] if not s then return nil end local ok, v = pcall(json_decode, s) return ok and v or nil end,
}
fs = {
  read = function(name) small(A_FILE, COST.logUs) return FILES[tostring(name)] or '' end,
  write = function(name, data) small(A_FILE, COST.logUs) FILES[tostring(name)] = tostring(data) end,
  glob = function(filter) small(A_FILE, COST.logUs)
    local t = {} for k in pairs(FILES) do if sfind(k, tostring(filter)) then t[#t + 1] = k end end table.sort(t) return t
  end,
}

end

-------------------------------------------------------------------------------- require as UEVR's FS binding wraps it
do
  local lua_require = require
  require = function(name)
    if type(name) ~= 'string' then error(sformat("bad argument #1 to 'require' (string expected, got %s)", type(name)), 2) end
    if sfind(name, '..', 1, true) then error('require does not allow access to parent directories (module \'' .. name .. '\')', 2) end
    if sfind(name, '^%a:[\\/]') or sfind(name, '^[\\/][\\/]') then error('require does not allow the use of absolute paths (module \'' .. name .. '\')', 2) end
    -- Through pcall so a "not found" error is positioned at the mod's line, not this wrapper's; an
    -- error raised inside the module keeps its own position.
    local ok, a, b = pcall(lua_require, name)
    if ok then return a, b end
    if type(a) == 'string' and (sfind(a, "^module '") or sfind(a, "^error loading module '")) then error(a, 2) end
    error(a, 0)
  end
end

-------------------------------------------------------------------------------- the uevr table (ScriptContext::setup_bindings)
local script_panels = {}
uevr = {
  params = mk_params({}),
  api = mk_api({}),
  types = {
    UObject = UEVR_UObject, UStruct = UEVR_UStruct, UClass = UEVR_UClass, UFunction = UEVR_UFunction,
    FField = named_table({}), FFieldClass = named_table({}), FConsoleManager = UEVR_FConsoleManager,
    IConsoleObject = UEVR_IConsoleObject, IConsoleVariable = UEVR_IConsoleVariable, IConsoleCommand = UEVR_IConsoleCommand,
    FName = UEVR_FName, FUObjectArray = UEVR_FUObjectArray, UObjectHook = UEVR_UObjectHook,
  },
  plugin_callbacks = mk_opaque_ptr({}),
  sdk = mk_sdk({}),
  -- LuaLoader::state_post_init: a plain table with add_script_panel(name, fn).
  lua = { add_script_panel = function(name, fn)
    if type(fn) ~= 'function' then error("bad argument #2 to 'add_script_panel' (function expected, got " .. type(fn) .. ')', 2) end
    script_panels[#script_panels + 1] = { name = tostring(name), fn = fn }
    n_registered = n_registered + 1
  end },
}

-------------------------------------------------------------------------------- dispatch (called by the JS side)
local script_error, watch_reset = H.script_error, H.watch_reset
local function report(f, err)
  local info = dbg.getinfo(f, 'S')
  script_error(tostring(err), info and info.source or '', info and info.linedefined or 0)
end
local n_ran, n_failed = 0, 0   -- callback runs that returned / raised (read by the host: stats())
local function run(list, ...)
  for i = 1, #list do
    local f = list[i]
    watch_reset()
    local ok, err = pcall(f, ...)
    if ok then n_ran = n_ran + 1 else n_failed = n_failed + 1 report(f, err) end
  end
end

-- The stereo callbacks get the engine's own position and rotation: Vector3d on UE5, Vector3f on UE4
-- (ScriptContext.cpp casts the same pointer by lua::utility::is_ue5()); a new userdata per call, over the
-- same memory, so writes by one callback are seen by the next.
local STEREO_POS, STEREO_ROT = { x = 0.0, y = 0.0, z = 0.0 }, { x = 0.0, y = 0.0, z = 0.0 }
local mk_stereo = IS_UE5 and mk3d or mk3f
local frame_no = 0
local K = {}
for i, n in ipairs(CALLBACK_NAMES) do K[n] = i end

local function run_hooks(calls)
  for h = 1, #hooks do
    local hk = hooks[h]
    local fnw = wrap(hk.fn)
    local obj = wrap(first_instance(get_class_rec('Actor')))
    for _ = 1, calls do
      if hk.pre then run(hk.pre_list, fnw, obj, wrap(new_struct('Locals', {})), nil) end
      if hk.post then run(hk.post_list, fnw, obj, wrap(new_struct('Locals', {})), nil) end
    end
  end
end

local function run_panels()
  for i = 1, #script_panels do
    local p = script_panels[i]
    watch_reset()
    local ok, err = pcall(p.fn)
    if ok then n_ran = n_ran + 1 else n_failed = n_failed + 1 report(p.fn, err) end
  end
end

local tointeger = math.tointeger
local function dispatch(kind, eye, delta)
  kind, eye = tointeger(kind), tointeger(eye)   -- the JS side pushes doubles; UEVR passes integers
  if kind == 0 then return run_hooks(HOOK_CALLS) end
  if kind == K.on_draw_ui then run(lists[kind]) return run_panels() end
  local list = lists[kind]
  if #list == 0 then return end
  if kind == K.on_pre_engine_tick or kind == K.on_post_engine_tick then
    if kind == K.on_pre_engine_tick then frame_no = frame_no + 1 end
    return run(list, wrap(engine), delta)
  elseif kind >= K.on_early_calculate_stereo_view_offset and kind <= K.on_post_calculate_stereo_view_offset then
    STEREO_POS.x, STEREO_POS.y, STEREO_POS.z = 0.0, 0.0, 160.0
    STEREO_ROT.x, STEREO_ROT.y, STEREO_ROT.z = 0.0, 0.0, 0.0
    return run(list, mk_opaque_ptr({}), eye, 100.0, mk_stereo(STEREO_POS), mk_stereo(STEREO_ROT), IS_UE5)
  elseif kind == K.on_xinput_get_state then
    XSTATE.dwPacketNumber = XSTATE.dwPacketNumber + 1
    local g = GAMEPAD
    g.wButtons = (frame_no % 120 < 10) and XINPUT_GAMEPAD_A or 0   -- A pressed for 10 of every 120 frames
    g.bLeftTrigger, g.bRightTrigger = 0, (frame_no % 90 < 45) and 200 or 0
    g.sThumbLX, g.sThumbLY, g.sThumbRX, g.sThumbRY = 0, 12000, 0, 0
    return run(list, mk_retval({}), 0, mk_xstate(XSTATE))
  elseif kind == K.on_xinput_set_state then
    return run(list, mk_retval({}), 0, mk_vibration(VIBRATION))
  elseif kind == K.on_pre_viewport_client_draw or kind == K.on_post_viewport_client_draw then
    return run(list, wrap(gvc), 0x20000, 0x30000)   -- viewport and canvas are addresses (uintptr_t) in UEVR
  elseif kind == K.on_pre_slate_draw_window_render_thread or kind == K.on_post_slate_draw_window_render_thread then
    return run(list, mk_opaque_ptr({}), mk_opaque_ptr({}))
  end
  return run(list)
end

local function lua_event(name, data) return run(lists[K.on_lua_event], name, data) end

-- The collector as UEVR runs it (lua-api/lib/src/ScriptState.cpp gc_data_changed / on_frame, options of
-- src/mods/LuaLoader.hpp), call for call; collectgarbage(opt, n) is lua_gc(L, LUA_GC<opt>, n):
-- * gc_data_changed (the ScriptState constructor, before any script runs): first the handler, UEVR
--   -> lua_gc(STOP), Lua -> lua_gc(RESTART); then the mode, generational -> lua_gc(GEN, minor, major),
--   incremental -> lua_gc(INC). (UEVR passes INC no arguments, so the C vararg reads are unspecified;
--   here they are 0, i.e. Lua keeps its pause/stepmul/stepsize, the only defined reading.)
-- * on_frame (after the on_frame callbacks, handler UEVR only): type full -> lua_gc(COLLECT); type step
--   -> generational: one lua_gc(STEP, 1) (1 KiB of debt: a young collection only once the debt that the
--   minor multiplier set is paid; a stopped collector parks the debt at -2000 bytes as the mods
--   allocate); incremental: lua_gc(STEP, 1) again and again until it returns 1 (a cycle ended) or the
--   budget is spent (time checked after each step, as UEVR does, so one long step can overrun it).
-- * handler Lua: the frame does nothing; Lua collects inside whatever code allocates (the callbacks).
-- Scripts load with the collector already stopped (UEVR creates the state, then runs the scripts), so a
-- mod that builds a large heap at load pays for it at the first steps (a "bad" major collection in
-- generational mode, then Lua waits for the heap to double) - the real VM decides all of that.
local collect = collectgarbage
if GC.handler == 'uevr' then collect('stop') else collect('restart') end
if GC.mode == 'incremental' then collect('incremental') else collect('generational', GC.minor, GC.major) end
local gc_step
if GC.handler ~= 'uevr' then
  gc_step = function() return collect('count') end
elseif GC.type == 'full' then
  gc_step = function() collect('collect') return collect('count') end
elseif GC.mode == 'incremental' then
  local budget_ms = GC.budget_us / 1000
  gc_step = function()
    local t0 = hclock()
    while not collect('step', 1) do
      if hclock() - t0 >= budget_ms then break end
    end
    return collect('count')
  end
else
  gc_step = function() collect('step', 1) return collect('count') end
end
local function mem() return collect('count') end

local function stats() return n_registered, n_ran, n_failed end

return dispatch, gc_step, lua_event, mem, stats
`;
