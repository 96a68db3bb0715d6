// Compact, JSON-safe encoding of a Profile for the standalone HTML page: typed arrays as base64 of
// their bytes (little-endian, as on every platform VS Code runs on), strings as JSON arrays. The same
// module decodes it in the page. No Node or DOM APIs: base64 is done here with lookup tables.
import type { Profile } from '../profile/types';
import type { DiffMessage, ProfileMessage, ViewSettings } from './messages';

type ArrayTag = 'f64' | 'i32' | 'u8' | 'i8';
interface EncodedArray {
  t: ArrayTag;
  b: string;
}
type EncodedTable = Record<string, EncodedArray | string[] | number>;

export interface EncodedProfile {
  name: string;
  source: string;
  weightUnit: Profile['weightUnit'];
  durationMs: number;
  meta: Profile['meta'];
  tables: Record<string, EncodedTable>;
}

export interface EmbeddedPayload {
  v: 1;
  title: string;
  settings: ViewSettings;
  profile?: EncodedProfile;
  before?: EncodedProfile;
  after?: EncodedProfile;
  beforeLabel?: string;
  afterLabel?: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 3 * 16384; // keeps each String.fromCharCode call's argument list small
  for (let off = 0; off < bytes.length; off += CHUNK) {
    const end = Math.min(bytes.length, off + CHUNK);
    const codes: number[] = [];
    let i = off;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      codes.push(ALPHABET.charCodeAt(n >>> 18), ALPHABET.charCodeAt((n >>> 12) & 63), ALPHABET.charCodeAt((n >>> 6) & 63), ALPHABET.charCodeAt(n & 63));
    }
    const rest = end - i;
    if (rest === 1) {
      const n = bytes[i] << 16;
      codes.push(ALPHABET.charCodeAt(n >>> 18), ALPHABET.charCodeAt((n >>> 12) & 63), 61, 61);
    } else if (rest === 2) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
      codes.push(ALPHABET.charCodeAt(n >>> 18), ALPHABET.charCodeAt((n >>> 12) & 63), ALPHABET.charCodeAt((n >>> 6) & 63), 61);
    }
    chunks.push(String.fromCharCode(...codes));
  }
  return chunks.join('');
}

/** Native decoder where the runtime has one (Chromium 140+, Node 25+): ~10× faster than the loop below. */
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> }).fromBase64;

export function base64ToBytes(s: string): Uint8Array<ArrayBuffer> {
  if (nativeFromBase64 && s.length % 4 === 0) {
    try {
      return nativeFromBase64(s);
    } catch {
      // Fall through to the portable decoder, which names the bad character.
    }
  }
  let len = s.length;
  while (len > 0 && s.charCodeAt(len - 1) === 61) len--;
  if (s.length % 4 !== 0) throw new Error('base64 length is not a multiple of 4');
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? DECODE[c] : -1;
    if (v < 0) throw new Error(`invalid base64 character at ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

type AnyTyped = Float64Array | Int32Array | Uint8Array | Int8Array;

function encodeArray(a: AnyTyped): EncodedArray {
  const t: ArrayTag = a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : a instanceof Int8Array ? 'i8' : 'u8';
  return { t, b: bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) };
}

function decodeArray(e: EncodedArray): AnyTyped {
  const bytes = base64ToBytes(e.b);
  const buf = bytes.buffer;
  switch (e.t) {
    case 'f64':
      if (bytes.byteLength % 8) throw new Error('f64 array has a partial element');
      return new Float64Array(buf, 0, bytes.byteLength / 8);
    case 'i32':
      if (bytes.byteLength % 4) throw new Error('i32 array has a partial element');
      return new Int32Array(buf, 0, bytes.byteLength / 4);
    case 'i8':
      return new Int8Array(buf);
    case 'u8':
      return new Uint8Array(buf);
    default:
      throw new Error(`unknown array type ${String(e.t)}`);
  }
}

function encodeTable(table: object): EncodedTable {
  const out: EncodedTable = {};
  for (const [k, v] of Object.entries(table)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === 'number') out[k] = v;
    else if (ArrayBuffer.isView(v)) out[k] = encodeArray(v as AnyTyped);
  }
  return out;
}

function decodeTable(t: EncodedTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue; // never let data pick a prototype
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === 'number') out[k] = v;
    else if (v && typeof v === 'object' && typeof v.b === 'string') out[k] = decodeArray(v);
    else throw new Error(`bad table column ${k}`);
  }
  return out;
}

const TABLES = ['frames', 'stacks', 'samples', 'gameFrames', 'callbacks', 'callbackTimings'] as const;

export function encodeProfile(p: Profile): EncodedProfile {
  const tables: Record<string, EncodedTable> = {};
  for (const k of TABLES) {
    const t = p[k];
    if (t) tables[k] = encodeTable(t);
  }
  return { name: p.name, source: p.source, weightUnit: p.weightUnit, durationMs: p.durationMs, meta: p.meta, tables };
}

export function decodeProfile(e: EncodedProfile): Profile {
  if (!e || typeof e !== 'object' || !e.tables) throw new Error('embedded profile is missing its tables');
  const t: Record<string, unknown> = {};
  for (const k of TABLES) if (e.tables[k]) t[k] = decodeTable(e.tables[k]);
  if (!t.frames || !t.stacks || !t.samples) throw new Error('embedded profile lacks frames, stacks or samples');
  // The decoded tables have exactly the columns that encodeProfile wrote from a Profile.
  return {
    name: String(e.name),
    source: String(e.source),
    weightUnit: e.weightUnit,
    durationMs: Number(e.durationMs) || 0,
    meta: e.meta ?? {},
    ...(t as unknown as Pick<Profile, 'frames' | 'stacks' | 'samples' | 'gameFrames' | 'callbacks' | 'callbackTimings'>),
  };
}

/** The message the standalone page replays to its app after `ready`. */
export function decodeEmbeddedProfile(p: EmbeddedPayload): ProfileMessage | DiffMessage {
  if (!p || p.v !== 1) throw new Error('unsupported embedded payload version');
  if (p.before && p.after) {
    return {
      type: 'diff',
      before: decodeProfile(p.before),
      after: decodeProfile(p.after),
      settings: p.settings,
      title: String(p.title),
      beforeLabel: p.beforeLabel,
      afterLabel: p.afterLabel,
    };
  }
  if (!p.profile) throw new Error('embedded payload has no profile');
  return { type: 'profile', profile: decodeProfile(p.profile), settings: p.settings, title: String(p.title) };
}
