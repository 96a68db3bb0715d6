-- Known cost through C calls, for the stress runs (test/native/stress.mjs), next to the known-cost loops
-- (whose functions are named f60/f30/f10): three functions that each make one 0.6 / 0.3 / 0.1 ms API
-- call per frame. The truth is the calls' actual wall time in the run (the host measures every burn).
local function b60() uevr_sim.burn(0.6) end
local function b30() uevr_sim.burn(0.3) end
local function b10() uevr_sim.burn(0.1) end
uevr.sdk.callbacks.on_post_engine_tick(function()
  b60()
  b30()
  b10()
end)
