-- HUD & UI tweaks: moves the UI closer in cutscenes, hides the crosshair, logs state changes.
-- Demo mod for the UEVR Profiler: anti-patterns are marked with their analyzer rule id.

local api = uevr.api
local vr = uevr.params.vr

local DEBUG = false
local in_cutscene = false
local last_ui_distance = nil

local function hide_crosshair(hud)
    hud.bShowCrosshair = false
end

uevr.sdk.callbacks.on_post_engine_tick(function(engine, delta)
    -- ANTI-PATTERN R3: find_uobject with an instance path that does not exist yet: every call misses and
    -- walks the whole global object array, every frame.
    local boss_hud = api:find_uobject("WBP_BossHealth_C /Game/UI/HUD.HUD:WidgetTree.WBP_BossHealth_C_0")
    if boss_hud ~= nil then
        boss_hud.Visibility = 1
    end

    -- ANTI-PATTERN R1: a mod option written every frame (linear option scan + string parse).
    vr.set_mod_value("VR_DecoupledPitch", "true")

    -- Clean: written only when it changes (R1's fix).
    local wanted = in_cutscene and "1.5" or "2.5"
    if wanted ~= last_ui_distance then
        vr.set_mod_value("UI_Distance", wanted)
        last_ui_distance = wanted
    end

    local pc = api:get_player_controller(0)
    if pc ~= nil then
        hide_crosshair(pc.MyHUD)
    end

    -- ANTI-PATTERN R11: unconditional print in a per-frame callback (console I/O every frame).
    print("hud tick " .. tostring(delta))

    -- Clean: debug output behind a flag.
    if DEBUG then print("cutscene: " .. tostring(in_cutscene)) end
end)

-- ANTI-PATTERN R4 / R12: names built and compared in a loop every frame.
local widget_c = api:find_uobject("Class /Script/UMG.UserWidget")
uevr.sdk.callbacks.on_pre_viewport_client_draw(function(viewport_client, viewport, canvas)
    local widgets = widget_c:get_objects_matching(false) -- ANTI-PATTERN R2 too
    local hidden = 0
    for i = 1, #widgets do
        local w = widgets[i]
        local name = w:get_full_name()
        if string.find(name, "Crosshair") or string.find(name, "HitMarker") then
            hidden = hidden + 1
        elseif w:get_fname():to_string() == "Subtitles" then
            in_cutscene = true
        end
        local label = "widget " .. i .. ": " .. name -- R12: string building per iteration
        if DEBUG then print(label) end
    end
end)
