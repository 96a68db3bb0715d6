// Small helpers over the Lua AST: child iteration, access paths (`a.b["c"]`), call names.
import type { Block, CallExpr, Expr, FunctionExpr, MethodCallExpr, NameExpr, Stmt } from '../lua/ast';

export type Node = Expr | Stmt | Block;

/** Calls cb on each direct child expression or block of a node (not recursively). */
export function eachChild(n: Node, cb: (c: Expr | Block | Stmt) => void): void {
  switch (n.kind) {
    case 'Block': for (const s of n.body) cb(s); return;
    case 'Local': for (const e of n.exprs) cb(e); return;
    case 'Assign': for (const t of n.targets) cb(t); for (const e of n.exprs) cb(e); return;
    case 'CallStat': cb(n.call); return;
    case 'Do': cb(n.body); return;
    case 'While': cb(n.cond); cb(n.body); return;
    case 'Repeat': cb(n.body); cb(n.cond); return;
    case 'If': for (const c of n.clauses) { if (c.cond) cb(c.cond); cb(c.body); } return;
    case 'NumFor': cb(n.from); cb(n.to); if (n.step) cb(n.step); cb(n.body); return;
    case 'GenFor': for (const e of n.exprs) cb(e); cb(n.body); return;
    case 'FunctionStat': cb(n.target); cb(n.func); return;
    case 'LocalFunction': cb(n.func); return;
    case 'Return': for (const e of n.exprs) cb(e); return;
    case 'Function': cb(n.body); return;
    case 'Table': for (const f of n.fields) { if (f.type === 'expr') cb(f.key as Expr); cb(f.value); } return;
    case 'Binary': cb(n.left); cb(n.right); return;
    case 'Unary': cb(n.arg); return;
    case 'Member': cb(n.obj); return;
    case 'Index': cb(n.obj); cb(n.key); return;
    case 'Call': cb(n.callee); for (const a of n.args) cb(a); return;
    case 'MethodCall': cb(n.obj); for (const a of n.args) cb(a); return;
    case 'Paren': cb(n.expr); return;
    default: return;
  }
}

/**
 * Visits every node below `n` (pre-order) with an explicit stack, so deeply left-nested expressions
 * (Lua accepts `1+1+...` with 100k terms) cannot overflow the JS stack. Return false to skip children.
 */
export function walk(n: Node, visit: (c: Node) => boolean | void): void {
  const stack: Node[] = [n];
  while (stack.length) {
    const c = stack.pop()!;
    if (visit(c) === false) continue;
    const kids: Node[] = [];
    eachChild(c, (k) => kids.push(k));
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** `a.b.c`, `a["k"]`, `a[i]` as text when the expression is a pure access path; else null. */
export function pathText(e: Expr): string | null {
  switch (e.kind) {
    case 'Name': return e.name;
    case 'Member': {
      const b = pathText(e.obj);
      return b === null ? null : `${b}.${e.name.name}`;
    }
    case 'Index': {
      const b = pathText(e.obj);
      if (b === null) return null;
      if (e.key.kind === 'String') return `${b}[${JSON.stringify(e.key.value)}]`;
      if (e.key.kind === 'Number') return `${b}[${e.key.raw}]`;
      if (e.key.kind === 'Name') return `${b}[${e.key.name}]`;
      return null;
    }
    case 'Paren': return pathText(e.expr);
    default: return null;
  }
}

/** The Name at the root of an access path (`a` in `a.b[c]`), or null. */
export function pathRoot(e: Expr): NameExpr | null {
  let c: Expr = e;
  for (;;) {
    if (c.kind === 'Name') return c;
    if (c.kind === 'Member' || c.kind === 'Index') c = c.obj;
    else if (c.kind === 'Paren') c = c.expr;
    else return null;
  }
}

/** Number of member hops in a path (`a.b.c` = 2). */
export function memberHops(e: Expr): number {
  let n = 0;
  let c: Expr = e;
  while (c.kind === 'Member' || c.kind === 'Index') {
    n++;
    c = c.obj;
  }
  return n;
}

export type AnyCall = CallExpr | MethodCallExpr;

export interface CallName {
  /** Last name of the callee: `find_uobject` for `uevr.api:find_uobject(...)`. */
  name: string;
  /** The receiver/object expression, when the callee is `obj.name` or `obj:name`. */
  receiver: Expr | null;
  method: boolean;
}

export function callName(c: AnyCall): CallName | null {
  if (c.kind === 'MethodCall') return { name: c.method.name, receiver: c.obj, method: true };
  const f = c.callee;
  if (f.kind === 'Name') return { name: f.name, receiver: null, method: false };
  if (f.kind === 'Member') return { name: f.name.name, receiver: f.obj, method: false };
  return null;
}

export function isCall(e: Node): e is AnyCall {
  return e.kind === 'Call' || e.kind === 'MethodCall';
}

/** First string-literal argument of a call, if any. */
export function stringArg(c: AnyCall): string | null {
  for (const a of c.args) if (a.kind === 'String') return a.value;
  return null;
}

/** Expressions that are constant (literals and tables of literals): safe to build once. */
export function isConstant(e: Expr): boolean {
  switch (e.kind) {
    case 'Nil': case 'True': case 'False': case 'Number': case 'String': return true;
    case 'Unary': return e.op === '-' && e.arg.kind === 'Number';
    case 'Table': return e.fields.every((f) => (f.type !== 'expr' || isConstant(f.key as Expr)) && isConstant(f.value));
    case 'Paren': return isConstant(e.expr);
    default: return false;
  }
}

/** Does the subtree contain a call (something that could change reflective state)? */
export function containsCall(n: Node): boolean {
  let found = false;
  walk(n, (c) => {
    if (found) return false;
    if (c.kind === 'Function') return false;
    if (isCall(c)) found = true;
  });
  return found;
}

/** Every function expression in a subtree (including nested ones). */
export function functionsIn(n: Node): FunctionExpr[] {
  const out: FunctionExpr[] = [];
  walk(n, (c) => {
    if (c.kind === 'Function') out.push(c);
  });
  return out;
}
