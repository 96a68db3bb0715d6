// The simulated UEVR session: runs every *.lua of a scripts folder in one real Lua 5.4 state (wasmoon)
// with the environment UEVR gives scripts (host-prelude.ts), drives UEVR's frame order, and plays the
// native plugin's part for the Lua agent (uevr_profiler table: clock, enter/leave, registration sites,
// stack sampling). Implements SessionBackend in-process. docs/simulator.md describes the model.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type {
  BackendCapabilities,
  BackendListener,
  CallbackFrameCost,
  CallbackInfo,
  Eye,
  FrameMetrics,
  LogLine,
  ScriptError,
  SessionBackend,
  SessionClock,
  SessionInfo,
} from '../session/backend';
import { burn, costsAsLua, DEFAULT_COSTS, instancesOf, type CostModel } from './cost-model';
import { CALLBACK_NAMES, CB_INDEX, HOST_CHUNK, hostPrelude, normalizeGc, type CallbackName, type GcOptions } from './host-prelude';
import { AR, LUA_MASKCOUNT, loadLuaWasm, RawLua, type LuaState, type LuaWasm } from './lua-runtime';
import { SampleInterner } from './sample-interner';
import { listScripts, ModuleFinder } from './script-files';
import { RUNNING_SCRIPT_PREFIX } from '../report/scriptErrors';
import { seededRandom } from '../random';

export const SIM_VERSION = 'uevr-sim 1 (models UEVR Lua API 2.39)';
/** Version of the agent <-> native contract (docs/simulator.md "agent contract"). */
export const AGENT_CONTRACT_VERSION = 1;
export const AGENT_FILE_NAME = '!uevr-profiler-agent.lua';

export interface SimulatedSessionOptions {
  scriptsDir: string;
  game?: string;
  /** Target refresh rate (Hz); default 90. */
  refreshRateHz?: number;
  /** true: frames paced at the refresh rate; false (default): as fast as possible (tests, benchmarks). */
  realtime?: boolean;
  /** Seeds Lua's math.random and the sampler's jitter. */
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

const WATCH_STEP = 100_000; // instructions between watchdog hook calls when not sampling
const SAMPLE_COUNT = 4000; // instructions between sampler hook calls while sampling (~10-40 µs of Lua)
const MAX_DEPTH = 64;
const MAX_LOG_LINES_PER_FRAME = 1000; // a mod printing in a loop must not flood listeners or memory
const MAX_LOG_CHARS = 8192;
const STEAL_GAP_MS = 0.5; // a gap between sampler hook calls longer than this is a preemption
const HOOK_CHUNK_MS = 0.05; // what 4,000 VM instructions take at most when not preempted

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

interface OpenCallback {
  id: number;
  eye: Eye;
  start: number;
  profilerMsAtStart: number;
  stolenAtStart: number;
}

interface Generation {
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

class Simulator implements SimulatedSession {
  readonly info: SessionInfo;
  readonly capabilities: BackendCapabilities = {
    sampling: true,
    minSamplingHz: 100,
    maxSamplingHz: 10_000,
    perEyeCallbacks: true,
    scriptReset: true,
  };
  private readonly costs: CostModel;
  private readonly hz: number;
  private readonly realtime: boolean;
  private readonly gameWorkMs: number;
  private readonly polls: number;
  private readonly watchdog: number;
  private readonly watchdogMs: number;
  private entryStart = 0;
  private readonly memoryLimit: number;
  private readonly agentPath: string | null;
  private readonly rand: () => number;
  private readonly t0 = performance.now();
  private menuOpen: boolean;
  private readonly engine: 'ue4' | 'ue5';
  private readonly gc: GcOptions;

  private listeners: BackendListener[] = [];
  /** Logs and errors of the current generation's script loading (bounded), replayed to late subscribers. */
  private loadBacklog: Array<ScriptError | LogLine> = [];
  private loading = false;
  private gen: Generation | null = null;
  private generationNo = 0;
  private regs: CallbackInfo[] = [];
  private regById = new Map<number, CallbackInfo>();
  private nextCallbackId = 1;
  private frameNo = 0;
  private queue: Promise<void> = Promise.resolve();
  private running = false;
  private loop: Promise<void> | null = null;
  private disposed = false;
  private agentFile = '';
  private finder: ModuleFinder | null = null;
  private loaded = { scripts: 0, failed: 0 };
  /** Modules loaded by require this generation (to map Lua's cut chunk names back to them). */
  private modulePaths = new Set<string>();

