// The clock and frame scheduler: runs frames in UEVR's order (on_frame, GC, UI, engine tick with its
// callbacks, post tick, render-thread draws), paced at the refresh rate when realtime, serialised with
// resets, and emits each frame's metrics and samples.
import type { FrameMetrics } from '../protocol/types';
import { budgetMs } from '../budget';
import { burn } from './cost-model';
import { CB_INDEX } from './host-prelude';
import type { Simulator } from './session';

export class FrameScheduler {
  constructor(readonly s: Simulator) {}

  frameNo = 0;
  queue: Promise<void> = Promise.resolve();
  running = false;
  loop: Promise<void> | null = null;
  dispatchMs = 0;
  // ------------------------------------------------------------------ frame loop
  serial(fn: () => Promise<void>): Promise<void> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }
  runFrames(n: number): Promise<void> {
    return this.serial(async () => {
      for (let i = 0; i < n && !this.s.disposed; i++) {
        const started = performance.now();
        this.frame();
        if (this.s.realtime) {
          // Always a timer, even for a frame that overran its period: without one the loop runs on
          // microtasks only and starves sockets and timers (a simulator at 120 Hz never announced itself).
          const wait = budgetMs(this.s.hz) - (performance.now() - started);
          await new Promise((r) => setTimeout(r, Math.max(0, wait)));
        } else if ((i & 15) === 15) {
          await new Promise((r) => setImmediate(r)); // keep sockets and timers served
        }
      }
    });
  }
  start(): void {
    if (this.running || this.s.disposed) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running && !this.s.disposed) {
        await this.runFrames(this.s.realtime ? 1 : 16);
        if (!this.s.realtime) await new Promise((r) => setImmediate(r));
      }
    })();
  }
  async stop(): Promise<void> {
    this.running = false;
    if (this.loop) await this.loop;
    this.loop = null;
  }
  dispatchLuaEvent(name: string, data: string): Promise<void> {
    return this.serial(async () => {
      const g = this.s.gen;
      if (!g) return;
      g.lua.pushref(g.eventRef);
      g.lua.pushstring(g.lua.L, name);
      g.lua.pushstring(g.lua.L, data);
      this.enterLua();
      const err = this.s.luaEntry(() => g.lua.pcall(2, 0));
      this.s.flushDeferred();
      if (err) this.s.reportLuaError(err, '', 0);
    });
  }
  frame(): void {
    const g = this.s.gen;
    if (!g) return;
    const frameStart = this.s.now();
    const t = performance.now();
    this.frameNo += 1;
    this.s.agent.costsThisFrame.clear();
    this.s.agent.cbSumMs = 0;
    this.dispatchMs = 0;
    this.s.overheadMs = 0;
    const delta = 1 / this.s.hz;

    // UEVR's order (LuaLoader / ScriptState::on_frame, the engine-tick hooks): on_frame, the GC step, the
    // UI; then on_pre_engine_tick, the engine tick (game work, hooked UFunctions, input, and the
    // stereo-view-offset and viewport-draw callbacks the tick causes), on_post_engine_tick; the slate
    // draw runs on the render thread (here: after, in order).
    this.callDispatch(CB_INDEX.on_frame, -1, delta);
    const gcT = performance.now();
    const mem = this.callGc();
    const gcMs = performance.now() - gcT;
    if (this.s.menuOpen) this.callDispatch(CB_INDEX.on_draw_ui, -1, delta);
    this.callDispatch(CB_INDEX.on_pre_engine_tick, -1, delta);
    this.s.stolen += burn(this.s.gameWorkMs * 1000);
    for (let p = 0; p < this.s.polls; p++) this.callDispatch(CB_INDEX.on_xinput_get_state, -1, delta);
    this.callDispatch(CB_INDEX.on_xinput_set_state, -1, delta);
    this.callDispatch(0, -1, delta); // hook_ptr'd engine functions called during the game tick
    const first = this.s.engine === 'ue4' ? 1 : 0; // the engine's own view_index values
    for (const view of [first, first + 1]) {
      this.callDispatch(CB_INDEX.on_early_calculate_stereo_view_offset, view, delta);
      this.callDispatch(CB_INDEX.on_pre_calculate_stereo_view_offset, view, delta);
      this.callDispatch(CB_INDEX.on_post_calculate_stereo_view_offset, view, delta);
    }
    this.callDispatch(CB_INDEX.on_pre_viewport_client_draw, -1, delta);
    this.callDispatch(CB_INDEX.on_post_viewport_client_draw, -1, delta);
    this.callDispatch(CB_INDEX.on_post_engine_tick, -1, delta);
    this.callDispatch(CB_INDEX.on_pre_slate_draw_window_render_thread, -1, delta);
    this.callDispatch(CB_INDEX.on_post_slate_draw_window_render_thread, -1, delta);

    const work = performance.now() - t;
    const agentTimed = this.s.agent.regs.length > 0;
    const m: FrameMetrics = {
      frame: this.frameNo,
      start: frameStart,
      frameMs: this.s.realtime ? Math.max(budgetMs(this.s.hz), work) : work,
      scriptsMs: agentTimed ? this.s.agent.cbSumMs : this.dispatchMs,
      gcMs,
      luaMemoryKb: mem,
      overheadMs: this.s.overheadMs,
      callbacks: [...this.s.agent.costsThisFrame.values()],
    };
    this.s.endLogWindow();
    this.s.emit('frame', m);
    const batch = this.s.sampler.interner.take();
    if (batch) this.s.emit('samples', batch);
  }
  enterLua(): void {
    this.s.watch.resetWatch();
    this.s.sampler.apiDepth = 0;
  }
  callDispatch(kind: number, viewIndex: number, delta: number): void {
    const g = this.s.gen;
    if (!g) return;
    const t = performance.now();
    const stolen0 = this.s.stolen;
    g.lua.pushref(g.dispatchRef);
    g.lua.pushnumber(g.lua.L, kind);
    g.lua.pushnumber(g.lua.L, viewIndex);
    g.lua.pushnumber(g.lua.L, delta);
    this.enterLua();
    const err = this.s.luaEntry(() => g.lua.pcall(3, 0));
    this.s.agent.open = [];
    this.dispatchMs += performance.now() - t - (this.s.stolen - stolen0);
    this.s.flushDeferred();
    if (err) this.s.reportLuaError(err, '', 0);
  }
  callGc(): number {
    const g = this.s.gen!;
    g.lua.pushref(g.gcRef);
    this.enterLua();
    const err = this.s.luaEntry(() => g.lua.pcall(0, 1));
    if (err) {
      this.s.reportLuaError(err, '', 0);
      return NaN;
    }
    const kb = g.lua.tonumber(g.lua.L, -1);
    g.lua.settop(-2);
    return kb;
  }
}
