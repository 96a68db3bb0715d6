-- Weapon recoil reduction through a hooked engine function (UFunction:hook_ptr).
-- Demo mod for the UEVR Profiler: anti-patterns are marked with their analyzer rule id.

local api = uevr.api

local fire_fn = api:find_uobject("Function /Script/Engine.Actor.ReceiveTick")
local shots = 0

-- Clean helper: class cached once.
local Character_c = api:find_uobject("Class /Script/Engine.Character")

if fire_fn ~= nil then
    fire_fn:hook_ptr(function(fn, obj, locals, result)
        -- ANTI-PATTERN R3: a class lookup with a literal inside a hook (runs on every engine call).
        if not obj:is_a(api:find_uobject("Class /Script/Engine.Actor")) then return end
        -- ANTI-PATTERN R6: the pawn fetched twice in one hot function.
        local pawn = api:get_local_pawn(0)
        local mesh = api:get_local_pawn(0).Mesh
        if pawn ~= nil and pawn:is_a(Character_c) then
            shots = shots + 1
            -- ANTI-PATTERN R5: reflective chain hops.
            local pitch = pawn.Controller.PlayerCameraManager.ViewPitchMin
            mesh.RelativeRotation.Pitch = pitch * 0.0
        end
    end, function(fn, obj, locals, result)
        -- Clean post hook: cheap bookkeeping only.
        shots = shots % 1000
    end)
end

-- Clean: state reset when scripts reload.
uevr.sdk.callbacks.on_script_reset(function()
    shots = 0
end)
