// Safari / Web Inspector timeline recordings (Timelines tab → Export, "*-recording.json"):
// {version, recording: {sampleStackTraces: [{timestamp, stackFrames: [leaf first…]}],
// sampleDurations: [seconds…]}}. Each sample lasts its duration and ends at its timestamp; a gap
// between samples becomes idle time, an overlap with the previous sample is cut off.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import { isObject, num, own, str } from './json';
import type { LoadContext } from './loadContext';

export function looksLikeSafari(v: unknown): boolean {
  if (!isObject(v)) return false;
  const r = own(v, 'recording');
  return isObject(r) && Array.isArray(own(r, 'sampleStackTraces'));
}

/** Gaps shorter than this are jitter between Safari's timestamps and durations, not idle time. */
const IDLE_GAP_S = 0.002;

export function importSafari(v: unknown, ctx: LoadContext): Profile {
  const rec = own(v as Record<string, unknown>, 'recording') as Record<string, unknown>;
  const traces = own(rec, 'sampleStackTraces') as unknown[];
  const durations = own(rec, 'sampleDurations');
  if (!Array.isArray(durations)) fail('"recording.sampleDurations" is missing');
  if (traces.length === 0) fail('the recording has no JavaScript samples (was the JavaScript & Events timeline on?)');
  const b = new ProfileBuilder({ name: str(own(rec, 'displayName')) || ctx.fileName, source: 'safari', weightUnit: 'milliseconds' });
  const version = num(own(v as Record<string, unknown>, 'version'));
  if (version !== 1) ctx.notes.push(`recording version ${version ?? 'missing'}; read as version 1`);
  let origin = NaN;
  let prevEnd = NaN;
  let overlaps = 0;
  for (let i = 0; i < traces.length; i++) {
    if ((i & 0xfff) === 0) ctx.progress(i / traces.length);
    const s = traces[i];
    const end = isObject(s) ? num(own(s, 'timestamp')) : undefined;
    const dur = num(durations[i]);
    if (!isObject(s) || end === undefined || dur === undefined || dur < 0) fail(`sample ${i} has no timestamp or duration`);
    const framesRaw = own(s, 'stackFrames');
    if (!Array.isArray(framesRaw)) fail(`sample ${i} has no "stackFrames"`);
    const start = end - dur;
    if (Number.isNaN(origin)) origin = start;
    if (end < prevEnd) fail(`sample ${i} ends before the previous one: samples are not in time order`);
    if (start - prevEnd > IDLE_GAP_S) b.sample(-1, (start - prevEnd) * 1000, (prevEnd - origin) * 1000);
    // Safari's durations often reach a little into the previous sample: the overlap is cut.
    let at = start;
    if (start < prevEnd) {
      overlaps++;
      at = prevEnd;
    }
    let stack = -1;
    for (let k = framesRaw.length - 1; k >= 0; k--) {
      const f = framesRaw[k];
      if (!isObject(f)) continue;
      const url = str(own(f, 'url'));
      const line = num(own(f, 'line')) ?? 0;
      const name = str(own(f, 'name')) || (url ? `(anonymous ${url.split('/').pop()}:${line})` : '(anonymous)');
      stack = b.stack(stack, b.frame(name, url, line > 0 ? Math.floor(line) : 0));
    }
    if (end > at) b.sample(stack, (end - at) * 1000, (at - origin) * 1000);
    prevEnd = end;
  }
  if (b.sampleCount === 0) fail('every sample has a zero duration');
  if (overlaps) ctx.notes.push(`${overlaps} samples overlapped the one before them; the overlap was cut`);
  return b.build();
}
