// Incremental re-parse for the editor: when an edit falls inside one top-level statement (the usual
// case: typing inside a function), only that statement is lexed and parsed again; the statements after
// it keep their nodes, shifted by the length difference. The chunk is updated IN PLACE (so LocalVar.fn
// identities stay valid) and its `generation` is bumped. Anything unusual returns null and the caller
// parses the whole text: a syntax error before or after, a statement that changes which file-scope
// locals exist, an edit outside every statement, labels/goto/return at top level.
import type { Chunk, LocalVar, Stmt } from './ast';
import { parseStatementAt } from './parser';
import { walkNodes } from './walk';

function declaredLocals(s: Stmt): LocalVar[] {
  if (s.kind === 'Local') return s.names.map((n) => n.v);
  if (s.kind === 'LocalFunction') return [s.v];
  return [];
}

const REPARSABLE = new Set<Stmt['kind']>(['FunctionStat', 'LocalFunction', 'CallStat', 'Local', 'Assign', 'If', 'Do', 'While', 'NumFor', 'GenFor', 'Repeat']);

/** Adds delta to every offset held by a statement (nodes, identifiers, declared locals, spans). */
function shiftStmt(s: Stmt, delta: number): void {
  walkNodes(s, (n) => {
    n.start += delta;
    n.end += delta;
    switch (n.kind) {
      case 'Member': n.name.start += delta; n.name.end += delta; break;
      case 'MethodCall': n.method.start += delta; n.method.end += delta; break;
      case 'Goto': case 'Label': n.label.start += delta; n.label.end += delta; break;
      case 'Local':
        for (const x of n.names) {
          x.ident.start += delta; x.ident.end += delta; x.v.start += delta; x.v.end += delta;
        }
        break;
      case 'LocalFunction': n.v.start += delta; n.v.end += delta; break;
      case 'NumFor': n.v.start += delta; n.v.end += delta; break;
      case 'GenFor': for (const v of n.vars) { v.start += delta; v.end += delta; } break;
      case 'Function': for (const v of n.params) { v.start += delta; v.end += delta; } break;
      case 'If': for (const c of n.clauses) { c.start += delta; c.end += delta; } break;
      case 'Table':
        for (const f of n.fields) {
          f.start += delta; f.end += delta;
          if (f.type === 'name' && f.key) { f.key.start += delta; f.key.end += delta; }
        }
        break;
      default:
    }
  });
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function commonSuffix(a: string, b: string, max: number): number {
  let i = 0;
  while (i < max && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

export function reparseIncrementally(oldText: string, chunk: Chunk, newText: string): boolean {
  if (chunk.errors.length) return false;
  const p = commonPrefix(oldText, newText);
  const q = commonSuffix(oldText, newText, Math.min(oldText.length, newText.length) - p);
  const oldEnd = oldText.length - q;
  const delta = newText.length - oldText.length;
  if (p === oldText.length && delta === 0) return true; // same text
  const stmts = chunk.body.body;
  const i = stmts.findIndex((s) => s.start < p && oldEnd < s.end);
  if (i < 0) return false;
  const old = stmts[i];
  if (!REPARSABLE.has(old.kind)) return false;
  // Comments touched by the edit must lie inside the statement (a comment can swallow code).
  if (chunk.comments.some((c) => c.start < oldEnd && p < c.end && !(old.start <= c.start && c.end <= old.end))) return false;

  const prelude: LocalVar[] = [];
  for (let k = 0; k < i; k++) prelude.push(...declaredLocals(stmts[k]));
  const inOld = (o: number): boolean => o >= old.start && o < old.end;
  // Forget the old statement's references to earlier locals before the new ones are recorded.
  const savedRefs = prelude.map((v) => v.refs);
  for (const v of prelude) v.refs = v.refs.filter((r) => !inOld(r.start));
  const r = parseStatementAt(newText, old.start, old.end + delta, chunk, prelude);
  const oldDecl = declaredLocals(old);
  const ok = r !== null && REPARSABLE.has(r.stmt.kind) && r.stmt.start === old.start
    && sameDecls(oldDecl, declaredLocals(r.stmt));
  if (!ok || !r) {
    prelude.forEach((v, k) => { v.refs = savedRefs[k]; });
    return false;
  }
  for (const v of prelude) v.writes = v.refs.reduce((n, x) => n + (x.isWrite ? 1 : 0), 0);
  // Keep the identity of the locals the statement declares: later statements point at them.
  const newDecl = declaredLocals(r.stmt);
  const map = new Map<LocalVar, LocalVar>();
  oldDecl.forEach((ov, k) => {
    const nv = newDecl[k];
    map.set(nv, ov);
    ov.start = nv.start;
    ov.end = nv.end;
    ov.init = nv.init;
    ov.refs = [...nv.refs, ...ov.refs.filter((x) => !inOld(x.start))];
  });
  if (map.size) {
    walkNodes(r.stmt, (n) => {
      if (n.kind === 'Name' && n.decl && map.has(n.decl)) n.decl = map.get(n.decl)!;
      if (n.kind === 'Local') for (const x of n.names) x.v = map.get(x.v) ?? x.v;
      if (n.kind === 'LocalFunction') n.v = map.get(n.v) ?? n.v;
    });
  }
  // Lists keyed by old offsets are filtered before anything moves.
  const keptGlobals = chunk.globals.filter((g) => !inOld(g.start));
  const keptComments = chunk.comments.filter((c) => !inOld(c.start));
  // Shift what follows, splice the statement in, update the chunk's lists.
  for (let k = i + 1; k < stmts.length; k++) shiftStmt(stmts[k], delta);
  stmts[i] = r.stmt;
  const shiftSpan = <T extends { start: number; end: number }>(x: T): T => {
    if (x.start >= old.end) {
      x.start += delta;
      x.end += delta;
    }
    return x;
  };
  chunk.globals = [...keptGlobals, ...r.globals];
  chunk.comments = [...keptComments.map(shiftSpan), ...r.comments].sort((a, b) => a.start - b.start);
  for (const nm of r.names) chunk.names.add(nm);
  chunk.end += delta;
  chunk.body.end += delta;
  chunk.generation = (chunk.generation ?? 0) + 1;
  return true;
}

function sameDecls(a: LocalVar[], b: LocalVar[]): boolean {
  return a.length === b.length && a.every((v, k) => v.name === b[k].name && v.attrib === b[k].attrib && v.kind === b[k].kind);
}
