// What a profiling session serves, independent of where the game runs. The simulated UEVR session
// (src/core/sim) implements SessionBackend in-process; the protocol server (src/core/session/server.ts)
// exposes any SessionBackend over the DAP-framed loopback protocol; the native plugin implements the
// same protocol in C++. Types only, no I/O: every side imports this file.

/** Which eye a stereo callback ran for: -1 not a stereo callback, 0 left/first, 1 right/second. */
export type Eye = -1 | 0 | 1;

export interface SessionInfo {
  game: string;
  pid: number;
  /** 'simulator' for the built-in simulated session, 'native' for the in-game plugin. */
  kind: 'simulator' | 'native';
  /** The refresh rate the session runs at (Hz), when known. */
  refreshRateHz: number;
  /** UEVR / plugin API version when known (native), the simulator's version otherwise. */
  hostVersion: string;
}

export interface BackendCapabilities {
  /** Lua stack sampling is available. */
  sampling: boolean;
  minSamplingHz: number;
  maxSamplingHz: number;
  /** Stereo callbacks are reported per eye. */
  perEyeCallbacks: boolean;
  /** The session can reset scripts on request. */
  scriptReset: boolean;
}

/** A callback registration seen by the agent (UEVR callback or hook_ptr), by registration site. */
export interface CallbackInfo {
  /** Stable for the life of a script generation; ids are not reused after a reset. */
  id: number;
  /** 'on_pre_engine_tick', …, or 'hook_ptr:pre:<UFunction full name>' / 'hook_ptr:post:…'. */
  name: string;
  /** Chunk name / script path as the game reports it, and the 1-based line of the registration. */
  file: string;
  line: number;
  /** Script generation (incremented by each script reset). */
  generation: number;
}

/** Cost of one callback (one eye for stereo callbacks) in one frame. */
export interface CallbackFrameCost {
  id: number;
  eye: Eye;
  /** Summed duration of all its calls in this frame (ms, host clock). */
  ms: number;
  calls: number;
}

/** One game frame. Times are ms on the session's monotonic clock (0 = session start). */
export interface FrameMetrics {
  frame: number;
  start: number;
  /** Whole frame time (start of this frame to start of the next). */
  frameMs: number;
  /** Time in Lua callbacks (sum of `callbacks[].ms`, excluding the agent's own cost). */
  scriptsMs: number;
  /** The Lua GC step UEVR runs once per frame. */
  gcMs: number;
  luaMemoryKb: number;
  /** The profiler's own cost in this frame (wrappers, sampling hooks), measured by the agent. */
  overheadMs: number;
  callbacks: CallbackFrameCost[];
}

/** A frame of a sampled stack. kind: 0 Lua function, 1 native/host API call, 2 callback root, 3 other. */
export interface SampledFrameInfo {
  id: number;
  name: string;
  file: string;
  line: number;
  kind: 0 | 1 | 2 | 3;
}

/** One stack definition: [id, parent, frame, line]. line is optional on input (older senders): 0. */
export type StackDef = [id: number, parent: number, frame: number, line?: number];

/**
 * Samples since the previous batch. Frames and stacks are interned by the backend: a batch carries
 * only the definitions it introduces; ids stay valid for the whole session (across batches).
 */
export interface SampleBatch {
  newFrames: SampledFrameInfo[];
  /**
   * New stacks: stack id, parent stack id (-1 for a root), frame id, and the line the frame was
   * executing (its current line, 1-based; 0 or absent = unknown, as for callback roots and Native
   * frames). Stacks are interned by (parent, frame, line): one function on two lines is two stacks.
   */
  newStacks: Array<StackDef>;
  /** Samples: stack id, time (ms, session clock), weight (ms this sample stands for), game frame. */
  samples: Array<[stack: number, time: number, weight: number, frame: number]>;
}

export interface LogLine {
  time: number;
  level: 'info' | 'warn' | 'error';
  text: string;
}

/** A Lua error raised by a mod, reported as UEVR would (and the session keeps running). */
export interface ScriptError {
  time: number;
  file: string;
  line: number;
  message: string;
}

export interface ScriptReset {
  time: number;
  /** The new script generation. */
  generation: number;
}

export interface BackendListener {
  frame?(m: FrameMetrics): void;
  samples?(b: SampleBatch): void;
  callbackRegistered?(c: CallbackInfo): void;
  log?(l: LogLine): void;
  scriptError?(e: ScriptError): void;
  scriptReset?(r: ScriptReset): void;
  /** The backend ended (game exited, simulator stopped). */
  ended?(reason: string): void;
}

export interface SessionBackend {
  readonly info: SessionInfo;
  readonly capabilities: BackendCapabilities;
  /** Current registrations (so a late subscriber can learn them). */
  callbacks(): CallbackInfo[];
  /** Returns an unsubscribe function. Listeners are called synchronously, in order. */
  subscribe(listener: BackendListener): () => void;
  /** Starts stack sampling at the given rate (clamped to the capabilities); samples go to listeners. */
  startSampling(hz: number): void;
  stopSampling(): void;
  /** Resets scripts as UEVR's "Reset scripts" does (when capabilities.scriptReset). */
  resetScripts(): Promise<void>;
  /** Stops the session and releases everything it holds. */
  dispose(): Promise<void>;
}

/**
 * Optional extension (added for the protocol server, compatible with every existing backend):
 * a backend that can read its session clock implements `SessionClock`, so the server can stamp
 * `startCapture`/`stopCapture` with the same clock as frames and samples. Without it the server uses
 * the end of the last frame it saw. A backend should also deliver, synchronously from
 * `stopSampling()`, any samples it still buffers, so they reach the capture before it ends.
 */
export interface SessionClock {
  /** Milliseconds on the session's monotonic clock (the clock of FrameMetrics.start). */
  now(): number;
}
