// Thin layer over wasmoon's raw Lua 5.4 C API (its LuaWasm module). The simulator drives Lua through
// the raw exports rather than wasmoon's high-level engine because every wrapped JS function costs
// ~10 µs per call while a raw C function (addFunction + lua_pushcclosure) costs ~0.2 µs: the agent's
// enter/leave and every modelled UEVR API call go through here, so the difference is the profiler's
// own overhead.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LuaFactory } from 'wasmoon';

/** wasmoon's LuaWasm instance (its type is not exported by name, so take it from the factory). */
export type LuaWasm = Awaited<ReturnType<LuaFactory['getLuaModule']>>;
export type LuaState = number;

/** Lua's registry pseudo-index for wasmoon's build (LUAI_MAXSTACK = 1,000,000). */
export const LUA_REGISTRYINDEX = -1_000_000 - 1000;
export const LUA_MASKCOUNT = 8;
export const LUA_OK = 0;

/**
 * Layout of `struct lua_Debug` in wasm32 Lua 5.4 (4-byte pointers and size_t, LUA_IDSIZE 60). Read by
 * offset because wasmoon exposes only the raw pointer.
 */
export const AR = {
  name: 4,
  namewhat: 8,
  what: 12,
  source: 16,
  srclen: 20,
  currentline: 24,
  linedefined: 28,
  istailcall: 39,
  shortSrc: 44,
  size: 256, // 108 bytes used; rounded up so a future field cannot overrun the buffer
} as const;

/** A JS function Lua calls as a C function: reads its arguments from L, returns how many results it pushed. */
export type RawCFunction = (L: LuaState) => number;

/** Where wasmoon's glue.wasm is: next to the bundle (dist/glue.wasm, copied by esbuild) or in node_modules. */
export function defaultWasmPath(): string {
  const besideBundle = join(__dirname, 'glue.wasm');
  if (existsSync(besideBundle)) return besideBundle;
  // createRequire keeps esbuild from trying to bundle the resolution (it only matters unbundled).
  try {
    return join(dirname(createRequire(__filename).resolve('wasmoon')), 'glue.wasm');
  } catch {
    throw new Error(`Lua VM not found: no glue.wasm beside ${__dirname} and wasmoon is not installed (pass wasmPath)`);
  }
}

/** Each session gets its own wasm instance: wasm memory never shrinks, so a hostile mod's peak stays with it. */
export async function loadLuaWasm(wasmPath?: string): Promise<LuaWasm> {
  return new LuaFactory(wasmPath ?? defaultWasmPath()).getLuaModule();
}

/** Runs f (synchronous) with Date.now() answering `ms`: what emscripten's time() reads inside it. */
function withClock<T>(ms: number, f: () => T): T {
  const now = Date.now;
  Date.now = () => ms;
  try {
    return f();
  } finally {
    Date.now = now;
  }
}

/** A Lua state plus the raw helpers the simulator needs. */
export class RawLua {
  readonly L: LuaState;
  private readonly m: LuaWasm['module'] & Record<string, unknown>;
  private readonly fnPointers: number[] = [];
  private readonly allocPtr: number;
  /** Bytes currently allocated by this state (tracked by our allocator). */
  memoryUsed = 0;
  readonly arBuf: number;

  constructor(
    readonly lua: LuaWasm,
    /** Allocation cap in bytes: a hostile mod gets "not enough memory" instead of taking the process down. */
    readonly memoryLimit: number,
    /**
     * Fixes Lua's string hash seed, which orders `pairs` over string keys. Lua 5.4 builds it in
     * lua_newstate (lstate.c, luai_makeseed) from time(NULL) and three addresses; in this wasm build the
     * addresses are the same in every fresh instance and time(NULL) is emscripten's Date.now(), so
     * without this two runs of the same mod a second apart iterate the same table in different orders.
     * Real UEVR does vary it per launch; the simulator does not, so its runs (profiles, behaviour
     * traces) are reproducible for a given seed.
     */
    hashSeed?: number,
  ) {
    // The emscripten module carries raw `_lua_*` exports not declared in wasmoon's typings.
    this.m = lua.module as LuaWasm['module'] & Record<string, unknown>;
    const m = this.m;
    const realloc = m._realloc;
    const free = (m as unknown as { _free(p: number): void })._free;
    this.allocPtr = m.addFunction((_ud: number, p: number, oldSize: number, newSize: number): number => {
      if (newSize === 0) {
        if (p) {
          free(p);
          this.memoryUsed -= oldSize;
        }
        return 0;
      }
      const before = p ? oldSize : 0;
      if (newSize > before && this.memoryUsed + newSize - before > this.memoryLimit) return 0;
      const q = realloc(p, newSize);
      if (q) this.memoryUsed += newSize - before;
      return q;
    }, 'iiiii');
    this.L = hashSeed === undefined ? lua.lua_newstate(this.allocPtr, null) : withClock(hashSeed * 1000, () => lua.lua_newstate(this.allocPtr, null));
    if (!this.L) throw new Error('could not create a Lua state');
    this.arBuf = (m as unknown as { _malloc(n: number): number })._malloc(AR.size);
  }

  private raw<T extends (...a: number[]) => number>(name: string): T {
    return this.m[name] as T;
  }