  // API names registered by the prelude (api id -> name).
  private apiNames: string[] = [];

  // Per-frame accounting.
  private costsThisFrame = new Map<string, CallbackFrameCost>();
  private cbSumMs = 0;
  private dispatchMs = 0;
  private overheadMs = 0;
  /** Profiler time spent inside callbacks (hook + stack walks), subtracted from callback times. */
  private profilerMs = 0;
  private open: OpenCallback[] = [];
  private lastLeft = 0;

  // Sampling state.
  private hz_ = 0;
  private periodMs = 1;
  // Sample points live on the "script time" axis: time inside callbacks, minus the profiler's own time.
  // Its phase carries across callbacks, so a 0.1 ms callback is sampled with probability 0.1 / period
  // instead of never (a sampler restarted at every enter would never reach its first point).
  private scriptAcc = 0;
  private enterT = 0;
  private enterProf = 0;
  /**
   * Time the OS took the thread away while Lua ran: a gap of more than STEAL_GAP_MS between two hook
   * calls (4,000 VM instructions take ~10-40 µs) is a preemption, not work (a C function that runs
   * 0.5 ms without returning to Lua would be misread as one: rare in mods, and documented). It is kept off the sample
   * axis, so a loaded machine does not inflate whichever function happened to be preempted.
   */
  private stolen = 0;
  private enterStolen = 0;
  private lastFire = 0;
  private nextPoint = 0;
  private apiStartS = 0;
  private apiDepth = 0;
  private apiStart = 0;
  private apiCur = 0;
  private interner = new SampleInterner();
  private sourceCache = new Map<number, string>();

  // Watchdog state.
  private armedCount = 0;
  private instr = 0;
  private tripped = false;

  constructor(
    private readonly opts: SimulatedSessionOptions,
    private readonly scriptsDir: string,
    private readonly wasm: LuaWasm,
  ) {
    this.hz = opts.refreshRateHz && opts.refreshRateHz > 0 ? opts.refreshRateHz : 90;
    this.realtime = opts.realtime ?? false;
    this.costs = { ...DEFAULT_COSTS, ...(opts.costs ?? {}) };
    this.gameWorkMs = Math.max(0, opts.gameWorkMs ?? 0);
    this.polls = Math.max(1, Math.floor(opts.xinputPollsPerFrame ?? 1));
    this.watchdog = Math.max(0, opts.watchdogInstructions ?? 50_000_000);
    this.watchdogMs = Math.max(0, opts.watchdogMs ?? 5000);
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
    return this.frameNo;
  }
  get generation(): number {
    return this.generationNo;
  }
  get samplingHz(): number {
    return this.hz_;
  }

