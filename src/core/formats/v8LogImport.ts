// V8's tick profiler: `node --prof` writes isolate-*-v8.log, a CSV event log (v8-version,
// shared-library, code-creation, code-move, code-delete, tick…); `node --prof-process
// --preprocess isolate*.log` turns it into JSON {code, functions, ticks}. Both become samples:
// one per tick, weighted by the time to the next tick (timestamps are µs).
//
// The log's addresses are resolved against the code objects alive when the tick was taken (code
// moves and deletes are replayed in order). Native code is named by its shared library only: we
// do not run nm/objdump to symbolise C++ the way `--prof-process` does.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import { isObject, num, own, str } from './json';
import type { LoadContext } from './loadContext';

// ---- JSON (--prof-process --preprocess) ----

export function looksLikeV8PreprocessedLog(v: unknown): boolean {
  return isObject(v) && Array.isArray(own(v, 'code')) && Array.isArray(own(v, 'ticks')) && own(v, 'functions') !== undefined;
}

/** A JS code name "name file:line:col" (V8 writes "~" or "*" before lazy/optimised code). */
const JS_NAME = /^[~*^+-]?(\S*) (\S+):(\d+):(\d+)$/;

function frameForCode(b: ProfileBuilder, type: string, kind: string, name: string): number {
  if (type === 'JS' || type === 'Script' || type === 'LazyCompile' || type === 'Function') {
    const m = JS_NAME.exec(name.trim());
    if (m) {
      const file = m[2];
      const line = Number(m[3]);
      return b.frame(m[1] || `(anonymous ${file.split('/').pop()}:${line})`, file, line, 0);
    }
    // A script's top-level code is named by its URL alone: "file:///app/main.js:1:1".
    const top = /^(\S+):(\d+):(\d+)$/.exec(name.trim());
    if (top) return b.frame(`(script ${top[1].split('/').pop()})`, top[1], Number(top[2]), 0);
    return b.frame(name.trim() || '(anonymous)');
  }
  if (type === 'CPP') return b.frame(`(c++) ${name.replace(/^[tT] /, '')}`);
  if (type === 'SHARED_LIB') return b.frame(`(lib) ${name}`);
  const label = kind && kind !== type ? kind : type;
  return b.frame(label ? `(${label}) ${name}` : name);
}

export function importV8PreprocessedLog(v: unknown, ctx: LoadContext): Profile {
  const o = v as Record<string, unknown>;
  const code = own(o, 'code') as unknown[];
  const ticks = (own(o, 'ticks') as unknown[]).filter(isObject);
  if (ticks.length === 0) fail('"ticks" is empty: the log has no samples');
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'v8-log', weightUnit: 'milliseconds' });
  const frames = new Map<number, number>();
  const frameOf = (id: number): number => {
    let f = frames.get(id);
    if (f === undefined) {
      const c = id >= 0 && id < code.length ? code[id] : undefined;
      f = isObject(c) ? frameForCode(b, str(own(c, 'type')), str(own(c, 'kind')), str(own(c, 'name'))) : b.frame(`0x${id.toString(16)}`);
      frames.set(id, f);
    }
    return f;
  };
  const rows = ticks.map((t) => ({ tm: num(own(t, 'tm')) ?? NaN, vm: num(own(t, 'vm')), s: own(t, 's') }));
  if (rows.some((r) => !Number.isFinite(r.tm))) fail('a tick has no "tm" timestamp');
  rows.sort((a, c) => a.tm - c.tm);
  const origin = rows[0].tm;
  const gaps = rows.slice(1).map((r, i) => r.tm - rows[i].tm).sort((a, c) => a - c);
  const typical = gaps.length ? gaps[gaps.length >> 1] : 1000;
  for (let i = 0; i < rows.length; i++) {
    if ((i & 0xfff) === 0) ctx.progress(i / rows.length);
    const { tm, s } = rows[i];
    if (!Array.isArray(s)) fail(`tick ${i} has no "s" stack`);
    // "s" interleaves [code index, offset] pairs, leaf first; -1 pads the shorter of the JS and
    // C++ stacks. Numbers beyond the code table are raw addresses.
    const ids: number[] = [];
    for (let k = 0; k < s.length; k += 2) {
      const id = s[k];
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) ids.push(id);
    }
    let stack = -1;
    for (let k = ids.length - 1; k >= 0; k--) stack = b.stack(stack, frameOf(ids[k]));
    if (rows[i].vm === 1) stack = b.stack(stack, b.frame('(garbage collector)'));
    const w = i + 1 < rows.length ? rows[i + 1].tm - tm : typical;
    b.sample(stack, w / 1000, (tm - origin) / 1000);
  }
  return b.build();
}

