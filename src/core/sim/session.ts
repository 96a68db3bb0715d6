// The simulated UEVR session: runs every *.lua of a scripts folder in one real Lua 5.4 state (wasmoon)
// with the environment UEVR gives scripts (host-prelude.ts), and implements SessionBackend in-process.
// This file holds the session's state, its generations (load, reset, dispose) and its listeners; the
// behaviour is in parts named for what they do: frame-scheduler.ts (clock, UEVR's frame order),
// host-natives.ts (the UEVR surface's native side), agent-bridge.ts (the plugin's part of the agent
// contract), sampler.ts, watchdog.ts. docs/simulator.md describes the model.
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type {
  BackendCapabilities,
  BackendListener,
  CallbackInfo,
  Eye,
  LogLine,
  ScriptError,
  SessionBackend,
  SessionClock,
  SessionInfo,
} from '../protocol/types';
import { costsAsLua, DEFAULT_COSTS, type CostModel } from './cost-model';
import { CB_INDEX, HOST_CHUNK, hostPrelude, normalizeGc, type GcOptions } from './host-prelude';
import { AR, loadLuaWasm, RawLua, type LuaState, type LuaWasm } from './lua-runtime';
import { listScripts, ModuleFinder } from './script-files';
import { RUNNING_SCRIPT_PREFIX } from '../report/scriptErrors';
import { seededRandom } from '../random';
import { rateOrDefault } from '../budget';
import { SAMPLING_RATE } from '../settings';
import { readSmallRegularFileSync } from '../io/safeRead';
import { WATCH_STEP, MAX_LOG_LINES_PER_FRAME, MAX_LOG_CHARS, STEAL_GAP_MS, HOOK_CHUNK_MS, MAX_SCRIPT_BYTES } from './limits';
import { Watchdog } from './watchdog';
import { Sampler } from './sampler';
import { AgentBridge } from './agent-bridge';
import { HostNatives } from './host-natives';
import { FrameScheduler } from './frame-scheduler';

export const SIM_VERSION = 'uevr-sim 1 (models UEVR Lua API 2.39)';
/** Version of the agent <-> native contract (docs/simulator.md "agent contract"). */
export const AGENT_CONTRACT_VERSION = 1;
export const AGENT_FILE_NAME = '!uevr-profiler-agent.lua';

export interface SimulatedSessionOptions {
  scriptsDir: string;
  game?: string;
  /** Target refresh rate (Hz); default: budget.ts's DEFAULT_REFRESH_RATE. */
  refreshRateHz?: number;
  /** true: frames paced at the refresh rate; false (default): as fast as possible (tests, benchmarks). */
  realtime?: boolean;
  /** Seeds Lua's math.random, its string hash (the order of `pairs` over string keys) and the sampler's jitter. */
  seed?: number;
  /** wasmoon's glue.wasm; default: dist/glue.wasm beside the bundle, else wasmoon's own. */
  wasmPath?: string;
  /** The Lua agent loaded before the scripts; null runs without it (no per-callback timing, no sampling). */
  agentPath?: string | null;
  /** Overrides of the cost model (cost-model.ts). */
  costs?: Partial<CostModel>;
  /** The game's own work per frame between pre and post engine tick (ms of burned CPU); default 0. */
  gameWorkMs?: number;
  /** How many times each hook_ptr'd UFunction is called per frame; default 2. */
  hookCallsPerFrame?: number;
  /** XInput polls per frame (on_xinput_get_state calls); default 1. */
  xinputPollsPerFrame?: number;
  /** The UEVR menu is open (on_draw_ui runs); default false. */
  menuOpen?: boolean;
  /** Lua instructions one callback (or one script's main chunk) may run before it is aborted; 0 disables. Default 50,000,000. */
  watchdogInstructions?: number;
  /**
   * Wall time one callback (or main chunk) may run before it is aborted, ms; 0 disables. Default 5000.
   * Catches loops whose iterations are mostly host API time (few Lua instructions, e.g. a find_uobject
   * miss in a loop), which the instruction count would take hours to stop.
   */
  watchdogMs?: number;
  /** Lua allocation cap in MiB; default 256. */
  memoryLimitMb?: number;
  /**
   * The engine generation: the stereo callbacks' view_index is the engine's own (UE4: 1/2, the
   * EStereoscopicPass values; UE5: 0/1) and position/rotation are Vector3f (UE4) or Vector3d (UE5). Default ue5.
   */
  engine?: 'ue4' | 'ue5';
  /** UEVR's Lua garbage-collection options (UEVR menu > Lua); defaults as UEVR's. */
  gc?: Partial<GcOptions>;
  /** Start the continuous frame loop at once (otherwise call start() or runFrames()). */
  autoStart?: boolean;
}