  /** The engine's view_index as an eye: UE4 passes EStereoscopicPass (1 left, 2 right), UE5 0/1; -1 is no eye. */
  private eyeOf(viewIndex: number): Eye {
    const left = this.engine === 'ue4' ? 1 : 0;
    return viewIndex === left ? 0 : viewIndex === left + 1 ? 1 : -1;
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
  private deferred: Array<() => void> = [];
  private logsThisFrame = 0;
  private logsDropped = 0;
  /** A log line from Lua, bounded in length and in lines per frame. */
  private luaLog(level: LogLine['level'], text: string): void {
    if (++this.logsThisFrame > MAX_LOG_LINES_PER_FRAME) {
      this.logsDropped++;
      return;
    }
    if (text.length > MAX_LOG_CHARS) text = `${text.slice(0, MAX_LOG_CHARS)}… (${text.length} characters)`;
    this.later('log', { time: this.now(), level, text });
  }
  private endLogWindow(): void {
    if (this.logsDropped > 0) {
      this.emit('log', { time: this.now(), level: 'warn', text: `${this.logsDropped} more log lines dropped (over ${MAX_LOG_LINES_PER_FRAME} in one frame)` });
    }
    this.logsThisFrame = 0;
    this.logsDropped = 0;
  }
  private inLua = 0;
  private later<K extends keyof BackendListener>(kind: K, arg: Parameters<NonNullable<BackendListener[K]>>[0]): void {
    if (this.inLua > 0) this.deferred.push(() => this.emit(kind, arg));
    else this.emit(kind, arg);
  }
  private flushDeferred(): void {
    const q = this.deferred;
    if (q.length === 0) return;
    this.deferred = [];
    for (const f of q) f();
  }
  /** Runs a Lua entry (pcall from the host) with events deferred; the caller flushes after its timing. */
  private luaEntry<T>(fn: () => T): T {
    this.inLua++;
    try {
      return fn();
    } finally {
      this.inLua--;
    }
  }

  private emit<K extends keyof BackendListener>(kind: K, arg: Parameters<NonNullable<BackendListener[K]>>[0]): void {
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
    return this.regs.slice();
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
    this.hz_ = Math.min(c.maxSamplingHz, Math.max(c.minSamplingHz, Number.isFinite(hz) ? hz : 1000));
    this.periodMs = 1000 / this.hz_;
    this.nextPoint = this.scriptAcc + this.jitter();
  }
  stopSampling(): void {
    this.hz_ = 0;
    // Deliver what is buffered now, synchronously, so a capture stopped here gets every sample.
    const batch = this.interner.take();
    if (batch) this.emit('samples', batch);
  }
  private jitter(): number {
    return this.periodMs * (0.7 + 0.6 * this.rand()); // ±30 %
  }
  private sampleCount(): number {
    return SAMPLE_COUNT;
  }

  // ------------------------------------------------------------------ boot / reset / dispose
  async boot(): Promise<void> {
    this.gen = this.createGeneration();
  }

  private createGeneration(): Generation {
    const lua = new RawLua(this.wasm, this.memoryLimit);
    lua.lua.luaL_openlibs(lua.L);
    this.sourceCache.clear();
    this.apiNames = [];
    const hookPtr = lua.hookfunction((L, ar) => this.onHook(L, ar));
    const g: Generation = { lua, dispatchRef: 0, gcRef: 0, eventRef: 0, memRef: 0, statsRef: 0, hookPtr, files: [] };
    this.gen = g;
    this.resetWatch();

    // The host prelude: chunk "=uevr-host", called with the private native table H.
    const prelude = hostPrelude(costsAsLua(this.costs), this.opts.seed ?? 1, this.opts.hookCallsPerFrame ?? 2, this.engine, this.gc);
    const err = lua.load(prelude, HOST_CHUNK);
    if (err) throw new Error(`uevr-sim: host prelude does not compile: ${err}`);
    lua.pushFunctionTable(this.hostNatives(lua));
    const perr = lua.pcall(1, 5);
    if (perr) throw new Error(`uevr-sim: host prelude failed: ${perr}`);
    g.statsRef = lua.ref();
    g.memRef = lua.ref();
    g.eventRef = lua.ref();
    g.gcRef = lua.ref();
    g.dispatchRef = lua.ref();

    // The native plugin's part of the agent contract.
    lua.pushFunctionTable(this.profilerNatives(lua));
    lua.pushnumber(lua.L, AGENT_CONTRACT_VERSION);
    lua.lua.lua_setfield(lua.L, -2, 'version');
    lua.pushstring(lua.L, 'simulator');
    lua.lua.lua_setfield(lua.L, -2, 'host');
    lua.setglobal('uevr_profiler');

    if (this.watchdog > 0) this.arm(lua.L, WATCH_STEP);

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
  private runScript(file: string): boolean {
    const g = this.gen!;
    let code: string;
    try {
      code = readFileSync(file, 'utf8');
    } catch (e) {
      this.scriptError(`cannot read ${file}: ${(e as Error).message}`, file, 0);
      return false;
    }
    const lerr = g.lua.load(asLuaFile(code), '@' + file);
    if (lerr) {
      this.reportLuaError(lerr, file, 0);
      this.flushDeferred();
      return false;
    }
    this.resetWatch();
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
    return this.serial(async () => {
      if (!this.gen) return;
      this.callDispatch(CB_INDEX.on_script_reset, -1, 0);
      this.closeGeneration();
      this.generationNo += 1;
      this.regs = [];
      this.regById.clear();
      this.emit('scriptReset', { time: this.now(), generation: this.generationNo });
      this.gen = this.createGeneration();
    });
  }

  private closeGeneration(): void {
    if (!this.gen) return;
    try {
      this.gen.lua.close();
    } catch {
      // A state a hostile mod broke may fail to close; its wasm instance is dropped with the session.
    }
    this.gen = null;
    this.open = [];
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.stop();
    await this.serial(async () => {
      this.disposed = true;
      this.closeGeneration();
    });
    this.emit('ended', 'disposed');
    this.listeners = [];
  }

  // ------------------------------------------------------------------ frame loop
  private serial(fn: () => Promise<void>): Promise<void> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  runFrames(n: number): Promise<void> {
    return this.serial(async () => {
      for (let i = 0; i < n && !this.disposed; i++) {
        const started = performance.now();
        this.frame();
        if (this.realtime) {
          const wait = 1000 / this.hz - (performance.now() - started);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        } else if ((i & 15) === 15) {
          await new Promise((r) => setImmediate(r)); // keep sockets and timers served
        }
      }
    });
  }

  start(): void {
    if (this.running || this.disposed) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running && !this.disposed) {
        await this.runFrames(this.realtime ? 1 : 16);
        if (!this.realtime) await new Promise((r) => setImmediate(r));
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
      const g = this.gen;
      if (!g) return;
      g.lua.pushref(g.eventRef);
      g.lua.pushstring(g.lua.L, name);
      g.lua.pushstring(g.lua.L, data);
      this.enterLua();
      const err = this.luaEntry(() => g.lua.pcall(2, 0));
      this.flushDeferred();
      if (err) this.reportLuaError(err, '', 0);
    });
  }

