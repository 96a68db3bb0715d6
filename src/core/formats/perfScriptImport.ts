// `perf script` output (Linux perf): events separated by blank lines, each a header line
// "comm pid[/tid] [cpu] seconds: [period] event:" followed by its stack, leaf first, one
// "address symbol+offset (dso)" per line. One profile per thread; the one with the most samples is
// loaded. Each sample counts 1 (weightUnit 'samples') at its real timestamp.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import type { LoadContext } from './loadContext';

const HEADER = /^(\S.*?)\s+(\d+)(?:\/(\d+))?\s+(?:\[\d+\]\s+)?(\d+\.\d+):\s/;
const FRAME = /^\s+([0-9a-fA-F]+)\s+(.*?)(?:\s+\(([^()]*)\))?\s*$/;

export function looksLikePerfScript(text: string): boolean {
  const lines = text.slice(0, 64 * 1024).split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const l = lines[i];
    if (l.trim() === '' || l.startsWith('#')) continue;
    return HEADER.test(l) && FRAME.test(lines[i + 1].replace(/\r$/, ''));
  }
  return false;
}

interface PerfThread {
  label: string;
  times: number[];
  stacks: string[][]; // root first
}

export function importPerfScript(text: string, ctx: LoadContext): Profile {
  const threads = new Map<string, PerfThread>();
  let cur: { thread: PerfThread; time: number; frames: string[] } | null = null;
  let skipped = 0;
  const finish = () => {
    if (cur) {
      cur.thread.times.push(cur.time);
      cur.thread.stacks.push(cur.frames.reverse());
    }
    cur = null;
  };
  let pos = 0;
  let n = 0;
  while (pos < text.length) {
    if ((++n & 0x3fff) === 0) ctx.progress(pos / text.length);
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).replace(/\r$/, '');
    pos = end + 1;
    if (line.startsWith('#')) continue;
    if (line.trim() === '') {
      finish();
      continue;
    }
    const h = HEADER.exec(line);
    if (h && !/^\s/.test(line)) {
      finish();
      const [, comm, pid, tid] = h;
      const key = `${comm}\u0000${pid}\u0000${tid ?? pid}`;
      let th = threads.get(key);
      if (!th) {
        th = { label: `${comm.trim()} (pid ${pid}${tid && tid !== pid ? `, tid ${tid}` : ''})`, times: [], stacks: [] };
        threads.set(key, th);
      }
      cur = { thread: th, time: Number(h[4]) * 1000, frames: [] };
      continue;
    }
    const f = FRAME.exec(line);
    if (f && cur) {
      // "symbol+0x1f": the offset would split one function into many frames.
      const sym = f[2].replace(/\+0x[0-9a-fA-F]+$/, '') || '[unknown]';
      cur.frames.push(`${sym}\u0000${f[3] ?? ''}`);
    } else skipped++;
  }
  finish();
  // The kernel's idle task ("swapper") only wins when nothing else was sampled.
  const score = (th: PerfThread) => (th.label.startsWith('swapper ') ? 0 : 1e12) + th.times.length;
  let best: PerfThread | undefined;
  for (const th of threads.values()) if (!best || score(th) > score(best)) best = th;
  if (!best || best.times.length === 0) fail('no samples (expected "comm pid time: event:" lines followed by stack lines)');
  const b = new ProfileBuilder({ name: `${ctx.fileName} (${best.label})`, source: 'perf-script', weightUnit: 'samples' });
  const frameIds = new Map<string, number>();
  let origin = Infinity;
  for (const t of best.times) if (t < origin) origin = t;
  for (let i = 0; i < best.times.length; i++) {
    let s = -1;
    for (const key of best.stacks[i]) {
      let id = frameIds.get(key);
      if (id === undefined) {
        const [name, dso] = key.split('\u0000');
        id = b.frame(name === '[unknown]' && dso ? `[unknown] (${dso})` : name, dso, 0, dso.includes('kernel') ? 1 : 3);
        frameIds.set(key, id);
      }
      s = b.stack(s, id);
    }
    b.sample(s, 1, best.times[i] - origin);
  }
  b.meta.thread = best.label;
  if (threads.size > 1) {
    b.meta.threads = threads.size;
    ctx.notes.push(`the file has ${threads.size} threads; showing ${best.label}, the one with the most samples (the idle task last)`);
  }
  if (skipped) {
    b.meta.skippedLines = skipped;
    ctx.notes.push(`${skipped} lines were neither event headers nor stack frames and were skipped`);
  }
  return b.build();
}
