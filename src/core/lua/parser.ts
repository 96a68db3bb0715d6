// Recursive-descent parser for the whole Lua 5.4 grammar, modelled on lparser.c so it accepts exactly
// what `load` accepts: attribs <const>/<close>, goto/labels (with 5.4's visibility and "jumps into the
// scope of local" rules), `break` outside loops, `...` outside vararg functions, assignment to const
// locals. It resolves names to their local declarations while it parses.
// Unlike Lua it keeps going after an error: the statement is abandoned, tokens are skipped to the next
// statement boundary, and the rest of the file is still parsed (an editor file is usually mid-edit).
// Nesting is bounded (MAX_DEPTH) so hostile input gets a diagnostic instead of a stack overflow.
import type {
  Block, Chunk, Expr, FunctionExpr, Ident, IfClause, LocalAttName, LocalVar, NameExpr, Stmt, SyntaxDiag,
  TableField, VarKind,
} from './ast';
import { lex, T, type Comment, type Token } from './lexer';
import { LineIndex } from './positions';

/** Lua's own C-stack limit (LUAI_MAXCCALLS) is 200; deeper nesting is rejected by Lua too. */
export const MAX_DEPTH = 200;
/** At most this many syntax errors are reported per file. */
export const MAX_ERRORS = 100;

// Not an Error subclass on purpose: capturing a stack trace per syntax error made files with thousands
// of errors (random bytes, deep nesting) take seconds.
class ParseError {
  constructor(readonly message: string, readonly start: number, readonly end: number) {}
}

interface PendingGoto {
  name: string;
  nactvar: number;
  start: number;
  end: number;
}

interface BlockState {
  isLoop: boolean;
  /** Active locals in the function when the block was entered. */
  nactvar: number;
  /** Labels of this block by name (a name is defined once per function's open blocks). */
  labels: Map<string, { name: string; nactvar: number; start: number }>;
  /**
   * Pending (forward) gotos of this block, grouped by label name so a label resolves its own gotos
   * without looking at the others: 200k gotos and labels stay linear.
   */
  gotos: Map<string, PendingGoto[]>;
  /** Locals declared in this block, in order (for name resolution). */
  locals: LocalVar[];
  /** Latest local of each name in this block (a later `local x` shadows an earlier one). */
  byName: Map<string, LocalVar>;
}

interface FuncState {
  node: FunctionExpr | Chunk;
  isVararg: boolean;
  blocks: BlockState[];
  /** Active locals (the count lparser.c calls nactvar). */
  nactvar: number;
  parent: FuncState | null;
}

const BINARY_PRIORITY: Record<string, [number, number]> = {
  '+': [10, 10], '-': [10, 10], '*': [11, 11], '%': [11, 11], '^': [14, 13], '/': [11, 11], '//': [11, 11],
  '&': [6, 6], '|': [4, 4], '~': [5, 5], '<<': [7, 7], '>>': [7, 7], '..': [9, 8],
  '==': [3, 3], '<': [3, 3], '<=': [3, 3], '~=': [3, 3], '>': [3, 3], '>=': [3, 3], and: [2, 2], or: [1, 1],
};
const UNARY_PRIORITY = 12;

export interface ParseOptions {
  /** Read as a file: skip a UTF-8 BOM, then a first line starting with `#` (luaL_loadfile does; `load` does not). Default true. */
  allowShebang?: boolean;
}

export function parse(src: string, opts: ParseOptions = {}): Chunk {
  return new Parser(src, opts).parseChunk();
}

/** See Parser.parseOneStatement (used by incremental.ts). */
export function parseStatementAt(src: string, from: number, to: number, chunk: Chunk, prelude: LocalVar[]) {
  return new Parser(src, { allowShebang: false }, { from, to }).parseOneStatement(chunk, prelude);
}

