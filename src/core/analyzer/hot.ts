// Hot-path inference (docs/rules.md "What hot means"). Works on a set of files that share
// one Lua state (UEVR runs every script in the same state, so globals are shared): finds the function
// definitions, the registrations that make functions hot (callbacks inline or by name, hook_ptr,
// registrar conventions, global convention functions, functions whose parameter is registered), then
// propagates hotness through unguarded calls to a fixpoint, across `require`d files.
import type { Chunk, Expr, FunctionExpr, LocalVar, Stmt } from '../lua/ast';
import type { LineIndex } from '../lua/positions';
import { GLOBAL_CONVENTION, HOT_CALLBACKS, registrarFrequency } from './catalog';
import { GuardWalker, writtenPaths, type Literal } from './guards';
import { callName, isCall, stringArg, walk, type AnyCall } from './syntax';
import type { Frequency, HotInfo } from './types';

export interface FileUnit {
  uri: string;
  text: string;
  chunk: Chunk;
  lines: LineIndex;
}

interface Registration {
  callback: string;
  frequency: Frequency;
}

const EMPTY_SET: Set<string> = new Set();
const REGISTRAR_NAME = /^(register|add|on)\w*callback$/i;

/** Which registration (if any) a call is, and which of its arguments become hot. */
export function registrationOf(c: AnyCall): { reg: Registration; argIndexes: number[] } | null {
  const cn = callName(c);
  if (!cn) return null;
  const f = HOT_CALLBACKS[cn.name];
  if (f && (cn.receiver !== null || c.kind === 'Call')) {
    return { reg: { callback: cn.name, frequency: f }, argIndexes: [0] };
  }
  if (cn.name === 'hook_ptr' && cn.method) return { reg: { callback: 'hook_ptr', frequency: 'hook' }, argIndexes: [0, 1] };
  if (cn.name === 'hook_function') {
    return { reg: { callback: 'hook_function', frequency: 'hook' }, argIndexes: c.args.map((_, i) => i) };
  }
  if (REGISTRAR_NAME.test(cn.name)) {
    const s = stringArg(c);
    const freq = registrarFrequency(cn.name) ?? (s !== null ? registrarFrequency(s) : null);
    if (freq) {
      return { reg: { callback: s !== null ? `${cn.name}("${s}")` : cn.name, frequency: freq }, argIndexes: c.args.map((_, i) => i) };
    }
  }
  return null;
}

/**
 * Name of the UFunction a hook registration hooks, when the source says it: `hook_function(cls,
 * "Name", ...)`, `fn:hook_ptr(...)` with `fn` a local set from `cls:find_function("Name")` or
 * `find_uobject("Function /Script/Mod.Class.Name")`, or that call inline. Null when unknown.
 */
export function hookedFunctionName(c: AnyCall): string | null {
  const cn = callName(c);
  if (!cn) return null;
  if (cn.name === 'hook_function') {
    const a = c.args[1];
    return a && a.kind === 'String' ? a.value : null;
  }
  if (cn.name !== 'hook_ptr' || !cn.receiver) return null;
  let target: Expr | undefined = cn.receiver;
  if (target.kind === 'Name' && target.decl && target.decl.writes === 0) target = target.decl.init;
  if (!target || !isCall(target)) return null;
  const tn = callName(target);
  const lit = target.args.find((a) => a.kind === 'String');
  if (!tn || !lit || lit.kind !== 'String') return null;
  if (tn.name === 'find_function') return lit.value;
  if (/^(find_uobject|find_required_object|find_object)$/.test(tn.name) && /^Function /.test(lit.value)) {
    const m = /[.:]([A-Za-z_][A-Za-z0-9_]*)$/.exec(lit.value);
    return m ? m[1] : null;
  }
  return null;
}

