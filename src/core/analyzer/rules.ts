// The rule checks (docs/rules.md R1–R15 and the rare ones). They run over the hot functions
// of one file, skip guarded code, and attach the quick fixes from fixes.ts.
import type { Expr, FunctionExpr, LocalVar, Stmt } from '../lua/ast';
import { COLD_CALLBACKS, RULE_BY_CODE, frequencyPhrase } from './catalog';
import type { FixContext } from './fixctx';
import * as fixes from './fixes';
import { GuardWalker, type HotCtx } from './guards';
import { fnLabel, registrationOf, type FileUnit, type Project } from './hot';
import { callName, isCall, memberHops, pathRoot, pathText, walk, type AnyCall, type Node } from './syntax';
import type { Finding, Fix, HotInfo, Severity } from './types';

const CONFIG_WRITES = new Set(['set_mod_value', 'set_aim_method', 'set_snap_turn_enabled', 'set_decoupled_pitch_enabled',
  'execute_command', 'set_cvar_int', 'set_cvar_float', 'set_cvar', 'ExecuteConsoleCommand', 'ConsoleCommand']);
const CVAR_SETTERS = new Set(['set_int', 'set_float', 'set']);
const CVAR_FINDERS = new Set(['find_variable', 'find_console_variable', 'find_console_command']);
const SCANS = new Set(['get_first_object_by_class', 'get_first_object_matching', 'get_objects_matching', 'find_first_of',
  'FindAllOf', 'find_all_of', 'FindFirstOf']);
export const FIRST_SCANS = new Set(['get_first_object_by_class', 'get_first_object_matching', 'find_first_of', 'FindFirstOf']);
const FINDERS = new Set(['find_uobject', 'find_required_object', 'find_object', 'get_class', 'StaticFindObject', 'FindObject',
  'find_class', 'find_static_class']);
const PAWN_GETTERS = new Set(['get_local_pawn', 'get_player_controller', 'get_engine', 'get_world', 'GetWorld']);
const VALUE_TYPES = /^(UEVR_)?(Vector[234][fd]|Quaternion[fd]|Rotator[fd]|StructObject)$/;
const FNAME_MAKERS = new Set(['Conv_StringToName', 'fname_from_string', 'StringToName']);
const SPAWNERS = new Set(['spawn_object', 'SpawnActor', 'BeginDeferredActorSpawnFromClass', 'SpawnActorFromClass',
  'add_component_by_class', 'SpawnObject', 'ConstructObject']);
/** Fields of UEVR's XInput state/vibration structs (native structs, not UObject reflection). */
const XINPUT_FIELDS = new Set(['Gamepad', 'wButtons', 'bLeftTrigger', 'bRightTrigger', 'sThumbLX', 'sThumbLY', 'sThumbRX', 'sThumbRY',
  'dwPacketNumber', 'wLeftMotorSpeed', 'wRightMotorSpeed']);
const STD_LIBS = new Set(['string', 'math', 'table', 'bit32', 'utf8', 'os', 'uevr', 'coroutine']);

interface Occurrence {
  call: AnyCall;
  ctx: HotCtx;
  key: string;
}

export class RuleChecker {
  readonly findings: Finding[] = [];
  private covered = new Set<Node>();
  private pawnByFn = new Map<FunctionExpr, Occurrence[]>();
  /** Fetches per key across hot roots (R6's "several hot callbacks" case). */
  private pawnAcross = new Map<string, { call: AnyCall; info: HotInfo; root: string }[]>();
  private chainsByFn = new Map<FunctionExpr, { e: Expr; ctx: HotCtx }[]>();

  constructor(private unit: FileUnit, private project: Project, private fx: FixContext) {}

  run(): Finding[] {
    // pcall closures are walked inline with their caller; walking them again would report twice.
    const mine = [...this.project.hot.entries()].filter(([fn]) => this.project.fnFile.get(fn) === this.unit && !this.project.inlinedClosures.has(fn));
    for (const [fn, info] of mine) {
      const walker = new GuardWalker((n, ctx) => this.visit(n, ctx, info), this.project.callWrites, this.project.constParamsOf(fn));
      walker.walkFunction(fn);
      this.afterFunction(fn, info);
    }
    this.stereoViewIndex(mine);
    this.fetchedInSeveralCallbacks();
    this.findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    return this.findings;
  }