  private frame(): void {
    const g = this.gen;
    if (!g) return;
    const frameStart = this.now();
    const t = performance.now();
    this.frameNo += 1;
    this.costsThisFrame.clear();
    this.cbSumMs = 0;
    this.dispatchMs = 0;
    this.overheadMs = 0;
    const delta = 1 / this.hz;

    // UEVR's order (LuaLoader / ScriptState::on_frame, the engine-tick hooks): on_frame, the GC step, the
    // UI; then on_pre_engine_tick, the engine tick (game work, hooked UFunctions, input, and the
    // stereo-view-offset and viewport-draw callbacks the tick causes), on_post_engine_tick; the slate
    // draw runs on the render thread (here: after, in order).
    this.callDispatch(CB_INDEX.on_frame, -1, delta);
    const gcT = performance.now();
    const mem = this.callGc();
    const gcMs = performance.now() - gcT;
    if (this.menuOpen) this.callDispatch(CB_INDEX.on_draw_ui, -1, delta);
    this.callDispatch(CB_INDEX.on_pre_engine_tick, -1, delta);
    this.stolen += burn(this.gameWorkMs * 1000);
    for (let p = 0; p < this.polls; p++) this.callDispatch(CB_INDEX.on_xinput_get_state, -1, delta);
    this.callDispatch(CB_INDEX.on_xinput_set_state, -1, delta);
    this.callDispatch(0, -1, delta); // hook_ptr'd engine functions called during the game tick
    const first = this.engine === 'ue4' ? 1 : 0; // the engine's own view_index values
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
    const agentTimed = this.regs.length > 0;
    const m: FrameMetrics = {
      frame: this.frameNo,
      start: frameStart,
      frameMs: this.realtime ? Math.max(1000 / this.hz, work) : work,
      scriptsMs: agentTimed ? this.cbSumMs : this.dispatchMs,
      gcMs,
      luaMemoryKb: mem,
      overheadMs: this.overheadMs,
      callbacks: [...this.costsThisFrame.values()],
    };
    this.endLogWindow();
    this.emit('frame', m);
    const batch = this.interner.take();
    if (batch) this.emit('samples', batch);
  }

