// Quick-fix builders, one per rule shape. Each returns null when it cannot guarantee its contract
// (docs/rules.md "What a fix must guarantee"): the result parses, the finding is gone on
// re-analysis, behaviour is kept ('safe') or the difference is stated ('suggestion' + reason), and new
// names come from FixContext.freshName (collide with nothing; one cache per literal per file).
import type { Block, Expr, FunctionExpr, LocalVar, Stmt } from '../lua/ast';
import { BUILTIN_GLOBALS, HELPER_MARK, type FixContext } from './fixctx';
import type { HotCtx } from './guards';
import { luaQuote } from './luastr';
import { callName, eachChild, isCall, isConstant, pathRoot, pathText, walk, type AnyCall, type Node } from './syntax';
import type { Fix, HotInfo, TextEdit } from './types';

const safe = (title: string, edits: TextEdit[]): Fix => ({ title, kind: 'safe', edits });
const suggestion = (title: string, reason: string, edits: TextEdit[]): Fix => ({ title, kind: 'suggestion', reason, edits });

/** Inserts `code` as a statement right before statement `s` (own line when s starts its line). */
function insertBefore(fx: FixContext, s: { start: number }, code: string): TextEdit {
  const line = fx.lines.lineOf(s.start);
  const lineStart = fx.lines.starts[line];
  const before = fx.text.slice(lineStart, s.start);
  // A statement starting with `(` would otherwise be read as a call of our expression.
  const sep = fx.text[s.start] === '(' ? ';' : '';
  if (/^[ \t]*$/.test(before)) return { range: fx.lines.range(lineStart, lineStart), newText: `${before}${code}${sep}\n` };
  return { range: fx.lines.range(s.start, s.start), newText: `${code}; ` };
}

/** Adds a shared file-scope helper once (reusing one an earlier fix added), returns its name + edits. */
function helper(fx: FixContext, kind: string, base: string, useOffset: number, body: (name: string, store: string) => string): { name: string; edits: TextEdit[] } | null {
  const existing = fx.existingHelper(kind);
  if (existing) {
    const decl = fx.text.indexOf(`local function ${existing}`);
    return decl >= 0 && decl < useOffset ? { name: existing, edits: [] } : null;
  }
  const off = fx.fileScopeInsertOffset([], useOffset);
  if (off === null) return null;
  const name = fx.freshName(`helper:${kind}`, base);
  const store = fx.freshName(`helper-store:${kind}`, `${base}_store`);
  return { name, edits: [fx.insertLines(off, `${HELPER_MARK} ${kind}\n${body(name, store)}`)] };
}

function argsText(fx: FixContext, c: AnyCall): string[] {
  return c.args.map((a) => fx.src(a));
}


// ---- placement: where a hoisted read may go without changing when (or whether) it runs ----

/** Blocks directly inside a statement (loop bodies, if-clause bodies, do-blocks). */
function innerBlocks(st: Stmt): Block[] {
  switch (st.kind) {
    case 'If': return st.clauses.map((c) => c.body);
    case 'While': case 'Repeat': case 'NumFor': case 'GenFor': case 'Do': return [st.body];
    default: return [];
  }
}

const within = (n: { start: number; end: number }, o: { start: number; end: number }): boolean => o.start <= n.start && n.end <= o.end;

/**
 * The statement before which a local holding a value read at every use can be declared: the deepest
 * block that holds all uses, and in it the statement holding the first use. The uses are then in scope.
 */
function placeFor(body: Block, uses: Expr[]): Stmt | null {
  let block = body;
  for (;;) {
    const st = block.body.find((x) => within(uses[0], x));
    if (!st || !uses.every((u) => within(u, st))) {
      // Uses spread over several statements of this block: declare before the first of them.
      return st ?? null;
    }
    const inner = innerBlocks(st).find((b) => uses.every((u) => within(u, b)));
    if (!inner) return st;
    block = inner;
  }
}

/**
 * Is `node` evaluated every time statement `st` runs, before anything else in `st` that could be
 * skipped? (Not under the right side of and/or, not in a later if-clause or a loop body, not in a
 * nested function.) Moving such a read to just before `st` cannot make it run when it did not.
 */
