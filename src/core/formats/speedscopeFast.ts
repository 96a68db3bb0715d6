// Fast path for big speedscope files. JSON.parse of a million-sample file builds a million arrays
// (and the walk over them costs more than the parse). Here the "samples" and "weights" arrays of
// sampled profiles are read straight from the UTF-8 bytes: each sample's bytes are hashed, and
// since a profile has far fewer distinct stacks than samples, most samples are one hash lookup.
// Everything else (frames, names, metadata) is parsed by JSON.parse from a skeleton of the file
// with those arrays blanked out, so the semantics stay exactly those of importSpeedscope.
// Anything unexpected in the byte layout makes the fast path step aside (return undefined).

import { fail } from './errors';
import type { LoadContext } from './loadContext';
import type { RawSampledArrays } from './speedscopeImport';

/** Files smaller than this take the ordinary path (the fast path only pays off when big). */
export const FAST_PATH_MIN_BYTES = 4 * 1024 * 1024;

const enum C {
  Quote = 34,
  Backslash = 92,
  Comma = 44,
  Colon = 58,
  LBracket = 91,
  RBracket = 93,
  LBrace = 123,
  RBrace = 125,
  Minus = 45,
  Plus = 43,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  LowerE = 101,
  UpperE = 69,
}

interface Span {
  profile: number;
  key: 'samples' | 'weights';
  start: number; // index of '['
  end: number; // index after ']'
  count: number; // elements
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Finds profiles[i].samples / profiles[i].weights arrays in the bytes. Returns undefined when the
 * layout is not the plain one we expect (then the ordinary parser handles the file).
 */
function findSpans(bytes: Uint8Array, ctx: LoadContext): Span[] | undefined {
  const n = bytes.length;
  const spans: Span[] = [];
  // Container stack: 1 = object, 2 = array; keys of the objects on the path.
  const kinds: number[] = [];
  const keys: string[] = [];
  const index: number[] = [];
  let pendingKey = '';
  let expectKey = false;
  let i = 0;
  const decoder = new TextDecoder();
  while (i < n) {
    if ((i & 0xfffff) === 0) ctx.progress((0.3 * i) / n);
    const c = bytes[i];
    if (c === C.Quote) {
      const s = i + 1;
      i++;
      while (i < n && bytes[i] !== C.Quote) i += bytes[i] === C.Backslash ? 2 : 1;
      if (i >= n) return undefined;
      if (kinds.length && kinds[kinds.length - 1] === 2) index[index.length - 1]++;
      else if (expectKey && kinds.length && kinds[kinds.length - 1] === 1) {
        // Keys we care about are short ASCII; others are decoded only when short.
        pendingKey = i - s < 64 ? decoder.decode(bytes.subarray(s, i)) : '';
        expectKey = false;
      }
      i++;
      continue;
    }
    if (c === C.LBrace || c === C.LBracket) {
      const depth = kinds.length;
      const parentKey = depth && kinds[depth - 1] === 1 ? pendingKey : '';
      // profiles[i].samples / .weights: depth 3 object inside root.profiles array.
      if (c === C.LBracket && depth === 3 && kinds[0] === 1 && keys[1] === 'profiles' && kinds[1] === 2 && kinds[2] === 1 && (parentKey === 'samples' || parentKey === 'weights')) {
        const end = skipNumericArray(bytes, i, parentKey === 'samples');
        if (end === undefined) return undefined;
        spans.push({ profile: index[1], key: parentKey, start: i, end: end.end, count: end.count });
        i = end.end;
        ctx.progress((0.3 * i) / n);
        continue;
      }
      if (depth && kinds[depth - 1] === 2) index[depth - 1]++;
      kinds.push(c === C.LBrace ? 1 : 2);
      keys.push(parentKey);
      index.push(-1);
      expectKey = c === C.LBrace;
      i++;
      continue;
    }
    if (c === C.RBrace || c === C.RBracket) {
      kinds.pop();
      keys.pop();
      index.pop();
      i++;
      continue;
    }
    if (c === C.Comma) {
      expectKey = kinds.length > 0 && kinds[kinds.length - 1] === 1;
      // A scalar element of an array also counts as an element.
      i++;
      continue;
    }
    if (c !== C.Colon && !isSpace(c) && kinds.length && kinds[kinds.length - 1] === 2) {
      // Scalar in an array: count it once (at its first byte after a comma or '[').
      const prev = prevSignificant(bytes, i);
      if (prev === C.Comma || prev === C.LBracket) index[index.length - 1]++;
    }
    i++;
  }
  return kinds.length === 0 ? spans : undefined;
}

function prevSignificant(bytes: Uint8Array, i: number): number {
  let j = i - 1;
  while (j >= 0 && isSpace(bytes[j])) j--;
  return j >= 0 ? bytes[j] : -1;
}

/**
 * End and element count of an array of numbers (weights) or of arrays of numbers (samples). For
 * samples the inner arrays are found with the native indexOf (no per-byte JS loop); their content
 * is validated later, when the chosen profile is read. Undefined when the shape is not as expected.
 */
function skipNumericArray(bytes: Uint8Array, start: number, nested: boolean): { end: number; count: number } | undefined {
  const n = bytes.length;
  let i = skipSpace(bytes, start + 1);
  if (bytes[i] === C.RBracket) return { end: i + 1, count: 0 };
  if (!nested) {
    let count = 1;
    for (; i < n; i++) {
      const c = bytes[i];
      if (c === C.Comma) count++;
      else if (c === C.RBracket) return { end: i + 1, count };
      else if (c === C.LBracket || c === C.LBrace || c === C.Quote) return undefined;
    }
    return undefined;
  }
  let count = 0;
  for (;;) {
    if (bytes[i] !== C.LBracket) return undefined;
    const close = bytes.indexOf(C.RBracket, i + 1);
    if (close < 0) return undefined;
    count++;
    i = skipSpace(bytes, close + 1);
    if (bytes[i] === C.RBracket) return { end: i + 1, count };
    if (bytes[i] !== C.Comma) return undefined;
    i = skipSpace(bytes, i + 1);
  }
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Parses the number at bytes[i..]; returns its end in `numEnd`. Plain decimals with at most 15
 * significant digits are computed exactly (integer / power of ten is correctly rounded); anything
 * else goes through Number() on the text, so results always equal JSON.parse's.
 */
let numEnd = 0;
function parseNumber(bytes: Uint8Array, i: number): number {
  const start = i;
  let neg = false;
  if (bytes[i] === C.Minus) {
    neg = true;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let simple = true;
  while (i < bytes.length && bytes[i] >= C.Zero && bytes[i] <= C.Nine) {
    mant = mant * 10 + (bytes[i] - C.Zero);
    if (mant !== 0) digits++;
    i++;
  }
  if (i === start + (neg ? 1 : 0)) {
    numEnd = i;
    return NaN;
  }
  if (bytes[i] === C.Dot) {
    i++;
    while (i < bytes.length && bytes[i] >= C.Zero && bytes[i] <= C.Nine) {
      mant = mant * 10 + (bytes[i] - C.Zero);
      if (mant !== 0) digits++;
      frac++;
      i++;
    }
  }
  if (bytes[i] === C.LowerE || bytes[i] === C.UpperE) {
    simple = false;
    i++;
    if (bytes[i] === C.Plus || bytes[i] === C.Minus) i++;
    while (i < bytes.length && bytes[i] >= C.Zero && bytes[i] <= C.Nine) i++;
  }
  numEnd = i;
  if (simple && digits <= 15 && frac <= 22) {
    const v = frac ? mant / POW10[frac] : mant;
    return neg ? -v : v;
  }
  let text = '';
  for (let k = start; k < i; k++) text += String.fromCharCode(bytes[k]);
  const v = Number(text);
  return v;
}

/**
 * Compares two ranges of the same byte array: natively through Buffer#compare when running in
 * Node (a memcmp, no allocation), with a plain loop elsewhere.
 */
function equalRanges(bytes: Uint8Array): (a: number, b: number, len: number) => boolean {
  const B = (globalThis as { Buffer?: { from(ab: ArrayBufferLike, off: number, len: number): { compare(t: unknown, ts: number, te: number, ss: number, se: number): number } } }).Buffer;
  if (B) {
    const buf = B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (a, b, len) => buf.compare(buf, a, a + len, b, b + len) === 0;
  }
  return (a, b, len) => {
    for (let q = 0; q < len; q++) if (bytes[a + q] !== bytes[b + q]) return false;
    return true;
  };
}

function skipSpace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return i;
}

class RawArrays implements RawSampledArrays {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly spans: Span[],
  ) {}

  /** The span JSON.parse would use: the last one when a key repeats. */
  private span(profile: number, key: 'samples' | 'weights'): Span | undefined {
    let found: Span | undefined;
    for (const s of this.spans) if (s.profile === profile && s.key === key) found = s;
    return found;
  }

  sampleCount(profile: number): number | undefined {
    return this.span(profile, 'samples')?.count;
  }

  read(profile: number, stack: (parent: number, frameIndex: number) => number, ctx: LoadContext): { stacks: Int32Array; weights: Float64Array | null } {
    const sp = this.span(profile, 'samples');
    if (!sp) fail('the samples array could not be read');
    const bytes = this.bytes;
    const stacks = new Int32Array(sp.count);
    // Memo: hash of a sample's bytes → first sample with those bytes (verified byte for byte).
    const memo = new Map<number, number>();
    const memoStart: number[] = [];
    const memoEnd: number[] = [];
    const memoStack: number[] = [];
    const memoNext: number[] = [];
    const equal = equalRanges(bytes);
    let i = skipSpace(bytes, sp.start + 1);
    let k = 0;
    const total = sp.count;
    while (k < total) {
      if ((k & 0x3fff) === 0) ctx.progress(0.3 + (0.6 * k) / total);
      if (bytes[i] === C.Comma) i = skipSpace(bytes, i + 1);
      if (bytes[i] !== C.LBracket) fail(`sample ${k} is not an array of frame indices`);
      const s0 = i;
      const close = bytes.indexOf(C.RBracket, i + 1);
      if (close < 0) fail(`sample ${k} is not closed`);
      i = close + 1;
      const s1 = i;
      const len = s1 - s0;
      // Key: length and the last bytes (the leaf end of the stack, where stacks differ most);
      // entries with the same key are chained and compared byte for byte.
      let h = Math.imul(len, 0x9e3779b1);
      for (let q = Math.max(s0 + 1, s1 - 33); q < s1; q++) h = Math.imul(h ^ bytes[q], 0x01000193);
      const key = h | 0;
      let stackId = -2;
      let m = memo.get(key);
      const head = m;
      while (m !== undefined && m >= 0) {
        if (memoEnd[m] - memoStart[m] === len && equal(memoStart[m], s0, len)) {
          stackId = memoStack[m];
          break;
        }
        m = memoNext[m] < 0 ? undefined : memoNext[m];
      }
      if (stackId === -2) {
        // First time these bytes are seen: parse the frame indices and intern the stack.
        let s = -1;
        let j = skipSpace(bytes, s0 + 1);
        while (j < s1 - 1) {
          const v = parseNumber(bytes, j);
          if (!Number.isInteger(v)) fail(`sample ${k} has a frame index that is not an integer`);
          s = stack(s, v);
          j = skipSpace(bytes, numEnd);
          if (bytes[j] === C.Comma) j = skipSpace(bytes, j + 1);
          else if (j < s1 - 1) fail(`sample ${k} is not a plain list of frame indices`);
        }
        stackId = s;
        memo.set(key, memoStart.length);
        memoNext.push(head === undefined ? -1 : head);
        memoStart.push(s0);
        memoEnd.push(s1);
        memoStack.push(s);
      }
      stacks[k++] = stackId;
      i = skipSpace(bytes, i);
    }
    const wsp = this.span(profile, 'weights');
    let weights: Float64Array | null = null;
    if (wsp) {
      if (wsp.count !== total) fail(`the profile has ${total} samples but ${wsp.count} weights`);
      weights = new Float64Array(total);
      let j = skipSpace(bytes, wsp.start + 1);
      for (let q = 0; q < total; q++) {
        if (bytes[j] === C.Comma) j = skipSpace(bytes, j + 1);
        const v = parseNumber(bytes, j);
        if (!Number.isFinite(v)) fail(`weight ${q} is not a finite number`);
        weights[q] = v;
        j = skipSpace(bytes, numEnd);
      }
    }
    return { stacks, weights };
  }
}

/**
 * Scans a big UTF-8 speedscope file. Returns the skeleton (the file's text with the scanned
 * arrays replaced by []) and the raw arrays, or undefined to use the ordinary path.
 */
export function scanSpeedscope(bytes: Uint8Array, ctx: LoadContext): { skeleton: string; raw: RawSampledArrays } | undefined {
  if (bytes.length < FAST_PATH_MIN_BYTES) return undefined;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  i = skipSpace(bytes, i);
  if (bytes[i] !== C.LBrace) return undefined;
  // Cheap content check before scanning 100 MB: speedscope files name their schema or "shared".
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  if (!head.includes('speedscope') && !head.includes('"shared"')) return undefined;
  const spans = findSpans(bytes, ctx);
  if (!spans || !spans.some((s) => s.key === 'samples')) return undefined;
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let at = i;
  for (const s of spans) {
    parts.push(decoder.decode(bytes.subarray(at, s.start)), '[]');
    at = s.end;
  }
  parts.push(decoder.decode(bytes.subarray(at)));
  return { skeleton: parts.join(''), raw: new RawArrays(bytes, spans) };
}
