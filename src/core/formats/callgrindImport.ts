// Callgrind / cachegrind-style profiles (valgrind --tool=callgrind, also written by Xdebug, PHP's
// and Python's profilers, KCachegrind's format): "events:" names the cost columns; "fl=" / "fn="
// open a function; cost lines "positions… costs…" add self cost; "cfi=/cfn=" + "calls=N pos" +
// one cost line give the inclusive cost of a call. Names may be compressed: "(id) name" defines,
// "(id)" refers back. Only the first event (e.g. Ir, or Time) is shown.
//
// The file is a call graph, not stacks: callGraph.ts unfolds it into a call tree, splitting each
// function's cost among its callers in proportion to what each call cost.

import type { Profile } from '../profile/types';
import { fail } from './errors';
import type { LoadContext } from './loadContext';
import { CallGraph } from './callGraph';
import { splitLines } from './text';

export function looksLikeCallgrind(text: string): boolean {
  const head = text.slice(0, 8192);
  return /^# callgrind format/.test(head) || (/^events:/m.test(head) && /^fn=/m.test(head));
}

const NAME_DEF = /^\((\d+)\)\s*(.*)$/;

export function importCallgrind(text: string, ctx: LoadContext): Profile {
  const graph = new CallGraph();
  const files = new Map<string, string>();
  const fns = new Map<string, string>();
  const name = (value: string, table: Map<string, string>, what: string, lineNo: number): string => {
    const m = NAME_DEF.exec(value.trim());
    if (!m) return value.trim();
    if (m[2]) {
      table.set(m[1], m[2]);
      return m[2];
    }
    const known = table.get(m[1]);
    if (known === undefined) fail(`line ${lineNo}: ${what} (${m[1]}) is used before it is defined`);
    return known;
  };
  let events: string[] | undefined;
  let positions = 1;
  let fl = '';
  let fn: number | undefined;
  let cfi: string | undefined;
  let cfn: string | undefined;
  let pendingCall = false;
  let bad = 0;
  let costLines = 0;
  const lines = splitLines(text);
  /** The first event's cost on a cost line ("pos… cost…"); undefined when it is not one. */
  const firstCost = (line: string): number | undefined => {
    const tok = line.trim().split(/\s+/);
    if (tok.length === 0) return undefined;
    for (let k = 0; k < positions && k < tok.length; k++) if (!/^([+-]?\d+|0x[0-9a-fA-F]+|[+-]0x[0-9a-fA-F]+|\*)$/.test(tok[k])) return undefined;
    const c = tok[positions];
    if (c === undefined) return 0; // all costs omitted: zero
    if (!/^\d+$/.test(c)) return undefined;
    return Number(c);
  };
  for (let i = 0; i < lines.length; i++) {
    if ((i & 0x3fff) === 0) ctx.progress(i / lines.length);
    const line = lines[i];
    const lineNo = i + 1;
    if (!line.trim() || /^\s*#/.test(line)) continue;
    const header = /^(\w+):\s*(.*)$/.exec(line);
    if (header) {
      if (header[1] === 'events') {
        if (events) fail(`line ${lineNo}: a second "events:" line`);
        events = header[2].trim().split(/\s+/);
      } else if (header[1] === 'positions') positions = Math.max(1, header[2].trim().split(/\s+/).length);
      continue;
    }
    const assign = /^(\w+)=(.*)$/.exec(line);
    if (assign) {
      const v = assign[2];
      switch (assign[1]) {
        case 'fl':
          fl = name(v, files, 'file', lineNo);
          break;
        case 'fi':
        case 'fe':
          name(v, files, 'file', lineNo); // inlined code: same function, but the name may be defined here
          break;
        case 'fn':
          fn = graph.node(name(v, fns, 'function', lineNo), fl);
          cfi = undefined;
          cfn = undefined;
          break;
        case 'cfi':
        case 'cfl':
          cfi = name(v, files, 'file', lineNo);
          break;
        case 'cfn':
          cfn = name(v, fns, 'function', lineNo);
          break;
        case 'calls':
          if (fn === undefined || cfn === undefined) fail(`line ${lineNo}: "calls=" without a calling "fn=" and a called "cfn="`);
          pendingCall = true;
          break;
        default:
          break; // ob=, cob=, jump=, jcnd=…: not drawn
      }
      continue;
    }
    const cost = firstCost(line);
    if (cost === undefined) {
      bad++;
      continue;
    }
    costLines++;
    if (fn === undefined) fail(`line ${lineNo}: a cost line before any "fn="`);
    if (pendingCall) {
      graph.call(fn, graph.node(cfn as string, cfi ?? fl), cost);
      pendingCall = false;
      cfi = undefined;
      cfn = undefined;
    } else graph.self(fn, cost);
  }
  if (!events) fail('no "events:" line naming the costs');
  if (costLines === 0) fail('no cost lines');
  const profile = graph.toProfile({ name: ctx.fileName, source: 'callgrind', weightUnit: 'samples' }, ctx);
  profile.meta.event = events[0];
  if (events.length > 1) ctx.notes.push(`the file has ${events.length} events (${events.slice(0, 6).join(', ')}); showing ${events[0]}`);
  if (bad) {
    profile.meta.invalidLines = bad;
    ctx.notes.push(`${bad} lines could not be read and were skipped`);
  }
  return profile;
}