  private enterLua(): void {
    this.resetWatch();
    this.apiDepth = 0;
  }

  private callDispatch(kind: number, viewIndex: number, delta: number): void {
    const g = this.gen;
    if (!g) return;
    const t = performance.now();
    const stolen0 = this.stolen;
    g.lua.pushref(g.dispatchRef);
    g.lua.pushnumber(g.lua.L, kind);
    g.lua.pushnumber(g.lua.L, viewIndex);
    g.lua.pushnumber(g.lua.L, delta);
    this.enterLua();
    const err = this.luaEntry(() => g.lua.pcall(3, 0));
    this.open = [];
    this.dispatchMs += performance.now() - t - (this.stolen - stolen0);
    this.flushDeferred();
    if (err) this.reportLuaError(err, '', 0);
  }

  private callGc(): number {
    const g = this.gen!;
    g.lua.pushref(g.gcRef);
    this.enterLua();
    const err = this.luaEntry(() => g.lua.pcall(0, 1));
    if (err) {
      this.reportLuaError(err, '', 0);
      return NaN;
    }
    const kb = g.lua.tonumber(g.lua.L, -1);
    g.lua.settop(-2);
    return kb;
  }

  // ------------------------------------------------------------------ errors and logs
  private scriptError(message: string, file: string, line: number): void {
    this.later('scriptError', { time: this.now(), file, line, message });
  }

  /** Splits "chunk:line: message" (Lua's position prefix) and maps a cut short_src back to the full path. */
  private reportLuaError(raw: string, fallbackFile: string, fallbackLine: number): void {
    const m = /^(.*?):(\d+): ([\s\S]*)$/.exec(raw);
    if (m) this.scriptError(m[3], this.mapShortSrc(m[1]), Number(m[2]));
    else this.scriptError(raw, fallbackFile, fallbackLine);
  }
  private mapShortSrc(src: string): string {
    const files = this.gen?.files ?? [];
    if (src.startsWith('...')) {
      const tail = src.slice(3);
      return files.find((f) => f.endsWith(tail)) ?? [...this.modulePaths].find((f) => f.endsWith(tail)) ?? src;
    }
    return src;
  }

