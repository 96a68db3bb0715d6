// Writers for speedscope JSON, Chrome trace JSON (opens in Perfetto and chrome://tracing), folded
// stacks and V8 .cpuprofile. Each writer is a generator of text chunks so a million-sample profile
// can be streamed to disk; exportProfile joins them for callers that want one string.
// Lines (the stacks' current lines, capture format 3): speedscope frames carry them (a frame per
// function+line, the extras map it back), .cpuprofile nodes carry V8's `positionTicks` (what VS Code's
// profile views show per line); Chrome trace and folded stay at function granularity unless asked
// for lines (ExportOptions.lines).

import type { Profile } from '../profile/types';
import { stackWeights } from '../profile/sampleSelection';
import { functionLevel, withLineFrames } from '../profile/lineLevel';
import { PairMap } from '../profile/pairMap';
import { ChunkWriter, StackWalker } from './stackText';
import { captureExtras, EXTRAS_KEY } from './speedscopeExtras';

export type ExportFormat = 'speedscope' | 'chrome' | 'folded' | 'cpuprofile';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['speedscope', 'chrome', 'folded', 'cpuprofile'];

export function exportFileExtension(format: ExportFormat): string {
  return format === 'speedscope' ? '.speedscope.json' : format === 'chrome' ? '.trace.json' : format === 'folded' ? '.folded' : '.cpuprofile';
}

/**
 * The whole export as one string. JS strings stop at ~512 MB (a Chrome trace of a million samples
 * with deep, fast-changing stacks can be larger): write such exports with exportProfileChunks.
 */
export interface ExportOptions {
  /**
   * Chrome trace and folded: a frame per function+line (its current line) instead of per function.
   * speedscope and .cpuprofile always carry lines (as frames and as positionTicks).
   */
  lines?: boolean;
}

export function exportProfile(profile: Profile, format: ExportFormat, opts: ExportOptions = {}): string {
  const chunks = Array.from(exportProfileChunks(profile, format, opts));
  let size = 0;
  for (const c of chunks) size += c.length;
  if (size > MAX_STRING) throw new RangeError(`the ${format} export is ${Math.round(size / 1048576)} MB, more than one string can hold; stream it with exportProfileChunks`);
  return chunks.join('');
}

/** V8's string length limit (2^29 − 24 characters). */
const MAX_STRING = 2 ** 29 - 24;

export function exportProfileChunks(profile: Profile, format: ExportFormat, opts: ExportOptions = {}): Iterable<string> {
  const granular = (p: Profile) => (opts.lines ? withLineFrames(p).profile : functionLevel(p));
  switch (format) {
    case 'speedscope':
      return speedscopeChunks(profile);
    case 'chrome':
      return chromeChunks(granular(profile));
    case 'folded':
      return foldedChunks(granular(profile));
    case 'cpuprofile':
      return cpuprofileChunks(profile);
  }
}

/** Numbers as JSON allows them: NaN and ±Infinity (corrupt input) are written as 0. */
const fin = (x: number): number => (Number.isFinite(x) ? x : 0);

/** A frame as one folded-stacks token: no ';' or line breaks, location kept as " (file:line)". */
function foldedFrame(p: Profile, f: number): string {
  const name = p.frames.name[f].replace(/[;\r\n]/g, ':');
  const file = p.frames.file[f];
  if (!file) return name === '' ? '(empty)' : name;
  return `${name} (${file.replace(/[;\r\n()]/g, '_')}:${p.frames.line[f]})`;
}

function* foldedChunks(p: Profile): Generator<string> {
  const w = stackWeights(p);
  const tokens = new Array<string | undefined>(p.frames.length);
  const token = (f: number) => (tokens[f] ??= foldedFrame(p, f));
  const walker = new StackWalker(p);
  const out = new ChunkWriter();
  if (w.idleSamples > 0) out.write(`(idle) ${fin(w.idleWeight)}\n`);
  for (let s = 0; s < p.stacks.length; s++) {
    if (w.selfSamples[s] === 0) continue;
    const fr = walker.frames(s);
    let line = token(fr[0]);
    for (let i = 1; i < fr.length; i++) line += ';' + token(fr[i]);
    out.write(`${line} ${fin(w.self[s])}\n`);
    if (out.done.length) yield* out.take();
  }
  out.flush();
  yield* out.take();
}

function speedscopeUnit(p: Profile): string {
  return p.weightUnit === 'milliseconds' ? 'milliseconds' : p.weightUnit === 'bytes' ? 'bytes' : 'none';
}

