// Small helpers over the Lua AST: child iteration, access paths (`a.b["c"]`), call names.
import type { CallExpr, Expr, MethodCallExpr, NameExpr } from '../lua/ast';

export { eachChild, walk, type Node } from '../lua/walk';
import type { Node } from '../lua/walk';
import { walk } from '../lua/walk';

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