/** Per-frame work in Unreal's naming: ticks, updates, drawing, animation, camera, input axes. */
const PER_FRAME_FN = /Tick|Update|Frame|Draw|Render|Paint|Calc|Evaluate|Pose|AnimGraph|Camera(?!Shake)|ViewPoint|GetView|Axis|Movement|Velocity|Aim/;
/** Event-like UFunction names: called when something happens, not every frame. */
const EVENT_FN = /^(K2_)?(On[A-Z_]|Receive(?!Tick|Draw)|Handle[A-Z]|Show|Hide|Open|Close|Begin|End|Start|Stop|Enter|Exit|Spawn|Destroy|Init|Construct|Equip|Unequip|Reload|Launch|Toggle|Load|Unload|Activate|Deactivate|Notify|Broadcast|Pickup|Drop|Possess|Unpossess|Respawn|Die|Kill|Interact|SetViewTarget|Set\w*(Mode|State|Enabled|Visibility|Active|Target)$)|(Event|Changed|Enabled|Disabled|Pressed|Released|Started|Ended|Finished|Received|Raised|Opened|Closed|Shown|Hidden|Spawned|Destroyed|Died|Equipped)$|Window$/;

/** A hook on a UFunction that, by its name, runs on events rather than every frame (not a hot root). */
export function isEventHook(c: AnyCall): boolean {
  const name = hookedFunctionName(c);
  return name !== null && EVENT_FN.test(name) && !PER_FRAME_FN.test(name);
}

/** Timers: a callback handed to them runs at their interval, not every frame. */
const TIMER_CALLS = /^(setInterval|setTimeout|set_interval|set_timeout|delay|after|every)$/;

function usesVar(f: FunctionExpr, v: LocalVar): boolean {
  let yes = false;
  walk(f.body, (n) => {
    if (yes) return false;
    if (n.kind === 'Name' && n.decl === v) yes = true;
  });
  return yes;
}

/** The literal an argument is, or 'varies'. */
function literalOf(e: Expr): Literal | 'varies' {
  switch (e.kind) {
    case 'True': return true;
    case 'False': return false;
    case 'Nil': return null;
    case 'Number': return Number(e.raw);
    case 'String': return e.value;
    default: return 'varies';
  }
}

export class Project {
  readonly files: FileUnit[] = [];
  /** Function definitions by access key (see keyOf). */
  private defs = new Map<string, FunctionExpr[]>();
  readonly fnFile = new Map<FunctionExpr, FileUnit>();
  readonly hot = new Map<FunctionExpr, HotInfo>();
  /**
   * `pcall(function() … end)` closures: hot through their caller, whose walk covers their body
   * (GuardWalker inlines them), so the rules must not walk them again on their own.
   */
  readonly inlinedClosures = new Set<FunctionExpr>();
  private ids = new Map<LocalVar, number>();
  private aliasKey = new Map<LocalVar, string>();
  private exportKey = new Map<string, string>();
  /** Parameters that end up registered as callbacks: function → param index → registration. */
  private registrarParams = new Map<FunctionExpr, Map<number, Registration>>();
  private builtinReg = new Map<AnyCall, ReturnType<typeof registrationOf>>();
  private callees = new Map<AnyCall, FunctionExpr[]>();

  addFile(f: FileUnit): void {
    this.files.push(f);
  }

  hasFile(uri: string): boolean {
    return this.files.some((f) => f.uri === uri);
  }

  /** `require("x")` string arguments used anywhere in a chunk. */
  static requiresOf(chunk: Chunk): string[] {
    const out: string[] = [];
    walk(chunk.body, (n) => {
      if (n.kind === 'Call' && n.callee.kind === 'Name' && n.callee.name === 'require' && n.callee.decl === null) {
        const s = stringArg(n);
        if (s !== null) out.push(s);
      }
    });
    return out;
  }

