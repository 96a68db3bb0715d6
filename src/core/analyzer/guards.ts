// Walks the body of a hot function and tells, for every statement and expression, whether it runs on
// the hot path or only under a guard that makes it rare (docs/rules.md "guard"):
//   lazy init        if C == nil then C = find(...) end        /  C = C or find(...)
//   one-shot flag    if not done then ... done = true end
//   change detection if cur ~= last then ... last = cur end   (the write may follow the if)
//   time throttle    if now - last > k then ... last = now end /  if frame % 30 == 0 then
//   UI check         if imgui.button(...) then / local changed = imgui.checkbox(...) if changed then
//   early return     if C then return C end ... C = find(...)
// The common shape: the condition reads a value that persists across frames (global, upvalue, field)
// and the guarded code (or the code right after the if) writes it. A local of the hot function itself
// is reset every frame, so testing it is not a guard.
import type { Block, Expr, FunctionExpr, LocalVar, Stmt } from '../lua/ast';
import { eachChild, isCall, pathRoot, pathText, walk, type AnyCall, type Node } from './syntax';

export interface HotCtx {
  /** The function whose body is walked (inlined pcall closures report their own function). */
  fn: FunctionExpr;
  /** The hot root function the walk started from. */
  root: FunctionExpr;
  /** Nesting depth of loops inside the hot function. */
  loop: number;
  /** True under a guard that makes the code rare: not hot. */
  guarded: boolean;
  /** True inside any if/else branch (R11 uses it). */
  conditional: boolean;
  /**
   * True in debug-only code (`if debugMode then`, after `if not config.debug_logging then return end`):
   * off in normal play, so only R11 (prints) reports there, as a conditional print.
   */
  debugOnly: boolean;
  /** The statement (in its block) that contains the node. */
  stmt: Stmt | null;
  block: Block | null;
  /** Set while walking a closure that runs right away (pcall(function() ... end)). */
  inner: FunctionExpr | null;
}

export type HotVisitor = (n: Node, ctx: HotCtx) => void;

/** A literal a call passes for a parameter (nil when the argument is missing or `nil`). */
export type Literal = boolean | number | string | null;

/** Names of functions whose function arguments run immediately (so they are part of the hot body). */
const RUNS_ARG_NOW = new Set(['pcall', 'xpcall']);

/** Is a path rooted at something that keeps its value from one frame to the next? */
function persistentRoot(e: Expr, fn: FunctionExpr): boolean {
  const root = pathRoot(e);
  if (!root) return false;
  const d: LocalVar | null = root.decl;
  if (d === null) return true; // global
  if (d.fn !== fn) return true; // upvalue
  // A field of a parameter (self.x, state.last) persists; the parameter itself does not. So does a
  // field of an element a generic for iterates (`for _, m in pairs(monitors) do if m.last ~= v`).
  return e.kind !== 'Name' && (d.kind === 'param' || d.kind === 'self' || d.kind === 'for');
}

/** Persistent paths read by an expression (the candidates for a guard). */
function persistentReads(cond: Expr, fn: FunctionExpr): Set<string> {
  const out = new Set<string>();
  walk(cond, (n) => {
    if (n.kind === 'Function') return false;
    if (n.kind === 'Name' || n.kind === 'Member' || n.kind === 'Index') {
      const p = pathText(n as Expr);
      if (p !== null && persistentRoot(n as Expr, fn)) out.add(p);
    }
  });
  return out;
}

/**
 * Paths assigned by a statement, not counting nested functions. Assignments only occur in statements,
 * so this recurses over nested blocks and never walks expressions; memoised per statement object
 * (paths are text, so an incremental re-parse that shifts offsets leaves them valid).
 */
const writesMemo = new WeakMap<Stmt, Set<string>>();
const EMPTY = new Set<string>();

function stmtWrites(s: Stmt): Set<string> {
  const m = writesMemo.get(s);
  if (m) return m;
  let out: Set<string> = EMPTY;
  const add = (p: string | null): void => {
    if (p === null) return;
    if (out === EMPTY) out = new Set();
    out.add(p);
  };
  const addAll = (b: Block): void => {
    for (const x of b.body) for (const p of stmtWrites(x)) add(p);
  };
  switch (s.kind) {
    case 'Assign': for (const t of s.targets) add(pathText(t)); break;
    case 'If': for (const c of s.clauses) addAll(c.body); break;
    case 'While': case 'Repeat': case 'NumFor': case 'GenFor': case 'Do': addAll(s.body); break;
    default:
  }
  writesMemo.set(s, out);
  return out;
}

