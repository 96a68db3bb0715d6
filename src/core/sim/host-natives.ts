// The UEVR surface's native side: the private table H the host prelude (host-prelude.ts) gets, with the
// cost model's burns, API brackets, logs, script errors, require's file access and the stats counters.
import { burn, instancesOf } from './cost-model';
import { RawLua } from './lua-runtime';
import { asLuaFile, type Simulator } from './session';

export class HostNatives {
  constructor(readonly s: Simulator) {}

  // ------------------------------------------------------------------ natives: the host's private H
  hostNatives(lua: RawLua): Record<string, number> {
    const L0 = lua.L;
    void L0;
    return {
      burn: lua.cfunction((L) => {
        this.s.stolen += burn(lua.tonumber(L, 1));
        return 0;
      }),
      // newud(mt): a fresh full userdata with metatable mt (the surface's sol2 objects).
      newud: lua.cfunction((L) => {
        lua.pushUserdata(L, 1);
        return 1;
      }),
      api_id: lua.cfunction((L) => {
        this.s.apiNames.push(lua.tostring(L, 1));
        lua.pushnumber(L, this.s.apiNames.length - 1);
        return 1;
      }),
      api_enter: lua.cfunction((L) => {
        if (this.s.sampler.apiDepth++ === 0) {
          this.s.sampler.apiCur = lua.tonumber(L, 1);
          this.s.sampler.apiStart = performance.now();
          if (this.s.sampler.hz_ > 0 && this.s.agent.open.length > 0) this.s.sampler.apiStartS = this.s.sampler.scriptNow(this.s.sampler.apiStart);
        }
        return 0;
      }),
      api_leave: lua.cfunction((L) => {
        if (this.s.sampler.apiDepth > 0 && --this.s.sampler.apiDepth === 0) {
          this.s.sampler.apiDone(L);
          // A loop of API calls runs few Lua instructions: check the time budget here too.
          if (this.s.watch.tripped || this.s.watch.overTime(performance.now())) {
            const where = this.s.watch.modWhere(L);
            if (where) this.s.watch.raiseWatchdog(L, where);
          }
        }
        return 0;
      }),
      clock: lua.cfunction((L) => {
        lua.pushnumber(L, this.s.now());
        return 1;
      }),
      log: lua.cfunction((L) => {
        const lv = lua.tonumber(L, 1);
        this.s.luaLog(lv >= 2 ? 'error' : lv >= 1 ? 'warn' : 'info', lua.tostring(L, 2));
        return 0;
      }),
      script_error: lua.cfunction((L) => {
        const src = lua.tostring(L, 2);
        let file = src.startsWith('@') ? src.slice(1) : src;
        let line = lua.tonumber(L, 3);
        // A message without a position ("not enough memory", error(obj)) from a proxied callback: name the
        // registration, not the agent's proxy.
        const reg = this.s.agent.regById.get(this.s.agent.lastLeft);
        if (file === this.s.agentFile && reg) ({ file, line } = reg);
        this.s.reportLuaError(lua.tostring(L, 1), file, line);
        return 0;
      }),
      instances: lua.cfunction((L) => {
        lua.pushnumber(L, instancesOf(lua.tostring(L, 1), this.s.costs));
        return 1;
      }),
      read_script: lua.cfunction((L) => {
        const name = lua.tostring(L, 1);
        // UEVR's run_script puts the scripts folder on package.path only while a script's main chunk
        // runs and restores the previous path after it (ScriptState.cpp): a require first reached from
        // a callback does not search the folder in a game either.
        if (!this.s.loading) {
          lua.pushnil(L);
          lua.pushstring(L, `no file in the scripts folder: UEVR searches it only while a script loads (ScriptState::run_script restores package.path afterwards)`);
          return 2;
        }
        const found = this.s.finder!.find(name);
        if (found.kind === 'found') {
          this.s.modulePaths.add(found.path);
          lua.pushstring(L, asLuaFile(found.code));
          lua.pushstring(L, found.path);
          return 2;
        }
        lua.pushnil(L);
        lua.pushstring(
          L,
          found.kind === 'outside'
            ? `outside:module '${name}' leads outside the scripts folder (${found.path}): refused`
            : found.tried.map((t) => `no file '${t}'`).join('\n\t'),
        );
        return 2;
      }),
      custom_event: lua.cfunction((L) => {
        this.s.luaLog('info', `custom event ${lua.tostring(L, 1)}: ${lua.tostring(L, 2)}`);
        return 0;
      }),
      watch_reset: lua.cfunction(() => {
        this.s.watch.resetWatch();
        this.s.sampler.apiDepth = 0;
        return 0;
      }),
    };
  }
}
