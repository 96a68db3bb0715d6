// Chrome Trace Event Format: the array form or {traceEvents}, duration events (B/E/X), sampled
// stacks (top-level "samples" or "P" events with "sf" ids into "stackFrames"), and the CPU profile
// chunks (Profile/ProfileChunk) Chrome DevTools writes. One profile per thread; we load the busiest.
//
// Recovery rules for broken duration events (documented in docs/formats.md):
// - events are ordered by timestamp (stable, so file order decides ties);
// - at one timestamp: ends that match the innermost open frames close first, then begins open
//   (X events longest first, B events before X events), then the remaining ends close;
// - an E whose name is open deeper closes everything above it too (counted as "recovered");
// - an E that matches nothing open is ignored (counted); frames still open at the end close at the
//   last timestamp of the thread (counted).
// - an event whose ts or dur is beyond ±2^53 µs (285 years; Chrome writes µs since boot or since 1970,
//   far below) is skipped (counted): 1e308 would make the differences between times infinite.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import { isObject, num, own, str } from './json';
import type { LoadContext } from './loadContext';
import { StackTimeline } from './timeline';
import { addCpuprofile } from './cpuprofileImport';
import { applyCaptureExtras, EXTRAS_KEY } from './speedscopeExtras';

export function looksLikeChromeTrace(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0 || v.some((e) => isObject(e) && typeof own(e, 'ph') === 'string');
  return isObject(v) && (Array.isArray(own(v, 'traceEvents')) || (Array.isArray(own(v, 'samples')) && isObject(own(v, 'stackFrames'))));
}

/** Largest |ts| and dur we read, in µs: differences of such times stay finite and exact enough. */
const MAX_TIME_US = 2 ** 53;
const inRange = (t: number | undefined): boolean => t === undefined || Math.abs(t) <= MAX_TIME_US;

interface DurationOp {
  t: number;
  /** 0 = end (E or end of X), 1 = begin. */
  begin: boolean;
  name: string;
  file: string;
  line: number;
  /** For X events: a unique id shared by its begin and end, and its end time; -1 / +Inf for B/E. */
  x: number;
  end: number;
  seq: number;
}

interface ThreadData {
  key: string;
  pid: string;
  tid: string;
  ops: DurationOp[];
  samples: Array<{ t: number; sf: string; w: number | undefined }>;
  chunks: Array<Record<string, unknown>>;
}

interface Candidate {
  thread: ThreadData;
  kind: 'durations' | 'samples' | 'cpu-profile';
  build(b: ProfileBuilder): { recovered: number; ignored: number; closedAtEnd: number };
  weight: number;
}