export interface SimulatedSession extends SessionBackend, SessionClock {
  /** Runs n frames now (serialised with resets and other runFrames calls). */
  runFrames(n: number): Promise<void>;
  /** Runs frames continuously (paced when realtime) until stop() or dispose(). */
  start(): void;
  stop(): Promise<void>;
  readonly frameIndex: number;
  readonly generation: number;
  readonly samplingHz: number;
  setMenuOpen(open: boolean): void;
  /** Plugin -> Lua event (UEVR's dispatch_lua_event): runs on_lua_event handlers before the next frame. */
  dispatchLuaEvent(name: string, data: string): Promise<void>;
  /**
   * What the host itself saw this generation, with or without the agent: registrations (callbacks,
   * hook_ptr, script panels) and callback runs that returned or raised.
   */
  hostStats(): HostStats;
  /** How loading went this generation: scripts (without the agent) and how many raised while loading. */
  loadSummary(): { scripts: number; failed: number };
  /** The script files of the current generation, in load order (agent first). */
  scriptFiles(): string[];
  /** Bytes the Lua state holds now. */
  luaMemoryBytes(): number;
}

/**
 * A file's text as luaL_loadfilex reads it (UEVR runs scripts with sol2's safe_script_file, and require
 * uses Lua's file searcher): a UTF-8 byte-order mark is skipped, and a first line starting with '#' is
 * dropped (its line break kept, so line numbers stay).
 */
export function asLuaFile(code: string): string {
  let c = code.charCodeAt(0) === 0xfeff ? code.slice(1) : code;
  if (c.startsWith('#')) {
    const nl = c.indexOf('\n');
    c = nl < 0 ? '' : c.slice(nl);
  }
  return c;
}

export interface HostStats {
  registered: number;
  ran: number;
  failed: number;
}


/** Deterministic jitter for the sampler; seed 0 is remapped so an unset seed still varies. */
const prng = (seed: number): (() => number) => seededRandom(seed >>> 0 || 0x9e3779b9);

/** Where the agent script is: dist/agent (bundle) or the repository's agent/ folder. */
export function defaultAgentPath(): string | null {
  const candidates = [
    join(__dirname, 'agent', AGENT_FILE_NAME),
    join(__dirname, '..', '..', '..', 'agent', AGENT_FILE_NAME),
    join(process.cwd(), 'agent', AGENT_FILE_NAME),
  ];
  return candidates.find((p) => existsSync(p)) ?? null;
}

export { listScripts } from './script-files';

export interface OpenCallback {
  id: number;
  eye: Eye;
  start: number;
  profilerMsAtStart: number;
  stolenAtStart: number;
}

export interface Generation {
  lua: RawLua;
  dispatchRef: number;
  gcRef: number;
  eventRef: number;
  memRef: number;
  statsRef: number;
  hookPtr: number;
  files: string[];
}

export async function createSimulatedSession(opts: SimulatedSessionOptions): Promise<SimulatedSession> {
  const scriptsDir = resolve(opts.scriptsDir);
  if (!existsSync(scriptsDir) || !statSync(scriptsDir).isDirectory()) {
    throw new Error(`scripts folder not found: ${opts.scriptsDir}`);
  }
  const wasm = await loadLuaWasm(opts.wasmPath);
  const sim = new Simulator(opts, scriptsDir, wasm);
  await sim.boot();
  if (opts.autoStart) sim.start();
  return sim;
}

/**
 * The simulated session. Its state lives here; the behaviour is split along its seams into the parts
 * below (watchdog.ts, sampler.ts, agent-bridge.ts, host-natives.ts, frame-scheduler.ts). Members are
 * internal to src/core/sim: the public API is SimulatedSession.
 */
export class Simulator implements SimulatedSession {
  // The parts, each in a file named for what it does; they share this object's state.
  readonly watch = new Watchdog(this);
  readonly sampler = new Sampler(this);
  readonly agent = new AgentBridge(this);
  readonly host = new HostNatives(this);
  readonly frames = new FrameScheduler(this);

