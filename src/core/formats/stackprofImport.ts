// Ruby stackprof JSON (tmm1/stackprof, `StackProf.run(raw: true)` then `results.to_json` or
// `stackprof --json`): "frames" keyed by id ({name, file, line}), and "raw", a flat list of
// runs [height, frame ids root first…, count]. Weights by mode: "wall" uses the per-sample
// "raw_timestamp_deltas" (µs), "cpu" count × interval (µs), "object" counts allocations.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import { isObject, num, own, str } from './json';
import type { LoadContext } from './loadContext';

export function looksLikeStackprof(v: unknown): boolean {
  return isObject(v) && typeof own(v, 'mode') === 'string' && isObject(own(v, 'frames')) && (Array.isArray(own(v, 'raw')) || own(v, 'raw_timestamp_deltas') !== undefined);
}

export function importStackprof(v: unknown, ctx: LoadContext): Profile {
  if (!isObject(v)) fail('the top level is not an object');
  const mode = str(own(v, 'mode'));
  const frames = own(v, 'frames') as Record<string, unknown>;
  const raw = own(v, 'raw');
  if (!Array.isArray(raw)) fail('"raw" is missing: the profile was not recorded with raw: true');
  const deltas = own(v, 'raw_timestamp_deltas');
  const interval = num(own(v, 'interval')) ?? 1000;
  const objectMode = mode === 'object';
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'stackprof', weightUnit: objectMode ? 'samples' : 'milliseconds' });
  b.meta.mode = mode;
  const frameIds = new Map<string, number>();
  const frameOf = (id: unknown): number => {
    const key = String(id);
    let f = frameIds.get(key);
    if (f === undefined) {
      const fr = Object.prototype.hasOwnProperty.call(frames, key) ? frames[key] : undefined;
      if (!isObject(fr)) fail(`"raw" refers to frame ${key.slice(0, 40)}, which "frames" does not define`);
      const line = num(own(fr, 'line'));
      f = b.frame(str(own(fr, 'name')) || '(unknown)', str(own(fr, 'file')), line !== undefined && line > 0 ? Math.floor(line) : 0);
      frameIds.set(key, f);
    }
    return f;
  };
  const useDeltas = mode === 'wall' && Array.isArray(deltas);
  let sampleIndex = 0;
  let t = 0;
  let prev = -1;
  for (let i = 0; i < raw.length; ) {
    if ((i & 0x3fff) === 0) ctx.progress(i / raw.length);
    const height = raw[i++];
    if (typeof height !== 'number' || !Number.isInteger(height) || height < 0 || i + height >= raw.length) fail(`"raw" is cut short or malformed at index ${i - 1}`);
    let stack = -1;
    for (let k = 0; k < height; k++) stack = b.stack(stack, frameOf(raw[i++]));
    const count = raw[i++];
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) fail(`"raw" has a bad sample count at index ${i - 1}`);
    // stackprof records GC as a lone "(garbage collection)" frame: it ran under the previous stack.
    if (height === 1 && prev >= 0) {
      const gcName = str(own(frames[String(raw[i - 2])] as Record<string, unknown>, 'name'));
      if (gcName === '(garbage collection)') stack = b.stack(prev, frameOf(raw[i - 2]));
    }
    let w: number;
    if (objectMode) w = count;
    else if (useDeltas) {
      w = 0;
      // The run's samples' deltas; a count beyond the deltas adds nothing (and must not loop 1e12 times).
      const end = Math.min((deltas as unknown[]).length, sampleIndex + count);
      for (; sampleIndex < end; sampleIndex++) {
        const d = Number((deltas as unknown[])[sampleIndex]);
        if (Number.isFinite(d)) w += d; // 1e999 parses as Infinity: a delta that cannot be used adds nothing
      }
      w /= 1000;
    } else w = (count * interval) / 1000;
    b.sample(stack, w, t);
    t += w;
    prev = stack;
  }
  if (b.sampleCount === 0) fail('"raw" holds no samples');
  return b.build();
}
