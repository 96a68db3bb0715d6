// The shapes public mods use (test/fixtures/mods/patterns, our own code) run in the simulated session as
// in a game, through the agent: uevr.params.sdk.callbacks, vr:get_mod_value, vectors, XInput constants,
// a script panel, json config, a backslash require.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startSim } from './helpers';

describe('public mod patterns', () => {
  test('run without error, registered through both callback paths with their sites, panel runs with the menu open', async () => {
    const r = await startSim('patterns', { menuOpen: true });
    try {
      await r.sim.runFrames(120);
      assert.deepEqual(r.errors, []);
      const names = r.sim.callbacks().map((c) => `${c.name}:${c.line}`);
      assert.ok(names.includes('on_pre_engine_tick:12'), names.join(' '));
      assert.ok(names.includes('on_xinput_get_state:24'), names.join(' '));
      assert.ok(names.includes('on_post_engine_tick:37'), names.join(' '));
      assert.ok(names.includes('script_panel:Patterns:30'), names.join(' '));
      const last = r.logs.filter((l) => l.text.startsWith('patterns ')).at(-1)!.text;
      // 2D screen mode is off by default (UEVR's option string), the HMD sits 1.6 m up, the scripted pad
      // presses A for 10 of every 120 frames, the panel ran every frame the menu was open.
      assert.equal(last, 'patterns frames=120 screen=false hmd=1.6 z=15.0 panel=120 buttons=10');
      // The timed frames carry the proxied callbacks (the agent wrapped the params.sdk path too).
      const pre = r.sim.callbacks().find((c) => c.name === 'on_pre_engine_tick')!;
      assert.ok(r.frames.at(-1)!.callbacks.some((c) => c.id === pre.id && c.calls === 1));
    } finally {
      await r.sim.dispose();
    }
  });
});