function unconditionalIn(st: Stmt, node: Expr): boolean {
  let cur = st as Stmt | Expr | Block;
  for (let guard = 0; guard < 10_000; guard++) {
    if (cur === node) return true;
    const c: Stmt | Expr | Block = cur;
    let next: Stmt | Expr | Block | null = null;
    switch (c.kind) {
      case 'Local': case 'Return': next = c.exprs.find((e) => within(node, e)) ?? null; break;
      case 'Assign': next = [...c.exprs, ...c.targets].find((e) => within(node, e)) ?? null; break;
      case 'CallStat': next = within(node, c.call) ? c.call : null; break;
      case 'If': next = c.clauses[0].cond && within(node, c.clauses[0].cond) ? c.clauses[0].cond : null; break;
      case 'While': next = within(node, c.cond) ? c.cond : null; break;
      case 'NumFor': next = [c.from, c.to, ...(c.step ? [c.step] : [])].find((e) => within(node, e)) ?? null; break;
      case 'GenFor': next = c.exprs.find((e) => within(node, e)) ?? null; break;
      case 'Binary':
        // and/or evaluate their right side only sometimes
        next = within(node, c.left) ? c.left : c.op !== 'and' && c.op !== 'or' && within(node, c.right) ? c.right : null;
        break;
      case 'Unary': next = c.arg; break;
      case 'Paren': next = c.expr; break;
      case 'Member': next = c.obj; break;
      case 'Index': next = within(node, c.obj) ? c.obj : c.key; break;
      case 'Call': next = [c.callee, ...c.args].find((e) => within(node, e)) ?? null; break;
      case 'MethodCall': next = [c.obj, ...c.args].find((e) => within(node, e)) ?? null; break;
      case 'Table': {
        for (const f of c.fields) {
          if (f.type === 'expr' && within(node, f.key as Expr)) next = f.key as Expr;
          else if (within(node, f.value)) next = f.value;
        }
        break;
      }
      default: next = null;
    }
    if (!next) return false;
    cur = next;
  }
  return false;
}

/**
 * Does `node` run first in statement `st`: unconditionally (unconditionalIn), and with no call in `st`
 * that completes before it (a call left of it, or in an argument before it)? Only then does a local
 * computed just before `st` see the same world: `f(a:Possess(), api:get_local_pawn(0))` fetched
 * early would read the pawn before the call that changes it.
 */
function runsFirstIn(st: Stmt, node: Expr): boolean {
  if (!unconditionalIn(st, node)) return false;
  let crossed = false;
  walk(st, (n) => {
    if (crossed || n.kind === 'Function') return false;
    if (isCall(n) && n.end <= node.start) crossed = true;
  });
  return !crossed;
}

/**
 * A receiver that cannot be nil at load time: `uevr.*`, or a file-scope local initialised from `uevr.*`.
 * Otherwise a file-scope hoist is written `x and x:f(...)`, so a nil object cannot fail at load time
 * where the original (maybe guarded) call would never have run.
 */
function neverNil(e: Expr): boolean {
  const root = pathRoot(e);
  if (!root) return false;
  if (root.decl === null) return root.name === 'uevr' || root.name === 'UEVR_UObjectHook';
  const init = root.decl.init;
  if (!init || root.decl.writes > 0) return false;
  const r = pathRoot(init);
  return r !== null && r.decl === null && r.name === 'uevr' && pathText(init) !== null;
}

// ---- R1 ----
export function setModValueOnChange(fx: FixContext, c: AnyCall, ctx: HotCtx): Fix | null {
  const cn = callName(c);
  if (!cn || cn.name !== 'set_mod_value' || c.kind !== 'Call' || cn.receiver === null || c.args.length !== 2) return null;
  if (!ctx.stmt || ctx.stmt.kind !== 'CallStat' || ctx.stmt.call !== c) return null;
  if (pathText(cn.receiver) === null) return null;
  const h = helper(fx, 'set_mod_value_on_change', 'set_mod_value_on_change', c.start, (name, store) =>
    `local ${store} = {}\nlocal function ${name}(vr, key, value)\n  if ${store}[key] ~= value then\n    ${store}[key] = value\n    vr.set_mod_value(key, value)\n  end\nend`);
  if (!h) return null;
  const [k, v] = argsText(fx, c);
  return suggestion('Write this option only when its value changes',
    'remembers the last value this script wrote: if the UEVR menu or another script changes the option, it is no longer forced back every frame',
    [...h.edits, fx.replace(c.start, c.end, `${h.name}(${fx.src(cn.receiver)}, ${k}, ${v})`)]);
}

// ---- R2 ----
function mentionsGameEngine(fx: FixContext, c: AnyCall): boolean {
  let yes = false;
  walk(c, (n) => {
    if (n.kind === 'String' && /GameEngine/.test(n.value)) yes = true;
    if (n.kind === 'Name' && n.decl && n.decl.kind === 'local') {
      const line = fx.lines.lineText(fx.lines.lineOf(n.decl.start));
      if (/GameEngine/.test(line)) yes = true;
    }
  });
  return yes;
}