/** Paths assigned in a list of statements (not inside nested functions). */
export function writtenPaths(stmts: Stmt[]): Set<string> {
  if (stmts.length === 1) return stmtWrites(stmts[0]);
  const out = new Set<string>();
  for (const s of stmts) for (const p of stmtWrites(s)) out.add(p);
  return out;
}

function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

function isImguiCall(e: Node): boolean {
  if (!isCall(e)) return false;
  const callee = e.kind === 'Call' ? e.callee : e.obj;
  const r = pathRoot(callee);
  return r !== null && r.decl === null && (r.name === 'imgui' || r.name === 'ImGui');
}

/**
 * The value of a condition made of a file-scope local that is never assigned and holds a constant
 * (`local DEBUG = false`), possibly negated; null when it is not such a condition.
 */
function constantFlag(cond: Expr): boolean | null {
  if (cond.kind === 'Unary' && cond.op === 'not') {
    const v = constantFlag(cond.arg);
    return v === null ? null : !v;
  }
  if (cond.kind === 'Paren') return constantFlag(cond.expr);
  if (cond.kind !== 'Name' || !cond.decl || cond.decl.fn.kind !== 'Chunk' || cond.decl.writes > 0 || cond.decl.kind !== 'local') return null;
  const init = cond.decl.init;
  if (init === undefined || init.kind === 'False' || init.kind === 'Nil') return false;
  if (init.kind === 'True' || init.kind === 'Number' || init.kind === 'String') return true;
  return null;
}

/** A name, field or string key that says "debug" (debugMode, DEBUG_LOGGING, "debug_logging"). */
const DEBUG_WORD = /debug/i;

/**
 * true: the condition holds only when debugging is on (so the branch is debug-only code, off in normal
 * play); false: it holds only when debugging is off (`not debug`); null: not about debugging. Only
 * conditions made of the debug reads themselves (and `and` of them) count.
 */
function debugCondition(cond: Expr): boolean | null {
  if (cond.kind === 'Paren') return debugCondition(cond.expr);
  if (cond.kind === 'Unary' && cond.op === 'not') {
    const v = debugCondition(cond.arg);
    return v === null ? null : !v;
  }
  if (cond.kind === 'Binary' && cond.op === 'and') {
    const l = debugCondition(cond.left);
    const r = debugCondition(cond.right);
    return l === true || r === true ? true : null;
  }
  if (cond.kind === 'Binary' && (cond.op === '~=' || cond.op === '==')) {
    const other = cond.right.kind === 'Nil' || cond.right.kind === 'False' ? cond.left : cond.left.kind === 'Nil' || cond.left.kind === 'False' ? cond.right : null;
    if (!other) return null;
    const v = debugCondition(other);
    return v === null ? null : cond.op === '~=' ? v : !v;
  }
  let says = false;
  if (cond.kind === 'Name') says = DEBUG_WORD.test(cond.name);
  else if (cond.kind === 'Member') says = DEBUG_WORD.test(cond.name.name);
  else if (cond.kind === 'Index') {
    const k = cond.key;
    says = (k.kind === 'String' && DEBUG_WORD.test(k.value)) || (k.kind === 'Member' && DEBUG_WORD.test(k.name.name)) || (k.kind === 'Name' && DEBUG_WORD.test(k.name));
  }
  return says ? true : null;
}

/** Names of checks that tell whether something was already created (`hands.exists()`, `isValid(x)`). */
const EXISTS_CHECK = /exists$|Exists$|^(is_?)?(valid|created|initiali[sz]ed|spawned|ready)$|^(getValid|validate_object)$/i;
/** Calls that create, set up or reset what such a check looks for. */
const CREATES = /^(init|create|spawn|setup|set_up|initialize|initialise|reset|build|make|attach|load|connect|hook|register)/i;