  private id(v: LocalVar): number {
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.ids.size + 1;
      this.ids.set(v, i);
    }
    return i;
  }

  /** A stable key for what an access path denotes: `g:name`, `l7.update`, a module's export, `self`. */
  keyOf(e: Expr): string | null {
    switch (e.kind) {
      case 'Name':
        if (e.decl === null) return `g:${e.name}`;
        return this.aliasKey.get(e.decl) ?? `l${this.id(e.decl)}`;
      case 'Member': {
        const b = this.keyOf(e.obj);
        return b === null ? null : `${b}.${e.name.name}`;
      }
      case 'Index': {
        const b = this.keyOf(e.obj);
        return b !== null && e.key.kind === 'String' ? `${b}.${e.key.value}` : null;
      }
      case 'Paren':
        return this.keyOf(e.expr);
      default:
        return null;
    }
  }

  private addDef(key: string | null, fn: FunctionExpr): void {
    if (key === null) return;
    const l = this.defs.get(key);
    if (l) {
      if (!l.includes(fn)) l.push(fn);
    } else this.defs.set(key, [fn]);
  }

  /** Functions an expression may denote (a function literal, or a name/field bound to definitions). */
  functionsOf(e: Expr): FunctionExpr[] {
    if (e.kind === 'Function') return [e];
    if (e.kind === 'Paren') return this.functionsOf(e.expr);
    const k = this.keyOf(e);
    return k === null ? [] : this.defs.get(k) ?? [];
  }

  /** Resolves the functions a call may invoke (`f()`, `M.f()`, `self:f()`, `pcall(f, ...)`). */
  calleesOf(c: AnyCall): FunctionExpr[] {
    if (c.kind === 'MethodCall') {
      const k = this.keyOf(c.obj);
      return k === null ? [] : this.defs.get(`${k}.${c.method.name}`) ?? [];
    }
    if (c.callee.kind === 'Name' && c.callee.decl === null && (c.callee.name === 'pcall' || c.callee.name === 'xpcall') && c.args[0]) {
      return this.functionsOf(c.args[0]);
    }
    return this.functionsOf(c.callee);
  }

  /** Runs the whole inference. Call once after adding every file. */
  build(resolveRequireUri: (name: string, fromUri: string) => string | undefined): void {
    // One walk per file collects everything the stages below need (walking is the expensive part).
    const calls: AnyCall[] = [];
    const stmts: Stmt[] = [];
    for (const f of this.files) {
      walk(f.chunk.body, (n) => {
        switch (n.kind) {
          case 'Call':
            if (n.callee.kind === 'Name' && n.callee.decl === null && (n.callee.name === 'pcall' || n.callee.name === 'xpcall') && n.args[0]?.kind === 'Function') {
              this.inlinedClosures.add(n.args[0]);
            }
            calls.push(n);
            break;
          case 'MethodCall':
            calls.push(n);
            break;
          case 'Function':
            this.fnFile.set(n, f);
            break;
          case 'Local':
          case 'LocalFunction':
          case 'FunctionStat':
          case 'Assign':
            stmts.push(n);
            (n as Stmt & { file?: FileUnit }).file = f;
            break;
        }
      });
    }
    // 1. Modules: what each file returns, and which locals hold a required module.
    for (const f of this.files) {
      const body = f.chunk.body.body;
      const last = body[body.length - 1];
      if (last && last.kind === 'Return' && last.exprs[0]?.kind === 'Name') {
        const k = this.keyOf(last.exprs[0]);
        if (k) this.exportKey.set(f.uri, k);
      }
    }
    for (const n of stmts) {
      if (n.kind !== 'Local') continue;
      const f = (n as Stmt & { file?: FileUnit }).file!;
      n.exprs.forEach((e, i) => {
        const v = n.names[i]?.v;
        if (!v || e.kind !== 'Call' || e.callee.kind !== 'Name' || e.callee.name !== 'require') return;
        const s = stringArg(e);
        const uri = s !== null ? resolveRequireUri(s, f.uri) : undefined;
        const k = uri ? this.exportKey.get(uri) : undefined;
        if (k) this.aliasKey.set(v, k);
      });
    }
    // 2. Definitions (methods also bind `self` to their table).
    for (const n of stmts) this.collectDefs(n);
    // Per call, once: its builtin registration and the functions it may invoke.
    for (const n of calls) {
      this.builtinReg.set(n, registrationOf(n));
      this.callees.set(n, this.calleesOf(n));
    }
    // 3. Registrar parameters, to a fixpoint (a registrar may pass its parameter to another one).
    for (let round = 0; round < 6; round++) {
      let changed = false;
      for (const n of calls) {
        for (const [i, reg] of this.registrationsOfCall(n)) {
          const a = n.args[i];
          if (a?.kind !== 'Name' || !a.decl || a.decl.kind !== 'param') continue;
          const fn = a.decl.fn;
          if (fn.kind !== 'Function') continue;
          const idx = fn.params.indexOf(a.decl);
          let m = this.registrarParams.get(fn);
          if (!m) this.registrarParams.set(fn, (m = new Map()));
          if (!m.has(idx)) {
            m.set(idx, reg);
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    // 4. Roots: registrations anywhere, and global convention functions.
    const work: FunctionExpr[] = [];
    const mark = (fn: FunctionExpr, info: HotInfo): void => {
      const old = this.hot.get(fn);
      // Keep the first reason, but a stereo caller doubles the cost: prefer it.
      if (old && !(info.frequency === 'stereo' && old.frequency !== 'stereo')) return;
      this.hot.set(fn, info);
      work.push(fn);
    };
    for (const n of calls) {
      for (const [i, reg] of this.registrationsOfCall(n)) {
        const a = n.args[i];
        if (!a) continue;
        // A hook on an event function (OnGlideEnabled, ShowWindow) runs when the event happens.
        if (reg.frequency === 'hook' && isEventHook(n)) continue;
        // A registrar named like a per-frame event whose definition we have and which schedules the
        // callback on a timer (`setInterval(200, function() callback() end)`) is throttled, not hot.
        if (!this.builtinRegIsCallback(n) && this.scheduledOnTimer(n, i)) continue;
        for (const fn of this.functionsOf(a)) {
          this.rootFns.add(fn);
          mark(fn, { callback: reg.callback, frequency: reg.frequency, via: [fn.name || reg.callback] });
        }
      }
    }
    for (const n of stmts) {
      if (n.kind === 'FunctionStat' && n.target.kind === 'Name' && n.target.decl === null) {
        const freq = GLOBAL_CONVENTION[n.target.name];
        if (freq) {
          this.rootFns.add(n.func);
          mark(n.func, { callback: n.target.name, frequency: freq, via: [n.target.name] });
        }
      } else if (n.kind === 'Assign') {
        n.targets.forEach((t, i) => {
          const v = n.exprs[i];
          if (t.kind === 'Name' && t.decl === null && v?.kind === 'Function' && GLOBAL_CONVENTION[t.name]) {
            this.rootFns.add(v);
            mark(v, { callback: t.name, frequency: GLOBAL_CONVENTION[t.name], via: [t.name] });
          }
        });
      }
    }
    // 5. Propagate through unguarded calls, recording the literals hot calls pass (constParams).
    for (let guardN = 0; work.length && guardN < 100_000; guardN++) {
      const fn = work.pop()!;
      const info = this.hot.get(fn)!;
      const walker = new GuardWalker((n, ctx) => {
        if (ctx.guarded || ctx.debugOnly || !isCall(n)) return;
        for (const callee of this.callees.get(n) ?? this.calleesOf(n)) {
          this.recordArgs(n, callee);
          // A function argument the callee calls right away (`safe_call("x", function() … end)` with
          // `local function safe_call(ctx, f) pcall(f) end`) runs in this hot call too.
          const called = this.calledParams(callee);
          if (called.size) {
            const shift = n.kind === 'MethodCall' ? 1 : 0;
            for (const pi of called) {
              const a = n.args[pi - shift];
              if (!a) continue;
              for (const arg of this.functionsOf(a)) {
                if (arg === fn) continue;
                mark(arg, { callback: info.callback, frequency: info.frequency, via: [...(info.via ?? []), fnLabel(callee), fnLabel(arg)].slice(-6) });
              }
            }
          }
          if (callee === fn) continue;
          const via = [...(info.via ?? []), fnLabel(callee)];
          mark(callee, { callback: info.callback, frequency: info.frequency, via: via.slice(-6) });
        }
      }, this.callWrites);
      walker.walkFunction(fn);
    }
  }

  private calledParamsMemo = new Map<FunctionExpr, Set<number>>();

  /** Indexes of parameters the function calls in its own body (`f()`, `pcall(f)`), not in nested functions. */
  calledParams(fn: FunctionExpr): Set<number> {
    const known = this.calledParamsMemo.get(fn);
    if (known) return known;
    const out = new Set<number>();
    this.calledParamsMemo.set(fn, out);
    if (fn.params.length === 0) return out;
    walk(fn.body, (n) => {
      if (n.kind === 'Function') return false;
      if (n.kind !== 'Call') return;
      let target: Expr | undefined = n.callee;
      if (n.callee.kind === 'Name' && n.callee.decl === null && (n.callee.name === 'pcall' || n.callee.name === 'xpcall')) target = n.args[0];
      if (target && target.kind === 'Name' && target.decl && target.decl.kind === 'param' && target.decl.fn === fn) {
        const i = fn.params.indexOf(target.decl);
        if (i >= 0) out.add(i);
      }
    });
    return out;
  }

  private builtinRegIsCallback(c: AnyCall): boolean {
    const cn = callName(c);
    return cn !== null && (HOT_CALLBACKS[cn.name] !== undefined || cn.name === 'hook_ptr' || cn.name === 'hook_function');
  }

  /** Do the registrar's definitions hand argument `i` to a timer (setInterval/setTimeout/delay)? */
  private scheduledOnTimer(c: AnyCall, i: number): boolean {
    const defs = this.callees.get(c) ?? this.calleesOf(c);
    if (defs.length === 0) return false;
    const shift = c.kind === 'MethodCall' ? 1 : 0;
    return defs.every((fn) => {
      const p = fn.params[i + shift];
      if (!p) return false;
      let timer = false;
      let other = false;
      walk(fn.body, (n) => {
        if (!isCall(n)) return;
        const cn = callName(n);
        const isTimer = cn !== null && TIMER_CALLS.test(cn.name);
        for (const a of n.args) {
          const uses = (a.kind === 'Name' && a.decl === p) || (a.kind === 'Function' && usesVar(a, p));
          if (uses && isTimer) timer = true;
          else if (uses && a.kind === 'Name') other = true;
        }
      });
      return timer && !other;
    });
  }

  /** Per hot function: the literal each parameter gets from every hot call seen ('varies' otherwise). */
  private argLits = new Map<FunctionExpr, (Literal | 'varies')[]>();

  private recordArgs(c: AnyCall, callee: FunctionExpr): void {
    // pcall(f, a, b) passes a, b to f; a method call passes the receiver as the first parameter.
    const isPcall = c.kind === 'Call' && c.callee.kind === 'Name' && c.callee.decl === null && (c.callee.name === 'pcall' || c.callee.name === 'xpcall');
    if (isPcall || callee.isVararg) return;
    const shift = c.kind === 'MethodCall' ? 1 : 0;
    const last = c.args[c.args.length - 1];
    const openEnded = last !== undefined && (isCall(last) || last.kind === 'Vararg');
    let lits = this.argLits.get(callee);
    if (!lits) {
      lits = callee.params.map((): Literal | 'varies' => null);
      this.argLits.set(callee, lits);
    }
    const first = !this.seenCall.has(callee);
    this.seenCall.add(callee);
    callee.params.forEach((_, pi) => {
      const ai = pi - shift;
      let v: Literal | 'varies';
      if (ai < 0) v = 'varies';
      else if (ai >= c.args.length) v = openEnded ? 'varies' : null;
      else v = literalOf(c.args[ai]);
      if (first) lits![pi] = v;
      else if (lits![pi] !== v) lits![pi] = 'varies';
    });
  }

  private seenCall = new Set<FunctionExpr>();

  /** Parameters of a hot function that every hot call passes the same literal for. */
  constParamsOf(fn: FunctionExpr): Map<LocalVar, Literal> | undefined {
    const lits = this.argLits.get(fn);
    if (!lits) return undefined;
    const out = new Map<LocalVar, Literal>();
    fn.params.forEach((p, i) => {
      const v = lits[i];
      if (v !== 'varies' && v !== undefined && p.writes === 0) out.set(p, v);
    });
    // A function registered as a callback (a root) is called by UEVR with real values.
    if (this.rootFns.has(fn)) return undefined;
    return out.size ? out : undefined;
  }

  readonly rootFns = new Set<FunctionExpr>();

  private deepWrites = new Map<FunctionExpr, Set<string>>();

  /** Paths a function writes, including through the functions it calls (memoised, cycle-safe). */
  fnWritesDeep(fn: FunctionExpr): Set<string> {
    const known = this.deepWrites.get(fn);
    if (known) return known;
    const out = new Set(writtenPaths(fn.body.body));
    this.deepWrites.set(fn, out); // seeded first so recursion terminates
    walk(fn.body, (n) => {
      if (n.kind === 'Function') return false;
      if (isCall(n)) for (const callee of this.callees.get(n) ?? this.calleesOf(n)) for (const p of this.fnWritesDeep(callee)) out.add(p);
    });
    return out;
  }

  /** For GuardWalker: what a call writes through the functions it may invoke. */
  readonly callWrites = (c: AnyCall): Set<string> => {
    const fns = this.callees.get(c) ?? this.calleesOf(c);
    if (fns.length === 0) return EMPTY_SET;
    if (fns.length === 1) return this.fnWritesDeep(fns[0]);
    const out = new Set<string>();
    for (const f of fns) for (const p of this.fnWritesDeep(f)) out.add(p);
    return out;
  };

  /** Registrations a call makes: builtin ones, and calls of functions whose parameter is registered. */
  private registrationsOfCall(c: AnyCall): [number, Registration][] {
    const out: [number, Registration][] = [];
    const r = this.builtinReg.has(c) ? this.builtinReg.get(c)! : registrationOf(c);
    if (r) for (const i of r.argIndexes) out.push([i, r.reg]);
    if (this.registrarParams.size === 0) return out;
    for (const callee of this.callees.get(c) ?? this.calleesOf(c)) {
      const m = this.registrarParams.get(callee);
      if (!m) continue;
      // Method calls pass the receiver as the implicit first parameter.
      const shift = c.kind === 'MethodCall' ? 1 : 0;
      for (const [pi, reg] of m) out.push([pi - shift, reg]);
    }
    return out;
  }

  private collectDefs(n: Stmt | Expr): void {
    switch (n.kind) {
      case 'LocalFunction':
        this.addDef(`l${this.id(n.v)}`, n.func);
        return;
      case 'Local':
        n.exprs.forEach((e, i) => {
          const v = n.names[i]?.v;
          if (!v) return;
          if (e.kind === 'Function') this.addDef(`l${this.id(v)}`, e);
          else if (e.kind === 'Table') this.tableDefs(this.aliasKey.get(v) ?? `l${this.id(v)}`, e);
        });
        return;
      case 'FunctionStat': {
        const k = this.keyOf(n.target);
        this.addDef(k, n.func);
        if (n.isMethod && n.target.kind === 'Member') {
          const tk = this.keyOf(n.target.obj);
          const self = n.func.params[0];
          if (tk && self) this.aliasKey.set(self, tk);
        }
        return;
      }
      case 'Assign':
        n.targets.forEach((t, i) => {
          const e = n.exprs[i];
          if (!e) return;
          const k = this.keyOf(t);
          if (e.kind === 'Function') this.addDef(k, e);
          else if (e.kind === 'Table' && k) this.tableDefs(k, e);
        });
        return;
      default:
        return;
    }
  }

  private tableDefs(prefix: string, t: Expr): void {
    if (t.kind !== 'Table') return;
    for (const f of t.fields) {
      if (f.type === 'name' && f.key && 'name' in f.key) {
        if (f.value.kind === 'Function') this.addDef(`${prefix}.${f.key.name}`, f.value);
        else if (f.value.kind === 'Table') this.tableDefs(`${prefix}.${f.key.name}`, f.value);
      }
    }
  }
}

export function fnLabel(fn: FunctionExpr): string {
  return fn.name || 'function';
}