export function engineParam(fx: FixContext, c: AnyCall, ctx: HotCtx, info: HotInfo): Fix | null {
  if (!/engine_tick$/.test(info.callback) || ctx.root !== ctx.fn || (info.via ?? []).length > 1) return null;
  const p: LocalVar | undefined = ctx.fn.params[0];
  if (!p || p.writes > 0 || !mentionsGameEngine(fx, c) || fx.isStatementCall(c)) return null;
  // The parameter must still be what its name means at the call: no inner local of the same name before it.
  let shadowed = false;
  walk(ctx.fn.body, (n) => {
    if ((n.kind === 'Local' && n.names.some((x) => x.v.name === p.name && x.v.start < c.start))
      || ((n.kind === 'NumFor' || n.kind === 'GenFor') && n.start < c.start && c.start < n.end && (n.kind === 'NumFor' ? [n.v] : n.vars).some((v) => v.name === p.name))
      || (n.kind === 'Function' && n.start < c.start && c.start < n.end && n.params.some((x) => x.name === p.name))) shadowed = true;
  });
  if (shadowed) return null;
  return safe(`Use the tick's '${p.name}' parameter instead of scanning for the GameEngine`, [fx.replace(c.start, c.end, p.name)]);
}

export function cachedFirstObject(fx: FixContext, c: AnyCall, ctx: HotCtx): Fix | null {
  const cn = callName(c);
  if (!cn || !ctx.stmt) return null;
  const h = helper(fx, 'cached_first_object', 'cached_first_object', c.start, (name, store) =>
    `local ${store} = {}\nlocal function ${name}(site, scan, ...)\n  local o = ${store}[site]\n  if o == nil or not UEVR_UObjectHook.exists(o) then\n    o = scan(...)\n    ${store}[site] = o\n  end\n  return o\nend`);
  if (!h) return null;
  const pos = fx.lines.position(c.start);
  const site = luaQuote(`${cn.name}@${pos.line + 1}:${pos.character + 1}`);
  const args = argsText(fx, c);
  let call: string;
  if (c.kind === 'MethodCall') {
    if (pathText(c.obj) === null) return null;
    const recv = fx.src(c.obj);
    call = `${h.name}(${[site, `${recv}.${cn.name}`, recv, ...args].join(', ')})`;
  } else call = `${h.name}(${[site, fx.src(c.callee), ...args].join(', ')})`;
  return suggestion('Cache the found object and rescan only when it is gone',
    'returns the object found first until it is destroyed: if another instance of the class appears meanwhile, the cached one is still used',
    [...h.edits, fx.replace(c.start, c.end, call)]);
}

// ---- R3 ----
function literalBase(lit: string, suffix: string): string {
  const m = /([A-Za-z_][A-Za-z0-9_]*)[^A-Za-z0-9_]*$/.exec(lit.replace(/\.[A-Za-z0-9_]+:.*$/, ''));
  return `${m ? m[1] : 'object'}_${suffix}`;
}

export function hoistScriptClass(fx: FixContext, c: AnyCall, lit: string): Fix | null {
  const cn = callName(c);
  if (!cn || cn.name !== 'find_uobject' || c.kind !== 'MethodCall' || c.args.length !== 1 || fx.isStatementCall(c)) return null;
  if (!/^(Class|ScriptStruct) \/Script\/[^ ]+$/.test(lit)) return null;
  const recvText = pathText(c.obj);
  if (recvText === null || !/api$/.test(recvText)) return null;
  const deps = fx.fileScopeDeps(c.obj);
  const useOwn = deps !== null && neverNil(c.obj);
  const recv = useOwn ? fx.src(c.obj) : 'uevr.api';
  const expr = `${recv}:find_uobject(${luaQuote(lit)})`;
  const existing = fx.existingFileLocal(expr, fx.topStatementAt(c.start)?.start ?? c.start);
  if (existing) return safe(`Use the file-scope '${existing}'`, [fx.replace(c.start, c.end, existing)]);
  const off = fx.fileScopeInsertOffset(useOwn ? deps ?? [] : [], c.start);
  if (off === null) return null;
  const name = fx.freshName(`find:${lit}`, literalBase(lit, lit.startsWith('Class') ? 'class' : 'struct'));
  return safe(`Look up '${lit}' once at file scope (native /Script/ types exist from engine start)`,
    [fx.insertLines(off, `local ${name} = ${expr}`), fx.replace(c.start, c.end, name)]);
}

export function lazyFindCache(fx: FixContext, c: AnyCall, lit: string): Fix | null {
  const cn = callName(c);
  // The cache is keyed by the literal alone: only for lookups whose single argument is that literal.
  if (!cn || c.args.length !== 1) return null;
  const h = helper(fx, 'find_cached', 'find_cached', c.start, (name, store) =>
    `local ${store} = {}\nlocal function ${name}(key, find, ...)\n  local o = ${store}[key]\n  if o == nil or not UEVR_UObjectHook.exists(o) then\n    o = find(...)\n    ${store}[key] = o\n  end\n  return o\nend`);
  if (!h) return null;
  const args = argsText(fx, c);
  let call: string;
  if (c.kind === 'MethodCall') {
    if (pathText(c.obj) === null) return null;
    const recv = fx.src(c.obj);
    call = `${h.name}(${[luaQuote(lit), `${recv}.${cn.name}`, recv, ...args].join(', ')})`;
  } else {
    if (pathText(c.callee) === null) return null;
    call = `${h.name}(${[luaQuote(lit), fx.src(c.callee), ...args].join(', ')})`;
  }
  const title = `Cache '${lit}' and look it up again only when the object is gone`;
  const edits = [...h.edits, fx.replace(c.start, c.end, call)];
  // find_uobject returns a UObject (or nil), which UEVR_UObjectHook.exists can check; other finders may not.
  if (cn.name === 'find_uobject') return safe(title, edits);
  return suggestion(title, `assumes ${cn.name} returns a UObject (the cache checks it with UEVR_UObjectHook.exists)`, edits);
}

