-- UEVR Profiler agent (contract version 1). Load it FIRST: its name starts with "!" so it sorts before
-- every other script in UEVR's scripts folder (and the simulator loads it before the scripts it runs).
--
-- It wraps every uevr.sdk.callbacks.on_* registration and UFunction:hook_ptr so each registered
-- function runs inside a proxy that tells the native side when it starts and ends (enter/leave) and
-- which registration it is (its site: file:line of the mod's call). Timing, sampling and streaming are
-- the native side's job: the `uevr_profiler` table, provided by the profiler plugin in a game and by
-- the host in the simulator (docs/simulator.md, "agent contract"). Without that table the agent only
-- announces registrations through uevr.api:dispatch_custom_event and changes nothing else.
--
-- Behaviour is kept: a proxy returns what the callback returns (hook_ptr's pre may return false), and
-- an error in a callback is re-raised with the same message after leave(), so UEVR reports it as before.

local uevr = uevr
if type(uevr) ~= 'table' or type(uevr.sdk) ~= 'table' or type(uevr.sdk.callbacks) ~= 'table' then return end

-- In a game the native plugin installs `uevr_profiler` when asked: UEVR tells plugins nothing when the
-- Lua state is created, but dispatch_custom_event reaches the plugin synchronously while this loads.
-- (pcall around everything: an older UEVR, or no plugin, must not stop the mods from loading.)
if rawget(_G, 'uevr_profiler') == nil then
  pcall(function() uevr.api:dispatch_custom_event('uevr_profiler.hello', '') end)
end

local P = rawget(_G, 'uevr_profiler')
if type(P) == 'table' and P.__agent_loaded then return end -- loaded twice (global + game folder)

local pcall, error, type, tostring = pcall, error, type, tostring
local callbacks = uevr.sdk.callbacks

-- Registration site without the debug library: error(msg, level) prefixes "chunk:line:" of the function
-- at that stack level, and pcall(error, '', n) makes it observable. Stack levels seen by error: 0 =
-- error, 1 = pcall (C, no position), 2 = site_by_error, 3 = its caller... `level` here counts from
-- site_by_error itself (0), so error's level is level + 2.
local function site_by_error(level)
  local _, msg = pcall(error, '', level + 2)
  local file, line = tostring(msg):match('^(.-):(%d+): $')
  return file or '?', tonumber(line) or 0
end

if type(P) ~= 'table' or type(P.enter) ~= 'function' then
  -- No native plugin: announce registrations only (the plugin may be older than contract 1).
  local api = uevr.api
  -- level counts from announce (0): 1 = the registrar wrapper, 2 = the mod's call.
  local function announce(name, level)
    local file, line = site_by_error(level + 1)
    pcall(api.dispatch_custom_event, api, 'uevr_profiler.register', name .. '\t' .. file .. '\t' .. line)
  end
  for name, reg in pairs(callbacks) do
    if type(reg) == 'function' and name:sub(1, 3) == 'on_' then
      callbacks[name] = function(fn)
        announce(name, 2)
        return reg(fn)
      end
    end
  end
  return
end

P.__agent_loaded = true
local enter, leave, register = P.enter, P.leave, P.register

-- leave() before re-raising, so the native side never keeps a callback open.
local function finish(id, ok, ...)
  leave(id)
  if not ok then error((...), 0) end
  return ...
end

local function proxy(id, fn, stereo)
  if stereo then
    -- Stereo callbacks run once per eye: pass view_index so the native side splits the cost per eye.
    return function(device, view_index, ...)
      enter(id, view_index)
      return finish(id, pcall(fn, device, view_index, ...))
    end
  end
  return function(...)
    enter(id, -1)
    return finish(id, pcall(fn, ...))
  end
end

-- uevr.sdk.callbacks.on_*: replace each registrar with one that registers a timed proxy.
local original = {}
for name, reg in pairs(callbacks) do
  if type(reg) == 'function' and name:sub(1, 3) == 'on_' then
    original[name] = reg
    local stereo = name:find('stereo_view_offset', 1, true) ~= nil
    callbacks[name] = function(fn)
      if type(fn) ~= 'function' then return reg(fn) end -- let UEVR raise its own error
      -- level 2: 0 = register (native), 1 = this function, 2 = the mod's call site
      local id = register(name, 2)
      return reg(proxy(id, fn, stereo))
    end
  end
end

-- UFunction:hook_ptr(pre, post): UEVR_UFunction is the method table shared by every UFunction.
local UF = rawget(_G, 'UEVR_UFunction')
if type(UF) == 'table' and type(UF.hook_ptr) == 'function' then
  local hook_ptr = UF.hook_ptr
  UF.hook_ptr = function(self, pre, post)
    local ok, fname = pcall(self.get_full_name, self)
    fname = ok and tostring(fname) or '?'
    if type(pre) == 'function' then pre = proxy(register('hook_ptr:pre:' .. fname, 2), pre, false) end
    if type(post) == 'function' then post = proxy(register('hook_ptr:post:' .. fname, 2), post, false) end
    return hook_ptr(self, pre, post)
  end
end

-- Tell the native side before the state goes away, so it can drop hooks on this lua_State. Registered
-- through the original registrar: it is the profiler's own callback, not a mod's.
if type(P.reset) == 'function' and original.on_script_reset then
  local P_reset = P.reset
  original.on_script_reset(function() P_reset() end)
end
