// The simulator's watchdog: a count hook armed whenever Lua runs stops a callback (or a script's main chunk)
// that runs more than the instruction budget or the wall-time budget, raising in mod code only so the host
// and the agent can unwind and report (docs/simulator.md, "hostile mods").
import { AR, LUA_MASKCOUNT, type LuaState } from './lua-runtime';
import type { Simulator } from './session';
import { WATCH_STEP, MAX_DEPTH } from './limits';

export class Watchdog {
  constructor(readonly s: Simulator) {}

  watchdog = 0;
  watchdogMs = 0;
  entryStart = 0;
  // Watchdog state.
  armedCount = 0;
  instr = 0;
  tripped = false;
  // ------------------------------------------------------------------ hook: watchdog + sampler
  arm(L: LuaState, count: number): void {
    const g = this.s.gen;
    if (!g) return;
    this.armedCount = count;
    g.lua.sethook(L, g.hookPtr, LUA_MASKCOUNT, count);
  }
  disarm(L: LuaState): void {
    const g = this.s.gen;
    if (!g) return;
    this.armedCount = 0;
    g.lua.sethook(L, 0, 0, 0);
  }
  resetWatch(): void {
    this.instr = 0;
    this.entryStart = performance.now();
    if (this.tripped && this.s.gen) {
      this.tripped = false;
      if (this.watchdog > 0) this.arm(this.s.gen.lua.L, WATCH_STEP);
      else this.disarm(this.s.gen.lua.L);
    }
  }
  overTime(t: number): boolean {
    return this.watchdogMs > 0 && t - this.entryStart > this.watchdogMs;
  }
  /** Trips the watchdog: from now on every VM instruction in mod code raises, until the next callback. */
  raiseWatchdog(L: LuaState, where: string): never {
    const reason = this.overTime(performance.now())
      ? `ran for more than ${this.watchdogMs} ms`
      : `ran more than ${this.watchdog} Lua instructions`;
    this.tripped = true;
    this.arm(L, 1);
    return this.s.gen!.lua.error(L, `${where}: watchdog: the script ${reason} without returning (infinite loop?)`);
  }
  /** The calling mod line (short_src:currentline) of a native called from host code, or null. */
  modWhere(L: LuaState): string | null {
    const lua = this.s.gen!.lua;
    const ar = lua.arBuf;
    for (let level = 0; level < MAX_DEPTH && lua.getstack(L, level, ar); level++) {
      lua.getinfo(L, 'Sl', ar);
      if (lua.u8(lua.i32(ar + AR.what)) === 67 /* 'C' */) continue;
      if (this.s.isProfilerOrHost(this.s.source(lua, ar))) continue;
      return `${lua.cstr(ar + AR.shortSrc)}:${lua.i32(ar + AR.currentline)}`;
    }
    return null;
  }
}