/** `a ~= b` where one side is a local of the function initialised from the other (a persistent path). */
function snapshotCompare(cond: Expr, fn: FunctionExpr): boolean {
  if (cond.kind === 'Paren') return snapshotCompare(cond.expr, fn);
  if (cond.kind === 'Binary' && cond.op === 'and') return snapshotCompare(cond.left, fn) || snapshotCompare(cond.right, fn);
  if (cond.kind !== 'Binary' || cond.op !== '~=') return false;
  const snap = (a: Expr, b: Expr): boolean => {
    if (a.kind !== 'Name' || !a.decl || a.decl.fn !== fn || a.decl.kind !== 'local' || a.decl.writes > 0 || !a.decl.init) return false;
    const p = pathText(b);
    return p !== null && pathText(a.decl.init) === p && persistentRoot(b, fn);
  };
  return snap(cond.left, cond.right) || snap(cond.right, cond.left);
}

/** Paths the condition only tests with `P ~= nil` (anywhere else they are read, they do not count). */
function nonNilOnlyTests(cond: Expr): Set<string> {
  const tested = new Set<string>();
  const other = new Set<string>();
  walk(cond, (n) => {
    if (n.kind === 'Function') return false;
    if (n.kind === 'Binary' && n.op === '~=' && (n.right.kind === 'Nil' || n.left.kind === 'Nil')) {
      const side = n.right.kind === 'Nil' ? n.left : n.right;
      const p = pathText(side);
      if (p !== null) {
        tested.add(p);
        return false;
      }
    }
    if (n.kind === 'Member' || n.kind === 'Index' || n.kind === 'Name') {
      const p = pathText(n as Expr);
      if (p !== null) other.add(p);
    }
  });
  for (const p of other) tested.delete(p);
  return tested;
}

/** Every assignment to `path` in the statements (not in nested functions) stores a non-nil literal. */
function onlyNonNilWrites(body: Stmt[], path: string): boolean {
  let ok = true;
  let any = false;
  for (const st of body) {
    walk(st, (n) => {
      if (!ok || n.kind === 'Function') return false;
      if (n.kind !== 'Assign') return;
      n.targets.forEach((t, i) => {
        if (pathText(t) !== path) return;
        any = true;
        const v = n.exprs[i];
        if (!v || !(v.kind === 'True' || v.kind === 'False' || v.kind === 'Number' || v.kind === 'String' || v.kind === 'Table')) ok = false;
      });
    });
  }
  return ok && any;
}

/** Calls that remove what an existence check looks for. */
const DESTROYS = /^(destroy|remove|delete|clear|reset|detach|unregister|unhook|disconnect)/i;

/** `not x` / `x == nil` where x is a local of the function set from a call (a getter's result). */
function nilCheckOfFetched(cond: Expr, fn: FunctionExpr): boolean {
  const fetched = (e: Expr): boolean => e.kind === 'Name' && !!e.decl && e.decl.fn === fn && e.decl.kind === 'local'
    && e.decl.init !== undefined && isCall(e.decl.init);
  if (cond.kind === 'Paren') return nilCheckOfFetched(cond.expr, fn);
  if (cond.kind === 'Unary' && cond.op === 'not') return fetched(cond.arg);
  if (cond.kind === 'Binary') {
    if (cond.op === 'and') return nilCheckOfFetched(cond.left, fn) || nilCheckOfFetched(cond.right, fn);
    if (cond.op === '==') return (fetched(cond.left) && cond.right.kind === 'Nil') || (fetched(cond.right) && cond.left.kind === 'Nil');
  }
  return false;
}

/**
 * `not X.exists()`, `X.exists() == false` / `== nil` (negated: true), or `X.exists()` itself (negated:
 * false), possibly one operand of `and`.
 */
function existenceCheck(cond: Expr, negated: boolean): boolean {
  const isCheck = (e: Expr): boolean => {
    if (!isCall(e)) return false;
    const c = e.kind === 'Call' ? e.callee : null;
    const name = e.kind === 'MethodCall' ? e.method.name : c && c.kind === 'Member' ? c.name.name : c && c.kind === 'Name' ? c.name : '';
    return EXISTS_CHECK.test(name);
  };
  if (cond.kind === 'Paren') return existenceCheck(cond.expr, negated);
  if (!negated) {
    if (isCheck(cond)) return true;
    return cond.kind === 'Binary' && cond.op === 'and' && (existenceCheck(cond.left, false) || existenceCheck(cond.right, false));
  }
  if (cond.kind === 'Unary' && cond.op === 'not') return isCheck(cond.arg);
  if (cond.kind === 'Binary') {
    if (cond.op === 'and') return existenceCheck(cond.left, true) || existenceCheck(cond.right, true);
    if (cond.op === '==') return (isCheck(cond.left) && (cond.right.kind === 'False' || cond.right.kind === 'Nil'))
      || (isCheck(cond.right) && (cond.left.kind === 'False' || cond.left.kind === 'Nil'));
  }
  return false;
}

