// The Lua side of the behaviour trace: a script loaded before a mod's scripts in the simulated session
// that records, in order, every UEVR API call a mod makes (name, arguments, results that matter),
// every reflective property read and write, prints and logs, callback registrations, what each callback
// returns and leaves in its table arguments (stereo position/rotation, XInput state), errors, and at the
// end the mod's globals. It only uses what a UEVR Lua script can reach (uevr.*, UEVR_UObjectHook, the
// UObject metatables via getmetatable), so it does not depend on the simulator's internals.
// Clocks are made deterministic (a frame clock), table addresses are masked, collectgarbage('count') is
// constant: two runs of the same mod give the same trace, and a run after a fix differs only where the
// fix changed what the mod does.
// Coupling to the simulator: only its public entry (createSimulatedSession) and the Lua surface a mod
// sees. Property reads and writes are traced through the UObject metatables a script can reach with
// getmetatable (as with sol2 usertypes in UEVR). Should the simulator ever protect them (__metatable),
// the tests in test/unit/analyzer/fixsafety.test.ts fail (they expect a traced property write); the
// minimal hook that would replace this is a per-call listener in SimulatedSessionOptions
// (`onApiCall(kind, name, args)`), which this file would then feed instead of wrapping.

/** Lua event name that makes the tracer emit its buffer as log lines (see trace-run.ts). */
export const TRACE_FLUSH_EVENT = '__uevrprof_trace_flush';
/** Lua event name that makes the tracer record the mod's globals, then flush. */
export const TRACE_FINAL_EVENT = '__uevrprof_trace_final';
/** Prefix of the log lines that carry the trace (mod prints never reach the log while tracing). */
export const TRACE_LINE_PREFIX = '\u0001uevrprof-trace\u0001';
/** File name of the tracer in the scripts folder: sorts before any mod script. */
export const TRACER_FILE_NAME = '!!!!uevrprof-behaviour-trace.lua';