  // ---- reporting ----
  private where(info: HotInfo): string {
    const via = info.via ?? [];
    const chain = via.length > 1 ? ` (through ${via.slice(1).join(' → ')})` : '';
    return `${frequencyPhrase(info.frequency)} in ${info.callback}${chain}`;
  }

  private add(code: string, node: { start: number; end: number }, info: HotInfo, message: string, fixList?: () => (Fix | null)[], severity?: Severity): void {
    const rule = RULE_BY_CODE.get(code)!;
    const finding = {
      code,
      severity: severity ?? rule.severity,
      message,
      range: this.unit.lines.range(node.start, node.end),
      hot: { callback: info.callback, frequency: info.frequency, via: info.via },
    } as Finding;
    // Fixes are built on first access: diagnostics need only the message, and a big file can have
    // hundreds of findings (re-analysis on every keystroke must stay well under 50 ms).
    // An incremental re-parse updates the AST in place: fixes built after that would use moved
    // offsets against the old text, so a stale finding offers no fixes instead of wrong ones.
    let cache: Fix[] | undefined;
    const chunk = this.unit.chunk;
    const gen = chunk.generation ?? 0;
    Object.defineProperty(finding, 'fixes', {
      enumerable: true,
      configurable: true,
      get: () => {
        if ((chunk.generation ?? 0) !== gen) return [];
        // With a syntax error the AST is error recovery's guess: a fix could cut code in half.
        if (chunk.errors.length > 0) return [];
        return (cache ??= fixList ? fixList().filter((f): f is Fix => f !== null) : []);
      },
    });
    this.findings.push(finding);
  }

  private src(n: { start: number; end: number }): string {
    const s = this.unit.text.slice(n.start, n.end);
    return s.length > 60 ? s.slice(0, 57) + '…' : s;
  }

  // ---- the walk ----
  private visit(n: Node, ctx: HotCtx, info: HotInfo): void {
    if (ctx.guarded) return;
    // Debug-only code is off in normal play: only its prints are reported (as conditional prints).
    if (ctx.debugOnly && !(n.kind === 'Call' && n.callee.kind === 'Name' && n.callee.name === 'print' && n.callee.decl === null)) return;
    switch (n.kind) {
      case 'Call':
      case 'MethodCall':
        this.call(n, ctx, info);
        return;
      case 'Table':
        if (!this.covered.has(n)) this.table(n, ctx, info);
        walk(n, (c) => { if (c !== n && c.kind === 'Table') this.covered.add(c); });
        return;
      case 'Function':
        this.closure(n, ctx, info);
        return;
      case 'Binary':
        if (n.op === '..' && !this.covered.has(n)) this.concat(n, ctx, info);
        return;
      case 'Member':
      case 'Index':
        if (!this.covered.has(n)) this.chain(n, ctx, info);
        return;
      case 'If':
        this.ifChainNames(n, ctx, info);
        return;
      default:
    }
  }

