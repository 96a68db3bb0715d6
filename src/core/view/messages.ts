// The messages exchanged between the extension host (or the standalone HTML shim) and the flame-graph
// webview. DOM-free and vscode-free so both sides, the CLI exporter and the tests share one definition.
// Profiles are posted whole: their typed arrays survive `postMessage` by structured clone, so a
// million-sample profile crosses as a few array buffers, not millions of JSON objects.
import type { Profile } from '../profile/types';
import type { PackedHeader } from './packProfile';
import { rateOrDefault } from '../budget';

/**
 * Display settings: the refresh rate in force for this profile (src/core/budget.ts's precedence). Only
 * the Hz crosses; the webview works out the budget with budgetMs() when it draws.
 */
export interface ViewSettings {
  /** Refresh rate in Hz (72, 80, 90, 120, 144, or any positive rate a capture recorded). */
  refreshRateHz: number;
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
  /** With `byLine`: the current line of each node on flameZoomPath (0 = unknown), parallel to it. */
  flameZoomLines?: number[];
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
  /** Flame graph and flame chart group frames by function and current line ("tick :12"), not by function. */
  byLine?: boolean;
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

/** The view settings for a rate; an unknown rate (0, NaN) shows the default's budget. */
export function settingsForRefreshRate(refreshRateHz: number): ViewSettings {
  return { refreshRateHz: rateOrDefault(refreshRateHz) };
}

const VIEW_TABS: readonly ViewTab[] = ['flame', 'chart', 'frames', 'sandwich', 'diff'];
const SORT_KEYS: readonly SandwichSortKey[] = ['name', 'self', 'total', 'selfPerFrame', 'totalPerFrame', 'budget', 'samples'];
const isInt = (x: unknown, min = -Infinity, max = Infinity): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isIntArray = (x: unknown, maxLen: number): x is number[] => Array.isArray(x) && x.length <= maxLen && x.every((e) => isInt(e, 0, 2 ** 31));
const isPair = (x: unknown, el: (e: unknown) => boolean): x is [number, number] => Array.isArray(x) && x.length === 2 && el(x[0]) && el(x[1]);

/** Checks a posted view state field by field against ViewState; returns a fresh copy or undefined. */
export function parseViewState(value: unknown): ViewState | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (!VIEW_TABS.includes(v.tab as ViewTab)) return undefined;
  if (typeof v.search !== 'string' || v.search.length > 1000) return undefined;
  if (!isIntArray(v.flameZoomPath, 10_000)) return undefined;
  if (v.flameZoomLines !== undefined && !isIntArray(v.flameZoomLines, 10_000)) return undefined;
  if (v.chartRange !== null && !isPair(v.chartRange, isNum)) return undefined;
  if (v.frameRange !== null && !isPair(v.frameRange, (e) => isInt(e, 0))) return undefined;
  if (v.frameRows !== undefined && v.frameRows !== null && !isIntArray(v.frameRows, 1_000_000)) return undefined;
  if (!SORT_KEYS.includes(v.sortKey as SandwichSortKey)) return undefined;
  if (typeof v.sortDescending !== 'boolean') return undefined;
  if (!isInt(v.sandwichFrame, -1)) return undefined;
  if (v.inverted !== undefined && typeof v.inverted !== 'boolean') return undefined;
  if (v.byLine !== undefined && typeof v.byLine !== 'boolean') return undefined;
  const state: ViewState = {
    tab: v.tab as ViewTab,
    search: v.search,
    flameZoomPath: [...v.flameZoomPath],
    chartRange: v.chartRange === null ? null : [v.chartRange[0], v.chartRange[1]],
    frameRange: v.frameRange === null ? null : [v.frameRange[0], v.frameRange[1]],
    sortKey: v.sortKey as SandwichSortKey,
    sortDescending: v.sortDescending,
    sandwichFrame: v.sandwichFrame,
  };
  if (v.frameRows !== undefined) state.frameRows = v.frameRows === null ? null : [...v.frameRows];
  if (v.inverted !== undefined) state.inverted = v.inverted;
  if (v.byLine !== undefined) state.byLine = v.byLine;
  if (v.flameZoomLines !== undefined) state.flameZoomLines = [...v.flameZoomLines];
  return state;
}

/**
 * Narrows an unknown posted value to a webview→extension message (the host must not trust it: the
 * webview renders untrusted profile strings). Every field is checked against the declared shape; a
 * message that does not match is dropped (undefined), never coerced. Only declared fields are copied.
 */
export function parseFromWebview(value: unknown): FromWebviewMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openSource':
      if (typeof v.file !== 'string' || v.file.length === 0 || v.file.length > 4096 || v.file.includes('\0')) return undefined;
      // A profile may carry -1 for an unknown line: any integer is the declared shape, < 1 means unknown.
      if (!isInt(v.line, -(2 ** 31), 2 ** 31)) return undefined;
      return { type: 'openSource', file: v.file, line: Math.max(0, v.line) };
    case 'error':
      if (typeof v.message !== 'string') return undefined;
      // Logged as one line: cut, and newlines folded so a message cannot forge log lines.
      return { type: 'error', message: v.message.slice(0, 2000).replace(/[\r\n]+/g, ' ') };
    case 'rendered':
      if (!isNum(v.ms) || v.ms < 0) return undefined;
      return { type: 'rendered', ms: v.ms };
    case 'state': {
      const state = parseViewState(v.state);
      return state ? { type: 'state', state } : undefined;
    }
    default:
      return undefined;
  }
}
