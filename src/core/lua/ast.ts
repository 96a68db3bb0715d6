// AST of a Lua 5.4 chunk. Every node carries [start, end) UTF-16 offsets into the source; convert to
// line/column with LineIndex (positions.ts). Names are resolved while parsing: a NameExpr points at the
// LocalVar it refers to, or has `decl: null` when it is a global (an _ENV field).
import type { Comment } from './lexer';

export interface Span {
  start: number;
  end: number;
}

export interface Ident extends Span {
  name: string;
}

export type VarKind = 'local' | 'param' | 'for' | 'localfunction' | 'self';

/** One declared local variable (parameters and loop variables included). */
export interface LocalVar {
  name: string;
  /** Range of the declaring identifier. */
  start: number;
  end: number;
  kind: VarKind;
  attrib: 'const' | 'close' | null;
  /** The function whose body declares it (the chunk for file-level locals). */
  fn: FunctionExpr | Chunk;
  /** Every read or write of the variable after its declaration. */
  refs: NameExpr[];
  /** How many assignments (`x = ...`) target it after the declaration. */
  writes: number;
  /** The initial value in its `local` statement (undefined: none, or not a plain local). */
  init?: Expr;
}

export type Expr =
  | { kind: 'Nil'; start: number; end: number }
  | { kind: 'True'; start: number; end: number }
  | { kind: 'False'; start: number; end: number }
  | { kind: 'Number'; start: number; end: number; raw: string }
  | StringLit
  | { kind: 'Vararg'; start: number; end: number }
  | FunctionExpr
  | TableExpr
  | BinaryExpr
  | UnaryExpr
  | NameExpr
  | MemberExpr
  | IndexExpr
  | CallExpr
  | MethodCallExpr
  | ParenExpr;

export interface StringLit extends Span {
  kind: 'String';
  value: string;
}
export interface NameExpr extends Span {
  kind: 'Name';
  name: string;
  decl: LocalVar | null;
  /** Set on assignment targets. */
  isWrite?: boolean;
}
export interface MemberExpr extends Span {
  kind: 'Member';
  obj: Expr;
  name: Ident;
}
export interface IndexExpr extends Span {
  kind: 'Index';
  obj: Expr;
  key: Expr;
}
export interface CallExpr extends Span {
  kind: 'Call';
  callee: Expr;
  args: Expr[];
}
export interface MethodCallExpr extends Span {
  kind: 'MethodCall';
  obj: Expr;
  method: Ident;
  args: Expr[];
}
export interface ParenExpr extends Span {
  kind: 'Paren';
  expr: Expr;
}
export interface BinaryExpr extends Span {
  kind: 'Binary';
  op: string;
  left: Expr;
  right: Expr;
}
export interface UnaryExpr extends Span {
  kind: 'Unary';
  op: string;
  arg: Expr;
}
export interface TableField extends Span {
  /** 'list' = positional, 'name' = `k = v`, 'expr' = `[k] = v`. */
  type: 'list' | 'name' | 'expr';
  key: Expr | Ident | null;
  value: Expr;
}
export interface TableExpr extends Span {
  kind: 'Table';
  fields: TableField[];
}
export interface FunctionExpr extends Span {
  kind: 'Function';
  params: LocalVar[];
  isVararg: boolean;
  body: Block;
  /** Name for display: `M.update`, `on_tick`, or '' for an anonymous function. */
  name: string;
  /** Enclosing function (undefined for functions at chunk level: then `parent` is the chunk). */
  parent: FunctionExpr | Chunk;
}

export interface Block extends Span {
  kind: 'Block';
  body: Stmt[];
}

export interface LocalAttName {
  ident: Ident;
  attrib: 'const' | 'close' | null;
  v: LocalVar;
}

export type Stmt =
  | { kind: 'Local'; start: number; end: number; names: LocalAttName[]; exprs: Expr[] }
  | { kind: 'Assign'; start: number; end: number; targets: Expr[]; exprs: Expr[] }
  | { kind: 'CallStat'; start: number; end: number; call: CallExpr | MethodCallExpr }
  | { kind: 'Do'; start: number; end: number; body: Block }
  | { kind: 'While'; start: number; end: number; cond: Expr; body: Block }
  | { kind: 'Repeat'; start: number; end: number; body: Block; cond: Expr }
  | IfStmt
  | { kind: 'NumFor'; start: number; end: number; v: LocalVar; from: Expr; to: Expr; step: Expr | null; body: Block }
  | { kind: 'GenFor'; start: number; end: number; vars: LocalVar[]; exprs: Expr[]; body: Block }
  | { kind: 'FunctionStat'; start: number; end: number; target: Expr; isMethod: boolean; func: FunctionExpr }
  | { kind: 'LocalFunction'; start: number; end: number; v: LocalVar; func: FunctionExpr }
  | { kind: 'Return'; start: number; end: number; exprs: Expr[] }
  | { kind: 'Break'; start: number; end: number }
  | { kind: 'Goto'; start: number; end: number; label: Ident }
  | { kind: 'Label'; start: number; end: number; label: Ident };

export interface IfClause extends Span {
  /** null for the final `else`. */
  cond: Expr | null;
  body: Block;
}
export interface IfStmt extends Span {
  kind: 'If';
  clauses: IfClause[];
}

export interface SyntaxDiag {
  message: string;
  start: number;
  end: number;
}

export interface Chunk extends Span {
  kind: 'Chunk';
  body: Block;
  comments: Comment[];
  /** Lexical and syntax errors, in source order. Empty = Lua 5.4 accepts the chunk. */
  errors: SyntaxDiag[];
  /** Global names read or written anywhere in the chunk. */
  globals: NameExpr[];
  /** Every identifier in the text. */
  names: Set<string>;
  /** Bumped each time the chunk is updated in place by an incremental re-parse (see incremental.ts). */
  generation?: number;
}