// ---- the raw text log (--prof) ----

export function looksLikeV8Log(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^v8-version,\d+,\d+/.test(head) || (/^(shared-library|code-creation),/m.test(head) && /^(tick|code-creation),/m.test(text.slice(0, 256 * 1024)));
}

/** Splits one CSV log line; quoted fields may hold commas and doubled quotes. */
function csv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (line[i] === '\\' && i + 1 < line.length) {
          // V8 escapes commas and non-printables in names: \x2c, \u…, \\.
          const n = line[i + 1];
          const hex = n === 'x' ? line.slice(i + 2, i + 4) : n === 'u' ? line.slice(i + 2, i + 6) : '';
          if (hex && /^[0-9a-fA-F]+$/.test(hex)) {
            v += String.fromCharCode(parseInt(hex, 16));
            i += 2 + hex.length;
            continue;
          }
          v += n;
          i += 2;
          continue;
        }
        v += line[i++];
      }
      out.push(v);
      if (line[i] === ',') i++;
      else if (i >= line.length) break;
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      if (c < 0) break;
      i = c + 1;
    }
  }
  return out;
}

const hexAddr = (s: string | undefined): number => (s && /^0x[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : NaN);

interface CodeEntry {
  start: number;
  size: number;
  frame: number;
}

/** Code objects sorted by start address, with lookup of the one containing an address. */
class CodeMap {
  private readonly starts: number[] = [];
  private readonly entries: CodeEntry[] = [];

  private index(addr: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1; // last start <= addr
  }

  add(e: CodeEntry): void {
    const i = this.index(e.start);
    if (i >= 0 && this.starts[i] === e.start) this.entries[i] = e;
    else {
      this.starts.splice(i + 1, 0, e.start);
      this.entries.splice(i + 1, 0, e);
    }
  }

  remove(start: number): CodeEntry | undefined {
    const i = this.index(start);
    if (i < 0 || this.starts[i] !== start) return undefined;
    this.starts.splice(i, 1);
    return this.entries.splice(i, 1)[0];
  }

  find(addr: number): CodeEntry | undefined {
    const i = this.index(addr);
    if (i < 0) return undefined;
    const e = this.entries[i];
    return addr < e.start + Math.max(e.size, 1) ? e : undefined;
  }
}

export function importV8Log(text: string, ctx: LoadContext): Profile {
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'v8-log', weightUnit: 'milliseconds' });
  const code = new CodeMap();
  const libs = new CodeMap();
  const ticks: Array<{ tm: number; stack: number }> = [];
  const unknown = new Map<number, number>();
  const resolve = (addr: number): number => {
    const e = code.find(addr) ?? libs.find(addr);
    if (e) return e.frame;
    let f = unknown.get(addr);
    if (f === undefined) {
      f = b.frame(`0x${addr.toString(16)}`);
      unknown.set(addr, f);
    }
    return f;
  };
  let version = '';
  let bad = 0;
  let lineStart = 0;
  let lineNo = 0;
  while (lineStart < text.length) {
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = text.length;
    const line = text.slice(lineStart, end).replace(/\r$/, '');
    lineStart = end + 1;
    if ((++lineNo & 0x3fff) === 0) ctx.progress(lineStart / text.length);
    if (!line) continue;
    const f = csv(line);
    switch (f[0]) {
      case 'v8-version':
        version = f.slice(1, 5).join('.');
        break;
      case 'shared-library': {
        const start = hexAddr(f[2]);
        const stop = hexAddr(f[3]);
        if (Number.isNaN(start) || Number.isNaN(stop) || stop < start) bad++;
        else libs.add({ start, size: stop - start, frame: b.frame(`(lib) ${f[1]}`) });
        break;
      }
      case 'code-creation': {
        // code-creation,type,kind,timestamp,address,size,"name"[,sfi address,state]
        const start = hexAddr(f[4]);
        const size = Number(f[5]);
        if (Number.isNaN(start) || !(size >= 0)) {
          bad++;
          break;
        }
        const state = f[7] ?? '';
        const name = (f[6] ?? '').trim();
        const jsType = /^(LazyCompile|Function|Script|JS)$/.test(f[1]) || /^[~*^+-]$/.test(state);
        code.add({ start, size, frame: frameForCode(b, jsType ? 'JS' : 'CODE', f[1], name) });
        break;
      }
      case 'code-move': {
        const from = hexAddr(f[1]);
        const to = hexAddr(f[2]);
        const e = code.remove(from);
        if (e && !Number.isNaN(to)) code.add({ ...e, start: to });
        break;
      }
      case 'code-delete':
        code.remove(hexAddr(f[1]));
        break;
      case 'tick': {
        // tick,pc,timestamp,is_external_callback,tos_or_external_callback,vmstate,stack…
        const pc = hexAddr(f[1]);
        const tm = Number(f[2]);
        if (Number.isNaN(pc) || !Number.isFinite(tm)) {
          bad++;
          break;
        }
        const leafFirst = [resolve(pc)];
        if (f[3] === '1') {
          const cb = hexAddr(f[4]);
          if (!Number.isNaN(cb) && cb !== 0) leafFirst.push(resolve(cb));
        }
        let prev = pc;
        for (let k = 6; k < f.length; k++) {
          const s = f[k];
          if (!s || s === 'overflow') continue;
          // Compressed logs write a frame relative to the one before it: +offset / -offset (hex).
          const a = s[0] === '+' || s[0] === '-' ? prev + (s[0] === '-' ? -1 : 1) * parseInt(s.slice(1), 16) : hexAddr(s);
          if (Number.isNaN(a)) continue;
          leafFirst.push(resolve(a));
          prev = a;
        }
        let stack = -1;
        for (let k = leafFirst.length - 1; k >= 0; k--) stack = b.stack(stack, leafFirst[k]);
        if (f[5] === '1') stack = b.stack(stack, b.frame('(garbage collector)'));
        ticks.push({ tm, stack });
        break;
      }
      default:
        // Other events (profiler, heap, sfi-move, timer…) carry nothing we draw. A line that is
        // not a known event name at all is counted.
        if (!/^[a-z][a-z0-9-]*$/.test(f[0] ?? '')) bad++;
    }
  }
  if (ticks.length === 0) fail('the log has no tick events (was it recorded with --prof?)');
  ticks.sort((a, c) => a.tm - c.tm);
  const gaps = ticks.slice(1).map((t, i) => t.tm - ticks[i].tm).sort((a, c) => a - c);
  const typical = gaps.length ? gaps[gaps.length >> 1] : 1000;
  const origin = ticks[0].tm;
  for (let i = 0; i < ticks.length; i++) {
    const w = i + 1 < ticks.length ? ticks[i + 1].tm - ticks[i].tm : typical;
    b.sample(ticks[i].stack, w / 1000, (ticks[i].tm - origin) / 1000);
  }
  if (version) b.meta.v8Version = version;
  if (bad) {
    b.meta.invalidLines = bad;
    ctx.notes.push(`${bad} lines of the log could not be read and were skipped`);
  }
  if (unknown.size) ctx.notes.push(`${unknown.size} addresses matched no code object or library and are shown as addresses`);
  return b.build();
}
