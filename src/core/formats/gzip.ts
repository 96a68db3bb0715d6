// gzip-compressed profiles (pprof files almost always are; people also gzip big JSON traces).
// Inflated with Node's zlib, with a cap on the output so a small "zip bomb" cannot exhaust memory.

import { gunzipSync } from 'node:zlib';
import { FormatProblem } from './errors';

/** Largest inflated size we accept: well above any profile a flame graph can show. */
export const MAX_INFLATED_BYTES = 1 << 30;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

export function gunzip(bytes: Uint8Array, maxBytes = MAX_INFLATED_BYTES): Uint8Array {
  try {
    const out = gunzipSync(bytes, { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || (err instanceof RangeError)) throw new FormatProblem(`it inflates to more than ${Math.round(maxBytes / 2 ** 20)} MB`);
    throw new FormatProblem(`the compressed data is damaged or cut short (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}