  private call(c: AnyCall, ctx: HotCtx, info: HotInfo): void {
    const cn = callName(c);
    if (!cn) return;
    const name = cn.name;
    const w = this.where(info);
    const receiverText = cn.receiver ? pathText(cn.receiver) : null;

    // R1: config writes
    let configWrite = CONFIG_WRITES.has(name);
    if (!configWrite && CVAR_SETTERS.has(name) && cn.method && cn.receiver) {
      walk(cn.receiver, (k) => { if (isCall(k) && CVAR_FINDERS.has(callName(k)?.name ?? '')) configWrite = true; });
    }
    if (configWrite) {
      this.add('UEVR001', c, info, `${this.src(c)} writes configuration ${w}: ${RULE_BY_CODE.get('UEVR001')!.cost}. Write only when the value changes.`,
        () => [fixes.setModValueOnChange(this.fx, c, ctx)]);
    }
    // R2: object scans
    if (SCANS.has(name)) {
      this.add('UEVR002', c, info, `${name} scans every instance of the class ${w}: ${RULE_BY_CODE.get('UEVR002')!.cost}. Cache the object and re-validate it.`,
        () => [fixes.engineParam(this.fx, c, ctx, info), FIRST_SCANS.has(name) ? fixes.cachedFirstObject(this.fx, c, ctx) : null]);
    }
    // R3: lookups by name with a literal
    if (FINDERS.has(name)) {
      const lit = c.args.find((a) => a.kind === 'String');
      if (lit && lit.kind === 'String') {
        this.add('UEVR003', c, info, `${name}("${lit.value}") looks an object up by name ${w}: ${RULE_BY_CODE.get('UEVR003')!.cost}. Look it up once and cache it.`,
          () => [fixes.hoistScriptClass(this.fx, c, lit.value), fixes.lazyFindCache(this.fx, c, lit.value)]);
      }
    }
    // R4: name strings in loops (if/elseif chains are handled at the If statement)
    if ((name === 'get_full_name' || (name === 'to_string' && cn.receiver && isCall(cn.receiver) && callName(cn.receiver)?.name === 'get_fname'))
      && ctx.loop > 0) {
      this.add('UEVR004', c, info, `${this.src(c)} builds the object's name string inside a loop ${w}. Compute it once per object (or compare with is_a(cached_class)).`,
        () => [fixes.hoistNameInLoop(this.fx, c, ctx)]);
    }
    // R6: pawn/controller/world fetches (evaluated per function afterwards)
    if (PAWN_GETTERS.has(name) && (cn.receiver === null || receiverText !== null)) {
      const key = this.fx.src(c);
      const l = this.pawnByFn.get(ctx.fn) ?? [];
      l.push({ call: c, ctx, key });
      this.pawnByFn.set(ctx.fn, l);
      const across = this.pawnAcross.get(key) ?? [];
      across.push({ call: c, info, root: `${info.callback}|${(info.via ?? [])[0] ?? ''}` });
      this.pawnAcross.set(key, across);
    }
    // R9: value objects
    if (name === 'new' && receiverText !== null && VALUE_TYPES.test(receiverText)) {
      const sev: Severity = ctx.loop > 0 || info.frequency === 'stereo' ? 'warning' : 'information';
      this.add('UEVR009', c, info, `${receiverText}.new allocates a value object ${w}${ctx.loop > 0 ? ', inside a loop' : ''}: ${RULE_BY_CODE.get('UEVR009')!.cost}. Preallocate once and update its fields.`,
        () => [fixes.preallocValue(this.fx, c, ctx)], sev);
    }
    // R10: motion-controller state reconfigured
    if (name === 'get_or_add_motion_controller_state' && this.configuresState(c, ctx)) {
      this.add('UEVR010', c, info, `Motion-controller state is looked up and reconfigured ${w}: ${RULE_BY_CODE.get('UEVR010')!.cost}. Configure it once when the object changes (remember the last object).`,
        () => [fixes.configureOnChange(this.fx, c, ctx)]);
    }
    // R11: print
    if (name === 'print' && c.kind === 'Call' && c.callee.kind === 'Name' && c.callee.decl === null) {
      const unconditional = !ctx.conditional || ctx.loop > 0;
      this.add('UEVR011', c, info, `print ${w}${ctx.loop > 0 ? ', inside a loop' : unconditional ? ', unconditionally' : ''}: ${RULE_BY_CODE.get('UEVR011')!.cost}. Gate it behind a debug flag or log only on change.`,
        () => [fixes.gatePrint(this.fx, c, ctx)], unconditional ? 'error' : 'information');
    }
    // R15: FName from a literal
    if (FNAME_MAKERS.has(name)) {
      const lit = c.args.find((a) => a.kind === 'String');
      if (lit && lit.kind === 'String') {
        this.add('UEVR015', c, info, `${name}("${lit.value}") builds an FName ${w}: ${RULE_BY_CODE.get('UEVR015')!.cost}. Build it once at file scope.`,
          () => [fixes.fnameOnce(this.fx, c, lit.value)]);
      }
    }
    // Rare rules
    const reg = registrationOf(c);
    if (reg || (COLD_CALLBACKS.has(name) && cn.receiver !== null)) {
      this.add('UEVR016', c, info, `${name} registers a callback ${w}: ${RULE_BY_CODE.get('UEVR016')!.cost}. Register once at file scope.`);
    }
    if (name === 'require' && c.kind === 'Call' && c.callee.kind === 'Name' && c.callee.decl === null) {
      this.add('UEVR017', c, info, `require runs ${w}. Require the module once at file scope.`);
    }
    if (SPAWNERS.has(name)) {
      this.add('UEVR018', c, info, `${name} creates objects ${w}. Spawn once and reuse, or spawn on an event.`);
    }
    const root = cn.receiver ? pathRoot(cn.receiver) : null;
    const rootIsGlobal = root !== null && root.decl === null;
    if ((rootIsGlobal && (root.name === 'io' || root.name === 'fs' || (root.name === 'json' && /file/.test(name))))
      || (/^log_(info|warn|error)$/.test(name) && receiverText !== null && /functions$/.test(receiverText))) {
      this.add('UEVR019', c, info, `${this.src(c)} does file I/O ${w}. Write on change or buffer and flush rarely.`);
    }
    if (name === 'get_class_default_object') {
      this.add('UEVR020', c, info, `get_class_default_object runs ${w}; the default object never changes: fetch it once.`);
    }
  }

