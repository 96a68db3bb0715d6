// What speedscope's format cannot hold but our captures have (game frames, callback timings, sample
// times, frame kinds, meta) travels in one extra top-level key. speedscope ignores unknown keys, so
// the file still opens there, and a round trip through it loses nothing.

import type { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { isObject, num, own, str } from './json';
import type { LoadContext } from './loadContext';

export const EXTRAS_KEY = 'uevrProfiler';

export interface CaptureExtras {
  version: 1;
  profileIndex: number;
  source: string;
  durationMs: number;
  meta: Record<string, string | number | boolean>;
  /** Kind of every shared frame (FrameKind), same order as shared.frames. */
  frameKinds: number[];
  /** Sample times (ms); present when the profile has game frames, which need real times. */
  sampleTimes?: number[];
  gameFrames?: { index: number[]; start: number[]; duration: number[]; scriptsMs: number[]; gcMs: Array<number | null>; luaMemoryKb: Array<number | null> };
  callbacks?: { name: string[]; file: string[]; line: number[] };
  callbackTimings?: { gameFrame: number[]; callback: number[]; eye: number[]; start: number[]; duration: number[] };
  /**
   * Frames that stand for a function at a line (its current line): flat triples [frame, function
   * frame, line]. The importer turns a sample's such frame back into the function frame with the line
   * on its stack, so a round trip keeps per-line stacks; speedscope itself shows them as frames.
   */
  lineFrames?: number[];
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

export function captureExtras(p: Profile, profileIndex: number): CaptureExtras {
  const x: CaptureExtras = {
    version: 1,
    profileIndex,
    source: p.source,
    durationMs: p.durationMs,
    meta: p.meta,
    frameKinds: Array.from(p.frames.kind),
  };
  if (p.gameFrames && p.gameFrames.length > 0) {
    const g = p.gameFrames;
    x.sampleTimes = Array.from(p.samples.time);
    x.gameFrames = {
      index: Array.from(g.index),
      start: Array.from(g.start),
      duration: Array.from(g.duration),
      scriptsMs: Array.from(g.scriptsMs),
      gcMs: Array.from(g.gcMs, orNull),
      luaMemoryKb: Array.from(g.luaMemoryKb, orNull),
    };
  }
  if (p.callbacks && p.callbacks.length > 0) x.callbacks = { name: p.callbacks.name, file: p.callbacks.file, line: Array.from(p.callbacks.line) };
  if (p.callbackTimings && p.callbackTimings.length > 0) {
    const c = p.callbackTimings;
    x.callbackTimings = { gameFrame: Array.from(c.gameFrame), callback: Array.from(c.callback), eye: Array.from(c.eye), start: Array.from(c.start), duration: Array.from(c.duration) };
  }
  return x;
}

function numbers(v: unknown, length?: number): Array<number> | undefined {
  if (!Array.isArray(v)) return undefined;
  if (length !== undefined && v.length !== length) return undefined;
  return v.map((x) => num(x) ?? NaN);
}

/** Frame kinds from the extras, when they match the frame count. */
export function extrasFrameKinds(extras: unknown, frameCount: number): number[] | undefined {
  if (!isObject(extras)) return undefined;
  const k = numbers(own(extras, 'frameKinds'));
  if (k && k.length > frameCount) return undefined;
  return k?.map((x) => (x >= 0 && x <= 3 ? x | 0 : 3));
}

/**
 * The extras' line frames (CaptureExtras.lineFrames) as frame → [function frame, line]; malformed
 * triples (indices out of range, a function frame that is itself a line frame, a line that is not an
 * integer in 1…2^31−1) are left out, so such a frame reads as the plain frame it also is.
 */
export function extrasLineFrames(extras: unknown, frameCount: number): Map<number, [number, number]> | undefined {
  if (!isObject(extras)) return undefined;
  const v = own(extras, 'lineFrames');
  if (!Array.isArray(v) || v.length % 3 !== 0) return undefined;
  const out = new Map<number, [number, number]>();
  const ok = (x: unknown, lo: number, hi: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
  for (let i = 0; i < v.length; i += 3) {
    const [f, fn, line] = [v[i], v[i + 1], v[i + 2]];
    if (ok(f, 0, frameCount - 1) && ok(fn, 0, frameCount - 1) && ok(line, 1, 2 ** 31 - 1) && f !== fn) out.set(f, [fn, line]);
  }
  for (const [f, [fn]] of out) if (out.has(fn)) out.delete(f);
  return out.size ? out : undefined;
}

export function extrasSampleTimes(extras: unknown, sampleCount: number): number[] | undefined {
  if (!isObject(extras)) return undefined;
  const t = numbers(own(extras, 'sampleTimes'), sampleCount);
  return t && t.every(Number.isFinite) ? t : undefined;
}

/** Restores meta, game frames and callbacks; anything malformed is skipped with a note. */
export function applyCaptureExtras(b: ProfileBuilder, extras: Record<string, unknown>, ctx: LoadContext): void {
  const meta = own(extras, 'meta');
  if (isObject(meta)) {
    for (const k of Object.keys(meta)) {
      const v = meta[k];
      if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && k !== '__proto__') b.meta[k] = v;
    }
  }
  const d = num(own(extras, 'durationMs'));
  if (d !== undefined && d >= 0) b.durationMs = d;
  const g = own(extras, 'gameFrames');
  if (isObject(g)) {
    const index = numbers(own(g, 'index'));
    const n = index?.length ?? 0;
    const cols = ['start', 'duration', 'scriptsMs', 'gcMs', 'luaMemoryKb'].map((k) => numbers(own(g, k), n));
    if (index && cols.every((c) => c)) {
      const [start, duration, scripts, gc, mem] = cols as number[][];
      for (let i = 0; i < n; i++) b.gameFrame(index[i], start[i], duration[i], scripts[i], gc[i], mem[i]);
    } else ctx.notes.push('the game frames in the file are malformed and were skipped');
  }
  const cb = own(extras, 'callbacks');
  let callbackCount = 0;
  if (isObject(cb) && Array.isArray(own(cb, 'name'))) {
    const names = own(cb, 'name') as unknown[];
    const files = own(cb, 'file');
    const lines = numbers(own(cb, 'line'), names.length);
    for (let i = 0; i < names.length; i++) b.callback(str(names[i]), Array.isArray(files) ? str(files[i]) : '', lines ? lines[i] | 0 : 0);
    callbackCount = names.length;
  }
  const ct = own(extras, 'callbackTimings');
  if (isObject(ct)) {
    const gf = numbers(own(ct, 'gameFrame'));
    const n = gf?.length ?? 0;
    const cols = ['callback', 'eye', 'start', 'duration'].map((k) => numbers(own(ct, k), n));
    if (gf && cols.every((c) => c)) {
      const [cbi, eye, start, dur] = cols as number[][];
      for (let i = 0; i < n; i++) {
        if (cbi[i] >= 0 && cbi[i] < callbackCount) b.callbackTiming(gf[i] | 0, cbi[i] | 0, eye[i] === 0 || eye[i] === 1 ? eye[i] : -1, start[i], dur[i]);
      }
    } else ctx.notes.push('the callback timings in the file are malformed and were skipped');
  }
}
