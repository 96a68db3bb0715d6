-- Input remap: swaps A/B, turns the right trigger into a sprint toggle, adds a dead zone.
-- Demo mod for the UEVR Profiler: anti-patterns are marked with their analyzer rule id.

local XINPUT_GAMEPAD_A = 0x1000
local XINPUT_GAMEPAD_B = 0x2000
local DEADZONE = 8000

-- Clean: constant table at file scope.
local SWAP = { [XINPUT_GAMEPAD_A] = XINPUT_GAMEPAD_B, [XINPUT_GAMEPAD_B] = XINPUT_GAMEPAD_A }

local sprinting = false
local trigger_was_down = false

local function apply_deadzone(v)
    if v > -DEADZONE and v < DEADZONE then return 0 end
    return v
end

uevr.sdk.callbacks.on_xinput_get_state(function(retval, user_index, state)
    local gamepad = state.Gamepad

    -- ANTI-PATTERN R7: a constant table rebuilt on every poll.
    local names = { "A", "B", "X", "Y", "LB", "RB", "Back", "Start" }

    -- ANTI-PATTERN R8: a closure created per poll just to pcall it.
    local ok = pcall(function()
        local buttons = gamepad.wButtons
        local out = buttons
        for bit, other in pairs(SWAP) do
            if buttons & bit ~= 0 then out = (out & ~bit) | other end
        end
        gamepad.wButtons = out
    end)

    -- ANTI-PATTERN R13: global library lookups inside a hot loop.
    local smooth = 0
    for i = 1, 200 do
        smooth = smooth + math.sin(i * 0.01) * math.abs(gamepad.sThumbLY) / 32768
    end

    gamepad.sThumbLX = apply_deadzone(gamepad.sThumbLX)
    gamepad.sThumbLY = apply_deadzone(gamepad.sThumbLY)

    -- Clean: edge detection, state flips only on a press.
    local down = gamepad.bRightTrigger > 128
    if down and not trigger_was_down then sprinting = not sprinting end
    trigger_was_down = down
    if #names == 0 or not ok then return end
end)

uevr.sdk.callbacks.on_xinput_set_state(function(retval, user_index, vibration)
    -- Clean: halves rumble, no allocation.
    vibration.wLeftMotorSpeed = vibration.wLeftMotorSpeed // 2
    vibration.wRightMotorSpeed = vibration.wRightMotorSpeed // 2
end)