  /** get_or_add_motion_controller_state(x) whose result gets set_* calls (directly or via a local). */
  private configuresState(c: AnyCall, ctx: HotCtx): boolean {
    const st = ctx.stmt;
    if (!st) return false;
    let found = false;
    walk(st, (n) => {
      if (found || n.kind === 'Function') return false;
      if (n.kind === 'MethodCall' && /^set_/.test(n.method.name)) {
        if (n.obj === c) found = true;
        if (n.obj.kind === 'Name' && n.obj.decl && st.kind === 'Local' && st.exprs.includes(c)) found = true;
      }
    });
    if (found) return true;
    if (st.kind === 'Local') {
      const i = st.exprs.indexOf(c);
      const v = i >= 0 ? st.names[i]?.v : undefined;
      if (v) {
        for (const r of v.refs) {
          // A ref used as receiver of a set_* method: look at the text right after it.
          const after = this.unit.text.slice(r.end, r.end + 6);
          if (/^:set_/.test(after)) return true;
        }
      }
    }
    return false;
  }

  private table(t: Expr, ctx: HotCtx, info: HotInfo): void {
    if (t.kind !== 'Table') return;
    const constant = fixes.isConstantTable(t);
    const sev: Severity = ctx.loop > 0 || info.frequency === 'stereo' ? 'warning' : 'information';
    const what = constant ? 'a constant table' : t.fields.length === 0 ? 'an empty table' : 'a table';
    this.add('UEVR007', t, info,
      `${this.src(t)} allocates ${what} ${this.where(info)}${ctx.loop > 0 ? ', inside a loop' : ''}: ${RULE_BY_CODE.get('UEVR007')!.cost}. ${constant ? 'Build it once at file scope.' : 'Reuse a scratch table kept in an upvalue and reset its fields.'}`,
      () => [fixes.hoistConstantTable(this.fx, t, ctx)], sev);
  }

  private closure(f: FunctionExpr, ctx: HotCtx, info: HotInfo): void {
    if (f === ctx.fn || f === ctx.inner) return;
    const sev: Severity = ctx.loop > 0 ? 'warning' : 'information';
    this.add('UEVR008', { start: f.start, end: Math.min(f.end, f.body.start) }, info,
      `A closure is created ${this.where(info)}${ctx.loop > 0 ? ', inside a loop' : ''}: ${RULE_BY_CODE.get('UEVR008')!.cost}. Define the function once at file scope and pass what it needs as arguments.`,
      () => [fixes.liftPcallClosure(this.fx, f, ctx)], sev);
  }

  private concat(b: Expr, ctx: HotCtx, info: HotInfo): void {
    const ops = fixes.concatOperands(b);
    walk(b, (c) => { if (c !== b && c.kind === 'Binary' && c.op === '..') this.covered.add(c); });
    const sev: Severity = ctx.loop > 0 ? 'information' : 'hint';
    this.add('UEVR012', b, info,
      `String built with .. ${this.where(info)}${ctx.loop > 0 ? ', inside a loop' : ''} (${ops.length} parts): ${RULE_BY_CODE.get('UEVR012')!.cost}. Precompute constant parts${ctx.loop > 0 ? '; collect pieces and table.concat them' : ''}.`,
      () => [fixes.hoistConstantConcat(this.fx, b, ops)], sev);
  }

  private chain(e: Expr, ctx: HotCtx, info: HotInfo): void {
    // Mark inner hops so only the outermost access of a chain is looked at.
    let c: Expr = e;
    while (c.kind === 'Member' || c.kind === 'Index') {
      c = c.obj;
      this.covered.add(c);
    }
    const root = pathRoot(e);
    if (!root) return;
    // R13: global lookups in loops
    if (ctx.loop > 0 && root.decl === null && STD_LIBS.has(root.name) && e.kind === 'Member') {
      this.add('UEVR013', e, info, `${this.src(e)} looks up globals on every iteration of a loop ${this.where(info)}. Use a file-scope alias.`,
        () => [fixes.aliasGlobal(this.fx, e)]);
    }
    // R5 candidates (evaluated per function)
    if (memberHops(e) >= 2) {
      const l = this.chainsByFn.get(ctx.fn) ?? [];
      l.push({ e, ctx });
      this.chainsByFn.set(ctx.fn, l);
    }
  }