function* speedscopeChunks(original: Profile): Generator<string> {
  // A frame per function+line: speedscope shows each with its file:line; the extras map them back.
  const { profile: p, lineFrames } = withLineFrames(original);
  const out = new ChunkWriter();
  const fr = p.frames;
  out.write(`{"$schema":"https://www.speedscope.app/file-format-schema.json","exporter":"uevr-profiler","name":${JSON.stringify(p.name)},"activeProfileIndex":0,"shared":{"frames":[`);
  for (let f = 0; f < fr.length; f++) {
    let o = `{"name":${JSON.stringify(fr.name[f])}`;
    if (fr.file[f]) o += `,"file":${JSON.stringify(fr.file[f])}`;
    if (fr.line[f] > 0) o += `,"line":${fr.line[f]}`;
    out.write(f ? `,${o}}` : `${o}}`);
  }
  // Extra frames for the "Game frames" evented profile: one "frame" frame and one per callback.
  const gf = p.gameFrames;
  const cb = p.callbacks;
  const frameFrame = fr.length;
  if (gf && gf.length) {
    out.write(`${fr.length ? ',' : ''}{"name":"game frame"}`);
    for (let c = 0; c < (cb?.length ?? 0); c++) {
      const o = `{"name":${JSON.stringify(cb!.name[c])}${cb!.file[c] ? `,"file":${JSON.stringify(cb!.file[c])}` : ''}${cb!.line[c] > 0 ? `,"line":${cb!.line[c]}` : ''}}`;
      out.write(`,${o}`);
    }
  }
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) total += p.samples.weight[i];
  out.write(`]},"profiles":[{"type":"sampled","name":${JSON.stringify(p.name)},"unit":"${speedscopeUnit(p)}","startValue":0,"endValue":${fin(total)},"samples":[`);
  const memo = new Map<number, string>();
  const walker = new StackWalker(p);
  const { stack, weight } = p.samples;
  for (let i = 0; i < p.samples.length; i++) {
    const s = stack[i];
    let text = memo.get(s);
    if (text === undefined) {
      text = s < 0 ? '[]' : `[${walker.frames(s).join(',')}]`;
      memo.set(s, text);
    }
    out.write(i ? `,${text}` : text);
    if (out.done.length) yield* out.take();
  }
  out.write('],"weights":[');
  for (let i = 0; i < p.samples.length; i++) {
    out.write(i ? `,${fin(weight[i])}` : String(fin(weight[i])));
    if (out.done.length) yield* out.take();
  }
  out.write(']}');
  if (gf && gf.length) out.write(`,${gameFramesEvented(p, frameFrame)}`);
  const extras = captureExtras(p, 0);
  if (lineFrames.length) extras.lineFrames = Array.from(lineFrames);
  out.write(`],"${EXTRAS_KEY}":${JSON.stringify(extras)}}`);
  out.flush();
  yield* out.take();
}

/** Game frames (and the callbacks inside them) as a well-nested speedscope evented profile. */
function gameFramesEvented(p: Profile, frameFrame: number): string {
  const gf = p.gameFrames!;
  const ct = p.callbackTimings;
  const rows = Array.from({ length: gf.length }, (_, i) => i).sort((a, b) => gf.start[a] - gf.start[b]);
  const byFrame = new Map<number, number[]>();
  if (ct) for (let i = 0; i < ct.length; i++) {
    const list = byFrame.get(ct.gameFrame[i]) ?? [];
    list.push(i);
    byFrame.set(ct.gameFrame[i], list);
  }
  const ev: string[] = [];
  let cursor = -Infinity;
  let end = 0;
  for (const r of rows) {
    if (!Number.isFinite(gf.start[r]) || !Number.isFinite(gf.duration[r])) continue;
    const s = Math.max(gf.start[r], cursor);
    const e = Math.max(s, gf.start[r] + gf.duration[r]);
    ev.push(`{"type":"O","frame":${frameFrame},"at":${s}}`);
    let inner = s;
    for (const c of (byFrame.get(r) ?? []).sort((a, b) => ct!.start[a] - ct!.start[b])) {
      if (!Number.isFinite(ct!.start[c]) || !Number.isFinite(ct!.duration[c]) || !(ct!.callback[c] >= 0 && ct!.callback[c] < (p.callbacks?.length ?? 0))) continue;
      const cs = Math.max(ct!.start[c], inner);
      const ce = Math.min(e, Math.max(cs, ct!.start[c] + ct!.duration[c]));
      if (ce <= cs) continue;
      const f = frameFrame + 1 + ct!.callback[c];
      ev.push(`{"type":"O","frame":${f},"at":${cs}}`, `{"type":"C","frame":${f},"at":${ce}}`);
      inner = ce;
    }
    ev.push(`{"type":"C","frame":${frameFrame},"at":${e}}`);
    cursor = e;
    end = e;
  }
  return `{"type":"evented","name":"Game frames","unit":"milliseconds","startValue":0,"endValue":${end},"events":[${ev.join(',')}]}`;
}