// ---- R4 ----
export function hoistNameAboveIf(fx: FixContext, s: Stmt, calls: AnyCall[], ctx: HotCtx): Fix | null {
  const cn = callName(calls[0]);
  if (!cn || !cn.receiver || pathText(innerReceiver(cn.receiver)) === null) return null;
  if (!runsFirstIn(s, calls[0])) return null; // e.g. `if obj and obj:get_full_name()...`
  const name = fx.freshName(`name:${s.start}`, 'name');
  const code = `local ${name} = ${fx.src(calls[0])}`;
  void ctx;
  return safe('Compute the name once above the if/elseif chain',
    [insertBefore(fx, s, code), ...calls.map((c) => fx.replace(c.start, c.end, name))]);
}

function innerReceiver(e: Expr): Expr {
  // obj:get_fname():to_string() → obj
  if (isCall(e)) {
    const cn = callName(e);
    if (cn?.receiver) return cn.receiver;
  }
  return e;
}

export function hoistNameInLoop(fx: FixContext, c: AnyCall, ctx: HotCtx): Fix | null {
  // Only worth a rewrite when the same name is computed several times in the loop body.
  const block = ctx.block;
  if (!block) return null;
  const key = fx.src(c);
  const same: AnyCall[] = [];
  walk(block, (n) => {
    if (n.kind === 'Function') return false;
    if (isCall(n) && fx.src(n) === key) same.push(n);
  });
  if (same.length < 2 || same[0] !== c || same.some((n) => fx.isStatementCall(n))) return null;
  const cn = callName(c);
  const recvRoot = cn?.receiver ? pathRoot(innerReceiver(cn.receiver)) : null;
  if (!recvRoot || pathText(innerReceiver(cn!.receiver!)) === null) return null;
  if (recvRoot.decl && recvRoot.decl.writes > 0) return null;
  const first = block.body.find((st) => st.start <= c.start && c.end <= st.end);
  if (!first || !runsFirstIn(first, c)) return null;
  const name = fx.freshName(`name:${c.start}`, 'name');
  return safe('Compute the name once per iteration',
    [insertBefore(fx, first, `local ${name} = ${key}`), ...same.map((n) => fx.replace(n.start, n.end, name))]);
}

