// speedscope's file format (https://www.speedscope.app/file-format-schema.json), versions 0.0.1 to
// the current one: shared frames plus "sampled" and/or "evented" profiles. A file may hold several
// profiles (threads); we load one, the one our own export marks as main, else the largest, and say so.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import { isObject, num, own, str } from './json';
import type { LoadContext } from './loadContext';
import { StackTimeline } from './timeline';
import { unitScale, VALUE_UNITS } from './units';
import { applyCaptureExtras, EXTRAS_KEY, extrasFrameKinds, extrasLineFrames, extrasSampleTimes } from './speedscopeExtras';

export function looksLikeSpeedscope(v: unknown): boolean {
  if (!isObject(v)) return false;
  const schema = own(v, '$schema');
  if (typeof schema === 'string' && schema.includes('speedscope')) return true;
  return Array.isArray(own(v, 'profiles')) && isObject(own(v, 'shared'));
}

/**
 * The big arrays of sampled profiles, read straight from the file's bytes by the fast path
 * (speedscopeFast.ts) instead of from JSON.parse output. Indexed by profile index.
 */
export interface RawSampledArrays {
  sampleCount(profile: number): number | undefined;
  /** Stack id of every sample (interned through `stack`) and the weights (null when absent). */
  read(profile: number, stack: (parent: number, frameIndex: number) => number, ctx: LoadContext): { stacks: Int32Array; weights: Float64Array | null };
}

function profileSize(p: unknown, i: number, raw?: RawSampledArrays): number {
  const rawCount = raw?.sampleCount(i);
  if (rawCount !== undefined) return rawCount;
  if (!isObject(p)) return -1;
  const s = own(p, 'samples');
  const e = own(p, 'events');
  return Array.isArray(s) ? s.length : Array.isArray(e) ? e.length : -1;
}