/** Sample durations in ms for writers that need time spans (samples count as 1 ms each). */
function sampleSpan(p: Profile, i: number): number {
  const w = p.samples.weight[i];
  return p.weightUnit === 'bytes' ? 1 : w > 0 && w < Infinity ? w : 0;
}

/**
 * Replays the samples as opens and closes of frames (one per stack change), calling open(stack,
 * start, k) for the k-th open and close(k, end). Idle samples open a pseudo stack -2 ("(idle)").
 * Samples are laid at their times (ms profiles) or end to end (others); overlaps are pushed back.
 */
function replaySpans(p: Profile, open: (stack: number, start: number, k: number) => void, close: (k: number, end: number) => void): void {
  const walker = new StackWalker(p);
  const openStacks: number[] = [];
  const openIds: number[] = [];
  let pathBuf = new Int32Array(256);
  let opens = 0;
  const closeTo = (depth: number, t: number) => {
    while (openStacks.length > depth) {
      openStacks.pop();
      close(openIds.pop() as number, t);
    }
  };
  const useTimes = p.weightUnit === 'milliseconds';
  let clock = 0;
  let prevEnd = -Infinity;
  for (let i = 0; i < p.samples.length; i++) {
    const s = p.samples.stack[i];
    const span = sampleSpan(p, i);
    const t = p.samples.time[i];
    // A non-finite time (corrupt input) continues where the previous sample ended.
    const at = Number.isFinite(t) ? t : prevEnd > -Infinity ? prevEnd : 0;
    const start = useTimes ? Math.max(at, prevEnd) : clock;
    clock += span;
    if (start > prevEnd) closeTo(0, prevEnd);
    if (span === 0) continue;
    let depth: number;
    if (s < 0) {
      depth = 1;
      pathBuf[0] = -2;
    } else {
      depth = walker.frames(s).length;
      if (depth > pathBuf.length) pathBuf = new Int32Array(depth * 2);
      walker.stacks(s, pathBuf);
    }
    let common = 0;
    while (common < openStacks.length && common < depth && openStacks[common] === pathBuf[common]) common++;
    closeTo(common, start);
    for (let d = common; d < depth; d++) {
      openStacks.push(pathBuf[d]);
      openIds.push(opens);
      open(pathBuf[d], start, opens++);
    }
    prevEnd = start + span;
  }
  closeTo(0, prevEnd);
}

function* chromeChunks(p: Profile): Generator<string> {
  const out = new ChunkWriter();
  const us = (ms: number) => fin(Math.round(ms * 1e6) / 1e3); // µs, rounded to ns to keep the text short
  out.write(`{"displayTimeUnit":"ms","${EXTRAS_KEY}":${JSON.stringify({ mainThread: '1:1', ...captureExtras(p, 0), sampleTimes: undefined })},"traceEvents":[`);
  out.write(`{"ph":"M","pid":1,"tid":1,"name":"process_name","args":{"name":${JSON.stringify(p.name)}}}`);
  out.write(`,{"ph":"M","pid":1,"tid":1,"name":"thread_name","args":{"name":"Lua samples"}}`);
  const fr = p.frames;
  // Pass 1 learns when each open closes, so pass 2 can write every X event at its open, parents
  // before children: X events with equal start and duration are otherwise ambiguous to readers.
  let ends = new Float64Array(1024);
  replaySpans(p, () => {}, (k, end) => {
    if (k >= ends.length) {
      const bigger = new Float64Array(Math.max(k + 1, ends.length * 2));
      bigger.set(ends);
      ends = bigger;
    }
    ends[k] = end;
  });
  const chunks: string[] = [];
  replaySpans(
    p,
    (s, start, k) => {
      const dur = us(ends[k]) - us(start);
      if (s < 0) {
        out.write(`,{"ph":"X","pid":1,"tid":1,"ts":${us(start)},"dur":${dur},"name":"(idle)"}`);
      } else {
        const frame = p.stacks.frame[s];
        const args = fr.file[frame] ? `,"args":{"url":${JSON.stringify(fr.file[frame])},"line":${fr.line[frame]}}` : '';
        out.write(`,{"ph":"X","pid":1,"tid":1,"ts":${us(start)},"dur":${dur},"name":${JSON.stringify(fr.name[frame])}${args}}`);
      }
      if (out.done.length) chunks.push(...out.take());
    },
    () => {},
  );
  yield* chunks;
  const gf = p.gameFrames;
  if (gf && gf.length) {
    out.write(`,{"ph":"M","pid":1,"tid":2,"name":"thread_name","args":{"name":"Game frames"}}`);
    for (let r = 0; r < gf.length; r++) {
      out.write(`,{"ph":"X","pid":1,"tid":2,"ts":${us(gf.start[r])},"dur":${us(gf.duration[r])},"name":"frame ${gf.index[r]}","args":{"scriptsMs":${fin(gf.scriptsMs[r])}}}`);
    }
    const ct = p.callbackTimings;
    const cb = p.callbacks;
    if (ct && cb && ct.length) {
      out.write(`,{"ph":"M","pid":1,"tid":3,"name":"thread_name","args":{"name":"Callbacks"}}`);
      for (let i = 0; i < ct.length; i++) {
        const eye = ct.eye[i] === 0 ? ' (left)' : ct.eye[i] === 1 ? ' (right)' : '';
        out.write(`,{"ph":"X","pid":1,"tid":3,"ts":${us(ct.start[i])},"dur":${us(ct.duration[i])},"name":${JSON.stringify(cb.name[ct.callback[i]] + eye)}}`);
      }
    }
  }
  out.write(']}');
  out.flush();
  yield* out.take();
}

