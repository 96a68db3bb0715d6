// The one profile model shared by captures, importers, exporters, the webviews and the editor
// annotations. It is columnar (typed arrays + interned ids) so a million-sample profile costs a few
// arrays, not millions of objects, and so it can be posted to a webview by structured clone.
// This file is types only: no `vscode`, no DOM, no Node APIs (the webview bundles import it).

/** Interned frames: one row per distinct (name, file, line). Row ids are stable within a profile. */
export interface FrameTable {
  length: number;
  name: string[];
  /** Source file as the profile names it ('' when unknown). Mapping to workspace files happens later. */
  file: string[];
  /** 1-based line of the function (or of the sampled line for line-level frames); 0 when unknown. */
  line: Int32Array;
  /** What the frame is: a Lua function, a native/host (UEVR API) call, a UEVR callback root, or other. */
  kind: Uint8Array;
}

export const enum FrameKind {
  Lua = 0,
  Native = 1,
  Callback = 2,
  Other = 3,
}

/**
 * Interned stacks as a prefix tree: stack i = stack parent[i] + frame[i] executing line[i].
 * parent -1 = a root frame. Stacks are interned by (parent, frame, line), so two samples in the same
 * function on different lines have different stacks that share the function's frame row.
 */
export interface StackTable {
  length: number;
  parent: Int32Array;
  frame: Int32Array;
  /**
   * The line the node's frame was executing when sampled (Lua's `currentline`), 1-based; 0 when
   * unknown: captures before format version 3, formats without positions, native and callback frames
   * (a Native frame's own frames.line is already its call site).
   */
  line: Int32Array;
}

/** Samples in time order. weight is in `Profile.weightUnit`; time is ms since the profile's start. */
export interface SampleTable {
  length: number;
  stack: Int32Array;
  weight: Float64Array;
  time: Float64Array;
}

/** Game frames (present in captures, absent in most imports). Times in ms since the profile's start. */
export interface GameFrameTable {
  length: number;
  /** The game's own frame index (may not start at 0 and may have gaps). */
  index: Float64Array;
  start: Float64Array;
  duration: Float64Array;
  /** Time spent in Lua callbacks during this frame (ms). */
  scriptsMs: Float64Array;
  /** Lua GC step time during this frame (ms) and Lua memory at frame end (KiB); NaN when unknown. */
  gcMs: Float64Array;
  luaMemoryKb: Float64Array;
}

/** Registered callbacks (UEVR `uevr.sdk.callbacks.on_*` or `hook_ptr`), by registration site. */
export interface CallbackTable {
  length: number;
  /** UEVR callback name, e.g. 'on_pre_engine_tick', or 'hook_ptr:<UFunction path>'. */
  name: string[];
  file: string[];
  line: Int32Array;
}

/** Exact per-call callback timings from the host's clock. eye: -1 none, 0 left, 1 right. */
export interface CallbackTimingTable {
  length: number;
  /** Row in GameFrameTable (not the game's frame index). */
  gameFrame: Int32Array;
  callback: Int32Array;
  eye: Int8Array;
  start: Float64Array;
  duration: Float64Array;
}

export type WeightUnit = 'milliseconds' | 'bytes' | 'samples';

export interface Profile {
  /** Shown in titles: the file name, or the game and date of a capture. */
  name: string;
  /** The format it was read from: 'uevrcap', 'speedscope', 'chrome-trace', 'cpuprofile', 'folded'. */
  source: string;
  weightUnit: WeightUnit;
  /** Total span of the profile in ms (0 when the format has no time). */
  durationMs: number;
  frames: FrameTable;
  stacks: StackTable;
  samples: SampleTable;
  gameFrames?: GameFrameTable;
  callbacks?: CallbackTable;
  callbackTimings?: CallbackTimingTable;
  /** Free-form facts for display (game, pid, sampling rate, agent overhead, refresh rate…). */
  meta: Record<string, string | number | boolean>;
}

/**
 * Aggregated call tree in depth-first preorder. Node 0 is a synthetic root (frame -1) holding all
 * weight; the subtree of node i is the range [i, i + size[i]). Children are ordered by total weight,
 * heaviest first (left-heavy), so a flame graph can be laid out in one pass.
 */
export interface CallTree {
  length: number;
  parent: Int32Array;
  frame: Int32Array;
  /** The node's current line when the tree groups by function+line; 0 when it groups by function. */
  line: Int32Array;
  depth: Int32Array;
  size: Int32Array;
  total: Float64Array;
  self: Float64Array;
  /** Number of samples (not weight) that passed through the node. */
  samples: Float64Array;
  maxDepth: number;
}