export function importChromeTrace(v: unknown, ctx: LoadContext): Profile {
  let events: unknown[];
  let topSamples: unknown[] = [];
  let stackFrames: Record<string, unknown> = {};
  let extras: Record<string, unknown> | undefined;
  if (Array.isArray(v)) events = v;
  else if (isObject(v)) {
    const te = own(v, 'traceEvents');
    events = Array.isArray(te) ? te : [];
    const s = own(v, 'samples');
    if (Array.isArray(s)) topSamples = s;
    const sf = own(v, 'stackFrames');
    if (isObject(sf)) stackFrames = sf;
    const x = own(v, EXTRAS_KEY);
    if (isObject(x)) extras = x;
  } else fail('the top level is neither an array of events nor an object with "traceEvents"');

  const threads = new Map<string, ThreadData>();
  const threadNames = new Map<string, string>();
  const processNames = new Map<string, string>();
  const thread = (pid: string, tid: string): ThreadData => {
    const key = `${pid}:${tid}`;
    let t = threads.get(key);
    if (!t) {
      t = { key, pid, tid, ops: [], samples: [], chunks: [] };
      threads.set(key, t);
    }
    return t;
  };
  // Chunks of one CPU profile are joined by (pid, id); the Profile event names the thread.
  const profileThread = new Map<string, ThreadData>();
  let skipped = 0;
  let outOfRange = 0;
  let xId = 0;
  const n = events.length;
  for (let i = 0; i < n; i++) {
    if ((i & 0x3fff) === 0) ctx.progress((0.5 * i) / n);
    const e = events[i];
    if (!isObject(e)) {
      skipped++;
      continue;
    }
    const ph = str(own(e, 'ph'));
    const pid = str(own(e, 'pid'), '0');
    const tid = str(own(e, 'tid'), '0');
    const name = str(own(e, 'name'));
    const ts = num(own(e, 'ts'));
    const args = own(e, 'args');
    if (ph === 'M') {
      const an = isObject(args) ? str(own(args, 'name')) : '';
      if (name === 'thread_name' && an) threadNames.set(`${pid}:${tid}`, an);
      if (name === 'process_name' && an) processNames.set(pid, an);
      continue;
    }
    // Older Chrome timelines carry the whole CPU profile in one "CpuProfile" event.
    if (name === 'CpuProfile' && isObject(args) && isObject(own(args, 'data'))) {
      thread(pid, tid).chunks.push(own(args, 'data') as Record<string, unknown>);
      continue;
    }
    if (ph === 'P' && (name === 'Profile' || name === 'ProfileChunk')) {
      const id = `${pid}:${str(own(e, 'id'))}`;
      let th = profileThread.get(id);
      if (!th) {
        th = thread(pid, tid);
        profileThread.set(id, th);
      }
      if (isObject(args) && isObject(own(args, 'data'))) th.chunks.push(own(args, 'data') as Record<string, unknown>);
      continue;
    }
    if (ts === undefined) {
      if (ph === 'B' || ph === 'E' || ph === 'X' || ph === 'P') skipped++;
      continue;
    }
    if (!inRange(ts) || (ph === 'X' && !inRange(num(own(e, 'dur')) ?? num(own(e, 'tdur'))))) {
      if (ph === 'B' || ph === 'E' || ph === 'X' || ph === 'P') outOfRange++;
      continue;
    }
    if (ph === 'P' && own(e, 'sf') !== undefined) {
      thread(pid, tid).samples.push({ t: ts, sf: str(own(e, 'sf')), w: num(own(e, 'weight')) });
      continue;
    }
    if (ph !== 'B' && ph !== 'E' && ph !== 'X') continue;
    const file = isObject(args) ? str(own(args, 'url')) : '';
    const lineRaw = isObject(args) ? num(own(args, 'line')) : undefined;
    const line = lineRaw !== undefined && lineRaw > 0 ? Math.min(lineRaw, 2 ** 31 - 1) | 0 : 0;
    const ops = thread(pid, tid).ops;
    const label = name || '(unnamed)';
    if (ph === 'X') {
      const dur = num(own(e, 'dur')) ?? num(own(e, 'tdur')) ?? 0;
      const d = dur > 0 ? dur : 0;
      const id = xId++;
      ops.push({ t: ts, begin: true, name: label, file, line, x: id, end: ts + d, seq: ops.length });
      ops.push({ t: ts + d, begin: false, name: label, file, line, x: id, end: ts + d, seq: ops.length });
    } else {
      ops.push({ t: ts, begin: ph === 'B', name: label, file, line, x: -1, end: Infinity, seq: ops.length });
    }
  }
  for (let i = 0; i < topSamples.length; i++) {
    const s = topSamples[i];
    const ts = isObject(s) ? num(own(s, 'ts')) : undefined;
    if (!isObject(s) || ts === undefined || own(s, 'sf') === undefined) {
      skipped++;
      continue;
    }
    if (!inRange(ts)) {
      outOfRange++;
      continue;
    }
    thread(str(own(s, 'pid'), '0'), str(own(s, 'tid'), '0')).samples.push({ t: ts, sf: str(own(s, 'sf')), w: num(own(s, 'weight')) });
  }

  const candidates: Candidate[] = [];
  for (const th of threads.values()) {
    if (th.chunks.length) candidates.push(cpuProfileCandidate(th, ctx));
    if (th.samples.length) candidates.push(samplesCandidate(th, stackFrames));
    if (th.ops.length) candidates.push(durationsCandidate(th));
  }
  if (candidates.length === 0 && outOfRange) fail(`all ${outOfRange} events with a time have a timestamp or duration out of range (beyond ±2^53 µs)`);
  if (candidates.length === 0) fail('no duration events (B/E/X), samples or CPU profile chunks found');
  // A CPU profile is what a user opening a DevTools trace wants to see (as speedscope shows), so
  // it wins over the browser's own duration events; otherwise the busiest thread wins.
  const rank = (c: Candidate) => (c.kind === 'cpu-profile' ? 1 : 0);
  let best = candidates[0];
  for (const c of candidates) if (rank(c) > rank(best) || (rank(c) === rank(best) && c.weight > best.weight)) best = c;
  // Our own export names the thread that holds the samples (the others hold game frames).
  const main = extras ? str(own(extras, 'mainThread')) : '';
  const marked = candidates.find((c) => c.thread.key === main);
  if (marked) best = marked;

  const tname = threadNames.get(best.thread.key);
  const pname = processNames.get(best.thread.pid);
  const label = [pname, tname].filter(Boolean).join(' / ') || `pid ${best.thread.pid} tid ${best.thread.tid}`;
  const b = new ProfileBuilder({ name: `${ctx.fileName} (${label})`, source: 'chrome-trace', weightUnit: 'milliseconds' });
  const r = best.build(b);
  b.meta.thread = label;
  b.meta.pid = best.thread.pid;
  b.meta.tid = best.thread.tid;
  b.meta.data = best.kind;
  if (candidates.length > 1) {
    b.meta.threads = new Set(candidates.map((c) => c.thread.key)).size;
    ctx.notes.push(`the trace has ${candidates.length} profiles (threads × kinds of data); showing ${label}, the busiest`);
  }
  if (skipped) {
    b.meta.skippedEvents = skipped;
    ctx.notes.push(`${skipped} malformed events were skipped`);
  }
  if (outOfRange) {
    b.meta.outOfRangeEvents = outOfRange;
    ctx.notes.push(`${outOfRange} events with a timestamp or duration out of range were skipped (beyond ±2^53 µs)`);
  }
  if (r.recovered) {
    b.meta.recoveredEndEvents = r.recovered;
    ctx.notes.push(`${r.recovered} end events did not match the innermost open event; the frames above them were closed too`);
  }
  if (r.ignored) {
    b.meta.ignoredEndEvents = r.ignored;
    ctx.notes.push(`${r.ignored} end events matched no open event and were ignored`);
  }
  if (r.closedAtEnd) {
    b.meta.unclosedEvents = r.closedAtEnd;
    ctx.notes.push(`${r.closedAtEnd} events were never closed; they were closed at the last timestamp`);
  }
  if (extras) applyCaptureExtras(b, extras, ctx);
  return b.build();
}