function* cpuprofileChunks(p: Profile): Generator<string> {
  const out = new ChunkWriter();
  const fr = p.frames;
  const { parent, frame, line, length: n } = p.stacks;
  const hits = stackWeights(p).selfSamples;
  // One node per function path (V8's shape): stacks that differ only in lines share a node, and the
  // lines of its self samples become the node's positionTicks ({line, ticks}, 1-based lines).
  const nodeOf = new Int32Array(n);
  const ids = new PairMap(Math.max(16, n));
  const nodeFrame: number[] = [];
  const nodeParent: number[] = [];
  for (let s = 0; s < n; s++) {
    const np = parent[s] >= 0 && parent[s] < s ? nodeOf[parent[s]] : -1;
    let id = ids.get(np, frame[s]);
    if (id < 0) {
      id = nodeFrame.length;
      ids.set(np, frame[s], id);
      nodeFrame.push(frame[s]);
      nodeParent.push(np);
    }
    nodeOf[s] = id;
  }
  const m = nodeFrame.length;
  const nodeHits = new Float64Array(m);
  const ticks: Array<Map<number, number> | undefined> = new Array(m);
  for (let s = 0; s < n; s++) {
    if (hits[s] === 0) continue;
    const k = nodeOf[s];
    nodeHits[k] += hits[s];
    if (line[s] > 0) {
      const t = (ticks[k] ??= new Map());
      t.set(line[s], (t.get(line[s]) ?? 0) + hits[s]);
    }
  }
  const children: number[][] = Array.from({ length: m + 1 }, () => []);
  for (let k = 0; k < m; k++) children[nodeParent[k] + 1].push(k + 2);
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) if (p.samples.stack[i] < 0) idle++;
  out.write(`{"nodes":[{"id":1,"callFrame":{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"hitCount":${idle},"children":[${children[0].join(',')}]}`);
  for (let k = 0; k < m; k++) {
    const f = nodeFrame[k];
    const t = ticks[k];
    const pt = t ? `,"positionTicks":[${Array.from(t.entries()).sort((a, b) => a[0] - b[0]).map(([l, c]) => `{"line":${l},"ticks":${c}}`).join(',')}]` : '';
    out.write(`,{"id":${k + 2},"callFrame":{"functionName":${JSON.stringify(fr.name[f])},"scriptId":"0","url":${JSON.stringify(fr.file[f])},"lineNumber":${fr.line[f] - 1},"columnNumber":-1},"hitCount":${nodeHits[k]}${pt},"children":[${children[k + 1].join(',')}]}`);
    if (out.done.length) yield* out.take();
  }
  // Times are the sample spans laid end to end (µs): sample i lasts until sample i + 1, so the
  // weights survive exactly; idle gaps between samples are not kept.
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) total += sampleSpan(p, i);
  out.write(`],"startTime":0,"endTime":${fin(total * 1000)},"samples":[`);
  for (let i = 0; i < p.samples.length; i++) {
    const s = p.samples.stack[i];
    const id = s < 0 || s >= n ? 1 : nodeOf[s] + 2;
    out.write(i ? `,${id}` : String(id));
    if (out.done.length) yield* out.take();
  }
  out.write('],"timeDeltas":[');
  let prev = 0;
  for (let i = 0; i < p.samples.length; i++) {
    out.write(i ? `,${fin(prev * 1000)}` : '0');
    prev = sampleSpan(p, i);
    if (out.done.length) yield* out.take();
  }
  out.write(']}');
  out.flush();
  yield* out.take();
}