  // ------------------------------------------------------------------ natives: the host's private H
  private hostNatives(lua: RawLua): Record<string, number> {
    const L0 = lua.L;
    void L0;
    return {
      burn: lua.cfunction((L) => {
        this.stolen += burn(lua.tonumber(L, 1));
        return 0;
      }),
      // newud(mt): a fresh full userdata with metatable mt (the surface's sol2 objects).
      newud: lua.cfunction((L) => {
        lua.pushUserdata(L, 1);
        return 1;
      }),
      api_id: lua.cfunction((L) => {
        this.apiNames.push(lua.tostring(L, 1));
        lua.pushnumber(L, this.apiNames.length - 1);
        return 1;
      }),
      api_enter: lua.cfunction((L) => {
        if (this.apiDepth++ === 0) {
          this.apiCur = lua.tonumber(L, 1);
          this.apiStart = performance.now();
          if (this.hz_ > 0 && this.open.length > 0) this.apiStartS = this.scriptNow(this.apiStart);
        }
        return 0;
      }),
      api_leave: lua.cfunction((L) => {
        if (this.apiDepth > 0 && --this.apiDepth === 0) {
          this.apiDone(L);
          // A loop of API calls runs few Lua instructions: check the time budget here too.
          if (this.tripped || this.overTime(performance.now())) {
            const where = this.modWhere(L);
            if (where) this.raiseWatchdog(L, where);
          }
        }
        return 0;
      }),
      clock: lua.cfunction((L) => {
        lua.pushnumber(L, this.now());
        return 1;
      }),
      log: lua.cfunction((L) => {
        const lv = lua.tonumber(L, 1);
        this.luaLog(lv >= 2 ? 'error' : lv >= 1 ? 'warn' : 'info', lua.tostring(L, 2));
        return 0;
      }),
      script_error: lua.cfunction((L) => {
        const src = lua.tostring(L, 2);
        let file = src.startsWith('@') ? src.slice(1) : src;
        let line = lua.tonumber(L, 3);
        // A message without a position ("not enough memory", error(obj)) from a proxied callback: name the
        // registration, not the agent's proxy.
        const reg = this.regById.get(this.lastLeft);
        if (file === this.agentFile && reg) ({ file, line } = reg);
        this.reportLuaError(lua.tostring(L, 1), file, line);
        return 0;
      }),
      instances: lua.cfunction((L) => {
        lua.pushnumber(L, instancesOf(lua.tostring(L, 1), this.costs));
        return 1;
      }),
      read_script: lua.cfunction((L) => {
        const name = lua.tostring(L, 1);
        // UEVR's run_script puts the scripts folder on package.path only while a script's main chunk
        // runs and restores the previous path after it (ScriptState.cpp): a require first reached from
        // a callback does not search the folder in a game either.
        if (!this.loading) {
          lua.pushnil(L);
          lua.pushstring(L, `no file in the scripts folder: UEVR searches it only while a script loads (ScriptState::run_script restores package.path afterwards)`);
          return 2;
        }
        const found = this.finder!.find(name);
        if (found.kind === 'found') {
          this.modulePaths.add(found.path);
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
        this.luaLog('info', `custom event ${lua.tostring(L, 1)}: ${lua.tostring(L, 2)}`);
        return 0;
      }),
      watch_reset: lua.cfunction(() => {
        this.resetWatch();
        this.apiDepth = 0;
        return 0;
      }),
    };
  }

  // ------------------------------------------------------------------ natives: uevr_profiler (plugin's part)
  private profilerNatives(lua: RawLua): Record<string, number> {
    return {
      clock: lua.cfunction((L) => {
        lua.pushnumber(L, this.now());
        return 1;
      }),
      register: lua.cfunction((L) => {
        const t = performance.now();
        const name = lua.tostring(L, 1);
        // register(name, level[, file, line]): a late-attached agent passes the site it recorded.
        const site =
          lua.type(L, 3) === 4 /* string */
            ? { file: this.mapShortSrc(lua.tostring(L, 3)), line: Math.floor(lua.tonumber(L, 4)) || 0 }
            : this.siteAt(L, Math.max(1, Math.floor(lua.tonumber(L, 2)) || 2));
        const info: CallbackInfo = { id: this.nextCallbackId++, name, file: site.file, line: site.line, generation: this.generationNo };
        this.regs.push(info);
        this.regById.set(info.id, info);
        this.later('callbackRegistered', info);
        lua.pushnumber(L, info.id);
        lua.pushstring(L, info.file);
        lua.pushnumber(L, info.line);
        this.overheadMs += performance.now() - t;
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
        const eye = this.eyeOf(e);
        if (this.open.length === 0 && this.hz_ > 0) this.arm(L, this.sampleCount());
        const end = performance.now();
        if (this.open.length === 0) {
          this.enterT = end;
          this.enterProf = this.profilerMs;
          this.enterStolen = this.stolen;
          this.lastFire = end;
        }
        this.open.push({ id, eye, start: end, profilerMsAtStart: this.profilerMs, stolenAtStart: this.stolen });
        this.overheadMs += end - t;
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
          const ms = Math.max(0, t - top.start - (this.profilerMs - top.profilerMsAtStart) - (this.stolen - top.stolenAtStart));
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
            this.scriptAcc = this.scriptNow(t);
          }
        }
        if (this.open.length === 0) {
          if (this.watchdog > 0) this.arm(L, WATCH_STEP);
          else this.disarm(L);
        }
        this.overheadMs += performance.now() - t;
        return 0;
      }),
      reset: lua.cfunction(() => 0),
      // warn(text): the agent says once what it could not wrap.
      warn: lua.cfunction((L) => {
        this.luaLog('warn', `profiler agent: ${lua.tostring(L, 1)}`);
        return 0;
      }),
    };
  }