function durationsCandidate(th: ThreadData): Candidate {
  // Weight estimate for choosing the busiest thread: the summed top-level spans.
  let lo = Infinity;
  let hi = -Infinity;
  for (const o of th.ops) {
    if (o.t < lo) lo = o.t;
    if (o.t > hi) hi = o.t;
  }
  const weight = (hi - lo) / 1000 || th.ops.length * 1e-9;
  return { thread: th, kind: 'durations', weight, build: (b) => replayDurations(b, th.ops, lo) };
}

function replayDurations(b: ProfileBuilder, opsIn: DurationOp[], origin: number) {
  const ops = opsIn.slice().sort((a, c) => a.t - c.t || a.seq - c.seq);
  const tl = new StackTimeline(b, 1 / 1000, origin);
  // Parallel to tl.stacks: what opened each frame (name, x id).
  const openName: string[] = [];
  const openX: number[] = [];
  let recovered = 0;
  let ignored = 0;
  const matchesTop = (o: DurationOp) => {
    const d = openName.length - 1;
    if (d < 0) return false;
    return o.x >= 0 ? openX[d] === o.x : openX[d] < 0 && openName[d] === o.name;
  };
  // Where each open frame sits, so an end that matches a deeper frame is found without a scan:
  // B frames by name (depths ascending), X frames by id.
  const depthsByName = new Map<string, number[]>();
  const depthOfX = new Map<number, number>();
  const push = (o: DurationOp, t: number) => {
    tl.open(b.frame(o.name, o.file, o.line, 0), t);
    const d = openName.length;
    openName.push(o.name);
    openX.push(o.x);
    if (o.x >= 0) depthOfX.set(o.x, d);
    else {
      const list = depthsByName.get(o.name);
      if (list) list.push(d);
      else depthsByName.set(o.name, [d]);
    }
  };
  const pop = (t: number) => {
    tl.close(t);
    const name = openName.pop() as string;
    const x = openX.pop() as number;
    if (x >= 0) depthOfX.delete(x);
    else depthsByName.get(name)?.pop();
  };
  const openDepth = (o: DurationOp): number => {
    if (o.x >= 0) return depthOfX.get(o.x) ?? -1;
    const list = depthsByName.get(o.name);
    return list && list.length ? list[list.length - 1] : -1;
  };
  let i = 0;
  let lastT = origin;
  while (i < ops.length) {
    const t = ops[i].t;
    let j = i;
    while (j < ops.length && ops[j].t === t) j++;
    lastT = t;
    let ends: DurationOp[] = [];
    const begins: DurationOp[] = [];
    for (let k = i; k < j; k++) (ops[k].begin ? begins : ends).push(ops[k]);
    // Phase 1: close what matches the innermost frames. Ends are indexed (X id → op, E name → ops)
    // so a thousands-deep stack closing at one timestamp stays linear.
    if (ends.length) {
      const byX = new Map<number, DurationOp>();
      const byName = new Map<string, { ops: DurationOp[]; next: number }>();
      for (const o of ends) {
        if (o.x >= 0) byX.set(o.x, o);
        else {
          const e = byName.get(o.name);
          if (e) e.ops.push(o);
          else byName.set(o.name, { ops: [o], next: 0 });
        }
      }
      const used = new Set<DurationOp>();
      for (;;) {
        const d = openName.length - 1;
        if (d < 0) break;
        if (openX[d] >= 0) {
          const op = byX.get(openX[d]);
          if (!op) break;
          byX.delete(openX[d]);
          used.add(op);
        } else {
          const e = byName.get(openName[d]);
          if (!e || e.next >= e.ops.length) break;
          used.add(e.ops[e.next++]);
        }
        pop(t);
      }
      if (used.size) ends = ends.filter((o) => !used.has(o));
    }
    // Phase 2: open, B first (their end is unknown, so they are outermost), then X longest first.
    begins.sort((a, c) => c.end - a.end || a.seq - c.seq);
    for (const o of begins) push(o, t);
    // Phase 3: the remaining ends (zero-length events, or ends of frames opened deeper).
    for (const o of ends.sort((a, c) => a.seq - c.seq)) {
      if (matchesTop(o)) {
        pop(t);
        continue;
      }
      const d = openDepth(o);
      if (d < 0) {
        ignored++;
        continue;
      }
      recovered++;
      while (openName.length > d) pop(t);
    }
    i = j;
  }
  const closedAtEnd = openName.length;
  while (openName.length) pop(lastT);
  return { recovered, ignored, closedAtEnd };
}

