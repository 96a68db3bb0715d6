// Compares the behaviour trace of a mod before and after fix-all: everything the mod does that can
// be seen (property writes, UFunction calls, config writes, prints, registrations, what callbacks return
// and leave in their arguments, errors, its globals) must be the same, in the same order. Only the
// lookups that the applied fixes exist to remove (the "intended change") may be fewer or move: a
// fix never adds a lookup, except the liveness check of a cache (`exists`).
import type { BehaviourTrace } from './trace-run';

/** Query categories (tracer-lua.ts QUERY) each rule's safe fix may remove or move. */
export const INTENDED_CHANGE: Record<string, string[]> = {
  // engine parameter instead of a scan: the scan and the class lookup in its arguments go (a cached
  // scan adds an exists check)
  UEVR002: ['scan', 'find', 'exists'],
  // hoist to file scope / lazy cache re-validated with UEVR_UObjectHook.exists
  UEVR003: ['find', 'exists'],
  // the name computed once: its receiver chain (`pawn.Target:get_full_name()`) is read once too
  UEVR004: ['name', 'prop'],
  UEVR005: ['prop'],
  UEVR006: ['fetch'],
  UEVR015: ['fname'],
};

/** Categories a rule's fix moves to file scope (run once at load): UEVR003 native classes, UEVR015 FNames. */
const HOISTED_TO_LOAD: Record<string, string[]> = { UEVR003: ['find'], UEVR015: ['fname'] };

export interface TraceComparison {
  same: boolean;
  /** Human-readable first difference (index, expected, got). */
  difference?: string;
}

const category = (r: string): string => r.slice(0, r.indexOf(' ') >>> 0);

export function compareTraces(before: BehaviourTrace, after: BehaviourTrace, appliedCodes: Iterable<string>): TraceComparison {
  const allowed = new Set<string>();
  for (const c of appliedCodes) for (const k of INTENDED_CHANGE[c] ?? []) allowed.add(k);
  const keep = (r: string): boolean => !allowed.has(category(r));
  const a = before.records.filter(keep);
  const b = after.records.filter(keep);
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      return { same: false, difference: `record ${i} (of ${a.length} / ${b.length} compared): before ${clip(a[i])}; after ${clip(b[i])}; previous ${clip(a[i - 1])}` };
    }
  }
  // Lookups the fixes may remove: never more of one than before (a cache check may be new). A hoist to
  // file scope moves a lookup to load time, where it runs once even if the hot code had not reached
  // it yet: new lookups are allowed there, for the categories a hoist moves.
  const hoisted = new Set<string>();
  for (const c of appliedCodes) for (const k of HOISTED_TO_LOAD[c] ?? []) hoisted.add(k);
  const count = (rs: string[], loadToo: boolean): Map<string, number> => {
    const m = new Map<string, number>();
    let loading = true;
    for (const r of rs) {
      if (r.startsWith('frame ')) loading = false;
      if (keep(r) || (loading && !loadToo && hoisted.has(category(r)))) continue;
      m.set(r, (m.get(r) ?? 0) + 1);
    }
    return m;
  };
  const ca = count(before.records, true);
  for (const [r, k] of count(after.records, false)) {
    if (category(r) === 'exists') continue;
    if (k > (ca.get(r) ?? 0)) return { same: false, difference: `a lookup runs more often after the fix (${ca.get(r) ?? 0} → ${k}): ${clip(r)}` };
  }
  const ea = [...before.loadErrors].sort().join('\n');
  const eb = [...after.loadErrors].sort().join('\n');
  if (ea !== eb) return { same: false, difference: `load errors differ: before [${ea}] after [${eb}]` };
  return { same: true };
}

function clip(s: string | undefined): string {
  if (s === undefined) return '(end)';
  return s.length > 240 ? s.slice(0, 237) + '…' : s;
}