function bodyCalls(body: Stmt[], names: RegExp): boolean {
  let yes = false;
  for (const st of body) {
    walk(st, (n) => {
      if (yes || n.kind === 'Function') return false;
      if (!isCall(n)) return;
      const name = n.kind === 'MethodCall' ? n.method.name : n.callee.kind === 'Member' ? n.callee.name.name : n.callee.kind === 'Name' ? n.callee.name : '';
      if (names.test(name)) yes = true;
    });
    if (yes) return true;
  }
  return false;
}

export class GuardWalker {
  /** Locals assigned from an imgui call (`local changed, v = imgui.checkbox(...)`). */
  private uiLocals = new Set<LocalVar>();
  private uiGlobals = new Set<string>();
  private writtenInFn = new Map<FunctionExpr, Set<string>>();

  /**
   * @param callWrites paths a call writes through the functions it invokes (so `if not ready then
   *   init() end`, where init sets `ready`, is recognised as a one-shot guard).
   */
  constructor(
    private visit: HotVisitor,
    private callWrites?: (c: AnyCall) => Set<string>,
    /** Parameters every hot call passes the same literal for (`getController(id, true)`). */
    private constParams?: Map<LocalVar, Literal>,
  ) {}

  /** What a condition evaluates to given the constant parameters, or null when it depends on more. */
  private constValue(cond: Expr): boolean | null {
    const params = this.constParams;
    if (!params || params.size === 0) return null;
    const lit = (e: Expr): Literal | undefined => {
      if (e.kind === 'Name' && e.decl && e.decl.writes === 0) return params.get(e.decl);
      if (e.kind === 'True') return true;
      if (e.kind === 'False') return false;
      if (e.kind === 'Nil') return null;
      if (e.kind === 'Number') return Number(e.raw);
      if (e.kind === 'String') return e.value;
      return undefined;
    };
    const truthy = (v: Literal): boolean => v !== null && v !== false;
    if (cond.kind === 'Paren') return this.constValue(cond.expr);
    if (cond.kind === 'Unary' && cond.op === 'not') {
      const v = this.constValue(cond.arg);
      return v === null ? null : !v;
    }
    if (cond.kind === 'Name') {
      const v = lit(cond);
      return v === undefined ? null : truthy(v);
    }
    if (cond.kind === 'Binary' && (cond.op === '==' || cond.op === '~=')) {
      const a = lit(cond.left);
      const b = lit(cond.right);
      if (a === undefined || b === undefined) return null;
      // At least one side must be a parameter (two literals are not what this is for).
      if (cond.left.kind !== 'Name' && cond.right.kind !== 'Name') return null;
      return cond.op === '==' ? a === b : a !== b;
    }
    return null;
  }

  walkFunction(fn: FunctionExpr, root: FunctionExpr = fn, base?: Partial<HotCtx>): void {
    const ctx: HotCtx = { fn, root, loop: 0, guarded: false, conditional: false, debugOnly: false, stmt: null, block: null, inner: null, ...base };
    ctx.fn = fn;
    this.block(fn.body, ctx);
  }

  private fnWrites(fn: FunctionExpr): Set<string> {
    let w = this.writtenInFn.get(fn);
    if (!w) {
      w = writtenPaths(fn.body.body);
      this.writtenInFn.set(fn, w);
    }
    return w;
  }