  runFrames(n: number): Promise<void> {
    return this.frames.runFrames(n);
  }
  start(): void {
    this.frames.start();
  }
  stop(): Promise<void> {
    return this.frames.stop();
  }
  dispatchLuaEvent(name: string, data: string): Promise<void> {
    return this.frames.dispatchLuaEvent(name, data);
  }

  readonly info: SessionInfo;
  readonly capabilities: BackendCapabilities = {
    sampling: true,
    minSamplingHz: 100,
    maxSamplingHz: 10_000,
    perEyeCallbacks: true,
    scriptReset: true,
  };
  readonly costs: CostModel;
  readonly hz: number;
  readonly realtime: boolean;
  readonly gameWorkMs: number;
  readonly polls: number;
  readonly memoryLimit: number;
  readonly agentPath: string | null;
  readonly rand: () => number;
  readonly t0 = performance.now();
  menuOpen: boolean;
  readonly engine: 'ue4' | 'ue5';
  readonly gc: GcOptions;

  listeners: BackendListener[] = [];
  /** Logs and errors of the current generation's script loading (bounded), replayed to late subscribers. */
  loadBacklog: Array<ScriptError | LogLine> = [];
  loading = false;
  gen: Generation | null = null;
  generationNo = 0;
  disposed = false;
  agentFile = '';
  finder: ModuleFinder | null = null;
  loaded = { scripts: 0, failed: 0 };
  /** Modules loaded by require this generation (to map Lua's cut chunk names back to them). */
  modulePaths = new Set<string>();

  // API names registered by the prelude (api id -> name).
  apiNames: string[] = [];

  overheadMs = 0;
  /** Profiler time spent inside callbacks (hook + stack walks), subtracted from callback times. */
  profilerMs = 0;

  /**
   * Time the OS took the thread away while Lua ran: a gap of more than STEAL_GAP_MS between two hook
   * calls (4,000 VM instructions take ~10-40 µs) is a preemption, not work (a C function that runs
   * 0.5 ms without returning to Lua would be misread as one: rare in mods, and documented). It is kept off the sample
   * axis, so a loaded machine does not inflate whichever function happened to be preempted.
   */
  stolen = 0;
  sourceCache = new Map<number, string>();


  constructor(
    private readonly opts: SimulatedSessionOptions,
    private readonly scriptsDir: string,
    private readonly wasm: LuaWasm,
  ) {
    this.hz = rateOrDefault(opts.refreshRateHz);
    this.realtime = opts.realtime ?? false;
    this.costs = { ...DEFAULT_COSTS, ...(opts.costs ?? {}) };
    this.gameWorkMs = Math.max(0, opts.gameWorkMs ?? 0);
    this.polls = Math.max(1, Math.floor(opts.xinputPollsPerFrame ?? 1));
    this.watch.watchdog = Math.max(0, opts.watchdogInstructions ?? 50_000_000);
    this.watch.watchdogMs = Math.max(0, opts.watchdogMs ?? 5000);
    this.memoryLimit = Math.max(8, opts.memoryLimitMb ?? 256) * 1024 * 1024;
    this.agentPath = opts.agentPath === undefined ? defaultAgentPath() : opts.agentPath;
    this.menuOpen = opts.menuOpen ?? false;
    this.engine = opts.engine === 'ue4' ? 'ue4' : 'ue5';
    this.gc = normalizeGc(opts.gc);
    this.rand = prng(opts.seed ?? 1);
    this.info = {
      game: opts.game ?? 'SimulatedGame',
      pid: process.pid,
      kind: 'simulator',
      refreshRateHz: this.hz,
      hostVersion: SIM_VERSION,
    };
  }

  get frameIndex(): number {
    return this.frames.frameNo;
  }
  get generation(): number {
    return this.generationNo;
  }
  get samplingHz(): number {
    return this.sampler.hz_;
  }


  /** SessionClock: ms since the session started (the clock of FrameMetrics.start and sample times). */
  now(): number {
    return performance.now() - this.t0;
  }

