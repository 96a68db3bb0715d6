// Messages between the extension and the live view (webview/live). The extension keeps the bounded
// buffers and posts a snapshot a few times a second; the view only draws.

export interface LiveSeries {
  /** Stable key, e.g. "12:0" (callback id, eye). */
  key: string;
  /** "on_pre_engine_tick (camera.lua:27)", "… left eye". Untrusted: set with textContent only. */
  label: string;
  /** ms per frame, oldest first, aligned with LiveSnapshot.frameMs. */
  ms: Float64Array;
}

export interface LiveSnapshot {
  type: 'snapshot';
  /** One line: game, pid, kind; untrusted. */
  session: string;
  state: 'attached' | 'capturing' | 'disconnected';
  /** The rate in force (src/core/budget.ts's precedence); the view works out the budget from it. */
  refreshRateHz: number;
  /** The alert settings: "over" above this share of the budget, means over this many frames. */
  alerts: { scriptsBudgetPercent: number; sustainedFrames: number };
  frameMs: Float64Array;
  scriptsMs: Float64Array;
  gcMs: Float64Array;
  luaMemoryKb: Float64Array;
  overheadMs: Float64Array;
  callbacks: LiveSeries[];
  /** Recent log lines and errors, newest last (bounded). */
  log: string[];
  /** Capture in progress: seconds recorded so far and the planned length (0 = until stopped). */
  capture?: { seconds: number; plannedSeconds: number; samples: number };
}

export interface LiveIdle {
  type: 'idle';
  /** Why nothing is shown: "Not attached. Attach to a session…". */
  message: string;
}

export type ToLiveView = LiveSnapshot | LiveIdle;

export type FromLiveView =
  | { type: 'ready' }
  | { type: 'command'; command: (typeof LIVE_VIEW_COMMANDS)[number] };

/** The only commands the live view may run (its buttons); anything else it posts is dropped. */
export const LIVE_VIEW_COMMANDS = ['attach', 'startCapture', 'stopCapture', 'captureNextSeconds'] as const;

/**
 * Narrows a message posted by the live view. The host runs `uevrProfiler.<command>` for a `command`
 * message, so the command must be one of LIVE_VIEW_COMMANDS exactly: a compromised webview cannot
 * reach any other command (VS Code commands can open terminals, install extensions, …).
 */
export function parseFromLiveView(value: unknown): FromLiveView | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.type === 'ready') return { type: 'ready' };
  if (v.type === 'command' && typeof v.command === 'string' && (LIVE_VIEW_COMMANDS as readonly string[]).includes(v.command)) {
    return { type: 'command', command: v.command as (typeof LIVE_VIEW_COMMANDS)[number] };
  }
  return undefined;
}
