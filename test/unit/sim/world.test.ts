// The simulated world and frame: what exists in every Unreal game is found, a game asset is nil as in a
// game where it is not loaded, per-eye attribution for both engines, and UEVR's GC options take effect.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createSimulatedSession, type SimulatedSessionOptions } from '../../../src/core/sim/session';
import { HOST_LOG, startSim } from './helpers';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function folder(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'uevr-world-'));
  dirs.push(d);
  for (const [f, c] of Object.entries(files)) writeFileSync(join(d, f), c);
  return d;
}

describe('the simulated world', () => {
  test('engine classes, their default objects and engine content exist; game assets are nil', async () => {
    const d = folder({
      'w.lua': `
local api = uevr.api
local function found(path) return api:find_uobject(path) ~= nil end
print(found('GameplayStatics /Script/Engine.Default__GameplayStatics'), found('KismetMathLibrary /Script/Engine.Default__KismetMathLibrary'),
  found('KismetSystemLibrary /Script/Engine.Default__KismetSystemLibrary'), found('Class /Script/Engine.PlayerCameraManager'),
  found('Material /Engine/EngineMaterials/WorldGridMaterial.WorldGridMaterial'))
print(found('Material /Game/Weapons/M_Gun.M_Gun'), found('BP_Enemy_C /Game/Maps/Level1.Level1:PersistentLevel.BP_Enemy_C_3'),
  found('BP_Thing_C /Game/BP/BP_Thing.Default__BP_Thing_C'))
local pc = api:get_player_controller(0)
print(pc.PlayerCameraManager ~= nil, pc.Pawn == api:get_local_pawn(0), pc:get_outer():get_outer():get_fname():to_string())
local lib = api:find_uobject('KismetMathLibrary /Script/Engine.Default__KismetMathLibrary')
print(type(lib.ComposeTransforms), type(lib.RotateAngleAxis), getmetatable(lib:RotateAngleAxis(Vector3d.new(1, 0, 0), 90, Vector3d.new(0, 0, 1))).__name)
`,
    });
    const sim = await createSimulatedSession({ scriptsDir: d, agentPath: null });
    const out: string[] = [];
    const errors: string[] = [];
    sim.subscribe({ log: (l) => void (HOST_LOG.test(l.text) || out.push(l.text)), scriptError: (e) => errors.push(e.message) });
    await sim.dispose();
    assert.deepEqual(errors, []);
    assert.equal(out[0], 'true\ttrue\ttrue\ttrue\ttrue');
    assert.equal(out[1], 'false\tfalse\tfalse');
    assert.equal(out[2], 'true\ttrue\tMain');
    assert.equal(out[3], 'userdata\tuserdata\tsol.Vector3d');
  });

  for (const engine of ['ue4', 'ue5'] as const) {
    test(`per-eye attribution on ${engine}: the stereo callback is timed as left and right eye`, async () => {
      const r = await startSim('order', { engine });
      try {
        await r.sim.runFrames(3);
        const pre = r.sim.callbacks().find((c) => c.name === 'on_pre_calculate_stereo_view_offset')!;
        const eyes = r.frames.at(-1)!.callbacks.filter((c) => c.id === pre.id).map((c) => [c.eye, c.calls]);
        assert.deepEqual(eyes.sort(), [[0, 1], [1, 1]]);
        const seq = r.logs.at(-1)!.text;
        assert.match(seq, engine === 'ue4' ? /early1,pre1,post1,early2,pre2,post2/ : /early0,pre0,post0,early1,pre1,post1/);
      } finally {
        await r.sim.dispose();
      }
    });
  }
});

describe("UEVR's GC options", () => {
  // 200 KB of garbage per frame (a table of strings dropped at once).
  const garbage = folder({ 'g.lua': 'uevr.sdk.callbacks.on_frame(function() local t = {} for i = 1, 2000 do t[i] = string.rep("x", 64) .. i end end)\n' });
  async function memory(gc: SimulatedSessionOptions['gc']): Promise<number[]> {
    const sim = await createSimulatedSession({ scriptsDir: garbage, agentPath: null, gc });
    const kb: number[] = [];
    sim.subscribe({ frame: (m) => kb.push(m.luaMemoryKb) });
    await sim.runFrames(30);
    await sim.dispose();
    return kb.slice(10);
  }

  test('type full collects everything each frame; UEVR handler generational keeps it bounded; the defaults are UEVR\'s', async () => {
    const full = await memory({ type: 'full' });
    const spread = Math.max(...full) - Math.min(...full);
    assert.ok(spread < 20, `full collection every frame: memory after the step is flat (spread ${spread.toFixed(1)} KB)`);
    const gen = await memory(undefined);
    assert.ok(Math.max(...gen) < Math.min(...gen) + 30 * 200, 'generational steps collect');
    // Handler Lua with the collector stopped by nobody: Lua collects on its own (memory does not grow without bound either).
    const lua = await memory({ handler: 'lua', mode: 'incremental' });
    assert.ok(Math.max(...lua) < 20 * 1024, `Lua-managed: ${Math.max(...lua).toFixed(0)} KB`);
  });

  test('options outside UEVR\'s choices are refused, numbers clamped to its slider ranges', async () => {
    const { normalizeGc } = await import('../../../src/core/sim/host-prelude');
    assert.throws(() => normalizeGc({ mode: 'fast' as never }), /GC mode must be generational or incremental/);
    assert.deepEqual(normalizeGc({}), { handler: 'uevr', type: 'step', mode: 'generational', budgetUs: 1000, minorMultiplier: 1, majorMultiplier: 100 });
    assert.equal(normalizeGc({ budgetUs: 5000 }).budgetUs, 2000);
    assert.equal(normalizeGc({ minorMultiplier: 0 }).minorMultiplier, 1);
  });
});