// ---- R5 ----
export function hoistPrefix(fx: FixContext, fn: FunctionExpr, uses: Expr[], p: string): Fix | null {
  const root = pathRoot(uses[0]);
  if (!root) return null;
  const sorted = [...uses].sort((a, b) => a.start - b.start);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const top = placeFor(fn.body, sorted);
  // The first read must happen whenever that statement runs, or the hoist could read a nil object.
  if (!top || !unconditionalIn(top, first)) return null;
  // No use may be an assignment target of the prefix itself.
  let written = false;
  walk(fn.body, (n) => {
    if (n.kind === 'Assign') for (const t of n.targets) if (pathText(t) === p || pathText(t) === pathText(root)) written = true;
  });
  if (written || (root.decl && root.decl.writes > 0)) return null;
  const base = p.split(/[.[\]"]+/).filter(Boolean).pop() ?? 'value';
  const name = fx.freshName(`prefix:${fn.start}:${p}`, base.charAt(0).toLowerCase() + base.slice(1));
  const edits = [insertBefore(fx, top, `local ${name} = ${fx.src(first)}`), ...sorted.map((u) => fx.replace(u.start, u.end, name))];
  // Calls between the first and last use could change what the chain returns (reflective state).
  let callBetween = false;
  walk(fn.body, (n) => {
    if (n.kind === 'Function') return false;
    if (isCall(n) && n.start >= top.start && n.end <= last.end && !sorted.some((u) => u.start <= n.start && n.end <= u.end)) callBetween = true;
  });
  const title = `Read ${p} once into a local`;
  if (!callBetween) return safe(title, edits);
  return suggestion(title, `calls run between the reads; if one of them changes ${p}, the later reads would have seen the new value`, edits);
}

// ---- R6 ----
export function fetchOnce(fx: FixContext, fn: FunctionExpr, calls: AnyCall[], key: string): Fix | null {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  if (sorted.some((c) => fx.isStatementCall(c))) return null;
  const top = placeFor(fn.body, sorted);
  if (!top) return null;
  const cn = callName(sorted[0]);
  // The first fetch must run whenever that statement runs: hoisted out of `cond and api:get_local_pawn(0)`
  // it would run in frames where the original did not (more fetches, not fewer; on an object other
  // than uevr.api it could also index nil).
  if (!runsFirstIn(top, sorted[0])) return null;
  if (cn?.receiver) {
    const r = pathRoot(cn.receiver);
    if (!r || (r.decl && r.decl.writes > 0)) return null;
  }
  // Arguments must be constants (get_local_pawn(0)): the same call then means the same object.
  if (!sorted[0].args.every((a) => isConstant(a))) return null;
  const base = /controller/i.test(key) ? 'controller' : /world/i.test(key) ? 'world' : /engine/i.test(key) ? 'engine' : 'pawn';
  const name = fx.freshName(`fetch:${fn.start}:${key}`, base);
  return safe(`Fetch ${key} once into a local`, [insertBefore(fx, top, `local ${name} = ${key}`), ...sorted.map((c) => fx.replace(c.start, c.end, name))]);
}

// ---- R7 ----
export function isConstantTable(t: Expr): boolean {
  return t.kind === 'Table' && t.fields.length > 0 && isConstant(t);
}

const READ_ONLY_USERS = new Set(['ipairs', 'pairs', 'next', 'unpack', 'select', 'rawget', 'rawlen']);

export function hoistConstantTable(fx: FixContext, t: Expr, ctx: HotCtx): Fix | null {
  if (!isConstantTable(t) || !ctx.stmt || ctx.stmt.kind !== 'Local') return null;
  const st = ctx.stmt;
  const i = st.exprs.indexOf(t);
  const v = i >= 0 ? st.names[i]?.v : undefined;
  if (!v || v.writes > 0 || v.attrib === 'close') return null;
  // Every use must only read the table: t[k], t.k, #t, ipairs(t)… never a write, a method call, a
  // comparison (identity changes), a key, an argument to unknown code, or a return.
  const parent = new Map<Node, Node>();
  const assigned = new Set<Node>();
  walk(ctx.root, (n) => {
    eachChild(n, (c) => parent.set(c, n));
    if (n.kind === 'Assign') for (const t2 of n.targets) assigned.add(t2);
  });
  for (const r of v.refs) {
    const p = parent.get(r);
    if (!p) return null;
    if ((p.kind === 'Index' || p.kind === 'Member') && p.obj === r && !assigned.has(p)) continue;
    if (p.kind === 'Unary' && p.op === '#') continue;
    if (p.kind === 'Call' && p.args.includes(r)) {
      const cal = p.callee;
      if (cal.kind === 'Name' && cal.decl === null && READ_ONLY_USERS.has(cal.name)) continue;
      if (cal.kind === 'Member' && pathText(cal) !== null && ['table.unpack', 'table.concat'].includes(pathText(cal)!) && pathRoot(cal)?.decl === null) continue;
    }
    return null;
  }
  const off = fx.fileScopeInsertOffset([], t.start);
  if (off === null) return null;
  const name = fx.freshName(`table:${fx.src(t)}`, `${v.name}_const`);
  return safe('Build this constant table once at file scope', [fx.insertLines(off, `local ${name} = ${fx.src(t)}`), fx.replace(t.start, t.end, name)]);
}

// ---- R8 ----
export function liftPcallClosure(fx: FixContext, f: FunctionExpr, ctx: HotCtx): Fix | null {
  if (f.params.length > 0 || f.isVararg) return null;
  // Find the pcall/xpcall call that passes f as its first argument, in the statement.
  let call: AnyCall | null = null;
  if (ctx.stmt) {
    walk(ctx.stmt, (n) => {
      if (n.kind === 'Call' && n.callee.kind === 'Name' && n.callee.decl === null && (n.callee.name === 'pcall' || n.callee.name === 'xpcall') && n.args[0] === f) call = n;
    });
  }
  const c = call as AnyCall | null;
  if (!c || c.kind !== 'Call') return null;
  if (c.callee.kind === 'Name' && c.callee.name === 'pcall' && c.args.length !== 1) return null;
  if (c.callee.kind === 'Name' && c.callee.name === 'xpcall' && c.args.length !== 2) return null;
  const top = fx.topStatementAt(f.start);
  if (!top) return null;
  // Captured locals of enclosing functions become parameters (their values at the pcall); file-scope
  // locals stay upvalues, so they must already be declared where the function is defined: before the
  // top-level statement holding the closure (`local function f() pcall(function() f() end) end` would
  // otherwise call a global f).
  const captured: LocalVar[] = [];
  let ok = true;
  walk(f.body, (n) => {
    if (!ok) return false;
    if (n.kind === 'Name' && n.decl) {
      const d = n.decl;
      const inside = d.start >= f.start && d.start < f.end;
      if (inside) return;
      if (d.fn === fx.chunk) {
        if (d.start >= top.start) ok = false;
        return;
      }
      if (n.isWrite) ok = false;
      if (!captured.includes(d)) captured.push(d);
    }
  });
  if (!ok) return null;
  // A parameter is a copy: only right when nothing can assign the local while the closure runs, that is
  // no assignment from any function nested in the local's own (a helper closure the body calls, or the
  // body itself). Assignments in the declaring function run before the pcall and are passed along.
  if (captured.some((d) => assignedFromNestedFunction(d))) return null;
  const name = fx.freshName(`closure:${f.start}`, `${(ctx.root.name || 'callback').replace(/[.:]/g, '_')}_protected`);
  const params = captured.map((d) => d.name);
  const indent = '';
  const body = fx.text.slice(f.body.start, f.body.end).replace(/\s+$/, '');
  const code = `${indent}local function ${name}(${params.join(', ')})\n  ${body}\nend`;
  const edits: TextEdit[] = [insertBefore(fx, top, code)];
  if (c.args.length === 1) edits.push(fx.replace(f.start, f.end, [name, ...params].join(', ')));
  else {
    edits.push(fx.replace(f.start, f.end, name));
    if (params.length) edits.push(fx.replace(c.args[1].end, c.args[1].end, ', ' + params.join(', ')));
  }
  return safe('Define the protected function once at file scope and pass the values it uses', edits);
}

/** Is the local assigned inside a function nested in the one that declares it? */
function assignedFromNestedFunction(d: LocalVar): boolean {
  const writes = d.refs.filter((r) => r.isWrite);
  if (writes.length === 0) return false;
  const nested: FunctionExpr[] = [];
  walk(d.fn.body, (n) => {
    if (n.kind === 'Function' && n !== d.fn) nested.push(n);
  });
  return writes.some((w) => nested.some((fn) => fn.start <= w.start && w.start < fn.end));
}

// ---- R9 ----
export function preallocValue(fx: FixContext, c: AnyCall, ctx: HotCtx): Fix | null {
  const cn = callName(c);
  if (!cn || !cn.receiver || c.kind !== 'Call' || !ctx.stmt || ctx.stmt.kind !== 'Local') return null;
  const st = ctx.stmt;
  if (st.names.length !== 1 || st.exprs.length !== 1 || st.exprs[0] !== c) return null;
  const type = pathText(cn.receiver) ?? '';
  const fields = /Quaternion/.test(type) ? ['w', 'x', 'y', 'z'] : /Vector3/.test(type) ? ['x', 'y', 'z'] : /Vector2/.test(type) ? ['x', 'y'] : /Vector4/.test(type) ? ['x', 'y', 'z', 'w'] : null;
  if (!fields || c.args.length !== fields.length || !BUILTIN_GLOBALS.has(pathRoot(cn.receiver)?.name ?? '')) return null;
  const v = st.names[0].v;
  if (c.args.some((a) => { let m = false; walk(a, (n) => { if (n.kind === 'Name' && n.name === v.name) m = true; }); return m; })) return null;
  const off = fx.fileScopeInsertOffset([], c.start);
  if (off === null) return null;
  const name = fx.freshName(`prealloc:${c.start}`, `${v.name}_buf`);
  const zero = fields.map(() => '0').join(', ');
  return suggestion(`Preallocate the ${type} once and update its fields`,
    'the same object is reused on every run: code that keeps a reference to it (a table, a callback) sees it change',
    [fx.insertLines(off, `local ${name} = ${fx.src(cn.receiver)}.new(${zero})`), fx.replace(c.start, c.end, name),
      fx.replace(st.end, st.end, `; ${fields.map((f) => `${v.name}.${f}`).join(', ')} = ${argsText(fx, c).join(', ')}`)]);
}

// ---- R10 ----
export function configureOnChange(fx: FixContext, c: AnyCall, ctx: HotCtx): Fix | null {
  const st = ctx.stmt;
  const obj = c.args[0];
  if (!st || st.kind !== 'CallStat' || c.args.length !== 1 || !obj || obj.kind !== 'Name') return null;
  // The statement must be `get_or_add_motion_controller_state(x):set_…(...)`, chained on the lookup.
  let chained = false;
  walk(st.call, (n) => {
    if (n.kind === 'MethodCall' && /^set_/.test(n.method.name) && n.obj === c) chained = true;
  });
  if (!chained) return null;
  const off = fx.fileScopeInsertOffset([], st.start);
  if (off === null) return null;
  const last = fx.freshName(`mc-last:${st.start}`, `last_${obj.name}_configured`);
  const indent = fx.lines.indentOf(fx.lines.lineOf(st.start));
  return suggestion('Configure the motion-controller state only when the object changes',
    `the state is configured once per object: if something else resets the state of the same ${obj.name}, it is not configured again`,
    [fx.insertLines(off, `local ${last} = nil`),
      fx.replace(st.start, st.end, `if ${obj.name} ~= ${last} then\n${indent}  ${last} = ${obj.name}\n${indent}  ${fx.src(st)}\n${indent}end`)]);
}

// ---- R14 ----
export function oneEyeOnly(fx: FixContext, fn: FunctionExpr): Fix | null {
  const vi = fn.params[1];
  if (!vi || vi.kind !== 'param' || fn.body.body.length === 0) return null;
  const first = fn.body.body[0];
  return suggestion(`Do this work for one eye only (return early when ${vi.name} ~= 0)`,
    'the callback then has no effect for the second eye: only right when it does not set per-eye values (position, rotation)',
    [insertBefore(fx, first, `if ${vi.name} ~= 0 then return end`)]);
}

// ---- R11 ----
export function gatePrint(fx: FixContext, c: AnyCall, ctx: HotCtx): Fix | null {
  if (!ctx.stmt || ctx.stmt.kind !== 'CallStat' || ctx.stmt.call !== c) return null;
  const off = fx.fileScopeInsertOffset([], c.start);
  if (off === null) return null;
  // Reuse the flag an earlier fix declared (recognised by its comment) so a file gets one flag.
  const prev = /^local ([A-Za-z_][A-Za-z0-9_]*) = false -- set to true to see the debug prints$/m.exec(fx.text);
  const prevOk = prev && fx.text.indexOf(prev[0]) < (fx.topStatementAt(c.start)?.start ?? c.start);
  const flag = prevOk ? prev[1] : fx.freshName('debug-flag', 'debug_prints');
  const decl = prevOk ? [] : [fx.insertLines(off, `local ${flag} = false -- set to true to see the debug prints`)];
  return suggestion('Print only when a debug flag is set',
    `the message is no longer printed unless you set ${flag} = true`,
    [...decl, fx.replace(c.start, c.end, `if ${flag} then ${fx.src(c)} end`)]);
}

// ---- R12 ----
export function concatOperands(b: Expr): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [b];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.kind === 'Binary' && e.op === '..') {
      stack.push(e.right);
      stack.push(e.left);
    } else out.push(e);
  }
  return out;
}

