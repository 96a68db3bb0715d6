// Child iteration and an explicit-stack walk over the AST (deep left-nested chains cannot overflow).
import type { Block, Expr, Stmt } from './ast';

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
    // Children are pushed in order, then that slice is reversed so they pop in source order.
    const from = stack.length;
    pushChildren(c, stack);
    for (let i = from, j = stack.length - 1; i < j; i++, j--) {
      const t = stack[i];
      stack[i] = stack[j];
      stack[j] = t;
    }
  }
}

/** eachChild without a callback (the walk is the analyzer's hottest loop). */
function pushChildren(n: Node, out: Node[]): void {
  switch (n.kind) {
    case 'Block': for (const s of n.body) out.push(s); return;
    case 'Local': for (const e of n.exprs) out.push(e); return;
    case 'Assign': for (const t of n.targets) out.push(t); for (const e of n.exprs) out.push(e); return;
    case 'CallStat': out.push(n.call); return;
    case 'Do': out.push(n.body); return;
    case 'While': out.push(n.cond, n.body); return;
    case 'Repeat': out.push(n.body, n.cond); return;
    case 'If': for (const c of n.clauses) { if (c.cond) out.push(c.cond); out.push(c.body); } return;
    case 'NumFor': out.push(n.from, n.to); if (n.step) out.push(n.step); out.push(n.body); return;
    case 'GenFor': for (const e of n.exprs) out.push(e); out.push(n.body); return;
    case 'FunctionStat': out.push(n.target, n.func); return;
    case 'LocalFunction': out.push(n.func); return;
    case 'Return': for (const e of n.exprs) out.push(e); return;
    case 'Function': out.push(n.body); return;
    case 'Table': for (const f of n.fields) { if (f.type === 'expr') out.push(f.key as Expr); out.push(f.value); } return;
    case 'Binary': out.push(n.left, n.right); return;
    case 'Unary': out.push(n.arg); return;
    case 'Member': out.push(n.obj); return;
    case 'Index': out.push(n.obj, n.key); return;
    case 'Call': out.push(n.callee); for (const a of n.args) out.push(a); return;
    case 'MethodCall': out.push(n.obj); for (const a of n.args) out.push(a); return;
    case 'Paren': out.push(n.expr); return;
    default: return;
  }
}

/** Alias used by incremental.ts. */
export const walkNodes = walk;
