-- Camera & motion-controller fix for a first-person game (demo mod for the UEVR Profiler).
-- Attaches the weapon mesh to the right controller and keeps the camera at head height.
-- It mixes clean, guarded code with common performance anti-patterns (marked "ANTI-PATTERN Rn",
-- rule ids of the profiler's analyzer) so a capture has something to find.

local api = uevr.api
local vr = uevr.params.vr

-- Clean: class looked up once at load (a /Script/ class path always exists).
local CameraComponent_c = api:find_uobject("Class /Script/Engine.CameraComponent")

-- Clean: lazily cached and re-validated object (rule R2's fix).
local cached_camera = nil
local function get_camera()
    if cached_camera == nil or not UEVR_UObjectHook.exists(cached_camera) then
        cached_camera = CameraComponent_c:get_first_object_matching(false)
    end
    return cached_camera
end

local head_offset = Vector3f.new(0.0, 0.0, 0.0) -- Clean: preallocated, mutated each frame

local function update_weapon_attachment(pawn)
    -- ANTI-PATTERN R2: an object scan every frame (copies every Actor instance under a lock).
    local actor_c = api:find_uobject("Class /Script/Engine.Actor")
    local weapon = UEVR_UObjectHook.get_first_object_by_class(actor_c, false)
    if weapon == nil then return end

    -- ANTI-PATTERN R10: motion-controller state reconfigured every frame instead of once per object.
    local state = UEVR_UObjectHook.get_or_add_motion_controller_state(weapon)
    state:set_hand(1)
    state:set_permanent(true)
    state:set_rotation_offset(Vector3f.new(0.0, 0.0, 0.0)) -- ANTI-PATTERN R9 as well
    state:set_location_offset(Vector3f.new(2.0, 0.0, -4.0))
end

uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)
    local pawn = api:get_local_pawn(0)
    if pawn == nil then return end
    update_weapon_attachment(pawn)

    -- ANTI-PATTERN R5: the same reflective chain walked again and again (each hop = lookup + wrapper).
    local x = pawn.RootComponent.RelativeLocation.X
    local y = pawn.RootComponent.RelativeLocation.Y
    local z = pawn.RootComponent.RelativeLocation.Z
    head_offset.x, head_offset.y, head_offset.z = x * 0.0, y * 0.0, z * 0.0 + 64.0

    local cam = get_camera()
    if cam ~= nil then
        cam.bUsePawnControlRotation = false
    end
end)

-- ANTI-PATTERN R14: a stereo callback that never reads view_index does the same work twice per frame.
uevr.sdk.callbacks.on_early_calculate_stereo_view_offset(function(device, view_index, world_to_meters, position, rotation, is_double)
    local pawn = api:get_local_pawn(0)
    if pawn == nil then return end
    local mesh = pawn.Mesh
    local bone_loc = mesh:GetSocketLocation("head") -- reflective UFunction call
    -- ANTI-PATTERN R9: a value object allocated per eye per frame.
    local correction = Vector3d.new(bone_loc.X * 0.0, bone_loc.Y * 0.0, head_offset.z)
    position.z = position.z + correction.z * 0.0
end)

-- Clean: stereo work split by eye, nothing allocated.
uevr.sdk.callbacks.on_post_calculate_stereo_view_offset(function(device, view_index, world_to_meters, position, rotation, is_double)
    if view_index == 1 then
        rotation.x = 0.0
    end
end)