  private ifChainNames(s: Stmt, ctx: HotCtx, info: HotInfo): void {
    if (s.kind !== 'If') return;
    const byReceiver = new Map<string, AnyCall[]>();
    for (const cl of s.clauses) {
      if (!cl.cond) continue;
      walk(cl.cond, (n) => {
        if (n.kind === 'Function') return false;
        if (!isCall(n)) return;
        const cn = callName(n);
        if (!cn || !cn.receiver) return;
        const isName = cn.name === 'get_full_name' || (cn.name === 'to_string' && isCall(cn.receiver) && callName(cn.receiver)?.name === 'get_fname');
        if (!isName) return;
        const key = this.fx.src(n);
        const l = byReceiver.get(key) ?? [];
        l.push(n);
        byReceiver.set(key, l);
      });
    }
    for (const [, calls] of byReceiver) {
      if (calls.length < 2) continue;
      if (ctx.loop > 0) continue; // already reported per call in the loop
      this.add('UEVR004', calls[1], info,
        `${this.src(calls[0])} is recomputed in ${calls.length} branches of one if/elseif chain ${this.where(info)}: each call builds a string. Compute it once above the chain.`,
        () => [fixes.hoistNameAboveIf(this.fx, s, calls, ctx)]);
    }
  }

  private afterFunction(fn: FunctionExpr, info: HotInfo): void {
    // R6: same fetch twice in one function
    for (const [f, occ] of this.pawnByFn) {
      const byKey = new Map<string, Occurrence[]>();
      for (const o of occ) byKey.set(o.key, [...(byKey.get(o.key) ?? []), o]);
      for (const [key, list] of byKey) {
        if (list.length < 2) continue;
        this.add('UEVR006', list[1].call, info,
          `${key} is fetched ${list.length} times in one run of ${fnLabel(f) === 'function' ? 'this callback' : fnLabel(f)} (${this.where(info)}): each fetch is ${RULE_BY_CODE.get('UEVR006')!.cost}. Fetch it once into a local.`,
          () => [fixes.fetchOnce(this.fx, f, list.map((o) => o.call), key)]);
      }
    }
    this.pawnByFn.clear();
    // R5: repeated reflective prefixes
    const chains = this.chainsByFn.get(fn) ?? [];
    this.chainsByFn.delete(fn);
    const counts = new Map<string, { e: Expr; ctx: HotCtx }[]>();
    for (const ch of chains) {
      // Prefixes of the chain with at least 2 member hops (a.B.C, a.B.C.D, ...), excluding write targets.
      let c: Expr = ch.e;
      const seen = new Set<string>();
      while ((c.kind === 'Member' || c.kind === 'Index') && memberHops(c) >= 2) {
        const p = pathText(c);
        if (p !== null && !seen.has(p)) {
          seen.add(p);
          counts.set(p, [...(counts.get(p) ?? []), { e: c, ctx: ch.ctx }]);
        }
        c = c.obj;
      }
    }
    const reported = new Set<string>();
    const ordered = [...counts.entries()].filter(([, l]) => l.length >= 3 && this.reflectiveHops(l[0].e) > 0).sort((a, b) => b[0].length - a[0].length);
    for (const [p, l] of ordered) {
      if ([...reported].some((r) => r.startsWith(p + '.') || r.startsWith(p + '['))) continue;
      const root = pathRoot(l[0].e);
      if (root && root.decl === null && STD_LIBS.has(root.name)) continue; // library lookups are R13's business
      reported.add(p);
      this.add('UEVR005', l[0].e, info,
        `${p} is read ${l.length} times in ${fnLabel(fn) === 'function' ? 'this callback' : fnLabel(fn)} (${this.where(info)}): ${RULE_BY_CODE.get('UEVR005')!.cost}. Read it once into a local.`,
        () => [fixes.hoistPrefix(this.fx, fn, l.map((x) => x.e), p)]);
    }
  }

  private tablePathsCache: Set<string> | null = null;

