// Candidate call sites for rules UEVR001–UEVR008 in a file: every place where the rule's *pattern*
// could be (a config write, a scan, a lookup with a literal, a name string, a property chain, a pawn
// fetch, a table constructor, a closure), inside a function, whether or not the analyzer reports it.
// The hand labels (test/fixtures/analyzer/labels) are drawn from these and say whether the code is hot
// and the pattern real; bench/rules-accuracy.bench.ts compares them with the analyzer's findings.
import type { Expr, FunctionExpr } from '../../src/core/lua/ast';
import { parse } from '../../src/core/lua/parser';
import { LineIndex } from '../../src/core/lua/positions';
import { callName, isCall, memberHops, pathText, walk, type Node } from '../../src/core/analyzer/syntax';

export interface RuleSite {
  rule: string;
  /** 1-based line of the site (where the rule's finding would be). */
  line: number;
  /** 1-based line where the innermost enclosing function starts. */
  fnLine: number;
  /** What the site is, for the labeller (`set_mod_value`, `pawn.Mesh.RelativeLocation ×3`). */
  what: string;
}

const CONFIG = /^(set_mod_value|set_aim_method|set_snap_turn_enabled|set_decoupled_pitch_enabled|execute_command|set_cvar_int|set_cvar_float|set_cvar|ExecuteConsoleCommand|ConsoleCommand)$/;
const SCANS = /^(get_first_object_by_class|get_first_object_matching|get_objects_matching|find_first_of|FindAllOf|find_all_of|FindFirstOf)$/;
const FINDERS = /^(find_uobject|find_required_object|find_object|get_class|StaticFindObject|FindObject|find_class|find_static_class)$/;
const PAWN = /^(get_local_pawn|get_player_controller|get_engine|get_world|GetWorld)$/;

/** Sites of one file; `fns` maps every function to its start line (used to group R5/R6 per function). */
export function ruleSites(text: string): RuleSite[] {
  const chunk = parse(text);
  const li = new LineIndex(text);
  const L = (o: number): number => li.lineOf(o) + 1;
  const out: RuleSite[] = [];
  const fnOf = new Map<Node, FunctionExpr>();
  // Innermost function of every node.
  const visitFn = (fn: FunctionExpr): void => {
    walk(fn.body, (n) => {
      fnOf.set(n, fn);
      if (n.kind === 'Function') {
        visitFn(n);
        return false;
      }
    });
  };
  walk(chunk.body, (n) => {
    if (n.kind === 'Function') {
      visitFn(n);
      return false;
    }
  });
  const perFnChains = new Map<FunctionExpr, Map<string, number[]>>();
  const perFnFetch = new Map<FunctionExpr, Map<string, number[]>>();
  const covered = new Set<Node>();
  for (const [n, fn] of fnOf) {
    const fnLine = L(fn.start);
    if (n.kind === 'Function') out.push({ rule: 'UEVR008', line: L(n.start), fnLine, what: 'closure' });
    if (n.kind === 'Table') out.push({ rule: 'UEVR007', line: L(n.start), fnLine, what: n.fields.length ? 'table' : 'empty table' });
    if ((n.kind === 'Member' || n.kind === 'Index') && !covered.has(n)) {
      let c: Expr = n;
      while (c.kind === 'Member' || c.kind === 'Index') {
        c = c.obj;
        covered.add(c);
      }
      let p: Expr = n;
      while ((p.kind === 'Member' || p.kind === 'Index') && memberHops(p) >= 2) {
        const t = pathText(p);
        if (t !== null) {
          const m = perFnChains.get(fn) ?? new Map<string, number[]>();
          m.set(t, [...(m.get(t) ?? []), p.start]);
          perFnChains.set(fn, m);
        }
        p = p.obj;
      }
    }
    if (!isCall(n)) continue;
    const cn = callName(n);
    if (!cn) continue;
    const line = L(n.start);
    if (CONFIG.test(cn.name)) out.push({ rule: 'UEVR001', line, fnLine, what: cn.name });
    if (SCANS.test(cn.name)) out.push({ rule: 'UEVR002', line, fnLine, what: cn.name });
    if (FINDERS.test(cn.name) && n.args.some((a) => a.kind === 'String')) out.push({ rule: 'UEVR003', line, fnLine, what: cn.name });
    const isName = cn.name === 'get_full_name' || (cn.name === 'to_string' && cn.receiver !== null && isCall(cn.receiver) && callName(cn.receiver)?.name === 'get_fname');
    if (isName) out.push({ rule: 'UEVR004', line, fnLine, what: cn.name });
    if (PAWN.test(cn.name)) {
      const key = text.slice(n.start, n.end);
      const m = perFnFetch.get(fn) ?? new Map<string, number[]>();
      m.set(key, [...(m.get(key) ?? []), n.start]);
      perFnFetch.set(fn, m);
    }
  }
  for (const [fn, m] of perFnChains) {
    for (const [p, offs] of m) {
      if (/^(math|string|table|os|bit32|utf8|coroutine)\./.test(p)) continue;
      offs.sort((a, b) => a - b);
      out.push({ rule: 'UEVR005', line: L(offs[0]), fnLine: L(fn.start), what: `${p} ×${offs.length}` });
    }
  }
  for (const [fn, m] of perFnFetch) {
    for (const [k, offs] of m) {
      offs.sort((a, b) => a - b);
      // The finding is on the second fetch; a single fetch is a site of the rule's look-alike.
      out.push({ rule: 'UEVR006', line: L(offs[Math.min(1, offs.length - 1)]), fnLine: L(fn.start), what: `${k} ×${offs.length}` });
    }
  }
  return out;
}