  private condIsGuard(cond: Expr, body: Stmt[], writtenAfter: (p: string) => boolean, ctx: HotCtx): boolean {
    // A file-scope flag that is a constant (never assigned): `if DEBUG then` with DEBUG = false, or
    // `if not ENABLE_CACHE then` with ENABLE_CACHE = true: the branch never runs.
    if (constantFlag(cond) === false) return true;
    // Lazy creation behind an existence check: `if not hands.exists() then initHands() end`, and the
    // converse: `if hands.exists() and not wanted then hands.destroyHands() end`. Also a getter's
    // result tested for nil before creating it: `local c = getController(i) if c == nil then
    // c = createController(i) end` (the getter finds it on the next frame).
    if (existenceCheck(cond, true) && bodyCalls(body, CREATES)) return true;
    // Change since a snapshot taken earlier in the run: `local last = active ... if last ~= active then`.
    if (snapshotCompare(cond, ctx.fn)) return true;
    if (existenceCheck(cond, false) && bodyCalls(body, DESTROYS)) return true;
    if (nilCheckOfFetched(cond, ctx.fn) && bodyCalls(body, CREATES)) return true;
    let ui = false;
    let modulo = false;
    walk(cond, (n) => {
      if (n.kind === 'Function') return false;
      if (isImguiCall(n)) ui = true;
      if (n.kind === 'Name' && (n.decl ? this.uiLocals.has(n.decl) : this.uiGlobals.has(n.name))) ui = true;
      if (n.kind === 'Binary' && n.op === '%' && n.right.kind === 'Number') modulo = true;
    });
    if (ui || modulo) return true;
    const reads = persistentReads(cond, ctx.fn);
    if (reads.size === 0) return false;
    // `if obj.Field ~= nil then … obj.Field = false end` runs every time: the write keeps the field
    // non-nil, so it does not end the condition. Such reads are not guards.
    const stillTrue = nonNilOnlyTests(cond);
    for (const r of reads) if (writtenAfter(r)) return true;
    const bodyWrites = writtenPaths(body);
    for (const r of reads) if (bodyWrites.has(r) && !(stillTrue.has(r) && onlyNonNilWrites(body, r))) return true;
    if (!this.callWrites) return false;
    let found = false;
    for (const st of body) {
      walk(st, (n) => {
        if (found || n.kind === 'Function') return false;
        if (isCall(n) && intersects(reads, this.callWrites!(n))) found = true;
      });
      if (found) return true;
    }
    return false;
  }

