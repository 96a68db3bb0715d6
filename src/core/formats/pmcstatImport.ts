// FreeBSD pmcstat call graphs (`pmcstat -R file -G out.graph`): "@ event [N samples]" then one
// tree per hot function: a line "pct%  [count]  function [@ module]" and, indented one more space
// each level, its callers with the share of the count that came through them. So every root-to-
// leaf path of a tree, reversed, is a stack (outermost caller first). A node's count that its
// callers do not account for stays on the shorter stack that ends there.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import type { LoadContext } from './loadContext';
import { splitLines } from './text';

const HEADER = /^@ \S+ \[\d+ samples\]\s*$/;
const ROW = /^( *)[\d.]+%\s+\[(\d+)\]\s+(\S+)(?: @ (.*?))?\s*$/;

export function looksLikePmcstat(text: string): boolean {
  for (const line of splitLines(text.slice(0, 4096))) {
    if (!line.trim()) continue;
    return HEADER.test(line);
  }
  return false;
}

interface Node {
  name: string;
  file: string;
  count: number;
  children: Node[];
}

export function importPmcstat(text: string, ctx: LoadContext): Profile {
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'pmcstat', weightUnit: 'samples' });
  const roots: Node[] = [];
  const path: Node[] = [];
  let module = '';
  let bad = 0;
  let event = '';
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    if (HEADER.test(line)) {
      if (!event) event = line.slice(2, line.indexOf(' [')).trim();
      else if (!line.includes(event)) {
        // A second event's graph: its counts are another unit; stop at the first event.
        ctx.notes.push(`only the first event (${event}) is shown`);
        break;
      }
      continue;
    }
    const m = ROW.exec(line);
    // A count too long to be finite (400 digits) makes the row unreadable too.
    if (!m || !Number.isFinite(Number(m[2]))) {
      bad++;
      continue;
    }
    const depth = m[1].length;
    if (m[4]) module = m[4];
    // A tree's top line starts a new hot function; its file is its own module.
    if (depth === 0) module = m[4] ?? '';
    const node: Node = { name: m[3], file: module, count: Number(m[2]), children: [] };
    if (depth > path.length) {
      bad++;
      continue;
    }
    path.length = depth;
    if (depth === 0) roots.push(node);
    else path[depth - 1].children.push(node);
    path.push(node);
  }
  if (roots.length === 0) fail('no call graph rows ("pct%  [count]  function") after the header');
  // Emit each path outermost caller first: walk the tree leaf (hot function) → callers.
  let t = 0;
  const chain: Node[] = [];
  const emit = (n: Node): void => {
    chain.push(n);
    let viaCallers = 0;
    for (const c of n.children) {
      emit(c);
      viaCallers += c.count;
    }
    const rest = n.count - viaCallers;
    if (rest > 0) {
      let stack = -1;
      for (let k = chain.length - 1; k >= 0; k--) stack = b.stack(stack, b.frame(chain[k].name, chain[k].file));
      b.sample(stack, rest, t);
      t += rest;
    }
    chain.pop();
  };
  for (const r of roots) emit(r);
  if (b.sampleCount === 0) fail('every row has a zero count');
  if (event) b.meta.event = event;
  if (bad) {
    b.meta.invalidLines = bad;
    ctx.notes.push(`${bad} lines were not call graph rows and were skipped`);
  }
  return b.build();
}
