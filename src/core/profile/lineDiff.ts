// Per-line difference of two profiles (before → after), for the diff view's "line 41: 1.20 → 0.05
// ms/frame". Lines are matched by (file, line) — the sampled current lines when the captures have
// them, else the frames' own lines — and scaled like diffProfiles' functions (its scaleA/scaleB:
// per game frame, per second or share), so the two sides compare whatever their lengths.
import { functionTable, lineStats } from './functionStats';
import type { Profile } from './types';

export interface LineDiffRow {
  file: string;
  line: number;
  /** The function the line belongs to (after's when the line is in both). */
  fn: string;
  selfA: number;
  selfB: number;
  totalA: number;
  totalB: number;
}

/**
 * Every line with weight in either profile, biggest change of self time first (ties: file, line).
 * `scaleA`/`scaleB` multiply each profile's raw weights (diffProfiles(a, b).scaleA/scaleB).
 */
export function lineDiff(a: Profile, b: Profile, scaleA: number, scaleB: number): LineDiffRow[] {
  const rows = new Map<string, LineDiffRow>();
  const add = (p: Profile, scale: number, side: 'A' | 'B'): void => {
    const ls = lineStats(p);
    const fns = functionTable(p);
    for (let i = 0; i < ls.length; i++) {
      if (ls.self[i] === 0 && ls.total[i] === 0) continue;
      const key = `${ls.line[i]}\u0000${ls.file[i]}`;
      let row = rows.get(key);
      if (!row) {
        row = { file: ls.file[i], line: ls.line[i], fn: '', selfA: 0, selfB: 0, totalA: 0, totalB: 0 };
        rows.set(key, row);
      }
      if (ls.fn[i] >= 0 && (side === 'B' || row.fn === '')) row.fn = fns.name[ls.fn[i]];
      if (side === 'A') {
        row.selfA += ls.self[i] * scale;
        row.totalA += ls.total[i] * scale;
      } else {
        row.selfB += ls.self[i] * scale;
        row.totalB += ls.total[i] * scale;
      }
    }
  };
  add(a, scaleA, 'A');
  add(b, scaleB, 'B');
  return [...rows.values()].sort(
    (x, y) => Math.abs(y.selfB - y.selfA) - Math.abs(x.selfB - x.selfA) || (x.file < y.file ? -1 : x.file > y.file ? 1 : 0) || x.line - y.line,
  );
}