export function hoistConstantConcat(fx: FixContext, b: Expr, ops: Expr[]): Fix | null {
  // Only a chain of literals and file-scope locals that hold literals: a pure value, the same every run.
  const deps: LocalVar[] = [];
  for (const o of ops) {
    if (o.kind === 'String' || o.kind === 'Number') continue;
    if (o.kind === 'Name' && o.decl && o.decl.fn === fx.chunk && o.decl.writes === 0) {
      const top = fx.topStatementAt(o.decl.start);
      if (top && top.kind === 'Local') {
        const i = top.names.findIndex((n) => n.v === o.decl);
        const init = top.exprs[i];
        if (init && (init.kind === 'String' || init.kind === 'Number')) {
          deps.push(o.decl);
          continue;
        }
      }
    }
    return null;
  }
  if (deps.length === 0 && ops.every((o) => o.kind === 'String' && /^[\x20-\x7e]*$/.test(o.value))) {
    const folded = luaQuote(ops.map((o) => (o.kind === 'String' ? o.value : '')).join(''));
    return safe('Join the literal pieces into one string', [fx.replace(b.start, b.end, folded)]);
  }
  const off = fx.fileScopeInsertOffset(deps, b.start);
  if (off === null) return null;
  const name = fx.freshName(`concat:${fx.src(b)}`, 'text');
  return safe('Build this constant string once at file scope', [fx.insertLines(off, `local ${name} = ${fx.src(b)}`), fx.replace(b.start, b.end, name)]);
}

