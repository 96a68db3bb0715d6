// The agent bridge: the `uevr_profiler` table the Lua agent talks to (contract version 1: register, site,
// enter, leave, reset, warn, clock), the registrations it announced and the per-frame callback costs.
import type { CallbackFrameCost, CallbackInfo, Eye } from '../protocol/types';
import { AR, RawLua, type LuaState } from './lua-runtime';
import type { OpenCallback, Simulator } from './session';
import { WATCH_STEP } from './limits';

export class AgentBridge {
  constructor(readonly s: Simulator) {}

  regs: CallbackInfo[] = [];
  regById = new Map<number, CallbackInfo>();
  nextCallbackId = 1;
  // Per-frame accounting.
  costsThisFrame = new Map<string, CallbackFrameCost>();
  cbSumMs = 0;
  open: OpenCallback[] = [];
  lastLeft = 0;
  // ------------------------------------------------------------------ natives: uevr_profiler (plugin's part)
  profilerNatives(lua: RawLua): Record<string, number> {
    return {
      clock: lua.cfunction((L) => {
        lua.pushnumber(L, this.s.now());
        return 1;
      }),
      register: lua.cfunction((L) => {
        const t = performance.now();
        const name = lua.tostring(L, 1);
        // register(name, level[, file, line]): a late-attached agent passes the site it recorded.
        const site =
          lua.type(L, 3) === 4 /* string */
            ? { file: this.s.mapShortSrc(lua.tostring(L, 3)), line: Math.floor(lua.tonumber(L, 4)) || 0 }
            : this.siteAt(L, Math.max(1, Math.floor(lua.tonumber(L, 2)) || 2));
        const info: CallbackInfo = { id: this.nextCallbackId++, name, file: site.file, line: site.line, generation: this.s.generationNo };
        this.regs.push(info);
        this.regById.set(info.id, info);
        this.s.later('callbackRegistered', info);
        lua.pushnumber(L, info.id);
        lua.pushstring(L, info.file);
        lua.pushnumber(L, info.line);
        this.s.overheadMs += performance.now() - t;
        return 3;
      }),
      site: lua.cfunction((L) => {
        const site = this.siteAt(L, Math.max(1, Math.floor(lua.tonumber(L, 1)) || 1));
        lua.pushstring(L, site.file);
        lua.pushnumber(L, site.line);
        return 2;
      }),
      enter: lua.cfunction((L) => {
        const t = performance.now();
        const id = lua.tonumber(L, 1);
        const e = lua.tonumber(L, 2);
        // The agent passes the eye (0 left, 1 right), mapped from the engine's view_index (UE4 1/2, UE5 0/1).
        const eye: Eye = e === 0 ? 0 : e === 1 ? 1 : -1;
        if (this.open.length === 0 && this.s.sampler.hz_ > 0) this.s.watch.arm(L, this.s.sampler.sampleCount());
        const end = performance.now();
        if (this.open.length === 0) {
          this.s.sampler.enterT = end;
          this.s.sampler.enterProf = this.s.profilerMs;
          this.s.sampler.enterStolen = this.s.stolen;
          this.s.sampler.lastFire = end;
        }
        this.open.push({ id, eye, start: end, profilerMsAtStart: this.s.profilerMs, stolenAtStart: this.s.stolen });
        this.s.overheadMs += end - t;
        return 0;
      }),
      leave: lua.cfunction((L) => {
        const t = performance.now();
        const id = lua.tonumber(L, 1);
        let top = this.open.pop();
        while (top && top.id !== id) top = this.open.pop(); // a callback that errored without leave()
        if (top) {
          this.lastLeft = top.id;
          // Callback time = work time: the profiler's own time and detected preemptions are left out.
          const ms = Math.max(0, t - top.start - (this.s.profilerMs - top.profilerMsAtStart) - (this.s.stolen - top.stolenAtStart));
          const key = `${top.id}:${top.eye}`;
          let c = this.costsThisFrame.get(key);
          if (!c) {
            c = { id: top.id, eye: top.eye, ms: 0, calls: 0 };
            this.costsThisFrame.set(key, c);
          }
          c.ms += ms;
          c.calls += 1;
          if (this.open.length === 0) {
            this.cbSumMs += ms;
            this.s.sampler.scriptAcc = this.s.sampler.scriptNow(t);
          }
        }
        if (this.open.length === 0) {
          if (this.s.watch.watchdog > 0) this.s.watch.arm(L, WATCH_STEP);
          else this.s.watch.disarm(L);
        }
        this.s.overheadMs += performance.now() - t;
        return 0;
      }),
      reset: lua.cfunction(() => 0),
      // warn(text): the agent says once what it could not wrap.
      warn: lua.cfunction((L) => {
        this.s.luaLog('warn', `profiler agent: ${lua.tostring(L, 1)}`);
        return 0;
      }),
    };
  }
  /** file and line of the function `level` levels above the calling C function (0 = that C function). */
  siteAt(L: LuaState, level: number): { file: string; line: number } {
    const lua = this.s.gen!.lua;
    const ar = lua.arBuf;
    if (!lua.getstack(L, level, ar)) return { file: '', line: 0 };
    lua.getinfo(L, 'Sl', ar);
    const src = this.s.source(lua, ar);
    return { file: src.startsWith('@') ? src.slice(1) : src, line: lua.i32(ar + AR.currentline) };
  }
}
