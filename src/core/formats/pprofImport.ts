// pprof profiles (Go's runtime/pprof and net/http/pprof, pprof-rs, Node's @datadog/pprof, perftools…):
// a protocol buffer (profile.proto), usually gzip-compressed (loadProfile inflates it first).
// Decoded with the pprof-format package (Datadog's maintained pure-JS decoder), not a protobuf
// reader of our own. One sample type is shown: the file's default_sample_type, else the last one
// (go tool pprof's choice: "cpu" over "samples"). Stacks are leaf first in the file; a location
// with several lines is inlined code, innermost first.

import { Profile as PprofProfile } from 'pprof-format';
import { ProfileBuilder } from '../profile/builder';
import type { Profile, WeightUnit } from '../profile/types';
import { fail, FormatProblem } from './errors';
import type { LoadContext } from './loadContext';

/**
 * Cheap test before decoding. Encoders write fields in number order, so a profile starts with its
 * first sample_type (field 1, bytes: 0x0a), a short length, then that ValueType's own first field
 * (type 0x08 or unit 0x10). No text format has a control character as its second byte there.
 */
export function sniffPprof(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x0a) return false;
  const len = bytes[1];
  if (len < 2 || len > 20 || len === 9 || len === 10 || len === 13) return false;
  return bytes[2] === 0x08 || bytes[2] === 0x10;
}

const UNITS: Record<string, [WeightUnit, number]> = {
  nanoseconds: ['milliseconds', 1e-6],
  microseconds: ['milliseconds', 1e-3],
  milliseconds: ['milliseconds', 1],
  seconds: ['milliseconds', 1000],
  bytes: ['bytes', 1],
};

export function importPprof(bytes: Uint8Array, ctx: LoadContext): Profile {
  let p: PprofProfile;
  try {
    p = PprofProfile.decode(bytes);
  } catch (err) {
    throw new FormatProblem(`not a valid protocol buffer (${err instanceof Error ? err.message : String(err)})`);
  }
  const strings = p.stringTable?.strings ?? [];
  const s = (i: number | bigint | undefined): string => {
    const k = Number(i ?? 0);
    return Number.isInteger(k) && k >= 0 && k < strings.length ? strings[k] : '';
  };
  if (strings.length === 0 || strings[0] !== '') fail('the string table does not start with the empty string (not a pprof profile)');
  if (p.sampleType.length === 0) fail('no sample types');
  const types = p.sampleType.map((t) => ({ type: s(t.type), unit: s(t.unit) }));
  const defaultName = s(p.defaultSampleType);
  let col = defaultName ? types.findIndex((t) => t.type === defaultName) : -1;
  if (col < 0) col = types.length - 1;
  const [weightUnit, scale] = UNITS[types[col].unit] ?? ['samples', 1];
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'pprof', weightUnit });
  const functions = new Map<string, { name: string; file: string }>();
  for (const f of p.function) functions.set(String(f.id), { name: s(f.name) || s(f.systemName), file: s(f.filename) });
  const mappings = new Map<string, string>();
  for (const m of p.mapping) mappings.set(String(m.id), s(m.filename));
  // Frames of a location, leaf first (inlined callees before their callers).
  const locFrames = new Map<string, number[]>();
  for (const loc of p.location) {
    const frames: number[] = [];
    for (const line of loc.line) {
      const fn = functions.get(String(line.functionId));
      frames.push(b.frame(fn?.name || '(unknown)', fn?.file ?? '', Math.max(0, Number(line.line) || 0)));
    }
    if (frames.length === 0) {
      const lib = mappings.get(String(loc.mappingId));
      frames.push(b.frame(`0x${BigInt(loc.address ?? 0).toString(16)}`, lib ?? ''));
    }
    locFrames.set(String(loc.id), frames);
  }
  let t = 0;
  let missing = 0;
  for (let i = 0; i < p.sample.length; i++) {
    if ((i & 0xfff) === 0) ctx.progress(0.5 + (0.5 * i) / p.sample.length);
    const smp = p.sample[i];
    const v = Number(smp.value[col] ?? 0) * scale;
    if (!(v > 0) || !Number.isFinite(v)) continue;
    const leafFirst: number[] = [];
    for (const id of smp.locationId) {
      const frames = locFrames.get(String(id));
      if (frames) leafFirst.push(...frames);
      else missing++;
    }
    let stack = -1;
    for (let k = leafFirst.length - 1; k >= 0; k--) stack = b.stack(stack, leafFirst[k]);
    b.sample(stack, v, t);
    t += v;
  }
  if (b.sampleCount === 0) fail(`no samples with a ${types[col].type || 'value'} above zero`);
  b.meta.sampleType = `${types[col].type}/${types[col].unit}`;
  if (types.length > 1) ctx.notes.push(`the profile has ${types.length} sample types (${types.map((x) => x.type).join(', ').slice(0, 100)}); showing ${types[col].type}`);
  if (missing) ctx.notes.push(`${missing} stack entries referred to locations the profile does not define and were left out`);
  const dur = Number(p.durationNanos ?? 0);
  // Wall time of the recording; samples have no times of their own (laid end to end).
  if (dur > 0) b.meta.recordedMs = dur / 1e6;
  return b.build();
}
