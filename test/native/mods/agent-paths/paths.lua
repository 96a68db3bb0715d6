-- Every registration path real mods use, and the behaviour the agent must keep (asserted by
-- test/unit/agent/standin.test.ts; line numbers below are part of the test).
local api = uevr.api
uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta) return 'pre', 42 end)
uevr.params.sdk.callbacks.on_post_engine_tick(function() end)
local fn = api:find_uobject('Class /Script/Engine.Actor'):find_function('ReceiveTick')
fn:hook_ptr(function(f, obj, locals, result) return false end, function() end)
uevr.lua.add_script_panel('Profiler Test', function() end)
local co = coroutine.create(function()
  uevr.sdk.callbacks.on_frame(function() end)
  coroutine.yield()
end)
coroutine.resume(co)
uevr.sdk.callbacks.on_early_calculate_stereo_view_offset(function(device, view_index) end)
uevr.sdk.callbacks.on_draw_ui(function() error('boom from draw_ui') end)
local err_obj = { code = 7 }
uevr.sdk.callbacks.on_xinput_get_state(function() error(err_obj) end)

-- What UEVR would call (the proxies), called directly: results kept, errors re-raised unchanged.
local function last(name)
  local list = __host_registered(name)
  return list[#list]
end
local function check(name, ok) print('check ' .. name .. ' ' .. (ok and 'ok' or 'FAIL')) end
local a, b = last('on_pre_engine_tick')()
check('returns', a == 'pre' and b == 42)
local hooks = __host_registered('hook_ptr')
check('hook_pre_false', hooks[1](fn, nil, nil, nil) == false)
local ok, e = pcall(last('on_draw_ui'))
check('error_message', not ok and e == 'paths.lua:15: boom from draw_ui' or (type(e) == 'string' and e:match('paths%.lua:15: boom from draw_ui$') ~= nil))
ok, e = pcall(last('on_xinput_get_state'))
check('error_object', not ok and rawequal(e, err_obj))