export function importSpeedscope(file: unknown, ctx: LoadContext, raw?: RawSampledArrays): Profile {
  if (!isObject(file)) fail('the top level is not an object');
  const shared = own(file, 'shared');
  const framesRaw = isObject(shared) ? own(shared, 'frames') : undefined;
  if (!Array.isArray(framesRaw)) fail('"shared.frames" is missing or not an array');
  const profiles = own(file, 'profiles');
  if (!Array.isArray(profiles) || profiles.length === 0) fail('"profiles" is missing or empty');
  const extras = own(file, EXTRAS_KEY);

  let pick = -1;
  let reason = '';
  const marked = isObject(extras) ? num(own(extras, 'profileIndex')) : undefined;
  if (marked !== undefined && Number.isInteger(marked) && marked >= 0 && marked < profiles.length) {
    pick = marked;
    reason = 'marked as the main profile';
  } else {
    let best = -1;
    for (let i = 0; i < profiles.length; i++) {
      const size = profileSize(profiles[i], i, raw);
      if (size > best) {
        best = size;
        pick = i;
      }
    }
    reason = 'the largest';
  }
  if (pick < 0) fail('no profile in "profiles" has samples or events');
  const p = profiles[pick];
  if (!isObject(p)) fail(`profile ${pick} is not an object`);
  const type = own(p, 'type');
  const unitName = str(own(p, 'unit'), 'none');
  const unit = unitScale(VALUE_UNITS, unitName);
  if (!unit) fail(`profile ${pick} has unknown unit "${unitName}"`);
  const [weightUnit, factor] = unit;
  const name = str(own(p, 'name')) || str(own(file, 'name')) || ctx.fileName;
  const b = new ProfileBuilder({ name, source: 'speedscope', weightUnit });

  // Frames are validated up front but interned on first use, so frames only another profile of
  // the file uses do not show up; duplicates in shared.frames collapse to one frame id.
  const frameMap = new Int32Array(framesRaw.length).fill(-1);
  const kinds = extrasFrameKinds(extras, framesRaw.length);
  for (let i = 0; i < framesRaw.length; i++) if (!isObject(framesRaw[i])) fail(`shared.frames[${i}] is not an object`);
  const frameId = (i: number): number => {
    let id = frameMap[i];
    if (id < 0) {
      const f = framesRaw[i] as Record<string, unknown>;
      const line = num(own(f, 'line'));
      id = b.frame(str(own(f, 'name'), '(unnamed)'), str(own(f, 'file')), line !== undefined && line > 0 ? Math.min(line, 2 ** 31 - 1) : 0, kinds && i < kinds.length ? kinds[i] : 0);
      frameMap[i] = id;
    }
    return id;
  };
  const nFrames = framesRaw.length;
  // Our own exports: a frame per function+line maps back to the function with the line on the stack.
  const lineFrames = extrasLineFrames(extras, nFrames);
  const stackOn = (parent: number, fi: number): number => {
    const lf = lineFrames?.get(fi);
    return lf ? b.stack(parent, frameId(lf[0]), lf[1]) : b.stack(parent, frameId(fi));
  };
  const startValue = num(own(p, 'startValue')) ?? 0;
  const endValue = num(own(p, 'endValue'));

  if (type === 'sampled' && raw && raw.sampleCount(pick) !== undefined) {
    const { stacks, weights } = raw.read(
      pick,
      (parent, fi) => {
        if (!(fi >= 0 && fi < nFrames)) fail(`a sample refers to frame ${fi}, but there are ${nFrames} frames`);
        return stackOn(parent, fi);
      },
      ctx,
    );
    const n = stacks.length;
    const times = extrasSampleTimes(extras, n);
    const w = weights ?? new Float64Array(n).fill(1);
    const tm = new Float64Array(n);
    let t = 0;
    for (let i = 0; i < n; i++) {
      if (factor !== 1) w[i] *= factor;
      tm[i] = times ? times[i] : t;
      t += weightUnit === 'milliseconds' ? w[i] : 1;
    }
    b.samplesBulk(stacks, w, tm);
    if (weightUnit === 'milliseconds') b.durationMs = endValue !== undefined ? Math.max(t, (endValue - startValue) * factor) : t;
    else b.durationMs = 0;
  } else if (type === 'sampled') {
    const samples = own(p, 'samples');
    const weights = own(p, 'weights');
    if (!Array.isArray(samples)) fail(`profile "${name}" has no "samples" array`);
    const hasWeights = Array.isArray(weights);
    if (hasWeights && weights.length !== samples.length) fail(`profile "${name}" has ${samples.length} samples but ${weights.length} weights`);
    // Prefix reuse: consecutive samples share most of their stack, so only the differing tail is
    // looked up in the stack table.
    let prev: unknown[] = [];
    let prevStacks = new Int32Array(64);
    let t = 0;
    const n = samples.length;
    const times = extrasSampleTimes(extras, n);
    for (let i = 0; i < n; i++) {
      if ((i & 0xffff) === 0) ctx.progress(i / n);
      const arr = samples[i];
      if (!Array.isArray(arr)) fail(`sample ${i} is not an array of frame indices`);
      const len = arr.length;
      if (len > prevStacks.length) {
        const bigger = new Int32Array(Math.max(len, prevStacks.length * 2));
        bigger.set(prevStacks);
        prevStacks = bigger;
      }
      let k = 0;
      const plen = prev.length;
      while (k < len && k < plen && arr[k] === prev[k]) k++;
      let s = k > 0 ? prevStacks[k - 1] : -1;
      for (let j = k; j < len; j++) {
        const fi = arr[j];
        if (typeof fi !== 'number' || !(fi >= 0 && fi < nFrames) || fi % 1 !== 0) fail(`sample ${i} refers to frame ${JSON.stringify(fi)}, but there are ${nFrames} frames`);
        s = stackOn(s, fi);
        prevStacks[j] = s;
      }
      prev = arr;
      let w = 1;
      if (hasWeights) {
        const wv = weights[i];
        if (typeof wv !== 'number' || !Number.isFinite(wv)) fail(`weight ${i} is not a finite number`);
        w = wv * factor;
      }
      b.sample(s, w, times ? times[i] : t);
      if (weightUnit === 'milliseconds') t += w;
      else t += 1;
    }
    if (weightUnit === 'milliseconds') b.durationMs = endValue !== undefined ? Math.max(t, (endValue - startValue) * factor) : t;
    else b.durationMs = 0;
  } else if (type === 'evented') {
    const events = own(p, 'events');
    if (!Array.isArray(events)) fail(`profile "${name}" has no "events" array`);
    const tl = new StackTimeline(b, factor, startValue);
    let last = -Infinity;
    const n = events.length;
    for (let i = 0; i < n; i++) {
      if ((i & 0xffff) === 0) ctx.progress(i / n);
      const e = events[i];
      if (!isObject(e)) fail(`event ${i} is not an object`);
      const at = num(own(e, 'at'));
      const fi = own(e, 'frame');
      const et = own(e, 'type');
      if (at === undefined) fail(`event ${i} has no numeric "at"`);
      if (typeof fi !== 'number' || !(fi >= 0 && fi < nFrames) || fi % 1 !== 0) fail(`event ${i} refers to frame ${JSON.stringify(fi)}, but there are ${nFrames} frames`);
      if (at < last) fail(`event ${i} at ${at} is earlier than the event before it (${last}): events must be in time order`);
      last = at;
      const t = at;
      if (et === 'O') tl.open(frameId(fi), t);
      else if (et === 'C') {
        if (tl.depth === 0) fail(`event ${i} closes frame ${fi} at ${at}, but no frame is open`);
        const top = tl.frames[tl.depth - 1];
        if (top !== frameId(fi)) {
          fail(`event ${i} closes frame ${fi} ("${framesRaw[fi] && isObject(framesRaw[fi]) ? str(own(framesRaw[fi] as Record<string, unknown>, 'name')) : ''}") at ${at}, but the innermost open frame is another one (events out of order)`);
        }
        tl.close(t);
      } else fail(`event ${i} has type ${JSON.stringify(et)} (expected "O" or "C")`);
    }
    if (tl.depth > 0) fail(`${tl.depth} frame(s) are still open at the end of the events (incomplete trace)`);
    b.durationMs = weightUnit === 'milliseconds' && endValue !== undefined ? Math.max(0, (endValue - startValue) * factor) : undefined;
    if (weightUnit !== 'milliseconds') b.durationMs = 0;
  } else {
    fail(`profile "${name}" has type ${JSON.stringify(type)} (expected "sampled" or "evented")`);
  }

  b.meta.unit = unitName;
  if (profiles.length > 1) {
    b.meta.profiles = profiles.length;
    b.meta.profileShown = `${pick + 1} of ${profiles.length} ("${name}", ${reason})`;
    ctx.notes.push(`the file has ${profiles.length} profiles; showing "${name}" (${reason})`);
  }
  const exporter = str(own(file, 'exporter'));
  if (exporter) b.meta.exporter = exporter;
  if (isObject(extras)) applyCaptureExtras(b, extras, ctx);
  return b.build();
}
