// Builds a Profile row by row. Frames are interned by (name, file, line, kind) and stacks by
// (parent, frame, current line), so importers can feed raw stacks and get the shared prefix tree for free.
// Invariant the derived views rely on: a stack's parent always has a smaller id than the stack.

import { GrowableColumn } from './growable';
import { PositionMap } from './pairMap';
import type { Profile, WeightUnit } from './types';

export interface ProfileBuilderOptions {
  name: string;
  source: string;
  weightUnit: WeightUnit;
}

export class ProfileBuilder {
  readonly meta: Record<string, string | number | boolean> = {};
  /** Set explicitly when the format knows its span; otherwise derived from the samples. */
  durationMs: number | undefined;

  private readonly frameIds = new Map<string, number>();
  private readonly frameName: string[] = [];
  private readonly frameFile: string[] = [];
  private readonly frameLine = new GrowableColumn(Int32Array, 256);
  private readonly frameKind = new GrowableColumn(Uint8Array, 256);

  /** (parent, frame, current line) → stack. */
  private readonly stackIds = new PositionMap(1024);
  private readonly stackParent = new GrowableColumn(Int32Array, 1024);
  private readonly stackFrame = new GrowableColumn(Int32Array, 1024);
  private readonly stackLine = new GrowableColumn(Int32Array, 1024);

  private readonly sampleStack = new GrowableColumn(Int32Array, 4096);
  private readonly sampleWeight = new GrowableColumn(Float64Array, 4096);
  private readonly sampleTime = new GrowableColumn(Float64Array, 4096);
  private timesSorted = true;

  private readonly gf = {
    index: new GrowableColumn(Float64Array, 64),
    start: new GrowableColumn(Float64Array, 64),
    duration: new GrowableColumn(Float64Array, 64),
    scriptsMs: new GrowableColumn(Float64Array, 64),
    gcMs: new GrowableColumn(Float64Array, 64),
    luaMemoryKb: new GrowableColumn(Float64Array, 64),
  };
  private readonly cbName: string[] = [];
  private readonly cbFile: string[] = [];
  private readonly cbLine = new GrowableColumn(Int32Array, 16);
  private readonly ct = {
    gameFrame: new GrowableColumn(Int32Array, 64),
    callback: new GrowableColumn(Int32Array, 64),
    eye: new GrowableColumn(Int8Array, 64),
    start: new GrowableColumn(Float64Array, 64),
    duration: new GrowableColumn(Float64Array, 64),
  };

  constructor(private readonly opts: ProfileBuilderOptions) {}

  get frameCount(): number {
    return this.frameName.length;
  }
  get stackCount(): number {
    return this.stackParent.length;
  }
  get sampleCount(): number {
    return this.sampleStack.length;
  }

  /** Interned frame id for (name, file, line, kind). kind: FrameKind (0 Lua, 1 native, 2 callback, 3 other). */
  frame(name: string, file = '', line = 0, kind = 3): number {
    const key = `${kind}\u0000${line}\u0000${file}\u0000${name}`;
    let id = this.frameIds.get(key);
    if (id === undefined) {
      id = this.frameName.length;
      this.frameIds.set(key, id);
      this.frameName.push(name);
      this.frameFile.push(file);
      this.frameLine.push(line | 0);
      this.frameKind.push(kind);
    }
    return id;
  }

  /**
   * Interned stack id for `parent` (-1 for a root) + `frame` executing `line` (its current line;
   * 0 = unknown). A line that is not a positive 32-bit integer is stored as unknown.
   */
  stack(parent: number, frame: number, line = 0): number {
    const ln = line > 0 && line <= 0x7fffffff ? Math.floor(line) : 0;
    let id = this.stackIds.get(parent, frame, ln);
    if (id < 0) {
      id = this.pushStack(parent, frame, ln);
      this.stackIds.set(parent, frame, ln, id);
    }
    return id;
  }

  /** The frame of stack `s` (an id this builder returned). */
  frameOfStack(s: number): number {
    return this.stackFrame.get(s);
  }

  private pushStack(parent: number, frame: number, line: number): number {
    this.stackParent.push(parent);
    this.stackFrame.push(frame);
    this.stackLine.push(line);
    return this.stackParent.length - 1;
  }

  /** Stack id for frames listed root first (with their current lines, when known); -1 for an empty list. */
  stackOf(frames: ArrayLike<number>, parent = -1, lines?: ArrayLike<number>): number {
    let s = parent;
    for (let i = 0; i < frames.length; i++) s = this.stack(s, frames[i], lines ? lines[i] : 0);
    return s;
  }

  /** Appends a sample. stack -1 (idle) is allowed and kept: it carries time but no frames. */
  sample(stack: number, weight: number, timeMs: number): void {
    const n = this.sampleTime.length;
    // Time order is an invariant of the model; a non-finite time (corrupt input) takes the
    // previous sample's time rather than breaking the ordering.
    if (!Number.isFinite(timeMs)) timeMs = n > 0 ? this.sampleTime.get(n - 1) : 0;
    if (n > 0 && timeMs < this.sampleTime.get(n - 1)) this.timesSorted = false;
    this.sampleStack.push(stack);
    this.sampleWeight.push(weight);
    this.sampleTime.push(timeMs);
  }

