// The .uevrcap capture file, format version 1 (docs/capture-format.md). Append-only: a 16-byte
// magic line, then chunks [u32 type][u32 byteLength][payload][zero padding to 8 bytes]. JSON chunks
// carry the few structured things (header, callbacks, frame/stack definitions, events); the bulk
// (frames, per-callback costs, samples) is packed little-endian columns that load with one memcpy.
// Each chunk is written whole as data arrives, so a file cut anywhere still reads up to its last
// complete chunk, and the missing END chunk says the recording did not finish.

export const CAPTURE_FORMAT_VERSION = 1;
/** "UEVRCAP v1", padded with spaces to 15 bytes, then a newline: `head -1 file` shows it. */
export const MAGIC = 'UEVRCAP v1     \n';
export const MAGIC_PREFIX = 'UEVRCAP v';
export const MAGIC_BYTES = 16;
export const CHUNK_HEADER_BYTES = 8;

export const enum ChunkType {
  Header = 1,
  Callbacks = 2,
  Frames = 3,
  Definitions = 4,
  Samples = 5,
  Events = 6,
  End = 7,
}

/** True when the bytes start like a capture file (content detection, whatever the file name). */
export function isCapture(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC_PREFIX.length) return false;
  for (let i = 0; i < MAGIC_PREFIX.length; i++) if (bytes[i] !== MAGIC_PREFIX.charCodeAt(i)) return false;
  return true;
}

export const pad8 = (n: number): number => (n + 7) & ~7;

/** Typed arrays are platform-endian; the file is little-endian. Every platform we run on is LE. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