function samplesCandidate(th: ThreadData, stackFrames: Record<string, unknown>): Candidate {
  const samples = th.samples.slice().sort((a, c) => a.t - c.t);
  const n = samples.length;
  const span = n > 1 ? (samples[n - 1].t - samples[0].t) / 1000 : 0;
  const weight = span + n * 1e-9;
  return {
    thread: th,
    kind: 'samples',
    weight,
    build: (b) => {
      const memo = new Map<string, number>();
      const resolve = (sf: string): number => {
        const chain: string[] = [];
        let id: string | undefined = sf;
        while (id !== undefined && !memo.has(id)) {
          if (chain.length > 100_000) break; // a cycle or absurd depth: cut it
          const node: unknown = Object.prototype.hasOwnProperty.call(stackFrames, id) ? stackFrames[id] : undefined;
          if (!isObject(node)) break;
          chain.push(id);
          const p = own(node, 'parent');
          id = p === undefined || p === null ? undefined : str(p);
          if (id !== undefined && chain.includes(id)) break;
        }
        let s = id !== undefined && memo.has(id) ? (memo.get(id) as number) : -1;
        for (let k = chain.length - 1; k >= 0; k--) {
          const node = stackFrames[chain[k]] as Record<string, unknown>;
          s = b.stack(s, b.frame(str(own(node, 'name'), '(unnamed)'), '', 0, 0));
          memo.set(chain[k], s);
        }
        if (!memo.has(sf)) memo.set(sf, s);
        return memo.get(sf) as number;
      };
      const origin = samples.length ? samples[0].t : 0;
      const gaps: number[] = [];
      for (let i = 0; i + 1 < n; i++) gaps.push(samples[i + 1].t - samples[i].t);
      const typical = gaps.length ? gaps.sort((a, c) => a - c)[gaps.length >> 1] : 1000;
      for (let i = 0; i < n; i++) {
        const w = i + 1 < n ? samples[i + 1].t - samples[i].t : typical;
        b.sample(resolve(samples[i].sf), w / 1000, (samples[i].t - origin) / 1000);
      }
      return { recovered: 0, ignored: 0, closedAtEnd: 0 };
    },
  };
}