  // Raw exports, bound once (cwrap-free: numbers in, numbers out).
  readonly gettop = (): number => this.raw<(L: number) => number>('_lua_gettop')(this.L);
  readonly settop = (i: number): void => void this.raw<(L: number, i: number) => number>('_lua_settop')(this.L, i);
  readonly pushnumber = (L: LuaState, n: number): void => void this.raw<(L: number, n: number) => number>('_lua_pushnumber')(L, n);
  readonly pushboolean = (L: LuaState, b: boolean): void =>
    void this.raw<(L: number, b: number) => number>('_lua_pushboolean')(L, b ? 1 : 0);
  readonly pushnil = (L: LuaState): void => void this.raw<(L: number) => number>('_lua_pushnil')(L);
  readonly tonumber = (L: LuaState, i: number): number =>
    this.raw<(L: number, i: number, p: number) => number>('_lua_tonumberx')(L, i, 0);
  readonly type = (L: LuaState, i: number): number => this.raw<(L: number, i: number) => number>('_lua_type')(L, i);
  /**
   * Pushes a new full userdata (no payload) whose metatable is the value at index mtIndex. UEVR's bindings
   * are sol2 userdata, so the simulated surface is real userdata too: type() says 'userdata' because it is.
   */
  readonly pushUserdata = (L: LuaState, mtIndex: number): void => {
    this.raw<(L: number, size: number, nuv: number) => number>('_lua_newuserdatauv')(L, 0, 0);
    this.raw<(L: number, i: number) => number>('_lua_pushvalue')(L, mtIndex);
    this.raw<(L: number, i: number) => number>('_lua_setmetatable')(L, -2);
  };
  readonly getstack = (L: LuaState, level: number, ar: number): number =>
    this.raw<(L: number, l: number, ar: number) => number>('_lua_getstack')(L, level, ar);

  pushstring(L: LuaState, s: string): void {
    this.lua.lua_pushstring(L, s);
  }
  tostring(L: LuaState, i: number): string {
    return this.lua.lua_tolstring(L, i, null) ?? '';
  }
  private static readonly utf8 = new TextDecoder();
  /** A NUL-terminated C string from wasm memory (wasmoon does not export emscripten's UTF8ToString). */
  cstr(ptr: number, max = 4096): string {
    if (!ptr) return '';
    const heap = this.m.HEAPU8;
    let end = ptr;
    const limit = Math.min(heap.length, ptr + max);
    while (end < limit && heap[end] !== 0) end++;
    return RawLua.utf8.decode(heap.subarray(ptr, end));
  }
  i32(ptr: number): number {
    return this.m.HEAP32[ptr >> 2];
  }
  u8(ptr: number): number {
    return this.m.HEAPU8[ptr];
  }

  /** getinfo with a constant option string kept in wasm memory (the cwrap'd version copies it every call). */
  private whatPtrs = new Map<string, number>();
  getinfo(L: LuaState, what: string, ar: number): number {
    let p = this.whatPtrs.get(what);
    if (p === undefined) {
      p = (this.lua.module.stringToNewUTF8 as unknown as (s: string) => number)(what);
      this.whatPtrs.set(what, p);
    }
    return this.raw<(L: number, w: number, ar: number) => number>('_lua_getinfo')(L, p, ar);
  }

  /** Makes a wasm function pointer for a raw C function; freed in close(). */
  cfunction(fn: RawCFunction): number {
    const p = this.m.addFunction(fn, 'ii');
    this.fnPointers.push(p);
    return p;
  }
  /** Hook function pointer (lua_Hook: void (*)(lua_State*, lua_Debug*)). */
  hookfunction(fn: (L: LuaState, ar: number) => void): number {
    const p = this.m.addFunction(fn, 'vii');
    this.fnPointers.push(p);
    return p;
  }
  sethook(L: LuaState, fnPtr: number, mask: number, count: number): void {
    this.raw<(L: number, f: number, m: number, c: number) => number>('_lua_sethook')(L, fnPtr, mask, count);
  }

  /** Pushes a new table holding the given raw C functions. */
  pushFunctionTable(fns: Record<string, number>): void {
    this.lua.lua_createtable(this.L, 0, Object.keys(fns).length);
    for (const [k, p] of Object.entries(fns)) {
      this.lua.lua_pushcclosure(this.L, p, 0);
      this.lua.lua_setfield(this.L, -2, k);
    }
  }

  /** Loads a chunk; returns null on success (function on the stack) or the error message (stack unchanged). */
  load(code: string, chunkname: string): string | null {
    const r = this.lua.luaL_loadbufferx(this.L, code, this.m.lengthBytesUTF8(code), chunkname, 't');
    if (r === LUA_OK) return null;
    const msg = this.tostring(this.L, -1);
    this.settop(-2);
    return msg || `load failed (${r})`;
  }

  /** lua_pcall with no message handler; returns null or the error message (popped). */
  pcall(nargs: number, nresults: number): string | null {
    const r = this.raw<(L: number, a: number, r: number, e: number, c: number, k: number) => number>('_lua_pcallk')(
      this.L, nargs, nresults, 0, 0, 0,
    );
    if (r === LUA_OK) return null;
    const msg = this.type(this.L, -1) === 4 /* string */ ? this.tostring(this.L, -1) : `(error object is not a string, code ${r})`;
    this.settop(-2);
    return msg;
  }

  ref(): number {
    return this.lua.luaL_ref(this.L, LUA_REGISTRYINDEX);
  }
  pushref(ref: number): void {
    // lua_Integer is 64-bit in this build: the raw export takes a BigInt.
    (this.m._lua_rawgeti as (L: number, t: number, n: bigint) => number)(this.L, LUA_REGISTRYINDEX, BigInt(ref));
  }
  setglobal(name: string): void {
    this.lua.lua_setglobal(this.L, name);
  }
  error(L: LuaState, msg: string): never {
    this.pushstring(L, msg);
    this.lua.lua_error(L);
    throw new Error('unreachable: lua_error returned');
  }

  close(): void {
    this.lua.lua_close(this.L);
    (this.m as unknown as { _free(p: number): void })._free(this.arBuf);
    for (const p of this.fnPointers) this.m.removeFunction(p);
    this.m.removeFunction(this.allocPtr);
    this.fnPointers.length = 0;
  }
}
