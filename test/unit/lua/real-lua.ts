// Real Lua 5.4 (wasmoon) as the oracle for "does Lua accept this chunk": `load(src)` compiles without
// running. Shared by the parser and quick-fix tests.
import { LuaFactory, type LuaEngine } from 'wasmoon';

let engine: Promise<LuaEngine> | undefined;

function getEngine(): Promise<LuaEngine> {
  engine ??= new LuaFactory().createEngine();
  return engine;
}

/** Returns null when Lua 5.4 accepts the chunk, else Lua's error message. */
export async function luaLoadError(src: string): Promise<string | null> {
  const lua = await getEngine();
  lua.global.set('__src', src);
  const r: unknown = lua.doStringSync('local f, err = load(__src, "=chunk") return err');
  return typeof r === 'string' ? r : null;
}

export async function closeLua(): Promise<void> {
  if (engine) (await engine).global.close();
  engine = undefined;
}