  /** Appends samples in bulk (parallel arrays of equal length); much cheaper than one call each. */
  samplesBulk(stacks: Int32Array, weights: Float64Array, timesMs: Float64Array): void {
    const n = stacks.length;
    if (weights.length !== n || timesMs.length !== n) throw new RangeError('samplesBulk: arrays differ in length');
    let prev = this.sampleTime.length ? this.sampleTime.get(this.sampleTime.length - 1) : -Infinity;
    for (let i = 0; i < n && this.timesSorted; i++) {
      if (timesMs[i] < prev) this.timesSorted = false;
      prev = timesMs[i];
    }
    this.sampleStack.pushAll(stacks);
    this.sampleWeight.pushAll(weights);
    this.sampleTime.pushAll(timesMs);
  }

  gameFrame(index: number, startMs: number, durationMs: number, scriptsMs = 0, gcMs = NaN, luaMemoryKb = NaN): number {
    const g = this.gf;
    g.index.push(index);
    g.start.push(startMs);
    g.duration.push(durationMs);
    g.scriptsMs.push(scriptsMs);
    g.gcMs.push(gcMs);
    g.luaMemoryKb.push(luaMemoryKb);
    return g.index.length - 1;
  }

  callback(name: string, file = '', line = 0): number {
    this.cbName.push(name);
    this.cbFile.push(file);
    this.cbLine.push(line);
    return this.cbName.length - 1;
  }

  callbackTiming(gameFrameRow: number, callback: number, eye: number, startMs: number, durationMs: number): void {
    const c = this.ct;
    c.gameFrame.push(gameFrameRow);
    c.callback.push(callback);
    c.eye.push(eye);
    c.start.push(startMs);
    c.duration.push(durationMs);
  }

  build(): Profile {
    let stack = this.sampleStack.trimmed();
    let weight = this.sampleWeight.trimmed();
    let time = this.sampleTime.trimmed();
    const n = stack.length;
    if (!this.timesSorted) {
      // Samples must be in time order (the flame chart and range slices rely on it); a stable
      // index sort keeps the input order for equal times.
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      const sortedIdx = Array.from(order).sort((a, b) => time[a] - time[b] || a - b);
      const s2 = new Int32Array(n);
      const w2 = new Float64Array(n);
      const t2 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const j = sortedIdx[i];
        s2[i] = stack[j];
        w2[i] = weight[j];
        t2[i] = time[j];
      }
      stack = s2;
      weight = w2;
      time = t2;
    }
    let duration = this.durationMs;
    if (duration === undefined) {
      duration = 0;
      if (n > 0 && this.opts.weightUnit === 'milliseconds') {
        const last = time[n - 1] + weight[n - 1];
        duration = Math.max(0, last - Math.min(0, time[0]));
      } else if (n > 0) duration = Math.max(0, time[n - 1] - Math.min(0, time[0]));
    }
    const profile: Profile = {
      name: this.opts.name,
      source: this.opts.source,
      weightUnit: this.opts.weightUnit,
      durationMs: Number.isFinite(duration) ? duration : 0,
      frames: {
        length: this.frameName.length,
        name: this.frameName.slice(),
        file: this.frameFile.slice(),
        line: this.frameLine.trimmed(),
        kind: this.frameKind.trimmed(),
      },
      stacks: {
        length: this.stackParent.length,
        parent: this.stackParent.trimmed(),
        frame: this.stackFrame.trimmed(),
        line: this.stackLine.trimmed(),
      },
      samples: { length: n, stack, weight, time },
      meta: { ...this.meta },
    };
    if (this.gf.index.length > 0) {
      const g = this.gf;
      profile.gameFrames = {
        length: g.index.length,
        index: g.index.trimmed(),
        start: g.start.trimmed(),
        duration: g.duration.trimmed(),
        scriptsMs: g.scriptsMs.trimmed(),
        gcMs: g.gcMs.trimmed(),
        luaMemoryKb: g.luaMemoryKb.trimmed(),
      };
    }
    if (this.cbName.length > 0) {
      profile.callbacks = { length: this.cbName.length, name: this.cbName.slice(), file: this.cbFile.slice(), line: this.cbLine.trimmed() };
    }
    if (this.ct.gameFrame.length > 0) {
      const c = this.ct;
      profile.callbackTimings = {
        length: c.gameFrame.length,
        gameFrame: c.gameFrame.trimmed(),
        callback: c.callback.trimmed(),
        eye: c.eye.trimmed(),
        start: c.start.trimmed(),
        duration: c.duration.trimmed(),
      };
    }
    return profile;
  }
}
