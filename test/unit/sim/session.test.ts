import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startSim } from './helpers';

describe('simulated UEVR session', () => {
  test('callbacks fire in UEVR frame order, stereo callbacks twice per frame (once per eye)', async () => {
    const r = await startSim('order', { menuOpen: true, hookCallsPerFrame: 2 });
    await r.sim.runFrames(3);
    const lines = r.logs.map((l) => l.text);
    assert.equal(lines.length, 3);
    // UEVR's order: on_frame, GC, UI; on_pre_engine_tick; the engine tick (input, hooked UFunctions,
    // stereo view offsets per view, viewport draw); on_post_engine_tick; the render thread's slate draw.
    assert.equal(
      lines[2],
      'on_frame,on_draw_ui,pre_tick,xget,xset,hook,hook,early0,pre0,post0,early1,pre1,post1,pre_draw,post_draw,post_tick',
    );
    // Per-eye accounting: the stereo callback shows up as eye 0 and eye 1, one call each.
    const last = r.frames[2];
    const pre = r.sim.callbacks().find((c) => c.name === 'on_pre_calculate_stereo_view_offset')!;
    const eyes = last.callbacks.filter((c) => c.id === pre.id).map((c) => [c.eye, c.calls]);
    assert.deepEqual(eyes.sort(), [[0, 1], [1, 1]]);
    assert.equal(r.sim.callbacks().find((c) => c.name.startsWith('hook_ptr:pre:'))?.name, 'hook_ptr:pre:Function /Script/Engine.Actor.ReceiveTick');
    await r.sim.dispose();
  });

  test('registration sites are the mod lines (file:line), frames carry metrics', async () => {
    const r = await startSim('order');
    await r.sim.runFrames(2);
    const tick = r.sim.callbacks().find((c) => c.name === 'on_pre_engine_tick')!;
    assert.match(tick.file, /order\.lua$/);
    assert.equal(tick.line, 7);
    const m = r.frames[1];
    assert.equal(m.frame, 2);
    assert.ok(m.frameMs >= m.scriptsMs && m.scriptsMs > 0);
    assert.ok(m.luaMemoryKb > 0 && Number.isFinite(m.gcMs));
    assert.ok(r.sim.callbacks().length >= 11);
    await r.sim.dispose();
  });

  test('errors are reported with file:line and the session keeps running', async () => {
    const r = await startSim('errors');
    await r.sim.runFrames(6);
    const syntax = r.errors.find((e) => e.file.endsWith('b_syntax.lua'));
    assert.ok(syntax, 'syntax error reported');
    assert.equal(syntax.line, 1);
    assert.match(syntax.message, /unexpected symbol|near '='/);
    const load = r.errors.find((e) => e.file.endsWith('c_good.lua'));
    assert.equal(load?.line, 6);
    const runtime = r.errors.filter((e) => e.file.endsWith('a_runtime.lua'));
    assert.equal(runtime.length, 3, 'frames 2, 4 and 6 fail');
    assert.equal(runtime[0].line, 6);
    assert.match(runtime[0].message, /attempt to index a nil value/);
    // The other scripts still load and run: d_after after the syntax error, c_good's callback every frame.
    assert.ok(r.logs.some((l) => l.text === 'd_after loaded'));
    assert.ok(r.logs.some((l) => l.text === 'good 5'));
    assert.equal(r.frames.length, 6);
    await r.sim.dispose();
  });

  test('the environment matches UEVR: no debug, cut-down os, bit32, permissive API', async () => {
    const r = await startSim('env');
    const line = r.logs.map((l) => l.text).find((t) => t.startsWith('debug='));
    assert.ok(line, `env report printed; errors: ${JSON.stringify(r.errors)}`);
    const kv = Object.fromEntries(line.split(';').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    assert.equal(kv.debug, 'nil');
    assert.equal(kv.io, 'nil');
    assert.equal(kv.execute, 'nil,exit=nil,getenv=nil');
    assert.equal(kv.clock, 'function,time=function');
    assert.equal(kv.bit32, 'nil,61440');
    assert.equal(kv.libs, 'tabletabletabletabletabletable');
    // sol2 bindings are userdata (ScriptContext::setup_bindings); uevr, uevr.types and uevr.lua are tables.
    assert.equal(kv.uevr, 'userdatauserdatatableuserdatauserdatatable');
    assert.equal(kv.permissive, '1.0,true,true,true');
    assert.equal(kv.name, 'BP_PlayerCharacter_C_0,Character /Game/Maps/Main.Main:PersistentLevel.BP_PlayerCharacter_C_0');
    assert.equal(kv.isa, 'true,false');
    assert.equal(kv.missing, 'nil');
    assert.equal(kv.scan, 'true,16');
    assert.equal(kv.mc, 'userdata,nil');
    assert.equal(kv.opt, '2,false', "vr:get_mod_value with ':' works, with '.' it raises as sol2 does");
    assert.equal(kv.vec, '3.0,2.0');
    assert.equal(kv.quat, '1.0,0.0');
    assert.equal(kv.struct, '5');
    assert.equal(kv.unknownapi, 'true,true');
    assert.equal(kv.engine, 'Main');
    assert.equal(kv.require, 'true,yes');
    assert.equal(kv.disk, 'false,nil,nil');
    assert.deepEqual(r.errors, []);
    await r.sim.dispose();
  });

  test('resetScripts fires on_script_reset, rebuilds the state and bumps the generation', async () => {
    const r = await startSim('reset');
    await r.sim.runFrames(2);
    const firstIds = r.sim.callbacks().map((c) => c.id);
    await r.sim.resetScripts();
    await r.sim.runFrames(2);
    assert.equal(r.resets.length, 1);
    assert.equal(r.resets[0].generation, 1);
    assert.equal(r.sim.generation, 1);
    const texts = r.logs.map((l) => l.text);
    assert.deepEqual(texts, ['loaded, count=1', 'on_script_reset fired', 'loaded, count=1']);
    const now = r.sim.callbacks();
    assert.ok(now.every((c) => c.generation === 1 && !firstIds.includes(c.id)), 'ids are not reused');
    assert.equal(r.frames.length, 4);
    await r.sim.dispose();
  });

  test('runs without the agent: frames still report scripts time, no registrations', async () => {
    const r = await startSim('known-cost-callbacks', { agentPath: null });
    await r.sim.runFrames(2);
    assert.equal(r.sim.callbacks().length, 0);
    assert.ok(r.frames[1].scriptsMs >= 1, `scripts ${r.frames[1].scriptsMs}`);
    assert.deepEqual(r.frames[1].callbacks, []);
    await r.sim.dispose();
  });

  test('a missing scripts folder is a clear error', async () => {
    await assert.rejects(startSim('no-such-folder'), /scripts folder not found/);
  });
});

describe('demo mods (examples/)', () => {
  test('run without script errors and register their callbacks', async () => {
    const { createSimulatedSession } = await import('../../../src/core/sim/session');
    const { join } = await import('node:path');
    const sim = await createSimulatedSession({ scriptsDir: join(__dirname, '..', '..', '..', 'examples') });
    const errors: string[] = [];
    sim.subscribe({ scriptError: (e) => errors.push(`${e.file}:${e.line}: ${e.message}`) });
    sim.startSampling(1000);
    await sim.runFrames(20);
    assert.deepEqual(errors, []);
    const names = sim.callbacks().map((c) => c.name);
    for (const n of ['on_pre_engine_tick', 'on_post_engine_tick', 'on_early_calculate_stereo_view_offset', 'on_xinput_get_state', 'on_pre_viewport_client_draw']) {
      assert.ok(names.includes(n), n);
    }
    assert.ok(names.some((n) => n.startsWith('hook_ptr:pre:')));
    await sim.dispose();
  });
});

describe('session clock and sample delivery', () => {
  test('now() is the clock of frames; stopSampling delivers buffered samples synchronously', async () => {
    const r = await startSim('lua-event');
    assert.equal(r.sim.info.kind, 'simulator');
    assert.equal(r.sim.info.refreshRateHz, 90);
    assert.equal(r.sim.capabilities.perEyeCallbacks, true);
    const before = r.sim.now();
    await r.sim.runFrames(2);
    assert.ok(r.frames[0].start >= before && r.frames[1].start >= r.frames[0].start && r.sim.now() >= r.frames[1].start);
    r.sim.startSampling(1000);
    await r.sim.dispatchLuaEvent('burn', '3'); // 3 ms of host time outside any frame
    assert.equal(r.batches.length, 0, 'nothing sent before a frame ends or sampling stops');
    r.sim.stopSampling();
    assert.equal(r.batches.length, 1, 'delivered synchronously by stopSampling');
    const b = r.batches[0];
    const native = b.newFrames.find((f) => f.kind === 1)!;
    assert.equal(native.name, 'uevr_sim.burn');
    assert.equal(native.line, 2);
    const root = b.newFrames.find((f) => f.kind === 2)!;
    assert.equal(root.name, 'on_lua_event');
    assert.equal(root.line, 1);
    const weight = b.samples.reduce((s, x) => s + x[2], 0);
    assert.ok(weight > 0);
    await r.sim.dispose();
  });
});

describe('continuous running', () => {
  for (const realtime of [false, true]) {
    test(`start() runs frames until stop() (realtime: ${realtime}); runFrames interleaves safely`, async () => {
      const r = await startSim('order', { realtime });
      r.sim.start();
      r.sim.start(); // idempotent
      while (r.frames.length < 5) await new Promise((res) => setTimeout(res, 10));
      await r.sim.runFrames(2); // serialised with the loop
      await r.sim.stop();
      const n = r.frames.length;
      await new Promise((res) => setTimeout(res, 30));
      assert.equal(r.frames.length, n, 'no frames after stop()');
      const idx = r.frames.map((f) => f.frame);
      assert.deepEqual(idx, idx.map((_, i) => i + 1), 'frame indices are consecutive');
      if (realtime) assert.ok(r.frames.every((f) => f.frameMs >= 1000 / 90 - 1e-9), 'paced frames last at least the period');
      await r.sim.dispose();
    });
  }
});
