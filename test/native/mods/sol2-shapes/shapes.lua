-- What a script sees of UEVR's sol2 bindings in the stand-in host (asserted by
-- test/unit/agent/standin.test.ts against the behaviours listed in docs/agent.md). Prints "shape k=v".
local function say(k, v) print('shape ' .. k .. '=' .. tostring(v)) end
local function err(f, ...)
  local ok, e = pcall(f, ...)
  return ok and 'ok' or tostring(e)
end
local c1, c2 = uevr.sdk.callbacks, uevr.sdk.callbacks
say('type.sdk', type(uevr.sdk))
say('type.callbacks', type(c1))
say('type.api', type(uevr.api))
say('type.params.vr', type(uevr.params.vr))
say('type.uevr', type(uevr))
say('type.uevr.lua', type(uevr.lua))
say('rawequal', rawequal(c1, c2))
say('eq', c1 == c2)
say('pairs', err(pairs, c1))
say('next', err(next, c1))
say('rawset', err(rawset, c1, 'on_frame', print))
local before = c1.on_frame
say('assign.existing', err(function() c1.on_frame = print end))
say('assign.existing.kept', rawequal(uevr.sdk.callbacks.on_frame, before))
say('assign.new', err(function() c1.on_new_thing = print end))
local mt = getmetatable(c1)
say('mt.type', type(mt))
say('mt.index.self', rawget(mt, '__index') == mt)
say('mt.shared.params', mt == getmetatable(uevr.params.sdk.callbacks))
say('mt.holds.registrar', type(rawget(mt, 'on_pre_engine_tick')))
local fn = uevr.api:find_uobject('Class /Script/CoreUObject.Object'):find_function('ExecuteUbergraph')
local fmt = getmetatable(fn)
say('ufunction.type', type(fn))
say('ufunction.index', type(rawget(fmt, '__index')))
rawset(fmt, 'hook_ptr', 'ignored')
say('ufunction.mt.rawset.ignored', type(fn.hook_ptr))
rawset(fmt, 'hook_ptr', nil)
local saved = UEVR_UFunction.hook_ptr
UEVR_UFunction.hook_ptr = saved -- through the named table: sol2 destroys the binding `saved` points at
say('named.assign.uaf', err(saved, fn, function() end))
