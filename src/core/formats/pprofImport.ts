// pprof profiles (Go's runtime/pprof and net/http/pprof, pprof-rs, Node's @datadog/pprof, perftools…):
// a protocol buffer (profile.proto), usually gzip-compressed (loadProfile inflates it first).
// Decoded with the pprof-format package (Datadog's maintained pure-JS decoder), not a protobuf
// reader of our own. One sample type is shown: the file's default_sample_type, else the last one
// (go tool pprof's choice: "cpu" over "samples"). Stacks are leaf first in the file; a location
// with several lines is inlined code, innermost first.

import { Profile as PprofProfile } from 'pprof-format';
import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import type { LoadContext } from './loadContext';
import { unitScale, VALUE_UNITS } from './units';

/** Protobuf field tags profile.proto's Profile message can start with (fields 1–14, varint or bytes). */
function isLikelyTag(b: number): boolean {
  const field = b >> 3;
  const wire = b & 7;
  return field >= 1 && field <= 14 && (wire === 0 || wire === 2);
}

/**
 * Cheap test before decoding: a protobuf tag first (encoders differ in field order: Go's starts
 * with time_nanos, 0x48), and binary bytes early (control characters no text format of ours has;
 * UTF-16 text, whose every other byte is NUL, is excluded).
 */
export function mayBePprof(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || !isLikelyTag(bytes[0])) return false;
  let evenNul = 0;
  let oddNul = 0;
  const m = Math.min(bytes.length, 64) & ~1;
  for (let i = 0; i < m; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  if (m > 0 && (evenNul === m / 2 || oddNul === m / 2)) return false;
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) if (bytes[i] < 0x09) return true;
  return false;
}

/** Decodes and checks the bytes; a string says why they are not a pprof profile. */
export function decodePprof(bytes: Uint8Array): PprofProfile | string {
  let p: PprofProfile;
  try {
    p = PprofProfile.decode(bytes);
  } catch (err) {
    return `not a valid protocol buffer (${err instanceof Error ? err.message : String(err)})`;
  }
  const strings = p.stringTable?.strings ?? [];
  if (strings.length === 0 || strings[0] !== '') return 'the string table does not start with the empty string';
  if (p.sampleType.length === 0) return 'no sample types';
  return p;
}

export function importPprof(p: PprofProfile, ctx: LoadContext): Profile {
  const strings = p.stringTable.strings;
  const s = (i: number | bigint | undefined): string => {
    const k = Number(i ?? 0);
    return Number.isInteger(k) && k >= 0 && k < strings.length ? strings[k] : '';
  };
  const types = p.sampleType.map((t) => ({ type: s(t.type), unit: s(t.unit) }));
  const defaultName = s(p.defaultSampleType);
  let col = defaultName ? types.findIndex((t) => t.type === defaultName) : -1;
  if (col < 0) col = types.length - 1;
  const [weightUnit, scale] = unitScale(VALUE_UNITS, types[col].unit) ?? ['samples', 1];
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
