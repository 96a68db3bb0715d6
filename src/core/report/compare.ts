// Before/after comparison of two captures, in ms per frame: how a user proves a fix worked.
import { formatMs } from '../budget';
import type { Profile } from '../profile/types';
import { summarizeProfile, type ProfileSummary } from './summary';

export interface Delta {
  name: string;
  file: string;
  line: number;
  before: number;
  after: number;
  delta: number;
}

export interface Comparison {
  before: ProfileSummary;
  after: ProfileSummary;
  scripts: { before: number; after: number; delta: number; percent: number };
  callbacks: Delta[];
  functions: Delta[];
  /** "scripts: 2.41 → 0.62 ms/frame, −74%" */
  verdict: string;
}

function fileName(f: string): string {
  return f.replace(/\\/g, '/').split('/').pop() ?? f;
}

/**
 * Matches callbacks by (name, file name) and, among equals, in order of registration line — a fix
 * moves lines, so the line alone cannot match; functions by (name, file name).
 */
function matchDeltas<T extends { name: string; file: string; line: number }>(a: T[], b: T[], value: (x: T) => number): Delta[] {
  const key = (x: T): string => `${x.name}\u0000${fileName(x.file).toLowerCase()}`;
  const groupsB = new Map<string, T[]>();
  for (const x of [...b].sort((p, q) => p.line - q.line)) {
    const k = key(x);
    const g = groupsB.get(k);
    if (g) g.push(x);
    else groupsB.set(k, [x]);
  }
  const out: Delta[] = [];
  for (const x of [...a].sort((p, q) => p.line - q.line)) {
    const y = groupsB.get(key(x))?.shift();
    const before = value(x);
    const after = y ? value(y) : 0;
    out.push({ name: x.name, file: x.file, line: y?.line ?? x.line, before, after, delta: after - before });
  }
  for (const rest of groupsB.values()) for (const y of rest) out.push({ name: y.name, file: y.file, line: y.line, before: 0, after: value(y), delta: value(y) });
  return out.sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta));
}

export function compareProfiles(before: Profile, after: Profile, refreshRateHz: number): Comparison {
  const a = summarizeProfile(before, { refreshRateHz, top: 500 });
  const b = summarizeProfile(after, { refreshRateHz, top: 500 });
  const delta = b.scriptsMsPerFrame - a.scriptsMsPerFrame;
  const percent = a.scriptsMsPerFrame > 0 ? (delta / a.scriptsMsPerFrame) * 100 : 0;
  const sign = percent > 0 ? '+' : percent < 0 ? '−' : '±';
  const verdict = `scripts: ${formatMs(a.scriptsMsPerFrame)} → ${formatMs(b.scriptsMsPerFrame)} ms/frame, ${sign}${Math.abs(percent).toFixed(0)}%`;
  return {
    before: a,
    after: b,
    scripts: { before: a.scriptsMsPerFrame, after: b.scriptsMsPerFrame, delta, percent },
    callbacks: matchDeltas(a.callbacks, b.callbacks, (c) => c.msPerFrame),
    functions: matchDeltas(a.functions, b.functions, (f) => f.selfMsPerFrame).slice(0, 50),
    verdict,
  };
}
