// Suppression comments:
//   -- uevr-prof: disable-next-line UEVR003[, UEVR004]   (no codes = every rule)
//   -- uevr-prof: disable-line UEVR003                   (on the line of the finding)
//   -- uevr-prof: disable UEVR003                        (whole file)
import type { Comment } from '../lua/lexer';
import type { LineIndex } from '../lua/positions';
import type { Finding } from './types';

const DIRECTIVE = /^\s*uevr-prof:\s*(disable-next-line|disable-line|disable)\b([^]*)$/;

interface Suppressions {
  file: Set<string> | 'all' | null;
  lines: Map<number, Set<string> | 'all'>;
}

function codesOf(rest: string): Set<string> | 'all' {
  const codes = rest.match(/UEVR\d{3}|syntax/gi);
  return codes && codes.length ? new Set(codes.map((c) => c.toUpperCase())) : 'all';
}

function merge(a: Set<string> | 'all' | undefined | null, b: Set<string> | 'all'): Set<string> | 'all' {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...(a ?? []), ...b]);
}

export function collectSuppressions(comments: Comment[], lines: LineIndex): Suppressions {
  const s: Suppressions = { file: null, lines: new Map() };
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    const codes = codesOf(m[2]);
    if (m[1] === 'disable') s.file = merge(s.file, codes);
    else {
      const line = lines.lineOf(c.start) + (m[1] === 'disable-next-line' ? 1 : 0);
      s.lines.set(line, merge(s.lines.get(line), codes));
    }
  }
  return s;
}

function covers(set: Set<string> | 'all' | null | undefined, code: string): boolean {
  if (!set) return false;
  return set === 'all' || set.has(code.toUpperCase());
}

export function applySuppressions(findings: Finding[], s: Suppressions, disabled: string[] = []): Finding[] {
  const off = new Set(disabled.map((d) => d.toUpperCase()));
  return findings.filter((f) => {
    if (off.has(f.code.toUpperCase())) return false;
    if (f.code === 'syntax') return true; // a syntax error is never hidden by a directive
    if (covers(s.file, f.code)) return false;
    for (let l = f.range.start.line; l <= f.range.end.line; l++) if (covers(s.lines.get(l), f.code)) return false;
    return true;
  });
}
