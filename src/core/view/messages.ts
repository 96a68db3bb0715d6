// The messages exchanged between the extension host (or the standalone HTML shim) and the flame-graph
// webview. DOM-free and vscode-free so both sides, the CLI exporter and the tests share one definition.
// Profiles are posted whole: their typed arrays survive `postMessage` by structured clone, so a
// million-sample profile crosses as a few array buffers, not millions of JSON objects.
import type { Profile } from '../profile/types';
import type { PackedHeader } from './packProfile';

/** Display settings that come from the extension's configuration (`uevrProfiler.refreshRate`). */
export interface ViewSettings {
  /** Headset refresh rate in Hz (72, 80, 90, 120, 144). */
  refreshRateHz: number;
  /** Frame budget in ms; normally 1000 / refreshRateHz, sent explicitly so both sides agree. */
  budgetMs: number;
}

/** Which view of the webview app is shown. */
export type ViewTab = 'flame' | 'chart' | 'frames' | 'sandwich' | 'diff';

// ---------------------------------------------------------------- extension → webview

/** Show one profile (replaces whatever was shown). Sent after the webview posted `ready`. */
export interface ProfileMessage {
  type: 'profile';
  profile: Profile;
  settings: ViewSettings;
  /** Shown as the page heading, e.g. the file name. Untrusted text: rendered with textContent. */
  title: string;
}

/**
 * A `profile` message in transport form: the profile packed (packProfile) and deflated (raw DEFLATE).
 * The VS Code host sends this instead of `profile` because the webview channel is slow per byte; the
 * webview's host layer inflates it and hands the app an ordinary `profile` message.
 */
export interface PackedProfileMessage {
  type: 'profilePacked';
  header: PackedHeader;
  /** Raw DEFLATE of packProfile's bytes. */
  data: Uint8Array;
  settings: ViewSettings;
  title: string;
}

/** A `diff` message in transport form: both profiles packed and deflated, as in PackedProfileMessage. */
export interface PackedDiffMessage {
  type: 'diffPacked';
  before: { header: PackedHeader; data: Uint8Array };
  after: { header: PackedHeader; data: Uint8Array };
  settings: ViewSettings;
  title: string;
  beforeLabel?: string;
  afterLabel?: string;
}

/** Compare two profiles: opens the diff view (after − before, colour by delta in ms per frame). */
export interface DiffMessage {
  type: 'diff';
  before: Profile;
  after: Profile;
  settings: ViewSettings;
  title: string;
  /** Labels for the two sides, e.g. file names or 'before script reset'. */
  beforeLabel?: string;
  afterLabel?: string;
}

/** The refresh-rate setting changed: redraw budget lines and per-frame percentages. */
export interface SettingsMessage {
  type: 'settings';
  settings: ViewSettings;
}

/**
 * Select a function in the views (e.g. from a CodeLens or hover "show in flame graph"): the webview
 * searches for it, switches to `tab` when given, and zooms to the heaviest matching node.
 * Matched by name, and by file/line when given.
 */
export interface FocusMessage {
  type: 'focus';
  name: string;
  file?: string;
  line?: number;
  tab?: ViewTab;
}

export type ToWebviewMessage = ProfileMessage | DiffMessage | SettingsMessage | FocusMessage;

// ---------------------------------------------------------------- webview → extension

/** The webview has loaded its script and listens: the host should now post `profile` or `diff`. */
export interface ReadyMessage {
  type: 'ready';
}

/** Ctrl/Cmd-click or Ctrl+Enter on a node: open `file` at 1-based `line` (0 = unknown line). */
export interface OpenSourceMessage {
  type: 'openSource';
  /** The file as the profile names it (untrusted; the host maps it to the workspace and checks it). */
  file: string;
  line: number;
}

/** Something failed inside the webview; the host logs it (one line, no stack needed). */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

/**
 * The view state changed (also kept with `setState` inside the webview). The host may persist it,
 * e.g. to restore the tab and search when the editor is reopened.
 */
export interface StateMessage {
  type: 'state';
  state: ViewState;
}

/**
 * The first frame of a loaded profile has been drawn (posted once per `profile`/`diff` message).
 * `ms` is the webview's own time from receiving the message to that frame, for logs and benchmarks.
 */
export interface RenderedMessage {
  type: 'rendered';
  ms: number;
}

export type FromWebviewMessage = ReadyMessage | OpenSourceMessage | ErrorMessage | StateMessage | RenderedMessage;

/** What the webview keeps across hide/show (acquireVsCodeApi().setState) — small and JSON-safe. */
export interface ViewState {
  tab: ViewTab;
  search: string;
  /** Zoomed node of the flame graph, as a path of frame ids from the root (stable across rebuilds). */
  flameZoomPath: number[];
  /** Visible time range of the flame chart in ms, or null for everything. */
  chartRange: [number, number] | null;
  /** Selected game frames [first, last] (rows of GameFrameTable), or null for all frames. */
  frameRange: [number, number] | null;
  /** Or a set of frames (rows, ascending), e.g. the worst N; used when frameRange is null. */
  frameRows?: number[] | null;
  /** Sort column and direction of the sandwich table. */
  sortKey: SandwichSortKey;
  sortDescending: boolean;
  /** Selected function in the sandwich table (row of the model's FunctionTable), or -1. */
  sandwichFrame: number;
  /** Flame graph shows the inverted (bottom-up) tree: leaves at the top, their callers below. */
  inverted?: boolean;
}

export type SandwichSortKey = 'name' | 'self' | 'total' | 'selfPerFrame' | 'totalPerFrame' | 'budget' | 'samples';

export const DEFAULT_VIEW_STATE: ViewState = {
  tab: 'flame',
  search: '',
  flameZoomPath: [],
  chartRange: null,
  frameRange: null,
  sortKey: 'self',
  sortDescending: true,
  sandwichFrame: -1,
};

/** Budget in ms for a refresh rate, rounded as shown in the UI (90 Hz → 11.1 ms). */
export function settingsForRefreshRate(refreshRateHz: number): ViewSettings {
  const hz = Number.isFinite(refreshRateHz) && refreshRateHz > 0 ? refreshRateHz : 90;
  return { refreshRateHz: hz, budgetMs: 1000 / hz };
}

/** Narrow an unknown posted value to a webview→extension message (the host must not trust it). */
export function parseFromWebview(value: unknown): FromWebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openSource':
      if (typeof v.file !== 'string' || v.file.length === 0 || v.file.length > 4096) return undefined;
      return {
        type: 'openSource',
        file: v.file,
        line: typeof v.line === 'number' && Number.isInteger(v.line) && v.line > 0 ? v.line : 0,
      };
    case 'error':
      return { type: 'error', message: typeof v.message === 'string' ? v.message.slice(0, 2000) : 'unknown error' };
    case 'rendered':
      return { type: 'rendered', ms: typeof v.ms === 'number' && Number.isFinite(v.ms) && v.ms >= 0 ? v.ms : 0 };
    case 'state':
      return typeof v.state === 'object' && v.state !== null ? { type: 'state', state: v.state as ViewState } : undefined;
    default:
      return undefined;
  }
}