  /** file and line of the function `level` levels above the calling C function (0 = that C function). */
  private siteAt(L: LuaState, level: number): { file: string; line: number } {
    const lua = this.gen!.lua;
    const ar = lua.arBuf;
    if (!lua.getstack(L, level, ar)) return { file: '', line: 0 };
    lua.getinfo(L, 'Sl', ar);
    const src = this.source(lua, ar);
    return { file: src.startsWith('@') ? src.slice(1) : src, line: lua.i32(ar + AR.currentline) };
  }

  private source(lua: RawLua, ar: number): string {
    const p = lua.i32(ar + AR.source);
    let s = this.sourceCache.get(p);
    if (s === undefined) {
      s = lua.cstr(p);
      this.sourceCache.set(p, s);
    }
    return s;
  }

  // ------------------------------------------------------------------ hook: watchdog + sampler
  private arm(L: LuaState, count: number): void {
    const g = this.gen;
    if (!g) return;
    this.armedCount = count;
    g.lua.sethook(L, g.hookPtr, LUA_MASKCOUNT, count);
  }
  private disarm(L: LuaState): void {
    const g = this.gen;
    if (!g) return;
    this.armedCount = 0;
    g.lua.sethook(L, 0, 0, 0);
  }
  private resetWatch(): void {
    this.instr = 0;
    this.entryStart = performance.now();
    if (this.tripped && this.gen) {
      this.tripped = false;
      if (this.watchdog > 0) this.arm(this.gen.lua.L, WATCH_STEP);
      else this.disarm(this.gen.lua.L);
    }
  }

  private overTime(t: number): boolean {
    return this.watchdogMs > 0 && t - this.entryStart > this.watchdogMs;
  }

  /** Trips the watchdog: from now on every VM instruction in mod code raises, until the next callback. */
  private raiseWatchdog(L: LuaState, where: string): never {
    const reason = this.overTime(performance.now())
      ? `ran for more than ${this.watchdogMs} ms`
      : `ran more than ${this.watchdog} Lua instructions`;
    this.tripped = true;
    this.arm(L, 1);
    return this.gen!.lua.error(L, `${where}: watchdog: the script ${reason} without returning (infinite loop?)`);
  }

  /** The calling mod line (short_src:currentline) of a native called from host code, or null. */
  private modWhere(L: LuaState): string | null {
    const lua = this.gen!.lua;
    const ar = lua.arBuf;
    for (let level = 0; level < MAX_DEPTH && lua.getstack(L, level, ar); level++) {
      lua.getinfo(L, 'Sl', ar);
      if (lua.u8(lua.i32(ar + AR.what)) === 67 /* 'C' */) continue;
      if (this.isProfilerOrHost(this.source(lua, ar))) continue;
      return `${lua.cstr(ar + AR.shortSrc)}:${lua.i32(ar + AR.currentline)}`;
    }
    return null;
  }

  private isProfilerOrHost(src: string): boolean {
    return src === HOST_CHUNK || (this.agentFile !== '' && src === '@' + this.agentFile);
  }

  private onHook(L: LuaState, _ar: number): void {
    const lua = this.gen!.lua;
    const t = performance.now();
    this.instr += this.armedCount;
    if (this.tripped || (this.watchdog > 0 && this.instr > this.watchdog) || this.overTime(t)) {
      // Raise only in mod code: host and agent frames must be able to unwind and report.
      const ar = lua.arBuf;
      if (lua.getstack(L, 0, ar)) {
        lua.getinfo(L, 'Sl', ar);
        const src = this.source(lua, ar);
        if (!this.isProfilerOrHost(src)) this.raiseWatchdog(L, `${lua.cstr(ar + AR.shortSrc)}:${lua.i32(ar + AR.currentline)}`);
      }
      this.tripped = true;
      this.arm(L, 1);
      return;
    }
    const sampling = this.hz_ > 0 && this.open.length > 0;
    if (sampling) {
      const gap = t - this.lastFire;
      if (gap > STEAL_GAP_MS && this.apiDepth === 0) this.stolen += gap - HOOK_CHUNK_MS;
      this.lastFire = t;
      if (this.apiDepth === 0) {
        const w = this.pointsUpTo(this.scriptNow(t));
        if (w > 0) this.recordSample(L, w, -1, t);
      }
      // No re-arm: the count stays armed (sample points are jittered in time, not in instructions),
      // which saves a lua_sethook per hook call.
      const spent = performance.now() - t;
      this.profilerMs += spent;
      this.overheadMs += spent;
    } else if (this.armedCount !== WATCH_STEP) {
      if (this.watchdog > 0) this.arm(L, WATCH_STEP);
      else this.disarm(L);
    }
  }