  private block(b: Block, ctx: HotCtx): void {
    const stmts = b.body;
    let guarded = ctx.guarded;
    let debugOnly = ctx.debugOnly;
    // Last statement index that writes each path, computed once per block (keeps the walk linear-ish).
    let lastWrite: Map<string, number> | null = null;
    const writtenAfterIndex = (i: number) => (p: string): boolean => {
      if (!lastWrite) {
        lastWrite = new Map();
        stmts.forEach((st, k) => { for (const w of stmtWrites(st)) lastWrite!.set(w, k); });
      }
      return (lastWrite.get(p) ?? -1) > i;
    };
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      const sctx: HotCtx = { ...ctx, guarded, debugOnly, stmt: s, block: b };
      this.stmt(s, sctx, writtenAfterIndex(i));
      // Early return: `if C then return C end` followed by code that sets C runs only until C is set;
      // `if not debugMode then return end`: what follows is debug-only.
      if (!guarded && s.kind === 'If' && s.clauses.length === 1 && s.clauses[0].cond) {
        const body = s.clauses[0].body.body;
        const last = body[body.length - 1];
        if (last && last.kind === 'Return' && debugCondition(s.clauses[0].cond) === false) debugOnly = true;
        if (last && last.kind === 'Return') {
          const reads = persistentReads(s.clauses[0].cond, ctx.fn);
          const after = writtenAfterIndex(i);
          for (const r of reads) if (after(r)) guarded = true;
        }
      }
    }
  }

  private stmt(s: Stmt, ctx: HotCtx, writtenAfter: (p: string) => boolean): void {
    this.visit(s, ctx);
    switch (s.kind) {
      case 'If': {
        // A clause after one that is always taken (given constant parameters) never runs; a clause
        // whose condition is always false never runs.
        let decided = false;
        s.clauses.forEach((c, idx) => {
          const cctx: HotCtx = { ...ctx, conditional: ctx.conditional || idx > 0 };
          if (c.cond) this.expr(c.cond, cctx);
          const cv = c.cond ? this.constValue(c.cond) : null;
          const dead = decided || cv === false;
          if (cv === true) decided = true;
          const guard = dead || (!ctx.guarded && c.cond !== null && this.condIsGuard(c.cond, c.body.body, writtenAfter, ctx));
          // `if debug then` is debug-only, and so is the else of `if not debug then`.
          const debug = ctx.debugOnly || (c.cond !== null && debugCondition(c.cond) === true)
            || (c.cond === null && s.clauses.length === 2 && s.clauses[0].cond !== null && debugCondition(s.clauses[0].cond) === false);
          this.block(c.body, { ...ctx, conditional: true, guarded: ctx.guarded || guard, debugOnly: debug });
        });
        return;
      }
      case 'While':
        this.expr(s.cond, ctx);
        this.block(s.body, { ...ctx, loop: ctx.loop + 1 });
        return;
      case 'Repeat':
        this.block(s.body, { ...ctx, loop: ctx.loop + 1 });
        this.expr(s.cond, { ...ctx, loop: ctx.loop + 1 });
        return;
      case 'NumFor':
        this.expr(s.from, ctx);
        this.expr(s.to, ctx);
        if (s.step) this.expr(s.step, ctx);
        this.block(s.body, { ...ctx, loop: ctx.loop + 1 });
        return;
      case 'GenFor':
        for (const e of s.exprs) this.expr(e, ctx);
        this.block(s.body, { ...ctx, loop: ctx.loop + 1 });
        return;
      case 'Do':
        this.block(s.body, ctx);
        return;
      case 'Local':
        if (s.exprs.length > 0 && isImguiCall(s.exprs[0])) for (const n of s.names) this.uiLocals.add(n.v);
        for (const e of s.exprs) this.expr(e, ctx);
        return;
      case 'Assign':
        // `changed, value = imgui.checkbox(...)` into existing variables
        if (s.exprs.length > 0 && isImguiCall(s.exprs[0])) {
          for (const t of s.targets) if (t.kind === 'Name') (t.decl ? this.uiLocals.add(t.decl) : this.uiGlobals.add(t.name));
        }
        // A local flag set to true under a guard (`if xChanged then rotChanged = true end`) is as rare
        // as that guard: testing it later in the function is a guard too.
        if (ctx.guarded) {
          s.targets.forEach((t, i) => {
            if (t.kind === 'Name' && t.decl && t.decl.fn === ctx.fn && s.exprs[i]?.kind === 'True') this.uiLocals.add(t.decl);
          });
        }
        for (const t of s.targets) this.expr(t, ctx);
        for (const e of s.exprs) this.expr(e, ctx);
        return;
      case 'LocalFunction':
      case 'FunctionStat':
        // A function defined in hot code: the definition (closure creation) is visited, its body is not hot.
        this.visit(s.func, ctx);
        return;
      default:
        eachChild(s, (c) => this.expr(c as Expr, ctx));
    }
  }

  private expr(e: Expr, ctx: HotCtx): void {
    this.visit(e, ctx);
    switch (e.kind) {
      case 'Function':
        return; // closure creation only; body not hot unless run right away (below)
      case 'Binary':
        this.expr(e.left, ctx);
        // `C = C or find(...)`: the right side runs only while the persistent C is unset.
        if (e.op === 'or' && !ctx.guarded) {
          const p = pathText(e.left);
          if (p !== null && persistentRoot(e.left, ctx.fn) && this.fnWrites(ctx.fn).has(p)) {
            this.expr(e.right, { ...ctx, guarded: true });
            return;
          }
        }
        this.expr(e.right, ctx);
        return;
      case 'Call': {
        this.expr(e.callee, ctx);
        const runsNow = e.callee.kind === 'Name' && e.callee.decl === null && RUNS_ARG_NOW.has(e.callee.name);
        for (const a of e.args) {
          if (runsNow && a.kind === 'Function' && a === e.args[0]) {
            this.visit(a, ctx);
            this.walkInlined(a, ctx);
          } else this.expr(a, ctx);
        }
        return;
      }
      case 'MethodCall':
        this.expr(e.obj, ctx);
        for (const a of e.args) this.expr(a, ctx);
        return;
      case 'Member':
        this.expr(e.obj, ctx);
        return;
      case 'Index':
        this.expr(e.obj, ctx);
        this.expr(e.key, ctx);
        return;
      case 'Unary':
        this.expr(e.arg, ctx);
        return;
      case 'Paren':
        this.expr(e.expr, ctx);
        return;
      case 'Table':
        for (const f of e.fields) {
          if (f.type === 'expr') this.expr(f.key as Expr, ctx);
          this.expr(f.value, ctx);
        }
        return;
      default:
        return; // leaves: names and literals
    }
  }

  /** A closure that runs right away (pcall(function() ... end)) is part of the hot body. */
  private walkInlined(f: FunctionExpr, ctx: HotCtx): void {
    this.block(f.body, { ...ctx, inner: f, stmt: null, block: null });
  }
}
