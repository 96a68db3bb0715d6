// JSON parsing with the repairs real profile files need: Chrome writes trace files as a stream, so
// a file cut short lacks the closing `]` and may end with a comma. Errors come back as one line.

import { fail } from './errors';

function describeJsonError(err: unknown, text: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError) return 'the JSON is nested too deeply or too large to parse';
  const m = /position (\d+)/.exec(msg);
  if (m) {
    const pos = Number(m[1]);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n');
    return `invalid JSON at line ${line} column ${col} (${msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '')})`;
  }
  return `invalid JSON (${msg})`;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(describeJsonError(err, text));
  }
}

/**
 * Parses a Chrome trace that may be cut short or sloppy: `[ {...}, {...},` with no `]`, a trailing
 * comma before the `]`, or the object form `{"traceEvents": [ ...` cut short. A record cut in the
 * middle is dropped back to the last complete event so the rest still loads.
 */
export function parseTraceLenient(text: string): { value: unknown; repaired: string | null } {
  try {
    return { value: JSON.parse(text), repaired: null };
  } catch (first) {
    const trimmed = text.trim();
    const isArray = trimmed.startsWith('[');
    const eventsAt = isArray ? 0 : trimmed.indexOf('"traceEvents"');
    if (!isArray && eventsAt < 0) fail(describeJsonError(first, text));
    const attempts: Array<[string, string]> = [];
    // A trailing comma before the closing bracket (or brace).
    attempts.push([trimmed.replace(/,(\s*[\]}])\s*$/, '$1'), 'a trailing comma was removed']);
    const open = trimmed.replace(/,\s*$/, '');
    const closer = isArray ? ']' : ']}';
    attempts.push([`${open}${closer}`, 'the file had no closing bracket (a partial trace); it was closed']);
    const cut = lastEventEnd(open, isArray ? 1 : 2);
    if (cut > 0) attempts.push([`${open.slice(0, cut + 1)}${closer}`, 'the file ended inside an event (a partial trace); the incomplete event was dropped']);
    for (const [candidate, note] of attempts) {
      if (candidate === text) continue;
      try {
        return { value: JSON.parse(candidate), repaired: note };
      } catch {
        /* try the next repair */
      }
    }
    fail(describeJsonError(first, text));
  }
}

/** Index of the last `}` that closes an event (an object at `depth`), or -1. Strings are skipped. */
function lastEventEnd(text: string, eventDepth: number): number {
  let depth = 0;
  let inString = false;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash escapes the next char
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) {
      depth--;
      if (depth === eventDepth && c === 125) last = i;
    }
  }
  return last;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property only: profile keys such as "constructor" or "__proto__" must never reach the prototype. */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : fallback;
}

/** A finite number from a number or numeric string (Chrome writes some numbers as strings). */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
