-- UEVR Profiler agent (contract version 1). Load it FIRST: its name starts with "!" so it sorts before
-- every other script in UEVR's scripts folder (and the simulator loads it before the scripts it runs).
--
-- It wraps every registration path mods use, so each registered function runs inside a proxy that tells
-- the native side when it starts and ends (enter/leave) and which registration it is (its site: file:line
-- of the mod's call):
--   uevr.sdk.callbacks.on_* and uevr.params.sdk.callbacks.on_*, UFunction:hook_ptr(pre, post),
--   uevr.lua.add_script_panel(name, fn); registrations made inside coroutines included.
-- Timing, sampling and streaming are the native side's job: the `uevr_profiler` table, provided by the
-- profiler plugin in a game and by the host in the simulator (docs/simulator.md, "agent contract").
--
-- How it wraps, and why this way: in UEVR these objects are sol2 usertype userdata
-- (lua-api/lib/src/ScriptContext.cpp: new_usertype<UEVR_SDKCallbacks>, <uevr::API::UFunction>, ...), not
-- tables. pairs() raises on them, assigning a field on an instance does not replace a binding, and
-- assigning through the usertype's named table (UEVR_UFunction.hook_ptr = f) makes sol2 destroy the
-- original binding while we would still call it. What works is the instance metatable: it is an
-- unprotected table shared by every instance of that usertype. When its __index is the metatable itself
-- (usertypes with only functions, like UEVR_SDKCallbacks), the registrars live in it and rawset there
-- replaces them for every path; when __index is sol2's C closure (types with variables or base classes,
-- like UFunction), the agent puts a Lua __index in front that answers for the wrapped names and passes
-- everything else to the original closure. The originals stay referenced (and sol2's storage is never
-- touched), so they stay alive. Every wrap is checked on a fresh instance; when something cannot be
-- wrapped, the agent says why once (UEVR's log, and the session once a plugin is attached) and leaves
-- that path unchanged, so mods run as before.
--
-- Behaviour is kept: a proxy returns what the callback returns (hook_ptr's pre may return false), and an
-- error in a callback is re-raised with the same message after leave(), so UEVR reports it as before.
--
-- The plugin may come later than the scripts ("Reload Plugins" resets the scripts before the plugins are
-- initialised again): the agent then wraps anyway, runs the callbacks untimed, and asks for the plugin
-- every ~second from its own on_pre_engine_tick; when the `uevr_profiler` table appears it registers what
-- it recorded (contract: register(name, level, file, line)) and starts timing.

local uevr = rawget(_G, 'uevr')
if type(uevr) ~= 'table' then return end
if rawget(_G, '__uevr_profiler_agent') ~= nil then return end -- loaded twice (global + game folder)

local pcall, error, type, tostring, tonumber, rawget, rawset, getmetatable, select =
  pcall, error, type, tostring, tonumber, rawget, rawset, getmetatable, select

-- The agent's own state. B holds the contract functions once a plugin is attached (nil before).
local B = { enter = nil, leave = nil, P = nil }
local records = {} -- every wrapped registration, in order: { name, file, line, id }
local warnings = {} -- what could not be wrapped, said once
rawset(_G, '__uevr_profiler_agent', { version = 2, records = records, warnings = warnings })

-- Registration site without the debug library: error(msg, level) prefixes "chunk:line:" of the function
-- at that stack level (Lua's short_src: a long path is cut to its tail), and pcall(error, '', n) makes it
-- observable. `level` counts from site_by_error's caller (1 = the caller).
local function site_by_error(level)
  local _, msg = pcall(error, '', level + 2)
  local file, line = tostring(msg):match('^(.-):(%d+): $')
  return file or '?', tonumber(line) or 0
end

local function log_uevr(text)
  -- uevr.params.functions.log_warn is a C function pointer bound by sol2 (called with a dot).
  pcall(function() uevr.params.functions.log_warn(text) end)
end

local function warn(text)
  if warnings[text] then return end
  warnings[text] = true
  warnings[#warnings + 1] = text
  log_uevr('[UEVR Profiler] ' .. text)
  local P = B.P
  if P and type(P.warn) == 'function' then pcall(P.warn, text) end
end

-- leave() before re-raising, so the native side never keeps a callback open.
local function finish(leave, id, ok, ...)
  leave(id)
  if not ok then error((...), 0) end
  return ...
end

-- view_index is the engine's: 1/2 on UE4 (0 = the full, non-stereo pass), 0/1 on UE5. UEVR passes
-- is_double = true exactly on UE5 (double-precision vectors), false on UE4.
local function eye_of(view_index, is_double)
  if is_double == false then
    if view_index == 1 then return 0 elseif view_index == 2 then return 1 end
    return -1
  end
  if view_index == 0 or view_index == 1 then return view_index end
  if view_index == 2 then return 1 end
  return -1
end

local function proxy(rec, fn, stereo)
  if stereo then
    return function(device, view_index, wtm, position, rotation, is_double, ...)
      local enter, leave = B.enter, B.leave
      local id = rec.id
      if enter == nil or id == nil then return fn(device, view_index, wtm, position, rotation, is_double, ...) end
      enter(id, eye_of(view_index, is_double))
      return finish(leave, id, pcall(fn, device, view_index, wtm, position, rotation, is_double, ...))
    end
  end
  return function(...)
    local enter, leave = B.enter, B.leave
    local id = rec.id
    if enter == nil or id == nil then return fn(...) end
    enter(id, -1)
    return finish(leave, id, pcall(fn, ...))
  end
end

-- A new registration. `level` is the mod's call counted from record's caller (1 = the caller).
local function record(name, level)
  local rec = { name = name }
  local P = B.P
  if P then
    -- register's own level: 0 = register, 1 = record, 2 = record's caller ... (no pcall in between:
    -- it would add a level; register raises only on a bad name, and names here are strings)
    rec.id, rec.file, rec.line = P.register(name, level + 1)
  end
  if rec.id == nil then
    rec.file, rec.line = site_by_error(level + 1)
    -- Without a plugin (yet), still announce it: a plugin listening through on_custom_event can list it.
    pcall(function()
      uevr.api:dispatch_custom_event('uevr_profiler.register', name .. '\t' .. rec.file .. '\t' .. rec.line)
    end)
  end
  records[#records + 1] = rec
  return rec
end

-- Attach to the plugin's contract table: register everything recorded so far, then start timing.
local function bind(P)
  if B.P ~= nil or type(P) ~= 'table' or type(P.enter) ~= 'function' or type(P.leave) ~= 'function'
    or type(P.register) ~= 'function' then return false end
  P.__agent_loaded = true
  B.P = P
  for i = 1, #records do
    local rec = records[i]
    if rec.id == nil then
      local ok, id = pcall(P.register, rec.name, 0, rec.file, rec.line)
      if ok then rec.id = id end
    end
  end
  B.enter, B.leave = P.enter, P.leave
  if type(P.warn) == 'function' then
    for i = 1, #warnings do pcall(P.warn, warnings[i]) end
  end
  return true
end

-- ---------------------------------------------------------------------------------------------------
-- Wrapping members of a sol2 usertype through its instance metatable.

-- Returns the value of `key` as the original binding sees it (before any wrapping of ours).
local function member(obj, key)
  local ok, v = pcall(function() return obj[key] end)
  if ok then return v end
  return nil
end

-- Wraps `names` (a list) on every instance sharing `sample`'s metatable (or on `sample` itself when it is
-- a plain table, as in older hosts). make(name, original) returns the replacement. `fresh()` returns a
-- new instance to verify the wrap took effect. Returns true, or false and why.
local function wrap_members(what, sample, names, make, fresh)
  local ts = type(sample)
  if ts == 'table' and getmetatable(sample) == nil then
    for _, name in ipairs(names) do
      local orig = rawget(sample, name)
      if type(orig) == 'function' then rawset(sample, name, make(name, orig)) end
    end
    return true
  end
  if ts ~= 'userdata' then return false, what .. ' is a ' .. ts end
  local mt = getmetatable(sample)
  if type(mt) ~= 'table' then
    return false, what .. ': its metatable is protected (getmetatable returned ' .. type(mt) .. ')'
  end
  local index = rawget(mt, '__index')
  local wrapped = {}
  local originals = {}
  for _, name in ipairs(names) do
    local orig = member(sample, name)
    if type(orig) == 'function' then
      originals[name] = orig
      wrapped[name] = make(name, orig)
    end
  end
  if next(wrapped) == nil then return false, what .. ': none of the expected members is a function' end
  if index == mt then
    -- The registrars live in the metatable itself (sol2's "simple" usertype layout).
    for name, w in pairs(wrapped) do rawset(mt, name, w) end
  elseif type(index) == 'function' then
    -- sol2's __index closure over its storage: answer for our names, pass everything else on.
    rawset(mt, '__index', function(self, key)
      local w = wrapped[key]
      if w ~= nil then return w end
      return index(self, key)
    end)
  elseif type(index) == 'table' then
    for name, w in pairs(wrapped) do rawset(index, name, w) end
  else
    return false, what .. ': unexpected __index (' .. type(index) .. ')'
  end
  -- Verify on a fresh instance: the path mods use must now give our wrapper.
  local check = fresh and fresh() or sample
  for name, w in pairs(wrapped) do
    if member(check, name) ~= w then
      -- Undo, so nothing is half-wrapped.
      if index == mt then
        for n, o in pairs(originals) do rawset(mt, n, o) end
      elseif type(index) == 'table' then
        for n, o in pairs(originals) do rawset(index, n, o) end
      else
        rawset(mt, '__index', index)
      end
      return false, what .. ': a wrapped member did not take effect (' .. name .. ')'
    end
  end
  return true
end

-- ---------------------------------------------------------------------------------------------------
-- uevr.sdk.callbacks.on_* (the same usertype as uevr.params.sdk.callbacks).

local CALLBACKS = {
  'on_xinput_get_state', 'on_xinput_set_state', 'on_pre_engine_tick', 'on_post_engine_tick',
  'on_pre_slate_draw_window_render_thread', 'on_post_slate_draw_window_render_thread',
  'on_early_calculate_stereo_view_offset', 'on_pre_calculate_stereo_view_offset',
  'on_post_calculate_stereo_view_offset', 'on_pre_viewport_client_draw', 'on_post_viewport_client_draw',
  'on_frame', 'on_draw_ui', 'on_script_reset', 'on_lua_event',
}

local function sdk_callbacks()
  local ok, cbs = pcall(function() return uevr.sdk.callbacks end)
  if ok then return cbs end
  return nil
end

local original = {} -- the unwrapped registrars, for the agent's own callbacks
do
  local cbs = sdk_callbacks()
  if cbs == nil then
    warn('uevr.sdk.callbacks is missing: callbacks are not profiled')
  else
    -- Names present on this UEVR build (a simple metatable also lists any the list above lacks).
    local names = {}
    local seen = {}
    for _, n in ipairs(CALLBACKS) do names[#names + 1] = n; seen[n] = true end
    local mt = type(cbs) == 'userdata' and getmetatable(cbs) or (type(cbs) == 'table' and cbs or nil)
    if type(mt) == 'table' then
      for k, v in next, mt do
        if type(k) == 'string' and not seen[k] and k:sub(1, 3) == 'on_' and type(v) == 'function' then
          names[#names + 1] = k
          seen[k] = true
        end
      end
    end
    local ok, why = wrap_members('uevr.sdk.callbacks', cbs, names, function(name, reg)
      original[name] = reg
      local stereo = name:find('stereo_view_offset', 1, true) ~= nil
      return function(fn, ...)
        if type(fn) ~= 'function' then return reg(fn, ...) end -- let UEVR raise its own error
        -- level 2 from record: 1 = this function, 2 = the mod's call site
        local rec = record(name, 2)
        return reg(proxy(rec, fn, stereo), ...)
      end
    end, sdk_callbacks)
    if not ok then
      for k in pairs(original) do original[k] = nil end
      warn('cannot wrap ' .. why .. '; mods run unchanged, callbacks are not profiled')
      local c = sdk_callbacks()
      for _, n in ipairs(CALLBACKS) do original[n] = member(c, n) end
    else
      -- The other path to the same registrars must see the wrappers too.
      local okp, other = pcall(function() return uevr.params.sdk.callbacks end)
      if okp and other ~= nil and type(original.on_pre_engine_tick) == 'function'
        and member(other, 'on_pre_engine_tick') == original.on_pre_engine_tick then
        warn('uevr.params.sdk.callbacks does not share uevr.sdk.callbacks\'s registrars: registrations through it are not profiled')
      end
    end
  end
end

-- ---------------------------------------------------------------------------------------------------
-- UFunction:hook_ptr(pre, post). UEVR binds it as a member of the UFunction usertype; UFunctions reach
-- mods as userdata sharing one metatable. An instance is needed to reach it: UObject's class always has
-- the UFunction ExecuteUbergraph.

local function hook_ptr_make(_, hook_ptr)
  return function(self, pre, post, ...)
    local fname = '?'
    local get_full_name = member(self, 'get_full_name')
    if type(get_full_name) == 'function' then
      local ok, n = pcall(get_full_name, self)
      if ok and n ~= nil then fname = tostring(n) end
    end
    if type(pre) == 'function' then pre = proxy(record('hook_ptr:pre:' .. fname, 2), pre, false) end
    if type(post) == 'function' then post = proxy(record('hook_ptr:post:' .. fname, 2), post, false) end
    return hook_ptr(self, pre, post, ...)
  end
end

local function some_ufunction()
  local ok, fn = pcall(function()
    local api = uevr.api
    local object_class = api:find_uobject('Class /Script/CoreUObject.Object')
    if object_class == nil then return nil end
    return object_class:find_function('ExecuteUbergraph')
  end)
  if ok then return fn end
  return nil
end

do
  local named = rawget(_G, 'UEVR_UFunction')
  if type(named) == 'table' and type(rawget(named, 'hook_ptr')) == 'function' then
    -- A host whose UEVR_UFunction is a plain method table holding hook_ptr itself (no sol2: a sol2 named
    -- table holds nothing, its members live in sol2's storage): replacing the field there is safe.
    local orig = rawget(named, 'hook_ptr')
    rawset(named, 'hook_ptr', hook_ptr_make('hook_ptr', orig))
  else
    local sample = some_ufunction()
    if type(sample) == 'userdata' then
      local ok, why = wrap_members('UFunction:hook_ptr', sample, { 'hook_ptr' }, hook_ptr_make, some_ufunction)
      if not ok then warn('cannot wrap ' .. why .. '; hook_ptr callbacks are not profiled') end
    else
      warn('cannot wrap UFunction:hook_ptr: no UFunction found to reach its metatable; hook_ptr callbacks are not profiled')
    end
  end
end

-- ---------------------------------------------------------------------------------------------------
-- uevr.lua.add_script_panel(name, fn): a plain table made by UEVR's LuaLoader (state_post_init).

do
  local lua_t = rawget(uevr, 'lua')
  local add = type(lua_t) == 'table' and rawget(lua_t, 'add_script_panel') or nil
  if type(add) == 'function' then
    rawset(lua_t, 'add_script_panel', function(name, fn, ...)
      if type(fn) ~= 'function' then return add(name, fn, ...) end
      local rec = record('script_panel:' .. tostring(name), 2)
      return add(name, proxy(rec, fn, false), ...)
    end)
  end
end

-- ---------------------------------------------------------------------------------------------------
-- Find the plugin: it installs `uevr_profiler` synchronously when asked through dispatch_custom_event
-- (UEVR's PluginLoader calls on_custom_event on this thread, under the Lua lock this script holds).

local function hello()
  if rawget(_G, 'uevr_profiler') == nil then
    pcall(function() uevr.api:dispatch_custom_event('uevr_profiler.hello', '') end)
  end
  local P = rawget(_G, 'uevr_profiler')
  if type(P) == 'table' then return bind(P) end
  return false
end

hello()

-- Tell the native side before the state goes away, and keep asking for a plugin that is not there yet.
-- Registered through the original registrars: these are the profiler's own callbacks, not a mod's.
if type(original.on_script_reset) == 'function' then
  pcall(original.on_script_reset, function()
    local P = B.P
    if P and type(P.reset) == 'function' then P.reset() end
  end)
end
if type(original.on_pre_engine_tick) == 'function' then
  local ticks = 0
  pcall(original.on_pre_engine_tick, function()
    if B.P ~= nil then return end
    ticks = ticks + 1
    if ticks % 90 == 0 then hello() end
  end)
end
