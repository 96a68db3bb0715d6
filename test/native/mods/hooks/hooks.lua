-- A mod that hooks engine functions (UFunction:hook_ptr) and registers from a coroutine and a script
-- panel, doing a little Lua work in each: the stress run's (test/native/stress.mjs) second kind of mod.
local api = uevr.api
local actor = api:find_uobject('Class /Script/Engine.Actor')
local tick = actor:find_function('ReceiveTick')
local begin = actor:find_function('ReceiveBeginPlay')
local calls, skipped = 0, 0
local function spin(n)
  local s = 0
  for i = 1, n do s = s + i % 3 end
  return s
end
tick:hook_ptr(function(fn, obj, locals, result)
  calls = calls + 1
  spin(200)
  if calls % 2 == 0 then
    skipped = skipped + 1
    return false
  end
end, function(fn, obj, locals, result)
  spin(100)
end)
begin:hook_ptr(nil, function() spin(50) end)
local co = coroutine.wrap(function()
  uevr.sdk.callbacks.on_post_engine_tick(function() spin(100) end)
end)
co()
uevr.lua.add_script_panel('Hooks', function() spin(20) end)
uevr.sdk.callbacks.on_script_reset(function() calls, skipped = 0, 0 end)
