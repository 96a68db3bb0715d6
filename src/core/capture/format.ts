// The .uevrcap capture file, format version 3 (docs/capture-format.md). Append-only: a 16-byte
// magic line, then chunks [u32 type][u32 byteLength][u32 crc32(payload)][u32 crc32(these 12 bytes)]
// [payload][zero padding to 8 bytes]; version 1 (still read) had only type and length. The two
// checksums let a reader tell a damaged chunk from data and find the next good chunk. JSON chunks
// carry the few structured things (header, callbacks, frame/stack definitions, events); the bulk
// (frames, per-callback costs, samples) is packed little-endian columns that load with one memcpy.
// Each chunk is written whole as data arrives, so a file cut anywhere still reads up to its last
// complete chunk, and the missing END chunk says the recording did not finish.

// Version 3 (same chunks as 2) adds the line to each stack definition: [id, parent, frame, line].
export const CAPTURE_FORMAT_VERSION = 3;
/** Versions this reader opens: 1 (no checksums), 2, and 3 (stack lines); 1 and 2's lines read as 0 (unknown). */
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2, 3];
/** "UEVRCAP v3", padded with spaces to 15 bytes, then a newline: `head -1 file` shows it. */
export const MAGIC = 'UEVRCAP v3     \n';
export const MAGIC_PREFIX = 'UEVRCAP v';
export const MAGIC_BYTES = 16;
/** Chunk header of versions 2 and 3 (the one written): type, length, payload CRC, header CRC. */
export const CHUNK_HEADER_BYTES = 16;
/** Chunk header of version 1: type, length. */
export const CHUNK_HEADER_BYTES_V1 = 8;
/**
 * Damaged, empty or unknown chunks a reader tolerates before it stops: a file of zeros or noise
 * costs a bounded amount of work and memory, never one entry per 8 bytes.
 */
export const MAX_DAMAGED_CHUNKS = 64;
export const MAX_UNKNOWN_CHUNKS = 1024;
/** Bytes a reader scans past a damaged chunk header for the next good one before it gives up. */
export const MAX_RESYNC_SCAN_BYTES = 64 * 1024 * 1024;

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
