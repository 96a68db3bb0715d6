-- A minimal stand-in for UEVR's Lua bindings, for the native test host (test/native/host.cpp). It is
-- not the simulator: it only gives mods the shape of the `uevr` table (callback registrars that store
-- functions, an API whose every object is a permissive dummy) so real mod scripts load and run their
-- callbacks, while the C++ host plays UEVR's part (frames, plugin callbacks). API calls that UEVR makes
-- expensive (find_uobject, object scans) burn a fixed, known time in C (__host_burn).
local burn = __host_burn

local dummy_mt = {}
local dummy = setmetatable({}, dummy_mt)
dummy_mt.__index = function() return dummy end
dummy_mt.__call = function() return dummy end
dummy_mt.__newindex = function() end
for _, op in ipairs({ '__add', '__sub', '__mul', '__div', '__mod', '__pow', '__unm', '__idiv' }) do
  dummy_mt[op] = function() return 0 end
end
dummy_mt.__concat = function(a, b) return tostring(a == dummy and 'dummy' or a) .. tostring(b == dummy and 'dummy' or b) end
dummy_mt.__lt = function() return false end
dummy_mt.__le = function() return false end
dummy_mt.__len = function() return 0 end
dummy_mt.__tostring = function() return 'dummy' end

local names = {
  'on_pre_engine_tick', 'on_post_engine_tick', 'on_early_calculate_stereo_view_offset',
  'on_pre_calculate_stereo_view_offset', 'on_post_calculate_stereo_view_offset', 'on_xinput_get_state',
  'on_xinput_set_state', 'on_pre_viewport_client_draw', 'on_post_viewport_client_draw',
  'on_pre_slate_draw_window_render_thread', 'on_post_slate_draw_window_render_thread', 'on_frame',
  'on_draw_ui', 'on_script_reset', 'on_lua_event',
}
local registry, callbacks = {}, {}
for _, n in ipairs(names) do
  local list = {}
  registry[n] = list
  callbacks[n] = function(fn)
    if type(fn) ~= 'function' then error('expected a function', 2) end
    list[#list + 1] = fn
  end
end

local api = setmetatable({
  find_uobject = function(_, name) burn(0.02) return dummy end,
  get_local_pawn = function() return dummy end,
  get_player_controller = function() return dummy end,
  get_engine = function() return dummy end,
  dispatch_custom_event = function(_, name, data) __host_custom_event(tostring(name), tostring(data)) end,
}, { __index = function() return function() return dummy end end })

local vr = setmetatable({
  set_mod_value = function() burn(0.005) end,
  get_mod_value = function() burn(0.005) return '0' end,
}, { __index = function() return function() return dummy end end })

uevr = {
  sdk = { callbacks = callbacks },
  api = api,
  params = { vr = vr, functions = { log_info = print, log_warn = print, log_error = print } },
  types = dummy, plugin_callbacks = {}, lua = {},
}
UEVR_UObjectHook = setmetatable({
  get_first_object_by_class = function() burn(0.05) return dummy end,
  exists = function() return true end,
}, { __index = function() return function() return dummy end end })
UEVR_UFunction = { hook_ptr = function() end, get_full_name = function() return 'Function /Script/Stub.Fn' end }
local function vec(x, y, z) return { x = x or 0, y = y or 0, z = z or 0 } end
Vector3f = { new = vec }
Vector3d = { new = vec }
Vector4f = { new = function(x, y, z, w) return { x = x, y = y, z = z, w = w } end }
UEVR_Quaternionf = { new = function() return { w = 1, x = 0, y = 0, z = 0 } end }
StructObject = { new = function() return dummy end }
uevr_sim = { burn = burn }

-- Mod log lines go where UEVR sends them (its log); here to the session's output events.
print = function(...)
  local parts = {}
  for i = 1, select('#', ...) do parts[#parts + 1] = tostring((select(i, ...))) end
  __host_log(table.concat(parts, '\t'))
end

local pad = { wButtons = 0, bLeftTrigger = 0, bRightTrigger = 0, sThumbLX = 0, sThumbLY = 0, sThumbRX = 0, sThumbRY = 0 }
local xstate = { Gamepad = pad, dwPacketNumber = 0 }
local position, rotation = { x = 0, y = 0, z = 0 }, { x = 0, y = 0, z = 0, pitch = 0, yaw = 0, roll = 0 }
function __host_args(name, eye)
  if name:find('stereo_view_offset', 1, true) then return nil, eye, 100.0, position, rotation, false end
  if name:find('xinput', 1, true) then return 0, 0, xstate end
  if name:find('engine_tick', 1, true) then return dummy, 0.011 end
  return dummy, dummy, dummy
end

-- The host calls this to run every function registered for a callback, like UEVR does: each in its own
-- protected call, errors reported and the rest still run.
function __host_run(name, eye)
  local list = registry[name]
  if #list == 0 then return 0 end
  local errors = 0
  for i = 1, #list do
    local ok, err = pcall(list[i], __host_args(name, eye))
    if not ok then
      errors = errors + 1
      __host_error(tostring(err))
    end
  end
  return errors
end