class Parser {
  private toks: Token[];
  private p = 0;
  private tok: Token;
  private errors: SyntaxDiag[] = [];
  private fs!: FuncState;
  private depth = 0;
  /** Set when the nesting limit was hit: parsing stops there (one diagnostic, no error cascade). */
  private tooDeep = false;
  private globals: NameExpr[] = [];
  private comments;
  private linesCache: LineIndex | null = null;
  /** The last run of labels and semicolons scanned by labelStat (token indexes), reused by the labels inside it. */
  private noopRun: { from: number; to: number } | null = null;
  private names: Set<string>;

  constructor(private src: string, opts: ParseOptions, range?: { from: number; to: number }) {
    const lx = lex(src, { allowShebang: opts.allowShebang ?? true, from: range?.from, to: range?.to });
    this.toks = lx.tokens;
    this.names = lx.names;
    this.comments = lx.comments;
    for (const e of lx.errors) this.errors.push({ message: e.message, start: e.start, end: e.end });
    this.tok = this.toks[0];
  }

  // ---- token helpers ----
  private next(): Token {
    const t = this.tok;
    if (this.p < this.toks.length - 1) this.p++;
    this.tok = this.toks[this.p];
    return t;
  }
  private peek(k = 1): Token {
    return this.toks[Math.min(this.p + k, this.toks.length - 1)];
  }
  private is(v: string): boolean {
    return (this.tok.t === T.Op || this.tok.t === T.Keyword) && this.tok.v === v;
  }
  private accept(v: string): boolean {
    if (this.is(v)) {
      this.next();
      return true;
    }
    return false;
  }
  private near(t: Token): string {
    if (t.t === T.EOF) return '<eof>';
    return this.src.slice(t.s, Math.min(t.e, t.s + 40));
  }
  private fail(message: string, t: Token = this.tok): never {
    throw new ParseError(`${message} near '${this.near(t)}'`, t.s, Math.max(t.e, t.s + 1));
  }
  private expect(v: string, what?: string, openTok?: Token): Token {
    if (this.is(v)) return this.next();
    if (openTok && this.lineOf(openTok.s) !== this.lineOf(this.tok.s)) {
      this.fail(`'${v}' expected (to close '${openTok.v}' at line ${this.lineOf(openTok.s)})`);
    }
    this.fail(`'${v}' expected${what ? ' ' + what : ''}`);
  }
  /** 1-based line, for messages that quote a line like Lua's do. */
  private lineOf(off: number): number {
    this.linesCache ??= new LineIndex(this.src);
    return this.linesCache.lineOf(off) + 1;
  }
  private ident(): Ident {
    if (this.tok.t !== T.Name) this.fail('<name> expected');
    const t = this.next();
    return { name: t.v, start: t.s, end: t.e };
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      this.tooDeep = true;
      throw new ParseError(`chunk has too many syntax levels (nesting deeper than ${MAX_DEPTH})`, this.tok.s, this.tok.e);
    }
  }

  // ---- scopes ----
  private openFunc(node: FunctionExpr | Chunk, isVararg: boolean): FuncState {
    const fs: FuncState = { node, isVararg, blocks: [], nactvar: 0, parent: this.fs ?? null };
    this.fs = fs;
    return fs;
  }
  private openBlock(isLoop: boolean): BlockState {
    const b: BlockState = { isLoop, nactvar: this.fs.nactvar, labels: new Map(), gotos: new Map(), locals: [], byName: new Map() };
    this.fs.blocks.push(b);
    return b;
  }
  private closeBlock(): void {
    const fs = this.fs;
    const b = fs.blocks.pop()!;
    fs.nactvar = b.nactvar;
    const outer = fs.blocks[fs.blocks.length - 1];
    for (const [name, list] of b.gotos) {
      // Pending gotos leave the block: their active-local count becomes the block's (lparser.c movegotosout).
      if (outer) {
        let into = outer.gotos.get(name);
        if (!into) outer.gotos.set(name, (into = []));
        for (const g of list) into.push({ ...g, nactvar: Math.min(g.nactvar, b.nactvar) });
      } else {
        for (const g of list) this.errors.push({ message: `no visible label '${g.name}' for goto`, start: g.start, end: g.end });
      }
    }
  }
  private declare(id: Ident, kind: VarKind, attrib: LocalVar['attrib'] = null): LocalVar {
    return { name: id.name, start: id.start, end: id.end, kind, attrib, fn: this.fs.node, refs: [], writes: 0 };
  }
  /** Makes locals visible (after their declaration statement, as in Lua). */
  private activate(vars: LocalVar[]): void {
    const b = this.fs.blocks[this.fs.blocks.length - 1];
    for (const v of vars) {
      b.locals.push(v);
      b.byName.set(v.name, v);
    }
    this.fs.nactvar += vars.length;
  }
  private resolve(name: string): LocalVar | null {
    for (let fs: FuncState | null = this.fs; fs; fs = fs.parent) {
      for (let i = fs.blocks.length - 1; i >= 0; i--) {
        const v = fs.blocks[i].byName.get(name);
        if (v) return v;
      }
    }
    return null;
  }
  private nameExpr(id: Ident): NameExpr {
    const decl = this.resolve(id.name);
    const e: NameExpr = { kind: 'Name', name: id.name, start: id.start, end: id.end, decl };
    if (decl) decl.refs.push(e);
    else this.globals.push(e);
    return e;
  }

  /**
   * Parses exactly one top-level statement in [from, to) of the text, as part of `chunk`, with the
   * chunk's earlier file-scope locals visible. Returns null unless it is one error-free statement.
   */
  parseOneStatement(chunk: Chunk, prelude: LocalVar[]): { stmt: Stmt; comments: Comment[]; globals: NameExpr[]; names: Set<string> } | null {
    if (this.errors.length) return null;
    this.openFunc(chunk, true);
    this.openBlock(false);
    this.activate(prelude);
    let stmt: Stmt | null = null;
    try {
      stmt = this.statement();
    } catch (e) {
      if (e instanceof ParseError) return null;
      throw e;
    }
    const b = this.fs.blocks[0];
    if (!stmt || this.tok.t !== T.EOF || this.errors.length || b.gotos.size || b.labels.size) return null;
    return { stmt, comments: this.comments, globals: this.globals, names: this.names };
  }

  // ---- chunk and blocks ----
  parseChunk(): Chunk {
    const chunk: Chunk = {
      kind: 'Chunk', start: 0, end: this.src.length,
      body: { kind: 'Block', body: [], start: 0, end: this.src.length },
      comments: this.comments, errors: this.errors, globals: this.globals, names: this.names,
    };
    this.openFunc(chunk, true);
    this.openBlock(false);
    chunk.body.body = this.statList();
    while (this.tok.t !== T.EOF) {
      // A stray closer (`end` too many, `until`...) at top level: report and continue after it.
      this.report(new ParseError(`'<eof>' expected near '${this.near(this.tok)}'`, this.tok.s, this.tok.e));
      this.next();
      chunk.body.body.push(...this.statList());
    }
    this.closeBlock();
    this.errors.sort((a, b) => a.start - b.start);
    // Random bytes can produce an error per character: keep the first ones, they are the useful ones.
    if (this.errors.length > MAX_ERRORS) {
      const dropped = this.errors.length - MAX_ERRORS;
      this.errors.length = MAX_ERRORS;
      const last = this.errors[MAX_ERRORS - 1];
      this.errors.push({ message: `${dropped} more syntax errors not shown`, start: last.start, end: last.end });
    }
    return chunk;
  }

  private blockFollow(withUntil: boolean): boolean {
    const t = this.tok;
    if (t.t === T.EOF) return true;
    if (t.t !== T.Keyword) return false;
    return t.v === 'else' || t.v === 'elseif' || t.v === 'end' || (withUntil && t.v === 'until');
  }

  private report(e: ParseError): void {
    const last = this.errors[this.errors.length - 1];
    if (last && last.start === e.start) return;
    this.errors.push({ message: e.message, start: e.start, end: e.end });
  }

  /** Skips to the next plausible statement start after an error. Always consumes at least one token. */
  private recover(startTok: Token): void {
    // Stay on a boundary token the failed statement stopped at (e.g. `x = end`), unless no progress was made.
    if (this.tok === startTok && this.tok.t !== T.EOF) this.next();
    for (;;) {
      const t = this.tok;
      if (t.t === T.EOF) return;
      if (t.t === T.Keyword) {
        switch (t.v) {
          case 'local': case 'function': case 'if': case 'while': case 'for': case 'repeat':
          case 'return': case 'do': case 'goto': case 'break':
          case 'end': case 'else': case 'elseif': case 'until':
            return;
        }
      }
      if (t.nl && t.t === T.Name) return;
      if (t.t === T.Op && t.v === '::' && t.nl) return;
      this.next();
    }
  }

  private statList(): Stmt[] {
    const out: Stmt[] = [];
    while (!this.blockFollow(true)) {
      if (this.is('return')) {
        const startTok = this.tok;
        try {
          out.push(this.retStat());
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          this.report(e);
          this.recover(startTok);
        }
        return out;
      }
      const startTok = this.tok;
      const savedDepth = this.depth;
      const savedBlocks = this.fs.blocks.length;
      const savedFs = this.fs;
      const savedNact = this.fs.nactvar;
      try {
        const s = this.statement();
        if (s) out.push(s);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.report(e);
        if (this.tooDeep) {
          this.p = this.toks.length - 1;
          this.tok = this.toks[this.p];
          return out;
        }
        // Unwind function/block state left open by the abandoned statement.
        this.depth = savedDepth;
        this.fs = savedFs;
        while (this.fs.blocks.length > savedBlocks) this.fs.blocks.pop();
        this.fs.nactvar = savedNact;
        this.recover(startTok);
      }
    }
    return out;
  }

  private block(isLoop = false): Block {
    const start = this.tok.s;
    this.openBlock(isLoop);
    const body = this.statList();
    this.closeBlock();
    return { kind: 'Block', body, start, end: this.tok.s };
  }

  // ---- statements ----
  private statement(): Stmt | null {
    this.enter();
    try {
      const t = this.tok;
      const start = t.s;
      if (t.t === T.Op) {
        if (t.v === ';') {
          this.next();
          return null;
        }
        if (t.v === '::') return this.labelStat();
      }
      if (t.t === T.Keyword) {
        switch (t.v) {
          case 'if': return this.ifStat();
          case 'while': {
            this.next();
            const cond = this.expr();
            this.expect('do');
            const body = this.block(true);
            this.expect('end', undefined, t);
            return { kind: 'While', start, end: this.prevEnd(), cond, body };
          }
          case 'do': {
            this.next();
            const body = this.block();
            this.expect('end', undefined, t);
            return { kind: 'Do', start, end: this.prevEnd(), body };
          }
          case 'for': return this.forStat();
          case 'repeat': {
            this.next();
            // The condition sees the body's locals: keep the body block open while parsing it.
            const bstart = this.tok.s;
            this.openBlock(true);
            const stmts = this.statList();
            const body: Block = { kind: 'Block', body: stmts, start: bstart, end: this.tok.s };
            this.expect('until', undefined, t);
            const cond = this.expr();
            this.closeBlock();
            return { kind: 'Repeat', start, end: this.prevEnd(), body, cond };
          }
          case 'function': return this.funcStat();
          case 'local': {
            this.next();
            if (this.accept('function')) {
              const id = this.ident();
              const v = this.declare(id, 'localfunction');
              this.activate([v]);
              const func = this.funcBody(start, false, id.name, t);
              return { kind: 'LocalFunction', start, end: func.end, v, func };
            }
            return this.localStat(start);
          }
          case 'return':
            return this.retStat();
          case 'break': {
            this.next();
            if (!this.fs.blocks.some((b) => b.isLoop)) {
              throw new ParseError(`break outside a loop at line ${this.lineOf(start)}`, start, t.e);
            }
            return { kind: 'Break', start, end: t.e };
          }
          case 'goto': {
            this.next();
            const label = this.ident();
            this.gotoStat(label);
            return { kind: 'Goto', start, end: label.end, label };
          }
        }
      }
      return this.exprStat();
    } finally {
      this.depth--;
    }
  }

  private prevEnd(): number {
    return this.toks[Math.max(0, this.p - 1)].e;
  }

  private gotoStat(label: Ident): void {
    const fs = this.fs;
    for (let i = fs.blocks.length - 1; i >= 0; i--) {
      if (fs.blocks[i].labels.has(label.name)) return; // backward jump: fine
    }
    const gotos = fs.blocks[fs.blocks.length - 1].gotos;
    let list = gotos.get(label.name);
    if (!list) gotos.set(label.name, (list = []));
    list.push({ name: label.name, nactvar: fs.nactvar, start: label.start, end: label.end });
  }

  private labelStat(): Stmt {
    const start = this.tok.s;
    this.next();
    const label = this.ident();
    this.expect('::');
    const fs = this.fs;
    // Lua decides whether the label ends the block after skipping following no-op statements.
    // Look ahead over further labels and semicolons to see whether only the block end follows. A run
    // of n labels is scanned once, not once per label (that was quadratic: 40k labels took 20 s).
    let k = this.p;
    if (this.noopRun && k >= this.noopRun.from && k <= this.noopRun.to) k = this.noopRun.to;
    else {
      for (;;) {
        const t = this.toks[k];
        if (t.t === T.Op && t.v === ';') k++;
        else if (t.t === T.Op && t.v === '::' && this.toks[k + 1]?.t === T.Name && this.toks[k + 2]?.v === '::') k += 3;
        else break;
      }
      this.noopRun = { from: this.p, to: k };
    }
    const ft = this.toks[k];
    const last = ft.t === T.EOF || (ft.t === T.Keyword && (ft.v === 'end' || ft.v === 'else' || ft.v === 'elseif'));
    for (const b of fs.blocks) {
      const dup = b.labels.get(label.name);
      if (dup) throw new ParseError(`label '${label.name}' already defined on line ${this.lineOf(dup.start)}`, label.start, label.end);
    }
    const cur = fs.blocks[fs.blocks.length - 1];
    const nactvar = last ? cur.nactvar : fs.nactvar;
    cur.labels.set(label.name, { name: label.name, nactvar, start: label.start });
    const pending = cur.gotos.get(label.name) ?? [];
    cur.gotos.delete(label.name);
    for (const g of pending) {
      if (g.nactvar < nactvar) {
        const v = cur.locals[cur.locals.length - (fs.nactvar - g.nactvar)] ?? cur.locals[cur.locals.length - 1];
        this.errors.push({
          message: `<goto ${g.name}> at line ${this.lineOf(g.start)} jumps into the scope of local '${v?.name ?? '?'}'`,
          start: g.start, end: g.end,
        });
      }
    }
    return { kind: 'Label', start, end: this.prevEnd(), label };
  }

  private ifStat(): Stmt {
    const ifTok = this.tok;
    const start = ifTok.s;
    const clauses: IfClause[] = [];
    do {
      const cs = this.tok.s;
      this.next(); // if / elseif
      const cond = this.expr();
      this.expect('then');
      const body = this.block();
      clauses.push({ cond, body, start: cs, end: body.end });
    } while (this.is('elseif'));
    if (this.is('else')) {
      const cs = this.tok.s;
      this.next();
      const body = this.block();
      clauses.push({ cond: null, body, start: cs, end: body.end });
    }
    this.expect('end', undefined, ifTok);
    return { kind: 'If', start, end: this.prevEnd(), clauses };
  }

  private forStat(): Stmt {
    const forTok = this.next();
    const start = forTok.s;
    const first = this.ident();
    if (this.is('=')) {
      this.next();
      const from = this.expr();
      this.expect(',');
      const to = this.expr();
      const step = this.accept(',') ? this.expr() : null;
      this.expect('do');
      const v = this.declare(first, 'for');
      this.openBlock(true);
      this.activate([v]);
      const body = this.block();
      this.closeBlock();
      this.expect('end', undefined, forTok);
      return { kind: 'NumFor', start, end: this.prevEnd(), v, from, to, step, body };
    }
    if (this.is(',') || this.is('in')) {
      const ids = [first];
      while (this.accept(',')) ids.push(this.ident());
      this.expect('in');
      const exprs = this.exprList();
      this.expect('do');
      const vars = ids.map((id) => this.declare(id, 'for'));
      this.openBlock(true);
      this.activate(vars);
      const body = this.block();
      this.closeBlock();
      this.expect('end', undefined, forTok);
      return { kind: 'GenFor', start, end: this.prevEnd(), vars, exprs, body };
    }
    this.fail("'=' or 'in' expected");
  }

  private funcStat(): Stmt {
    const fnTok = this.next();
    const start = fnTok.s;
    const id = this.ident();
    let target: Expr = this.nameExpr(id);
    let name = id.name;
    while (this.is('.')) {
      this.next();
      const key = this.ident();
      target = { kind: 'Member', obj: target, name: key, start: target.start, end: key.end };
      name += '.' + key.name;
    }
    let isMethod = false;
    if (this.is(':')) {
      this.next();
      const key = this.ident();
      target = { kind: 'Member', obj: target, name: key, start: target.start, end: key.end };
      name += ':' + key.name;
      isMethod = true;
    }
    if (target.kind === 'Name') {
      target.isWrite = true;
      this.checkConstAssign(target);
      if (target.decl) target.decl.writes++;
    }
    const func = this.funcBody(start, isMethod, name, fnTok);
    return { kind: 'FunctionStat', start, end: func.end, target, isMethod, func };
  }

  private localStat(start: number): Stmt {
    const names: LocalAttName[] = [];
    let closes = 0;
    do {
      const ident = this.ident();
      let attrib: LocalAttName['attrib'] = null;
      if (this.is('<')) {
        this.next();
        const a = this.ident();
        if (a.name === 'const') attrib = 'const';
        else if (a.name === 'close') attrib = 'close';
        else throw new ParseError(`unknown attribute '${a.name}'`, a.start, a.end);
        this.expect('>');
        if (attrib === 'close' && ++closes > 1) {
          throw new ParseError('multiple to-be-closed variables in local list', ident.start, a.end);
        }
      }
      names.push({ ident, attrib, v: this.declare(ident, 'local', attrib) });
    } while (this.accept(','));
    const exprs = this.accept('=') ? this.exprList() : [];
    exprs.forEach((e, i) => {
      if (e.kind === 'Function' && !e.name && names[i]) e.name = names[i].ident.name;
      if (names[i] && (i < exprs.length - 1 || names.length === exprs.length)) names[i].v.init = e;
    });
    this.activate(names.map((n) => n.v));
    return { kind: 'Local', start, end: this.prevEnd(), names, exprs };
  }

  private retStat(): Stmt {
    const start = this.next().s;
    let exprs: Expr[] = [];
    if (!this.blockFollow(true) && !this.is(';')) exprs = this.exprList();
    this.accept(';');
    const end = this.prevEnd();
    if (!this.blockFollow(true)) this.fail("'<eof>' expected");
    return { kind: 'Return', start, end, exprs };
  }

  private checkConstAssign(n: NameExpr): void {
    if (n.decl && n.decl.attrib) {
      throw new ParseError(`attempt to assign to const variable '${n.name}'`, n.start, n.end);
    }
  }

  private exprStat(): Stmt {
    const start = this.tok.s;
    const e = this.suffixedExpr();
    if (this.is('=') || this.is(',')) {
      const targets = [e];
      while (this.accept(',')) targets.push(this.suffixedExpr());
      for (const t of targets) {
        if (t.kind === 'Name') {
          this.checkConstAssign(t);
          t.isWrite = true;
          if (t.decl) t.decl.writes++;
        } else if (t.kind !== 'Member' && t.kind !== 'Index') {
          throw new ParseError(`syntax error near '${this.near(this.tok)}'`, t.start, t.end);
        }
      }
      this.expect('=');
      const exprs = this.exprList();
      exprs.forEach((x, i) => {
        const t = targets[i];
        if (x.kind === 'Function' && !x.name && t) x.name = this.src.slice(t.start, Math.min(t.end, t.start + 60));
      });
      return { kind: 'Assign', start, end: this.prevEnd(), targets, exprs };
    }
    if (e.kind !== 'Call' && e.kind !== 'MethodCall') this.fail('syntax error');
    return { kind: 'CallStat', start, end: e.end, call: e };
  }

  // ---- functions ----
  private funcBody(start: number, isMethod: boolean, name: string, openTok: Token): FunctionExpr {
    const node: FunctionExpr = {
      kind: 'Function', start, end: start, params: [], isVararg: false,
      body: { kind: 'Block', body: [], start, end: start }, name, parent: this.fs.node,
    };
    const outer = this.fs;
    const outerDepth = this.depth;
    const fs = this.openFunc(node, false);
    this.openBlock(false);
    try {
      const open = this.expect('(');
      if (isMethod) node.params.push(this.declare({ name: 'self', start: open.s, end: open.s }, 'self'));
      if (!this.is(')')) {
        do {
          if (this.is('...')) {
            this.next();
            node.isVararg = true;
            break;
          }
          node.params.push(this.declare(this.ident(), 'param'));
        } while (this.accept(','));
      }
      fs.isVararg = node.isVararg;
      this.activate(node.params);
      this.expect(')');
      const bstart = this.tok.s;
      const body = this.statList();
      node.body = { kind: 'Block', body, start: bstart, end: this.tok.s };
      this.expect('end', undefined, openTok);
      node.end = this.prevEnd();
      this.closeBlock();
      return node;
    } finally {
      this.fs = outer;
      this.depth = outerDepth;
    }
  }

  // ---- expressions ----
  private exprList(): Expr[] {
    const out = [this.expr()];
    while (this.accept(',')) out.push(this.expr());
    return out;
  }

  expr(limit = 0): Expr {
    this.enter();
    try {
      let left: Expr;
      const t = this.tok;
      if ((t.t === T.Keyword && t.v === 'not') || (t.t === T.Op && (t.v === '-' || t.v === '#' || t.v === '~'))) {
        this.next();
        const arg = this.expr(UNARY_PRIORITY);
        left = { kind: 'Unary', op: t.v, arg, start: t.s, end: arg.end };
      } else left = this.simpleExpr();
      for (;;) {
        const op = this.tok;
        if (op.t !== T.Op && op.t !== T.Keyword) break;
        const pr = BINARY_PRIORITY[op.v];
        if (!pr || pr[0] <= limit) break;
        this.next();
        const right = this.expr(pr[1]);
        left = { kind: 'Binary', op: op.v, left, right, start: left.start, end: right.end };
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  private simpleExpr(): Expr {
    const t = this.tok;
    switch (t.t) {
      case T.Number:
        this.next();
        return { kind: 'Number', raw: t.v, start: t.s, end: t.e };
      case T.String:
        this.next();
        return { kind: 'String', value: t.v, start: t.s, end: t.e };
      case T.Keyword:
        switch (t.v) {
          case 'nil': this.next(); return { kind: 'Nil', start: t.s, end: t.e };
          case 'true': this.next(); return { kind: 'True', start: t.s, end: t.e };
          case 'false': this.next(); return { kind: 'False', start: t.s, end: t.e };
          case 'function':
            this.next();
            return this.funcBody(t.s, false, '', t);
        }
        break;
      case T.Op:
        if (t.v === '...') {
          if (!this.fs.isVararg) this.fail("cannot use '...' outside a vararg function");
          this.next();
          return { kind: 'Vararg', start: t.s, end: t.e };
        }
        if (t.v === '{') return this.table();
        break;
    }
    return this.suffixedExpr();
  }

  private primaryExpr(): Expr {
    const t = this.tok;
    if (t.t === T.Name) return this.nameExpr(this.ident());
    if (t.t === T.Op && t.v === '(') {
      this.next();
      const inner = this.expr();
      this.expect(')', undefined, t);
      return { kind: 'Paren', expr: inner, start: t.s, end: this.prevEnd() };
    }
    this.fail('unexpected symbol');
  }

  private suffixedExpr(): Expr {
    let e = this.primaryExpr();
    for (;;) {
      const t = this.tok;
      if (t.t === T.Op) {
        if (t.v === '.') {
          this.next();
          const name = this.ident();
          e = { kind: 'Member', obj: e, name, start: e.start, end: name.end };
        } else if (t.v === '[') {
          this.next();
          const key = this.expr();
          this.expect(']');
          e = { kind: 'Index', obj: e, key, start: e.start, end: this.prevEnd() };
        } else if (t.v === ':') {
          this.next();
          const method = this.ident();
          const args = this.callArgs();
          e = { kind: 'MethodCall', obj: e, method, args, start: e.start, end: this.prevEnd() };
        } else if (t.v === '(' || t.v === '{') {
          const args = this.callArgs();
          e = { kind: 'Call', callee: e, args, start: e.start, end: this.prevEnd() };
        } else return e;
      } else if (t.t === T.String) {
        const args = this.callArgs();
        e = { kind: 'Call', callee: e, args, start: e.start, end: this.prevEnd() };
      } else return e;
    }
  }

  private callArgs(): Expr[] {
    const t = this.tok;
    if (t.t === T.String) {
      this.next();
      return [{ kind: 'String', value: t.v, start: t.s, end: t.e }];
    }
    if (t.t === T.Op && t.v === '{') return [this.table()];
    if (t.t === T.Op && t.v === '(') {
      this.next();
      const args = this.is(')') ? [] : this.exprList();
      this.expect(')', undefined, t);
      return args;
    }
    this.fail('function arguments expected');
  }

  private table(): Expr {
    const open = this.next();
    {
      const fields: TableField[] = [];
      while (!this.is('}')) {
        const fs = this.tok.s;
        if (this.tok.t === T.Name && this.peek().t === T.Op && this.peek().v === '=') {
          const key = this.ident();
          this.next();
          const value = this.expr();
          if (value.kind === 'Function' && !value.name) value.name = key.name;
          fields.push({ type: 'name', key, value, start: fs, end: value.end });
        } else if (this.is('[')) {
          this.next();
          const key = this.expr();
          this.expect(']');
          this.expect('=');
          const value = this.expr();
          fields.push({ type: 'expr', key, value, start: fs, end: value.end });
        } else {
          const value = this.expr();
          fields.push({ type: 'list', key: null, value, start: fs, end: value.end });
        }
        if (!this.accept(',') && !this.accept(';')) break;
      }
      this.expect('}', undefined, open);
      return { kind: 'Table', fields, start: open.s, end: this.prevEnd() };
    }
  }
}
