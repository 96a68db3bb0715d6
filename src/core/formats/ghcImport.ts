// GHC (Haskell) cost-centre profiles, from a program run with +RTS -p (text, "<prog>.prof"),
// -P (text with ticks and bytes columns) or -pj (JSON, what speedscope reads). Both hold the
// cost-centre call tree; each node's individual time becomes one sample on its stack.
// Text: the tree section's header ("COST CENTRE MODULE SRC no. entries %time %alloc …") names the
// columns; indentation is depth. Without a ticks column, time is individual %time × total time.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import { isObject, num, own, str } from './json';
import type { LoadContext } from './loadContext';
import { splitLines } from './text';

export function looksLikeGhcJson(v: unknown): boolean {
  return isObject(v) && Array.isArray(own(v, 'cost_centres')) && isObject(own(v, 'profile')) && (own(v, 'rts_arguments') !== undefined || own(v, 'total_ticks') !== undefined);
}

const MAX_DEPTH = 10_000;

export function importGhcJson(v: unknown, ctx: LoadContext): Profile {
  const o = v as Record<string, unknown>;
  const tickUs = num(own(o, 'tick_interval')) ?? 1000;
  const b = new ProfileBuilder({ name: str(own(o, 'program')) || ctx.fileName, source: 'ghc', weightUnit: 'milliseconds' });
  const frames = new Map<number, number>();
  for (const c of own(o, 'cost_centres') as unknown[]) {
    if (!isObject(c)) continue;
    const id = num(own(c, 'id'));
    if (id === undefined) continue;
    const loc = str(own(c, 'src_loc'));
    const m = /^(.*?):\(?(\d+)/.exec(loc);
    frames.set(id, b.frame(`${str(own(c, 'module'))}.${str(own(c, 'label'))}`, loc.startsWith('<') ? '' : m ? m[1] : loc, m ? Number(m[2]) : 0));
  }
  let t = 0;
  let nodes = 0;
  const walk = (node: unknown, parent: number, depth: number): void => {
    if (!isObject(node)) fail('a node of "profile" is not an object');
    if (depth > MAX_DEPTH) fail('the profile tree is too deep');
    if ((++nodes & 0xfff) === 0) ctx.progress(0.5);
    const id = num(own(node, 'id'));
    const f = id === undefined ? undefined : frames.get(id);
    if (f === undefined) fail(`the profile tree refers to cost centre ${String(id).slice(0, 20)}, which "cost_centres" does not define`);
    const stack = b.stack(parent, f);
    const ticks = num(own(node, 'ticks')) ?? 0;
    if (ticks > 0) {
      const w = (ticks * tickUs) / 1000;
      b.sample(stack, w, t);
      t += w;
    }
    const children = own(node, 'children');
    if (Array.isArray(children)) for (const c of children) walk(c, stack, depth + 1);
  };
  walk(own(o, 'profile'), -1, 0);
  if (b.sampleCount === 0) fail('no cost centre has any ticks (the program ran too briefly to be sampled)');
  b.meta.totalAllocBytes = num(own(o, 'total_alloc')) ?? 0;
  return b.build();
}

export function looksLikeGhcText(text: string): boolean {
  return /^\s*\S.*Time and Allocation Profiling Report/.test(text.slice(0, 2048));
}

export function importGhcText(text: string, ctx: LoadContext): Profile {
  const lines = splitLines(text);
  const total = /total time\s*=\s*([\d.]+) secs\s*\((\d+) ticks @ ([\d.]+) (us|ms)/.exec(text.slice(0, 4096));
  const tickMs = total ? Number(total[3]) / (total[4] === 'us' ? 1000 : 1) : 1;
  if (!Number.isFinite(tickMs)) fail('the tick interval of the "total time" line is not a finite number');
  const totalTicks = total ? Number(total[2]) : NaN;
  let h = lines.findIndex((l) => /^COST CENTRE\s+MODULE\b.*\bno\.\s+entries\b/.test(l));
  if (h < 0) fail('no call tree section (the header line "COST CENTRE  MODULE … no.  entries …" is missing)');
  const header = lines[h].replace('COST CENTRE', 'COST_CENTRE').trim().split(/\s+/);
  const hasSrc = header[2] === 'SRC';
  const numeric = header.slice(hasSrc ? 3 : 2);
  const ticksCol = numeric.indexOf('ticks');
  const timeCol = numeric.indexOf('%time'); // the first %time is the individual one
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'ghc', weightUnit: 'milliseconds' });
  const stacks: number[] = [];
  const indents: number[] = [];
  let bad = 0;
  let t = 0;
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    const tok = line.trim().split(/\s+/);
    if (tok.length < 2 + numeric.length) {
      bad++;
      continue;
    }
    const nums = tok.slice(tok.length - numeric.length).map((x) => Number(x.replace(/,/g, '')));
    // Not a number, or one too long to be finite (400 digits): the row cannot be read.
    if (nums.some((x) => !Number.isFinite(x))) {
      bad++;
      continue;
    }
    const [name, mod] = tok;
    const src = hasSrc ? tok.slice(2, tok.length - numeric.length).join(' ') : '';
    const m = /^(.*?):\(?(\d+)/.exec(src);
    while (indents.length && indents[indents.length - 1] >= indent) {
      indents.pop();
      stacks.pop();
    }
    const stack = b.stack(stacks.length ? stacks[stacks.length - 1] : -1, b.frame(`${mod}.${name}`, src.startsWith('<') ? '' : m ? m[1] : src, m ? Number(m[2]) : 0));
    stacks.push(stack);
    indents.push(indent);
    const w = ticksCol >= 0 ? nums[ticksCol] * tickMs : timeCol >= 0 && Number.isFinite(totalTicks) ? (nums[timeCol] / 100) * totalTicks * tickMs : 0;
    if (w > 0) {
      b.sample(stack, w, t);
      t += w;
    }
  }
  if (b.sampleCount === 0) fail('no cost centre has any time');
  if (ticksCol < 0) ctx.notes.push('times are the report\'s rounded percentages (rerun with +RTS -P or -pj for exact ticks)');
  if (bad) {
    b.meta.invalidLines = bad;
    ctx.notes.push(`${bad} lines of the call tree could not be read and were skipped`);
  }
  return b.build();
}