  /**
   * Paths of the file known to hold plain Lua tables: locals and globals set from a table constructor
   * or `require(...)`, fields assigned a table constructor, nested constructor fields. Reading a field
   * of those is a Lua table lookup, not UObject reflection.
   */
  private tablePaths(): Set<string> {
    if (this.tablePathsCache) return this.tablePathsCache;
    const out = new Set<string>();
    const addTable = (prefix: string, t: Expr): void => {
      out.add(prefix);
      if (t.kind !== 'Table') return;
      for (const f of t.fields) if (f.type === 'name' && f.key && 'name' in f.key && f.value.kind === 'Table') addTable(`${prefix}.${f.key.name}`, f.value);
    };
    const isTableValue = (e: Expr | undefined): boolean => !!e && (e.kind === 'Table'
      || (e.kind === 'Call' && e.callee.kind === 'Name' && e.callee.decl === null && e.callee.name === 'require'));
    walk(this.unit.chunk.body, (n) => {
      if (n.kind === 'Local') n.exprs.forEach((e, i) => { const v = n.names[i]?.v; if (v && isTableValue(e)) addTable(v.name, e); });
      else if (n.kind === 'Assign') {
        n.targets.forEach((t, i) => {
          const p = pathText(t);
          if (p !== null && isTableValue(n.exprs[i])) addTable(p, n.exprs[i]);
        });
      }
    });
    this.tablePathsCache = out;
    return out;
  }

  /**
   * How many hops of a chain look like UObject reflection: a PascalCase (or bPascal) property read
   * from something not known to be a Lua table. XInput state fields (native struct) and enum-style
   * constants are not reflection.
   */
  private reflectiveHops(e: Expr): number {
    const hops: string[] = [];
    let c: Expr = e;
    while (c.kind === 'Member' || c.kind === 'Index') {
      hops.unshift(c.kind === 'Member' ? c.name.name : '');
      c = c.obj;
    }
    const root = pathRoot(e);
    if (!root) return 0;
    const tables = this.tablePaths();
    let path = root.name;
    let n = 0;
    for (const h of hops) {
      const luaTable = tables.has(path);
      if (h && !luaTable && /^(b[A-Z]|[A-Z])/.test(h) && /[a-z]/.test(h) && !XINPUT_FIELDS.has(h)) n++;
      path = h ? `${path}.${h}` : `${path}[]`;
    }
    return n;
  }

  /** R6, second form: the same fetch in several hot callbacks (advice only: share it per frame). */
  private fetchedInSeveralCallbacks(): void {
    for (const [key, occ] of this.pawnAcross) {
      const roots = [...new Set(occ.map((o) => o.root))];
      if (roots.length < 2) continue;
      const names = [...new Set(occ.map((o) => o.info.callback))];
      for (const root of roots.slice(1)) {
        const o = occ.find((x) => x.root === root)!;
        if (this.findings.some((f) => f.code === 'UEVR006' && f.range.start.line === this.unit.lines.lineOf(o.call.start))) continue;
        this.add('UEVR006', o.call, o.info,
          `${key} is fetched in ${roots.length} hot callbacks (${names.join(', ')}): fetch it once per frame in on_pre_engine_tick into a file-scope variable and use that.`,
          undefined, 'hint');
      }
    }
  }

  /** R14: a stereo callback that never reads view_index but does costly work twice per frame. */
  private stereoViewIndex(mine: [FunctionExpr, HotInfo][]): void {
    const cheap = new Set(['UEVR005', 'UEVR012', 'UEVR013', 'UEVR014']);
    for (const [fn, info] of mine) {
      if (info.frequency !== 'stereo' || (info.via ?? []).length > 1 || fn.isVararg) continue;
      const vi: LocalVar | undefined = fn.params[1];
      if (vi && vi.refs.length > 0) continue;
      const costly = this.findings.filter((f) => !cheap.has(f.code) && f.hot?.callback === info.callback
        && f.range.start.line >= this.unit.lines.lineOf(fn.start) && f.range.end.line <= this.unit.lines.lineOf(fn.end));
      const viaThis = this.findings.filter((f) => !cheap.has(f.code) && f.hot?.callback === info.callback && (f.hot.via ?? [])[0] === (info.via ?? [])[0] && (f.hot.via ?? []).length > 1);
      const n = costly.length + viaThis.length;
      if (n === 0) continue;
      this.add('UEVR014', { start: fn.start, end: Math.min(fn.end, fn.body.start) }, info,
        `This ${info.callback} callback runs twice per frame (once per eye) but never reads view_index, and does costly work (${n} finding${n > 1 ? 's' : ''}): the same result is computed twice. Compute it once in on_pre_engine_tick and read the cached value here, or only when view_index == 0.`,
        () => [fixes.oneEyeOnly(this.fx, fn)]);
    }
  }
}