function cpuProfileCandidate(th: ThreadData, ctx: LoadContext): Candidate {
  // Merge chunks into one cpuprofile: nodes, samples and timeDeltas concatenate in order.
  const nodes: unknown[] = [];
  const samples: unknown[] = [];
  const deltas: unknown[] = [];
  let startTime: number | undefined;
  let endTime: number | undefined;
  for (const c of th.chunks) {
    const st = num(own(c, 'startTime'));
    if (st !== undefined && startTime === undefined) startTime = st;
    const et = num(own(c, 'endTime'));
    if (et !== undefined) endTime = et;
    const cp = own(c, 'cpuProfile');
    if (!isObject(cp)) continue;
    const ns = own(cp, 'nodes');
    if (Array.isArray(ns)) for (const x of ns) nodes.push(x);
    // Deltas sit next to cpuProfile in chunks and inside it in the old CpuProfile event.
    const ss = own(cp, 'samples');
    const tdRaw = own(c, 'timeDeltas') ?? own(cp, 'timeDeltas');
    const td = Array.isArray(tdRaw) ? tdRaw : [];
    if (Array.isArray(ss)) {
      for (let i = 0; i < ss.length; i++) {
        samples.push(ss[i]);
        deltas.push(num(td[i]) ?? 0); // keep samples and deltas aligned even if a chunk is short
      }
    }
    if (startTime === undefined) startTime = num(own(cp, 'startTime'));
    const cpEnd = num(own(cp, 'endTime'));
    if (cpEnd !== undefined) endTime = cpEnd;
  }
  const prof: Record<string, unknown> = { nodes, samples, timeDeltas: deltas, startTime: startTime ?? 0 };
  if (endTime !== undefined) prof.endTime = endTime;
  let total = 0;
  for (let i = 0; i < Math.min(deltas.length, samples.length); i++) total += num(deltas[i]) ?? 0;
  return { thread: th, kind: 'cpu-profile', weight: total / 1000 + samples.length * 1e-9, build: (b) => (addCpuprofile(b, prof, ctx, undefined, true), { recovered: 0, ignored: 0, closedAtEnd: 0 }) };
}