export const TRACER_LUA = String.raw`-- uevr-prof behaviour tracer (generated; never shipped in a mod)
local type, tostring, pairs, select, getmetatable, rawequal, pcall, error, next = type, tostring, pairs, select, getmetatable, rawequal, pcall, error, next
local sformat, sgsub, ssub, sfind, tconcat, tsort, mtype = string.format, string.gsub, string.sub, string.find, table.concat, table.sort, math.type
local orig_print = print
local PREFIX = ${JSON.stringify(TRACE_LINE_PREFIX).replace(/\\u0001/g, '\\1')}
local FLUSH, FINAL = '${TRACE_FLUSH_EVENT}', '${TRACE_FINAL_EVENT}'

local buf, nbuf = {}, 0
local busy = false
local frame = 0
local function rec(s) nbuf = nbuf + 1 buf[nbuf] = s end

local function mask(s) return (sgsub(s, '0x%x+', '0x?')) end

local ser
local seen_mt = {}
local patch_uobject_mt, wrap_table, patch_usertype_mt
local orig_tostring = tostring
local function ser_table(v, depth)
  if depth > 3 then return '{…}' end
  local keys = {}
  local n = 0
  for k in next, v do
    n = n + 1
    if n > 64 then break end
    keys[n] = k
  end
  tsort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == 'number' or ta == 'string' then return a < b end
    return false
  end)
  local parts = {}
  for i = 1, #keys do
    local k = keys[i]
    parts[i] = ser(k, depth + 1) .. '=' .. ser(v[k], depth + 1)
  end
  if n > 64 then parts[#parts + 1] = '…' end
  return '{' .. tconcat(parts, ',') .. '}'
end
-- Value usertypes a callback hands a mod to fill in (stereo offsets, XInput state): their fields are
-- what the mod leaves in them, so they are serialised by field.
local VEC_FIELDS = { 'x', 'y', 'z', 'w' }
local UD_FIELDS = {
  ['sol.XINPUT_STATE*'] = { 'dwPacketNumber', 'Gamepad' }, ['sol.XINPUT_STATE'] = { 'dwPacketNumber', 'Gamepad' },
  ['sol.XINPUT_GAMEPAD*'] = { 'wButtons', 'bLeftTrigger', 'bRightTrigger', 'sThumbLX', 'sThumbLY', 'sThumbRX', 'sThumbRY' },
  ['sol.XINPUT_GAMEPAD'] = { 'wButtons', 'bLeftTrigger', 'bRightTrigger', 'sThumbLX', 'sThumbLY', 'sThumbRX', 'sThumbRY' },
  ['sol.XINPUT_VIBRATION*'] = { 'wLeftMotorSpeed', 'wRightMotorSpeed' }, ['sol.XINPUT_VIBRATION'] = { 'wLeftMotorSpeed', 'wRightMotorSpeed' },
}
ser = function(v, depth)
  depth = depth or 0
  local tv = type(v)
  if tv == 'number' then
    if mtype(v) == 'integer' then return tostring(v) end
    return sformat('%.17g', v)
  elseif tv == 'string' then
    if #v > 300 then v = ssub(v, 1, 300) .. '…' end
    return mask(sformat('%q', v))
  elseif tv == 'nil' or tv == 'boolean' then return tostring(v)
  elseif tv == 'function' then return 'fn'
  elseif tv == 'userdata' then
    -- sol2 usertypes (UEVR's surface): UObjects by name, vectors by components, others by type name.
    local mt = getmetatable(v)
    if type(mt) ~= 'table' then return 'ud' end
    local nm = type(mt.__name) == 'string' and mt.__name or 'ud'
    if nm == 'sol.uevr::API::UObject*' then
      if not seen_mt[mt] then patch_uobject_mt(mt) end
      local ok, s = pcall(orig_tostring, v)
      return 'U<' .. (ok and mask(s) or '?') .. '>'
    end
    if not seen_mt[mt] then patch_usertype_mt(mt, sgsub(nm, '^sol%.', '')) end
    local fields = (sfind(nm, 'Vector') or sfind(nm, 'Quaternion')) and VEC_FIELDS or UD_FIELDS[nm]
    if fields and depth <= 3 then
      local was = busy
      busy = true
      local parts = {}
      for _, c in ipairs(fields) do
        local ok, cv = pcall(function() return v[c] end)
        if ok and cv ~= nil then parts[#parts + 1] = c .. '=' .. ser(cv, depth + 1) end
      end
      busy = was
      return nm .. '{' .. tconcat(parts, ',') .. '}'
    end
    return nm
  elseif tv == 'table' then
    local mt = getmetatable(v)
    if type(mt) == 'table' and mt.__name == 'UObject' then
      if not seen_mt[mt] then patch_uobject_mt(mt) end
      local ok, s = pcall(tostring, v)
      return 'U<' .. (ok and mask(s) or '?') .. '>'
    end
    if type(mt) == 'table' and type(mt.__index) == 'table' and not seen_mt[mt] then
      seen_mt[mt] = true
      wrap_table(type(mt.__name) == 'string' and mt.__name or 'obj', mt.__index)
    end
    return ser_table(v, depth)
  end
  return tv
end

local function serargs(...)
  local n = select('#', ...)
  local parts = {}
  for i = 1, n do parts[i] = ser((select(i, ...))) end
  return tconcat(parts, ',')
end

-- Which records a fix may legitimately remove or move (its "intended change"); everything else must
-- stay the same, in the same order. The category is the record's first word.
local QUERY = {
  find_uobject = 'find', find_required_object = 'find', find_object = 'find', get_class = 'find', StaticFindObject = 'find', FindObject = 'find',
  get_first_object_by_class = 'scan', get_first_object_matching = 'scan', get_objects_matching = 'scan', get_objects_by_class = 'scan',
  find_first_of = 'scan', FindAllOf = 'scan', FindFirstOf = 'scan',
  get_full_name = 'name', get_fname = 'name', to_string = 'name',
  get_local_pawn = 'fetch', get_player_controller = 'fetch', get_engine = 'fetch', get_world = 'fetch', GetWorld = 'fetch',
  Conv_StringToName = 'fname', fname_from_string = 'fname', StringToName = 'fname',
  exists = 'exists',
}
local function cat(name) return QUERY[name] or 'effect' end

local wrapped = setmetatable({}, { __mode = 'k' })      -- our wrappers (never wrapped twice)
local wrap_of = setmetatable({}, { __mode = 'k' })      -- original -> wrapper (stable identity)
local function wrapfn(label, name, f, self_tbl)
  if wrapped[f] then return f end
  local known = wrap_of[f]
  if known then return known end
  local c = cat(name)
  local w = function(...)
    if busy then return f(...) end
    busy = true
    local a
    if self_tbl ~= nil and rawequal((...), self_tbl) then a = 'self,' .. serargs(select(2, ...)) else a = serargs(...) end
    busy = false
    local r = table.pack(f(...))
    busy = true
    rec(c .. ' ' .. label .. '(' .. a .. ')=' .. serargs(table.unpack(r, 1, r.n)))
    busy = false
    return table.unpack(r, 1, r.n)
  end
  wrapped[w] = true
  wrap_of[f] = w
  return w
end

wrap_table = function(label, t)
  if type(t) ~= 'table' then return end
  for k, f in pairs(t) do
    if type(f) == 'function' and type(k) == 'string' then t[k] = wrapfn(label .. '.' .. k, k, f, t) end
  end
  local mt = getmetatable(t)
  if type(mt) == 'table' and type(mt.__index) == 'function' and not seen_mt[mt] then
    seen_mt[mt] = true
    local oi = mt.__index
    mt.__index = function(tt, k)
      local v = oi(tt, k)
      if type(v) == 'function' and type(k) == 'string' then return wrapfn(label .. '.' .. k, k, v, tt) end
      return v
    end
  end
end

patch_uobject_mt = function(mt)
  seen_mt[mt] = true
  local oi, on = mt.__index, mt.__newindex
  if type(oi) == 'function' then
    mt.__index = function(w, k)
      local v = oi(w, k)
      if busy then return v end
      if type(v) == 'function' then
        if wrapped[v] then return v end           -- a method of the UObject method tables (already traced)
        return wrapfn('call ' .. tostring(k), k, v, nil)   -- a reflective UFunction
      end
      if type(v) == 'userdata' and type(k) == 'string' and sfind(k, '^%u') then
        -- UEVR returns a reflective UFunction as a UObject userdata called through __call: obj:Func(...)
        -- becomes a traced call (its metatable's __call is wrapped when that metatable is patched).
        local fmt = getmetatable(v)
        if type(fmt) == 'table' and fmt.__name == 'sol.uevr::API::UObject*' then
          if not seen_mt[fmt] then patch_uobject_mt(fmt) end
          -- the lookup of a UFunction is not a property read: the call is what gets recorded
          local ok, s = pcall(orig_tostring, v)
          if ok and ssub(s, 1, 9) == 'Function ' then return v end
        end
      end
      busy = true
      rec('prop ' .. ser(w) .. '.' .. tostring(k) .. '=' .. ser(v))
      busy = false
      return v
    end
  end
  local oc = mt.__call
  if type(oc) == 'function' then
    mt.__call = function(fnw, ...)
      if busy then return oc(fnw, ...) end
      busy = true
      local full = orig_tostring(fnw)
      local short = full:match('[%.:]([%w_]+)$') or full
      local a = serargs(...)
      busy = false
      local r = table.pack(oc(fnw, ...))
      busy = true
      rec(cat(short) .. ' call ' .. short .. '(' .. a .. ')=' .. serargs(table.unpack(r, 1, r.n)))
      busy = false
      return table.unpack(r, 1, r.n)
    end
  end
  if type(on) == 'function' then
    mt.__newindex = function(w, k, v)
      if not busy then
        busy = true
        rec('effect set ' .. ser(w) .. '.' .. tostring(k) .. '=' .. ser(v))
        busy = false
      end
      return on(w, k, v)
    end
  end
end

-- Any other sol2 usertype: a functions-only one has __index = the metatable itself (wrap its functions
-- in place); one with variables has an __index function (wrap what it returns). sol2 leaves these
-- metatables unprotected, so a UEVR script can do the same (see src/core/sim/host-prelude.ts, usertype).
patch_usertype_mt = function(mt, label)
  if type(mt) ~= 'table' or seen_mt[mt] then return end
  seen_mt[mt] = true
  local oi = mt.__index
  if rawequal(oi, mt) then
    local keys = {}
    for k, f in next, mt do
      if type(k) == 'string' and type(f) == 'function' and ssub(k, 1, 2) ~= '__' then keys[#keys + 1] = k end
    end
    for _, k in ipairs(keys) do rawset(mt, k, wrapfn(label .. '.' .. k, k, rawget(mt, k), nil)) end
  elseif type(oi) == 'function' then
    mt.__index = function(u, k)
      local v = oi(u, k)
      if type(v) == 'function' and type(k) == 'string' and not busy then return wrapfn(label .. '.' .. k, k, v, nil) end
      return v
    end
  end
end

-- Deterministic clocks and memory readings (the same in every run of the same mod).
local clock_calls = 0
os.clock = function() clock_calls = clock_calls + 1 return frame / 90 + clock_calls * 1e-7 end
local orig_time, orig_date = os.time, os.date
os.time = function(t) if t ~= nil then return orig_time(t) end return 1700000000 + frame // 90 end
os.date = function(f, t) return orig_date(f, t or (1700000000 + frame // 90)) end
local orig_cg = collectgarbage
collectgarbage = function(opt, ...)
  if opt == 'count' then return 1024.0, 0 end
  if opt == nil or opt == 'collect' or opt == 'step' then return 0 end
  return orig_cg(opt, ...)
end
tostring = function(v) return mask(orig_tostring(v)) end

-- Output a mod would show: recorded, not sent to the log (the log carries only the trace).
print = function(...) rec('effect print(' .. serargs(...) .. ')') end
-- uevr.params.functions is a sol2 usertype whose log_* are variables: its (shared) metatable's __index
-- hands out our recorders instead.
do
  local fmt = getmetatable(uevr.params.functions)
  if type(fmt) == 'table' and type(fmt.__index) == 'function' then
    seen_mt[fmt] = true
    local oi = fmt.__index
    local loggers = {}
    for _, k in ipairs({ 'log_info', 'log_warn', 'log_error' }) do
      local kk = k
      loggers[k] = function(...) rec('effect ' .. kk .. '(' .. serargs(...) .. ')') end
    end
    fmt.__index = function(u, k)
      local l = loggers[k]
      if l ~= nil then return l end
      local v = oi(u, k)
      if type(v) == 'function' and type(k) == 'string' then return wrapfn('functions.' .. k, k, v, nil) end
      return v
    end
  end
end

local function norm_err(e)
  local s = orig_tostring(e)
  s = sgsub(s, '^[^\n]-:%d+: ', '')
  s = sgsub(s, " %((%a+) '[^']*'%)", ' (%1)')
  return mask(s)
end

-- Callbacks: registration, what the callback returns and leaves in its table arguments.
-- The metatables of the values a callback receives are patched before it runs: an object first seen
-- as an argument (the engine of a tick once UEVR002 has replaced a scan by it) must be traced as it
-- would be when it came from a traced call.
local function touch_args(...)
  for i = 1, select('#', ...) do
    local a = select(i, ...)
    if type(a) == 'userdata' then
      local mt = getmetatable(a)
      if type(mt) == 'table' and not seen_mt[mt] then
        if mt.__name == 'sol.uevr::API::UObject*' then patch_uobject_mt(mt)
        elseif type(mt.__name) == 'string' then patch_usertype_mt(mt, sgsub(mt.__name, '^sol%.', '')) end
      end
    end
  end
end

local function traced_callback(name, f)
  if type(f) ~= 'function' then return f end
  return function(...)
    touch_args(...)
    local r = table.pack(pcall(f, ...))
    busy = true
    local after = {}
    for i = 1, select('#', ...) do
      local a = select(i, ...)
      local ta = type(a)
      if ta == 'table' or ta == 'userdata' then after[#after + 1] = i .. ':' .. ser(a) end
    end
    if r[1] then rec('effect ret ' .. name .. '(' .. tconcat(after, ';') .. ')=' .. serargs(table.unpack(r, 2, r.n)))
    else rec('effect error ' .. name .. ' ' .. norm_err(r[2]) .. ' (' .. tconcat(after, ';') .. ')') end
    busy = false
    if not r[1] then error(r[2], 0) end
    return table.unpack(r, 2, r.n)
  end
end

-- uevr.sdk.callbacks (and uevr.params.sdk.callbacks) are userdata of one functions-only sol2 usertype:
-- its metatable holds the registration functions; replacing them there replaces them for every instance.
local cb_mt = getmetatable(uevr.sdk.callbacks)
local orig_reg = {}
do
  local keys = {}
  for k, f in next, cb_mt do
    if type(k) == 'string' and type(f) == 'function' and ssub(k, 1, 2) ~= '__' then keys[#keys + 1] = k end
  end
  for _, k in ipairs(keys) do
    local f = rawget(cb_mt, k)
    orig_reg[k] = f
    rawset(cb_mt, k, function(fn, ...)
      rec('effect register ' .. k .. '(' .. serargs(fn, ...) .. ')')
      return f(traced_callback(k, fn), ...)
    end)
  end
  seen_mt[cb_mt] = true
end

-- The API surface: uevr.api, uevr.params.vr (usertypes), UEVR_UObjectHook and the UObject method
-- storages (named tables whose reads and writes go to the usertype's storage), FName.
local function storage_of(named)
  local mt = type(named) == 'table' and getmetatable(named)
  if type(mt) == 'table' and type(mt.__index) == 'table' then return mt.__index end
  return named
end
patch_usertype_mt(getmetatable(uevr.api), 'api')
patch_usertype_mt(getmetatable(uevr.params.vr), 'vr')
wrap_table('UEVR_UObjectHook', storage_of(UEVR_UObjectHook))
local types = uevr.types or {}
for _, k in ipairs({ 'UObject', 'UStruct', 'UClass', 'UFunction', 'FName' }) do wrap_table(k, storage_of(types[k])) end
-- hook_ptr(pre, post): the hooks' results matter like a callback's.
local fstore = storage_of(types.UFunction)
if type(fstore) == 'table' and type(rawget(fstore, 'hook_ptr')) == 'function' then
  local h = rawget(fstore, 'hook_ptr')
  local w = function(self, pre, post, ...) return h(self, traced_callback('hook_pre', pre), traced_callback('hook_post', post), ...) end
  wrapped[w] = true
  rawset(fstore, 'hook_ptr', w)
end
-- Objects returned by the API are UObject userdata: ser patches their (shared) metatables when first
-- seen, and the metatables of other usertypes (motion-controller states, vectors) the same way.

-- Globals present now are the environment's; what a mod adds is its observable state.
local env_globals = {}
for k in pairs(_G) do env_globals[k] = true end

local function globals_snapshot()
  local keys = {}
  for k in pairs(_G) do if not env_globals[k] and type(k) == 'string' then keys[#keys + 1] = k end end
  tsort(keys)
  for _, k in ipairs(keys) do rec('state ' .. k .. '=' .. ser(rawget(_G, k))) end
end

local function flush()
  local s = tconcat(buf, '\n', 1, nbuf)
  buf, nbuf = {}, 0
  local CH = 7000
  local pieces = 0
  for i = 1, #s, CH do
    pieces = pieces + 1
    if pieces > 900 then orig_print(PREFIX .. '\n…trace cut…') break end
    orig_print(PREFIX .. ssub(s, i, i + CH - 1))
  end
  orig_print(PREFIX .. '\2')   -- end of this flush
end

orig_reg.on_pre_engine_tick(function() frame = frame + 1 rec('frame ' .. frame) end)
orig_reg.on_lua_event(function(name)
  if name == FLUSH then flush()
  elseif name == FINAL then globals_snapshot() flush() end
end)
`;
