// Script errors as a user needs them: grouped (file, line, message) with a count, printed once per
// distinct error, and a note saying why nothing ran when no callback did ("no callback was registered:
// 5 of 5 scripts failed to load, first: libs/uevr_utils not found"). Shared by the CLI (sim, capture
// --sim, report) and the extension's notification; no vscode import.
import type { ScriptError } from '../protocol/types';

export interface ScriptErrorSummary {
  file: string;
  line: number;
  message: string;
  count: number;
}

/** UEVR logs this before each script it runs (ScriptState::run_script); the simulator does too. */
export const RUNNING_SCRIPT_PREFIX = 'Running script ';
/** The simulator's line after loading: "uevr-sim: N scripts loaded, K failed to load". */
export const LOADED_PATTERN = /^uevr-sim: (\d+) scripts? loaded, (\d+) failed to load/;

/** Counts errors by (file, line, message); `add` says whether this one is the first of its kind. */
export class ScriptErrorTally {
  private readonly byKey = new Map<string, ScriptErrorSummary>();
  total = 0;

  add(e: Pick<ScriptError, 'file' | 'line' | 'message'>): boolean {
    this.total++;
    const key = `${e.file}\u0000${e.line}\u0000${e.message}`;
    const seen = this.byKey.get(key);
    if (seen) {
      seen.count++;
      return false;
    }
    this.byKey.set(key, { file: e.file, line: e.line, message: e.message, count: 1 });
    return true;
  }

  get distinct(): number {
    return this.byKey.size;
  }

  /** In first-seen order. */
  list(): ScriptErrorSummary[] {
    return [...this.byKey.values()].map((e) => ({ ...e }));
  }
}

/** `file:line: message` (the first line of the message: a require failure's search list is long). */
export function formatScriptError(e: Pick<ScriptError, 'file' | 'line' | 'message'>, displayFile: (f: string) => string = (f) => f): string {
  const where = e.file ? `${displayFile(e.file)}:${e.line}` : '(unknown script)';
  return `${where}: ${firstLine(e.message)}`;
}

function firstLine(m: string): string {
  const l = m.split('\n')[0]!.trimEnd();
  return l.endsWith(':') ? l.slice(0, -1) : l;
}

/** A short cause for a note: "module 'x' not found" becomes "x not found". */
export function shortCause(message: string): string {
  const l = firstLine(message);
  const m = /^module '(.+)' not found$/.exec(l);
  return m ? `${m[1]} not found` : l;
}

export interface LoadOutcome {
  /** Scripts the host ran (without the profiler agent); null when the capture does not say. */
  scripts: number | null;
  failedToLoad: number | null;
  /** The first error raised while scripts loaded. */
  firstLoadError: ScriptErrorSummary | null;
}

type EventLike =
  | { type: 'log'; text: string }
  | ({ type: 'scriptError' } & Pick<ScriptError, 'file' | 'line' | 'message'>)
  | { type: string };

/**
 * What the events of a capture say about script loading: the "Running script" lines mark each script,
 * errors between them (before the "loaded" line) are load errors.
 */
export function loadOutcome(events: readonly EventLike[]): LoadOutcome {
  let scripts = 0;
  let sawRunning = false;
  let loadEnded = false;
  let failed: number | null = null;
  let reported: number | null = null;
  let first: ScriptErrorSummary | null = null;
  for (const e of events) {
    if (e.type === 'log') {
      const text = (e as { text: string }).text;
      if (typeof text !== 'string') continue;
      if (!loadEnded && text.startsWith(RUNNING_SCRIPT_PREFIX)) {
        if (!/uevr-profiler-agent/i.test(text)) scripts++;
        sawRunning = true;
      }
      const m = LOADED_PATTERN.exec(text);
      if (m && !loadEnded) {
        loadEnded = true;
        reported = Number(m[1]);
        failed = Number(m[2]);
      }
    } else if (e.type === 'scriptError' && sawRunning && !loadEnded && !first) {
      const se = e as Partial<ScriptError>;
      first = { file: String(se.file ?? ''), line: Number(se.line) || 0, message: String(se.message ?? ''), count: 1 };
    }
  }
  return { scripts: reported ?? (sawRunning ? scripts : null), failedToLoad: failed, firstLoadError: first };
}

/**
 * The note for a capture in which no callback ran, or null when some did. `registered` is how many
 * callbacks the capture saw registered; `errors` the grouped script errors.
 */
export function noCallbackNote(ranAny: boolean, registered: number, load: LoadOutcome, errors: readonly ScriptErrorSummary[]): string | null {
  if (ranAny) return null;
  const head = registered === 0 ? 'no callback was registered' : `no callback ran (${registered} registered)`;
  const first = load.firstLoadError ?? errors[0] ?? null;
  if (load.scripts !== null && load.failedToLoad !== null && load.failedToLoad > 0) {
    return `${head}: ${load.failedToLoad} of ${load.scripts} scripts failed to load, first: ${first ? shortCause(first.message) : 'unknown error'}`;
  }
  if (load.scripts === 0) return `${head}: the scripts folder has no *.lua file at its top level`;
  if (first) {
    const total = errors.reduce((n, e) => n + e.count, 0);
    return `${head}: ${total} script error${total === 1 ? '' : 's'}, first: ${shortCause(first.message)}`;
  }
  return `${head} and no script reported an error${load.scripts !== null ? ` (${load.scripts} scripts ran)` : ''}`;
}