  /** Script time now: callback time so far, minus the profiler's own time inside callbacks. */
  private scriptNow(t: number): number {
    return this.scriptAcc + (t - this.enterT) - (this.profilerMs - this.enterProf) - (this.stolen - this.enterStolen);
  }

  /**
   * Consumes the sample points up to script time s; returns their weight. Each point stands for the
   * jittered gap that follows it ("weight ahead"): that weight does not depend on where the point fell,
   * so shares are unbiased whatever order the functions run in, and the weights add up to script time.
   */
  private pointsUpTo(s: number): number {
    let w = 0;
    while (this.nextPoint <= s) {
      const g = this.jitter();
      w += g;
      this.nextPoint += g;
    }
    return w;
  }

  /** A modelled API call ended: points that fell inside it become a Native sample on the calling line. */
  private apiDone(L: LuaState): void {
    if (this.hz_ <= 0 || this.open.length === 0) return;
    const t = performance.now();
    this.lastFire = t; // an API call's length is work, not a preemption
    const before = this.pointsUpTo(this.apiStartS); // Lua time the hook did not reach before the call
    const inside = this.pointsUpTo(this.scriptNow(t));
    if (before > 0) this.recordSample(L, before, -1, t);
    if (inside > 0) this.recordSample(L, inside, this.apiCur, t);
    if (before > 0 || inside > 0) {
      const spent = performance.now() - t;
      this.profilerMs += spent;
      this.overheadMs += spent;
    }
  }

  /** Walks the Lua stack and records one sample: callback root, Lua frames, and a Native frame when apiId >= 0. */
  private recordSample(L: LuaState, weight: number, apiId: number, t: number): void {
    const top = this.open[this.open.length - 1];
    if (!top) return;
    const lua = this.gen!.lua;
    const ar = lua.arBuf;
    const frames: number[] = [];
    let callFile = '';
    let callLine = 0;
    for (let level = 0; level < MAX_DEPTH && lua.getstack(L, level, ar); level++) {
      lua.getinfo(L, 'Sln', ar);
      const what = lua.u8(lua.i32(ar + AR.what));
      if (what === 67 /* 'C' */) continue;
      const src = this.source(lua, ar);
      if (this.isProfilerOrHost(src)) continue;
      const file = src.startsWith('@') ? src.slice(1) : src;
      const defined = lua.i32(ar + AR.linedefined);
      if (callFile === '') {
        callFile = file;
        callLine = lua.i32(ar + AR.currentline);
      }
      const namePtr = lua.i32(ar + AR.name);
      const name =
        what === 109 /* 'm'ain */
          ? 'main chunk'
          : namePtr
            ? lua.cstr(namePtr)
            : `function <${basename(file)}:${defined}>`;
      frames.push(this.interner.frame(`f:${file}:${defined}`, name, file, defined, 0));
    }
    const reg = this.regById.get(top.id);
    let stack = this.interner.stack(
      -1,
      this.interner.frame(`cb:${top.id}`, reg?.name ?? 'callback', reg?.file ?? '', reg?.line ?? 0, 2),
    );
    for (let i = frames.length - 1; i >= 0; i--) stack = this.interner.stack(stack, frames[i]);
    if (apiId >= 0) {
      const apiName = this.apiNames[apiId] ?? 'native';
      stack = this.interner.stack(stack, this.interner.frame(`n:${apiId}:${callFile}:${callLine}`, apiName, callFile, callLine, 1));
    }
    this.interner.sample(stack, t - this.t0, weight, this.frameNo);
  }
}

/** The callback names the simulator dispatches, for documentation and tests. */
export const SIM_CALLBACKS: readonly CallbackName[] = CALLBACK_NAMES;
