// What every quick fix needs to know about the file: fresh names that collide with nothing, where
// file-scope code can be inserted so that the names it uses are already declared, and helpers that
// a fix shares (one helper / one cache per literal per file, reused when an earlier fix added it).
import type { Chunk, Expr, LocalVar, Stmt } from '../lua/ast';
import type { LineIndex } from '../lua/positions';
import { pathRoot, walk } from './syntax';
import type { TextEdit } from './types';

/** Globals UEVR (or Lua) defines before any script runs: safe to use in file-scope code. */
export const BUILTIN_GLOBALS = new Set([
  'uevr', 'UEVR_UObjectHook', 'Vector2f', 'Vector2d', 'Vector3f', 'Vector3d', 'Vector4f', 'Vector4d',
  'UEVR_Quaternionf', 'UEVR_Quaterniond', 'StructObject', 'math', 'string', 'table', 'bit32', 'utf8', 'os',
  'coroutine', 'pairs', 'ipairs', 'tostring', 'tonumber', 'type', 'select', 'next', 'rawget', 'rawset',
]);

export const HELPER_MARK = '-- uevr-prof helper:';

export class FixContext {
  private used: Set<string>;
  private fresh = new Map<string, string>();
  /** Globals the script assigns somewhere (an alias of those could go stale). */
  readonly writtenGlobals: Set<string>;

  constructor(readonly text: string, readonly chunk: Chunk, readonly lines: LineIndex) {
    this.used = new Set(chunk.names);
    this.writtenGlobals = new Set(chunk.globals.filter((g) => g.isWrite).map((g) => g.name));
  }

  /**
   * A name that no identifier in the file uses (so it can neither shadow nor collide), stable for a
   * given purpose key within this analysis: two fixes for the same literal share the same name.
   */
  freshName(purpose: string, base: string): string {
    const known = this.fresh.get(purpose);
    if (known) return known;
    const clean = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1').replace(/_+/g, '_').slice(0, 40) || 'v';
    let name = clean;
    for (let i = 2; this.used.has(name) || isKeyword(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    this.fresh.set(purpose, name);
    return name;
  }

  /** The top-level statement containing an offset. */
  topStatementAt(offset: number): Stmt | null {
    for (const s of this.chunk.body.body) if (s.start <= offset && offset < s.end) return s;
    return null;
  }

  /**
   * Offset where a file-scope declaration can go so that it sees the given file-scope locals and is
   * still before `useOffset`. Null when impossible (a needed local is declared after the use, or is
   * reassigned later so its value at load time is not the value the hot code sees).
   */
  fileScopeInsertOffset(needs: LocalVar[], useOffset: number): number | null {
    let after: Stmt | null = null;
    for (const v of needs) {
      if (v.fn !== this.chunk || v.writes > 0) return null;
      const s = this.topStatementAt(v.start);
      if (!s) return null;
      if (!after || s.end > after.end) after = s;
    }
    const useTop = this.topStatementAt(useOffset);
    let off: number;
    if (after) {
      const line = this.lines.lineOf(after.end);
      off = line + 1 < this.lines.lineCount ? this.lines.starts[line + 1] : this.text.length;
    } else {
      const first = this.chunk.body.body[0];
      off = first ? this.lines.starts[this.lines.lineOf(first.start)] : this.text.length;
      // Keep a leading `local x = require(...)`/header block together: insert after leading comments only.
    }
    if (useTop && off > useTop.start) return null;
    return off;
  }

  /** Text to insert at `off` that starts on its own line. */
  insertLines(off: number, code: string): TextEdit {
    const atLineStart = off === 0 || this.text[off - 1] === '\n' || this.text[off - 1] === '\r';
    const text = (atLineStart ? '' : '\n') + code + '\n';
    return { range: this.lines.range(off, off), newText: text };
  }

  /** Replaces [start, end), padding with a space where the new text would glue onto a neighbouring word. */
  replace(start: number, end: number, newText: string): TextEdit {
    const word = /[A-Za-z0-9_]/;
    let t = newText;
    if (t && word.test(t[t.length - 1]) && end < this.text.length && word.test(this.text[end])) t += ' ';
    if (t && word.test(t[0]) && start > 0 && word.test(this.text[start - 1])) t = ' ' + t;
    return { range: this.lines.range(start, end), newText: t };
  }

  src(e: { start: number; end: number }): string {
    return this.text.slice(e.start, e.end);
  }

  /**
   * File-scope locals an expression reads, or null when it reads something a file-scope copy could not
   * (a local of a function, or a global UEVR does not define at load time).
   */
  fileScopeDeps(e: Expr): LocalVar[] | null {
    const deps: LocalVar[] = [];
    let ok = true;
    walk(e, (n) => {
      if (!ok) return false;
      if (n.kind === 'Function' || n.kind === 'Vararg') {
        ok = false;
        return false;
      }
      if (n.kind === 'Name') {
        if (n.decl === null) {
          if (!BUILTIN_GLOBALS.has(n.name)) ok = false;
        } else if (n.decl.fn !== this.chunk) ok = false;
        else deps.push(n.decl);
      }
    });
    return ok ? deps : null;
  }

  /** Name of an existing helper added by an earlier fix (found by its marker comment), if any. */
  existingHelper(kind: string): string | null {
    const mark = `${HELPER_MARK} ${kind}`;
    const i = this.text.indexOf(mark);
    if (i < 0) return null;
    const m = /local function ([A-Za-z_][A-Za-z0-9_]*)/.exec(this.text.slice(i + mark.length, i + mark.length + 400));
    return m ? m[1] : null;
  }

  /** An existing top-level `local X = <exactly this expression text>` declared before offset, never reassigned. */
  existingFileLocal(exprText: string, before: number): string | null {
    for (const s of this.chunk.body.body) {
      if (s.start >= before) break;
      if (s.kind === 'Local' && s.names.length === 1 && s.exprs.length === 1 && s.names[0].v.writes === 0
        && this.src(s.exprs[0]) === exprText) return s.names[0].v.name;
    }
    return null;
  }

  private statementCalls: Set<Expr> | null = null;

  /**
   * Is this call a whole statement (`f(x)` on its own)? Then it cannot be replaced by a plain name:
   * `name` alone is not a Lua statement.
   */
  isStatementCall(e: Expr): boolean {
    if (!this.statementCalls) {
      const set = new Set<Expr>();
      walk(this.chunk.body, (n) => {
        if (n.kind === 'CallStat') set.add(n.call);
      });
      this.statementCalls = set;
    }
    return this.statementCalls.has(e);
  }

  isPureRootedPath(e: Expr): boolean {
    return pathRoot(e) !== null;
  }
}

const KW = new Set(['and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in',
  'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while']);
function isKeyword(s: string): boolean {
  return KW.has(s);
}