// ---- R13 ----
export function aliasGlobal(fx: FixContext, e: Expr): Fix | null {
  const root = pathRoot(e);
  if (!root || root.decl !== null) return null;
  // The library table must never be reassigned by the script.
  if (fx.writtenGlobals.has(root.name)) return null;
  // Alias the longest prefix that is a library table or function: math.sin, uevr.params.vr, uevr.api.
  const parts: Expr[] = [];
  let c: Expr = e;
  while (c.kind === 'Member') {
    parts.unshift(c);
    c = c.obj;
  }
  let target: Expr | null = null;
  if (root.name === 'uevr') {
    const p1 = parts[0];
    if (p1?.kind === 'Member' && p1.name.name === 'params' && parts[1]) target = parts[1];
    else if (p1?.kind === 'Member' && ['api', 'sdk', 'types'].includes(p1.name.name)) target = p1;
  } else target = parts[0] ?? null;
  if (!target || target === e && root.name === 'uevr' && false) return null;
  if (!target) return null;
  const text = pathText(target);
  if (text === null) return null;
  const existing = fx.existingFileLocal(text, fx.topStatementAt(e.start)?.start ?? e.start);
  if (existing) return safe(`Use the file-scope alias '${existing}'`, [fx.replace(target.start, target.end, existing)]);
  const off = fx.fileScopeInsertOffset([], e.start);
  if (off === null) return null;
  const name = fx.freshName(`alias:${text}`, text.split('.').slice(-2).join('_').replace(/^params_/, ''));
  return safe(`Alias ${text} at file scope`, [fx.insertLines(off, `local ${name} = ${text}`), fx.replace(target.start, target.end, name)]);
}

