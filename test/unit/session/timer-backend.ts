// A small but real SessionBackend for protocol tests: it runs a frame loop on a timer, registers
// callbacks, emits per-frame costs, and while sampling emits interned sample batches. It stands in
// for the simulator (src/core/sim) so the server can be tested on its own; it is not a mock of the
// server (the thing under test).
import type {
  BackendListener,
  CallbackInfo,
  FrameMetrics,
  SampleBatch,
  SessionBackend,
  SessionClock,
} from '../../../src/core/protocol/types';

export class TimerBackend implements SessionBackend, SessionClock {
  readonly info = { game: 'TestGame', pid: process.pid, kind: 'simulator' as const, refreshRateHz: 90, hostVersion: 'test' };
  readonly capabilities = { sampling: true, minSamplingHz: 10, maxSamplingHz: 10_000, perEyeCallbacks: true, scriptReset: true };
  private readonly listeners = new Set<BackendListener>();
  private readonly regs: CallbackInfo[] = [
    { id: 1, name: 'on_pre_engine_tick', file: 'mod.lua', line: 3, generation: 0 },
    { id: 2, name: 'on_early_calculate_stereo_view_offset', file: 'mod.lua', line: 9, generation: 0 },
  ];
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private clock = 0;
  samplingHz = 0;
  private sentStackDefs = false;
  /** Samples per frame while sampling. */
  samplesPerFrame = 5;
  /** Extra (fake) callback cost rows per frame, to make frames big in flood tests. */
  extraCallbacks = 0;

  constructor(private readonly frameMs = 11.1, intervalMs = 5) {
    this.timer = setInterval(() => this.step(), intervalMs);
  }

  now(): number {
    return this.clock;
  }

  callbacks(): CallbackInfo[] {
    return [...this.regs];
  }

  subscribe(l: BackendListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  startSampling(hz: number): void {
    this.samplingHz = hz;
  }

  stopSampling(): void {
    this.samplingHz = 0;
  }

  async resetScripts(): Promise<void> {
    this.emit((l) => l.scriptReset?.({ time: this.clock, generation: 1 }));
  }

  log(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.emit((l) => l.log?.({ time: this.clock, level, text }));
  }

  end(reason: string): void {
    clearInterval(this.timer);
    this.emit((l) => l.ended?.(reason));
  }

  async dispose(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One frame: 1 ms in the tick callback, 0.5 ms per eye in the stereo callback. */
  step(): void {
    const start = this.clock;
    const m: FrameMetrics = {
      frame: this.frame,
      start,
      frameMs: this.frameMs,
      scriptsMs: 2,
      gcMs: 0.1,
      luaMemoryKb: 512,
      overheadMs: 0.01,
      callbacks: [
        { id: 1, eye: -1, ms: 1, calls: 1 },
        { id: 2, eye: 0, ms: 0.5, calls: 1 },
        { id: 2, eye: 1, ms: 0.5, calls: 1 },
        ...Array.from({ length: this.extraCallbacks }, (_, i) => ({ id: 100 + i, eye: -1 as const, ms: 0.001, calls: 1 })),
      ],
    };
    if (this.samplingHz > 0) {
      const b: SampleBatch = { newFrames: [], newStacks: [], samples: [] };
      if (!this.sentStackDefs) {
        this.sentStackDefs = true;
        b.newFrames.push(
          { id: 0, name: 'on_pre_engine_tick', file: 'mod.lua', line: 3, kind: 2 },
          { id: 1, name: 'update', file: 'mod.lua', line: 20, kind: 0 },
          { id: 2, name: 'find_uobject', file: '', line: 0, kind: 1 },
        );
        // As a session sends them: the root and the Native frame without a current line, update() on line 21.
        b.newStacks.push([0, -1, 0, 0], [1, 0, 1, 21], [2, 1, 2, 0]);
      }
      for (let i = 0; i < this.samplesPerFrame; i++) b.samples.push([i % 3, start + i * 0.2, 0.2, this.frame]);
      this.emit((l) => l.samples?.(b));
    }
    this.clock += this.frameMs;
    this.frame++;
    this.emit((l) => l.frame?.(m));
  }

  private emit(fn: (l: BackendListener) => void): void {
    for (const l of [...this.listeners]) fn(l);
  }
}
