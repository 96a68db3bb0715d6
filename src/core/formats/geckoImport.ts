// Firefox (Gecko) profiles in the schema'd table form: the Firefox DevTools performance panel's
// export ({profile: {meta, threads}}) and the raw Gecko profile ({meta, threads}). A thread has
// samples {schema, data: [[stack, time…]]}, stackTable [[prefix, frame]], frameTable
// [[location, …, line]] and a stringTable; a location reads "name (url:line:col)". One thread is
// loaded: GeckoMain if it has samples, else the one with the most samples.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import { isObject, num, own, str } from './json';
import type { LoadContext } from './loadContext';

function geckoRoot(v: unknown): Record<string, unknown> | undefined {
  if (!isObject(v)) return undefined;
  const inner = own(v, 'profile');
  const root = isObject(inner) ? inner : v;
  return isObject(own(root, 'meta')) && Array.isArray(own(root, 'threads')) ? root : undefined;
}

export function looksLikeGecko(v: unknown): boolean {
  return geckoRoot(v) !== undefined;
}

interface Table {
  col: Record<string, number>;
  rows: unknown[];
}

function table(t: unknown, what: string): Table {
  if (!isObject(t)) fail(`${what} is missing`);
  const schema = own(t, 'schema');
  const data = own(t, 'data');
  if (!isObject(schema) || !Array.isArray(data)) fail(`${what} is not a {schema, data} table (newer processed Firefox profiles are not supported)`);
  const col: Record<string, number> = Object.create(null);
  for (const k of Object.keys(schema)) {
    const i = num(schema[k]);
    if (i !== undefined) col[k] = i;
  }
  return { col, rows: data };
}

const cell = (t: Table, row: unknown, name: string): unknown => (Array.isArray(row) && t.col[name] !== undefined ? row[t.col[name]] : undefined);

export function importGecko(v: unknown, ctx: LoadContext): Profile {
  const root = geckoRoot(v);
  if (!root) fail('no "meta" and "threads"');
  const threads = (own(root, 'threads') as unknown[]).filter(isObject);
  const count = (t: Record<string, unknown>) => {
    const s = own(t, 'samples');
    return isObject(s) && Array.isArray(own(s, 'data')) ? (own(s, 'data') as unknown[]).length : 0;
  };
  let best = threads.find((t) => str(own(t, 'name')) === 'GeckoMain' && count(t) > 0);
  for (const t of threads) if (!best || (count(t) > count(best) && str(own(best, 'name')) !== 'GeckoMain')) best = t;
  if (!best || count(best) === 0) fail('no thread has samples');
  const samples = table(own(best, 'samples'), 'samples');
  const stacks = table(own(best, 'stackTable'), 'stackTable');
  const frames = table(own(best, 'frameTable'), 'frameTable');
  const strings = own(best, 'stringTable');
  if (!Array.isArray(strings)) fail('stringTable is missing');

  const name = str(own(best, 'name'), 'thread');
  const b = new ProfileBuilder({ name: `${ctx.fileName} (${name})`, source: 'gecko', weightUnit: 'milliseconds' });
  const frameIds = new Int32Array(frames.rows.length).fill(-1);
  const frameOf = (fi: number): number => {
    if (!(fi >= 0 && fi < frames.rows.length)) fail(`a stack refers to frame ${fi}, which does not exist`);
    if (frameIds[fi] >= 0) return frameIds[fi];
    const row = frames.rows[fi];
    const loc = num(cell(frames, row, 'location'));
    const text = loc !== undefined && loc >= 0 && loc < strings.length ? str(strings[loc], '(unknown)') : '(unknown)';
    // "name (url:line:col)" → name, url, line; otherwise the whole text is the name.
    const m = /^(.*) \((.*?):(\d+)(?::\d+)?\)$/.exec(text);
    const line = num(cell(frames, row, 'line'));
    const id = m ? b.frame(m[1], m[2], Math.min(Number(m[3]), 2 ** 31 - 1), 0) : b.frame(text, '', line !== undefined && line > 0 ? Math.min(line, 2 ** 31 - 1) : 0, 3);
    frameIds[fi] = id;
    return id;
  };
  // Stacks reference earlier rows through "prefix"; resolved iteratively with a cycle guard.
  const stackIds = new Int32Array(stacks.rows.length).fill(-2);
  const stackOf = (si: number): number => {
    if (si === null || si === undefined || !(si >= 0 && si < stacks.rows.length)) return -1;
    const path: number[] = [];
    let k = si;
    while (k >= 0 && k < stacks.rows.length && stackIds[k] === -2) {
      if (path.length > stacks.rows.length) fail('the stack table has a cycle');
      path.push(k);
      stackIds[k] = -3;
      const p = num(cell(stacks, stacks.rows[k], 'prefix'));
      k = p === undefined ? -1 : p;
    }
    if (k >= 0 && k < stacks.rows.length && stackIds[k] === -3) fail('the stack table has a cycle');
    let s = k >= 0 && k < stacks.rows.length ? stackIds[k] : -1;
    for (let j = path.length - 1; j >= 0; j--) {
      const f = num(cell(stacks, stacks.rows[path[j]], 'frame'));
      s = b.stack(s, frameOf(f ?? -1));
      stackIds[path[j]] = s;
    }
    return stackIds[si];
  };
  const rows = samples.rows;
  const times: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    if ((i & 0x3fff) === 0) ctx.progress(i / rows.length);
    const t = num(cell(samples, rows[i], 'time'));
    if (t === undefined) continue;
    const s = num(cell(samples, rows[i], 'stack'));
    ids.push(s === undefined ? -1 : stackOf(s));
    times.push(t);
  }
  if (times.length === 0) fail('no sample has a time');
  const interval = num(own(own(root, 'meta') as Record<string, unknown>, 'interval')) ?? 1;
  let origin = Infinity;
  for (const t of times) if (t < origin) origin = t;
  for (let i = 0; i < times.length; i++) {
    const w = i + 1 < times.length ? times[i + 1] - times[i] : interval;
    b.sample(ids[i], w > 0 ? w : 0, times[i] - origin);
  }
  b.meta.thread = name;
  if (threads.length > 1) ctx.notes.push(`the profile has ${threads.length} threads; showing ${name}`);
  return b.build();
}