// ---- R15 and other pure hoists ----
/** UFunctions of UE's KismetStringLibrary that build an FName (a native call on a UObject). */
const NATIVE_FNAME_MAKERS = new Set(['Conv_StringToName', 'StringToName']);

/**
 * Is `c` a UFunction call on a UObject whose value is fixed from load on, so building the FName at
 * file scope runs only engine code? `kismet:Conv_StringToName("x")` with `kismet` a never-reassigned
 * file-scope local from a call (find_uobject, a finder) or a uevr.* path. Not a mod's Lua helper
 * (`uevrUtils.fname_from_string("x")`, UEVR has no native of that name): run at load it runs the
 * mod's code before the mod is ready (uevrlib's needs initUEVR first, so the load failed), and not a
 * method of a required module or a table.
 */
function nativeFnameCall(c: AnyCall): boolean {
  if (c.kind !== 'MethodCall' || !NATIVE_FNAME_MAKERS.has(c.method.name)) return false;
  if (neverNil(c.obj)) return true;
  if (c.obj.kind !== 'Name' || !c.obj.decl) return false;
  const init = c.obj.decl.init;
  if (!init || c.obj.decl.writes > 0 || !isCall(init)) return false;
  const n = callName(init)?.name;
  return n !== undefined && n !== 'require' && n !== 'setmetatable' && n !== 'dofile';
}

/** R15: the FName built once, at file scope when only engine code runs, else on first use. */
export function fnameOnce(fx: FixContext, c: AnyCall, lit: string): Fix | null {
  if (nativeFnameCall(c)) return hoistExpression(fx, c, `fname:${fx.src(c)}`, `${lit}_fname`, 'Build the FName once at file scope');
  // Any other maker runs when it did the first time, and its result is kept per call text.
  if (fx.isStatementCall(c)) return null;
  const cn = callName(c);
  if (!cn || !c.args.every((a) => isConstant(a))) return null;
  const target = c.kind === 'MethodCall' ? c.obj : c.callee;
  if (pathText(target) === null) return null;
  const h = helper(fx, 'fname_cached', 'fname_cached', c.start, (name, store) =>
    `local ${store} = {}\nlocal function ${name}(key, make, ...)\n  local v = ${store}[key]\n  if v == nil then\n    v = make(...)\n    ${store}[key] = v\n  end\n  return v\nend`);
  if (!h) return null;
  const args = argsText(fx, c);
  const key = luaQuote(fx.src(c));
  const call = c.kind === 'MethodCall'
    ? `${h.name}(${[key, `${fx.src(c.obj)}.${cn.name}`, fx.src(c.obj), ...args].join(', ')})`
    : `${h.name}(${[key, fx.src(c.callee), ...args].join(', ')})`;
  return suggestion(`Build the FName "${lit}" once, on first use`,
    `${cn.name} is the mod's own function, not UEVR's: this keeps its first result and no longer calls it again, which is right only if it does nothing but build the FName`,
    [...h.edits, fx.replace(c.start, c.end, call)]);
}

export function hoistExpression(fx: FixContext, e: Expr, purpose: string, base: string, title: string): Fix | null {
  if (fx.isStatementCall(e)) return null;
  const deps = fx.fileScopeDeps(e);
  if (deps === null) return null;
  const text = fx.src(e);
  const existing = fx.existingFileLocal(text, fx.topStatementAt(e.start)?.start ?? e.start);
  if (existing) return safe(`Use the file-scope '${existing}'`, [fx.replace(e.start, e.end, existing)]);
  const off = fx.fileScopeInsertOffset(deps, e.start);
  if (off === null) return null;
  const name = fx.freshName(purpose, base);
  // `obj:f(...)` on an object that might be nil at load: keep load from failing where the original
  // call, guarded or never reached, would not have run.
  let init = text;
  if (e.kind === 'MethodCall' && !neverNil(e.obj)) {
    if (e.obj.kind !== 'Name') return null;
    init = `${e.obj.name} and ${text}`;
  }
  return safe(title, [fx.insertLines(off, `local ${name} = ${init}`), fx.replace(e.start, e.end, name)]);
}