  // ------------------------------------------------------------------ listeners
  subscribe(listener: BackendListener): () => void {
    this.listeners.push(listener);
    // Script loading happens before anyone can subscribe: replay what the current generation said then.
    for (const e of this.loadBacklog) {
      try {
        if ('message' in e) listener.scriptError?.(e);
        else listener.log?.(e);
      } catch {
        /* a listener's bug is its own */
      }
    }
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  /**
   * Events raised while Lua runs (logs, errors, registrations) are queued and delivered when control is
   * back in the host, so listener work (a protocol server serialising a log line) is never timed as the
   * mod's API call or as profiler overhead.
   */
  deferred: Array<() => void> = [];
  logsThisFrame = 0;
  logsDropped = 0;
  /** A log line from Lua, bounded in length and in lines per frame. */
  luaLog(level: LogLine['level'], text: string): void {
    if (++this.logsThisFrame > MAX_LOG_LINES_PER_FRAME) {
      this.logsDropped++;
      return;
    }
    if (text.length > MAX_LOG_CHARS) text = `${text.slice(0, MAX_LOG_CHARS)}… (${text.length} characters)`;
    this.later('log', { time: this.now(), level, text });
  }
  endLogWindow(): void {
    if (this.logsDropped > 0) {
      this.emit('log', { time: this.now(), level: 'warn', text: `${this.logsDropped} more log lines dropped (over ${MAX_LOG_LINES_PER_FRAME} in one frame)` });
    }
    this.logsThisFrame = 0;
    this.logsDropped = 0;
  }
  inLua = 0;
  later<K extends keyof BackendListener>(kind: K, arg: Parameters<NonNullable<BackendListener[K]>>[0]): void {
    if (this.inLua > 0) this.deferred.push(() => this.emit(kind, arg));
    else this.emit(kind, arg);
  }
  flushDeferred(): void {
    const q = this.deferred;
    if (q.length === 0) return;
    this.deferred = [];
    for (const f of q) f();
  }
  /** Runs a Lua entry (pcall from the host) with events deferred; the caller flushes after its timing. */
  luaEntry<T>(fn: () => T): T {
    this.inLua++;
    try {
      return fn();
    } finally {
      this.inLua--;
    }
  }

  emit<K extends keyof BackendListener>(kind: K, arg: Parameters<NonNullable<BackendListener[K]>>[0]): void {
    if (this.loading && (kind === 'scriptError' || kind === 'log') && this.loadBacklog.length < 200) {
      this.loadBacklog.push(arg as ScriptError | LogLine);
    }
    for (const l of this.listeners) {
      const f = l[kind] as ((a: typeof arg) => void) | undefined;
      if (!f) continue;
      try {
        f.call(l, arg);
      } catch (e) {
        // A listener's bug must not stop the game loop; say so once per failure.
        console.error(`uevr-sim: a ${String(kind)} listener threw: ${(e as Error)?.message ?? e}`);
      }
    }
  }

  callbacks(): CallbackInfo[] {
    return this.agent.regs.slice();
  }
  hostStats(): HostStats {
    const g = this.gen;
    if (!g) return { registered: 0, ran: 0, failed: 0 };
    g.lua.pushref(g.statsRef);
    const err = g.lua.pcall(0, 3);
    if (err) return { registered: 0, ran: 0, failed: 0 };
    const L = g.lua.L;
    const r = { registered: g.lua.tonumber(L, -3), ran: g.lua.tonumber(L, -2), failed: g.lua.tonumber(L, -1) };
    g.lua.settop(-4);
    return r;
  }
  loadSummary(): { scripts: number; failed: number } {
    return { ...this.loaded };
  }
  scriptFiles(): string[] {
    return this.gen ? this.gen.files.slice() : [];
  }
  luaMemoryBytes(): number {
    return this.gen ? this.gen.lua.memoryUsed : 0;
  }
  setMenuOpen(open: boolean): void {
    this.menuOpen = open;
  }

  // ------------------------------------------------------------------ sampling control
  startSampling(hz: number): void {
    const c = this.capabilities;
    this.sampler.hz_ = Math.min(c.maxSamplingHz, Math.max(c.minSamplingHz, Number.isFinite(hz) ? hz : SAMPLING_RATE.default));
    this.sampler.periodMs = 1000 / this.sampler.hz_;
    this.sampler.nextPoint = this.sampler.scriptAcc + this.sampler.jitter();
  }
  stopSampling(): void {
    this.sampler.hz_ = 0;
    // Deliver what is buffered now, synchronously, so a capture stopped here gets every sample.
    const batch = this.sampler.interner.take();
    if (batch) this.emit('samples', batch);
  }

  // ------------------------------------------------------------------ boot / reset / dispose
  async boot(): Promise<void> {
    this.gen = this.createGeneration();
  }

  createGeneration(): Generation {
    const lua = new RawLua(this.wasm, this.memoryLimit, this.opts.seed ?? 1);
    lua.lua.luaL_openlibs(lua.L);
    this.sourceCache.clear();
    this.apiNames = [];
    const hookPtr = lua.hookfunction((L, ar) => this.onHook(L, ar));
    const g: Generation = { lua, dispatchRef: 0, gcRef: 0, eventRef: 0, memRef: 0, statsRef: 0, hookPtr, files: [] };
    this.gen = g;
    this.watch.resetWatch();

    // The host prelude: chunk "=uevr-host", called with the private native table H.
    const prelude = hostPrelude(costsAsLua(this.costs), this.opts.seed ?? 1, this.opts.hookCallsPerFrame ?? 2, this.engine, this.gc);
    const err = lua.load(prelude, HOST_CHUNK);
    if (err) throw new Error(`uevr-sim: host prelude does not compile: ${err}`);
    lua.pushFunctionTable(this.host.hostNatives(lua));
    const perr = lua.pcall(1, 5);
    if (perr) throw new Error(`uevr-sim: host prelude failed: ${perr}`);
    g.statsRef = lua.ref();
    g.memRef = lua.ref();
    g.eventRef = lua.ref();
    g.gcRef = lua.ref();
    g.dispatchRef = lua.ref();

    // The native plugin's part of the agent contract.
    lua.pushFunctionTable(this.agent.profilerNatives(lua));
    lua.pushnumber(lua.L, AGENT_CONTRACT_VERSION);
    lua.lua.lua_setfield(lua.L, -2, 'version');
    lua.pushstring(lua.L, 'simulator');
    lua.lua.lua_setfield(lua.L, -2, 'host');
    lua.setglobal('uevr_profiler');

    if (this.watch.watchdog > 0) this.watch.arm(lua.L, WATCH_STEP);

    this.finder = new ModuleFinder(this.scriptsDir);
    this.modulePaths.clear();
    const files = listScripts(this.scriptsDir);
    const agentInFolder = files.some((f) => basename(f).toLowerCase().includes('uevr-profiler-agent'));
    if (this.agentPath && !agentInFolder) files.unshift(resolve(this.agentPath));
    this.agentFile = files.find((f) => basename(f).toLowerCase().includes('uevr-profiler-agent')) ?? '';
    g.files = files;
    this.loadBacklog = [];
    this.loading = true;
    try {
      let failed = 0;
      for (const f of files) {
        // UEVR logs this before each script (ScriptState::run_script); reports use it to count scripts.
        this.emit('log', { time: this.now(), level: 'info', text: `${RUNNING_SCRIPT_PREFIX}${f}...` });
        if (!this.runScript(f) && f !== this.agentFile) failed++;
      }
      const scripts = files.filter((f) => f !== this.agentFile).length;
      this.loaded = { scripts, failed };
      this.emit('log', { time: this.now(), level: failed ? 'warn' : 'info', text: `uevr-sim: ${scripts} scripts loaded, ${failed} failed to load` });
    } finally {
      this.loading = false;
    }
    return g;
  }

  /** Loads and runs one script's main chunk; false when it raised (or did not compile). */
  runScript(file: string): boolean {
    const g = this.gen!;
    let code: string;
    try {
      // Regular files only, bounded (a *.lua pipe or device link would hang or flood the session).
      code = readSmallRegularFileSync(file, MAX_SCRIPT_BYTES).toString('utf8');
    } catch (e) {
      this.scriptError((e as Error).message.startsWith('cannot read') ? (e as Error).message : `cannot read ${file}: ${(e as Error).message}`, file, 0);
      return false;
    }
    const lerr = g.lua.load(asLuaFile(code), '@' + file);
    if (lerr) {
      this.reportLuaError(lerr, file, 0);
      this.flushDeferred();
      return false;
    }
    this.watch.resetWatch();
    const rerr = this.luaEntry(() => g.lua.pcall(0, 0));
    this.flushDeferred();
    this.endLogWindow();
    if (rerr) {
      this.reportLuaError(rerr, file, 0);
      this.flushDeferred();
      return false;
    }
    return true;
  }

  resetScripts(): Promise<void> {
    return this.frames.serial(async () => {
      if (!this.gen) return;
      this.frames.callDispatch(CB_INDEX.on_script_reset, -1, 0);
      this.closeGeneration();
      this.generationNo += 1;
      this.agent.regs = [];
      this.agent.regById.clear();
      this.emit('scriptReset', { time: this.now(), generation: this.generationNo });
      this.gen = this.createGeneration();
    });
  }

  closeGeneration(): void {
    if (!this.gen) return;
    try {
      this.gen.lua.close();
    } catch {
      // A state a hostile mod broke may fail to close; its wasm instance is dropped with the session.
    }
    this.gen = null;
    this.agent.open = [];
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.frames.stop();
    await this.frames.serial(async () => {
      this.disposed = true;
      this.closeGeneration();
    });
    this.emit('ended', 'disposed');
    this.listeners = [];
  }










  // ------------------------------------------------------------------ errors and logs
  scriptError(message: string, file: string, line: number): void {
    this.later('scriptError', { time: this.now(), file, line, message });
  }

  /** Splits "chunk:line: message" (Lua's position prefix) and maps a cut short_src back to the full path. */
  reportLuaError(raw: string, fallbackFile: string, fallbackLine: number): void {
    const m = /^(.*?):(\d+): ([\s\S]*)$/.exec(raw);
    if (m) this.scriptError(m[3], this.mapShortSrc(m[1]), Number(m[2]));
    else this.scriptError(raw, fallbackFile, fallbackLine);
  }
  mapShortSrc(src: string): string {
    const files = this.gen?.files ?? [];
    if (src.startsWith('...')) {
      const tail = src.slice(3);
      return files.find((f) => f.endsWith(tail)) ?? [...this.modulePaths].find((f) => f.endsWith(tail)) ?? src;
    }
    return src;
  }




  source(lua: RawLua, ar: number): string {
    const p = lua.i32(ar + AR.source);
    let s = this.sourceCache.get(p);
    if (s === undefined) {
      s = lua.cstr(p);
      this.sourceCache.set(p, s);
    }
    return s;
  }





  isProfilerOrHost(src: string): boolean {
    return src === HOST_CHUNK || (this.agentFile !== '' && src === '@' + this.agentFile);
  }

  onHook(L: LuaState, _ar: number): void {
    const lua = this.gen!.lua;
    const t = performance.now();
    this.watch.instr += this.watch.armedCount;
    if (this.watch.tripped || (this.watch.watchdog > 0 && this.watch.instr > this.watch.watchdog) || this.watch.overTime(t)) {
      // Raise only in mod code: host and agent frames must be able to unwind and report.
      const ar = lua.arBuf;
      if (lua.getstack(L, 0, ar)) {
        lua.getinfo(L, 'Sl', ar);
        const src = this.source(lua, ar);
        if (!this.isProfilerOrHost(src)) this.watch.raiseWatchdog(L, `${lua.cstr(ar + AR.shortSrc)}:${lua.i32(ar + AR.currentline)}`);
      }
      this.watch.tripped = true;
      this.watch.arm(L, 1);
      return;
    }
    const sampling = this.sampler.hz_ > 0 && this.agent.open.length > 0;
    if (sampling) {
      const gap = t - this.sampler.lastFire;
      if (gap > STEAL_GAP_MS && this.sampler.apiDepth === 0) this.stolen += gap - HOOK_CHUNK_MS;
      this.sampler.lastFire = t;
      if (this.sampler.apiDepth === 0) {
        const w = this.sampler.pointsUpTo(this.sampler.scriptNow(t));
        if (w > 0) {
          const t0 = performance.now();
          this.sampler.recordSample(L, w, -1, t);
          // Re-armed with a random count once per sample (not per hook call: that saves a lua_sethook
          // per call), so where in a loop the next sample lands is random (Sampler.sampleCount).
          if (this.sampler.lines) this.watch.arm(L, this.sampler.sampleCount());
          this.sampler.noteCost(performance.now() - t0);
        }
      }
      const spent = performance.now() - t;
      this.profilerMs += spent;
      this.overheadMs += spent;
    } else if (this.watch.armedCount !== WATCH_STEP) {
      if (this.watch.watchdog > 0) this.watch.arm(L, WATCH_STEP);
      else this.watch.disarm(L);
    }
  }




}

