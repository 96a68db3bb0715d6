// Reads a .uevrcap file into the columnar Profile directly: bulk columns are copied out of the file
// with memcpy-like typed-array copies, never as per-sample objects, so a million samples open in
// milliseconds. A file cut short (crash of either side) opens with what it has and says so in
// meta.truncated / meta.truncatedReason.
import type { CallbackInfo, SampledFrameInfo, SessionInfo, StackDef } from '../protocol/types';
import type { Profile } from '../profile/types';
import {
  CHUNK_HEADER_BYTES,
  CHUNK_HEADER_BYTES_V1,
  ChunkType,
  isCapture,
  LITTLE_ENDIAN,
  MAGIC_BYTES,
  MAGIC_PREFIX,
  MAX_DAMAGED_CHUNKS,
  MAX_RESYNC_SCAN_BYTES,
  MAX_UNKNOWN_CHUNKS,
  pad8,
  READABLE_FORMAT_VERSIONS,
} from './format';
import { crc32 } from './crc32';
import type { CaptureEnd, CaptureEvent, CaptureHeader } from './writer';

/** The file is not a capture, or its header is unreadable: nothing can be shown. */
export class CaptureFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureFormatError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Span {
  off: number;
  len: number;
}

/** Copies n elements of a little-endian column at byte offset `off` into dest[destOff…]. */
function copyF64(bytes: Uint8Array, off: number, n: number, dest: Float64Array, destOff: number): void {
  if (!LITTLE_ENDIAN) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset + off, n * 8);
    for (let i = 0; i < n; i++) dest[destOff + i] = dv.getFloat64(i * 8, true);
    return;
  }
  const abs = bytes.byteOffset + off;
  const src = abs % 8 === 0 ? new Float64Array(bytes.buffer, abs, n) : new Float64Array(bytes.slice(off, off + n * 8).buffer);
  dest.set(src, destOff);
}

function copyI32(bytes: Uint8Array, off: number, n: number, dest: Int32Array, destOff: number): void {
  if (!LITTLE_ENDIAN) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset + off, n * 4);
    for (let i = 0; i < n; i++) dest[destOff + i] = dv.getInt32(i * 4, true);
    return;
  }
  const abs = bytes.byteOffset + off;
  const src = abs % 4 === 0 ? new Int32Array(bytes.buffer, abs, n) : new Int32Array(bytes.slice(off, off + n * 4).buffer);
  dest.set(src, destOff);
}

const u32 = (b: Uint8Array, off: number) => (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;

function parseJson(bytes: Uint8Array, s: Span, what: string): unknown {
  try {
    return JSON.parse(utf8.decode(bytes.subarray(s.off, s.off + s.len)));
  } catch {
    throw new CaptureFormatError(`${what} chunk at payload byte ${s.off} is not valid JSON`);
  }
}

/** One chunk found by the walk: where its payload is, its type, and its ordinal number in the file. */
type ChunkSpan = Span & { type: number; index: number };

interface ChunkWalk {
  version: number;
  spans: ChunkSpan[];
  truncatedReason?: string;
  /** One line per damaged chunk ("chunk 12 damaged: 3,400 samples skipped"). */
  damage: string[];
  samplesSkipped: number;
  framesSkipped: number;
}

const KNOWN_TYPES = new Set<number>([
  ChunkType.Header,
  ChunkType.Callbacks,
  ChunkType.Frames,
  ChunkType.Definitions,
  ChunkType.Samples,
  ChunkType.Events,
  ChunkType.End,
]);

const fmtCount = (n: number) => n.toLocaleString('en-US');

/** Reads the magic line; throws CaptureFormatError for what is not a capture of a known version. */
function captureVersion(bytes: Uint8Array, fileName: string): number {
  if (!isCapture(bytes) || bytes.length < MAGIC_BYTES) {
    throw new CaptureFormatError(`${fileName} is not a UEVR capture (it does not start with "${MAGIC_PREFIX}")`);
  }
  const version = parseInt(String.fromCharCode(...bytes.subarray(MAGIC_PREFIX.length, MAGIC_BYTES)), 10);
  if (!READABLE_FORMAT_VERSIONS.includes(version)) {
    throw new CaptureFormatError(
      `${fileName} is capture format version ${Number.isNaN(version) ? '?' : version}; this reader reads versions ${READABLE_FORMAT_VERSIONS.join(' and ')}`,
    );
  }
  return version;
}

/** Version 2: true when the 16 bytes at `off` are a chunk header whose own checksum matches. */
function goodHeaderV2(bytes: Uint8Array, off: number): boolean {
  return off + CHUNK_HEADER_BYTES <= bytes.length && crc32(bytes, off, 12) === u32(bytes, off + 12);
}

/** What a damaged chunk (its header good, its payload not) held, for the damage line. */
function describeDamaged(bytes: Uint8Array, index: number, type: number, off: number, len: number, w: ChunkWalk): string {
  const n = len >= 8 ? u32(bytes, off) : -1;
  if (type === ChunkType.Samples && n >= 0 && 8 + n * 24 <= len) {
    w.samplesSkipped += n;
    return `chunk ${index} damaged: ${fmtCount(n)} samples skipped`;
  }
  if (type === ChunkType.Frames && n >= 0 && 8 + n * 56 <= len) {
    w.framesSkipped += n;
    return `chunk ${index} damaged: ${fmtCount(n)} frames skipped`;
  }
  if (type === ChunkType.Definitions) return `chunk ${index} damaged: stack definitions skipped (samples using them show as unknown frames)`;
  if (type === ChunkType.End) return `chunk ${index} damaged: the end record is unreadable`;
  return `chunk ${index} damaged: ${fmtCount(len)} bytes skipped`;
}

/**
 * Pass 1: walks the chunk headers. Work and memory are bounded whatever the bytes are: the first
 * chunk must be the header (a file of zeros fails at once), and empty, unknown or damaged chunks
 * are counted against caps instead of each becoming an entry.
 */
function walkChunks(bytes: Uint8Array, fileName: string): ChunkWalk {
  const version = captureVersion(bytes, fileName);
  const hdr = version >= 2 ? CHUNK_HEADER_BYTES : CHUNK_HEADER_BYTES_V1;
  const w: ChunkWalk = { version, spans: [], damage: [], samplesSkipped: 0, framesSkipped: 0 };
  let off = MAGIC_BYTES;
  let index = 0;
  let unknown = 0;
  const noHeader = (why: string) => new CaptureFormatError(`${fileName} has no readable header chunk (${why})`);
  while (off < bytes.length) {
    if (w.damage.length > MAX_DAMAGED_CHUNKS) {
      w.truncatedReason = `more than ${MAX_DAMAGED_CHUNKS} damaged chunks: reading stopped at byte ${off}`;
      break;
    }
    if (bytes.length - off < hdr) {
      if (index === 0) throw noHeader('the file is cut short');
      w.truncatedReason = `file ends inside a chunk header at byte ${off}`;
      break;
    }
    if (version >= 2 && !goodHeaderV2(bytes, off)) {
      if (index === 0) throw noHeader(`the chunk header at byte ${off} is damaged`);
      // Find the next chunk whose header checks out; chunks start at multiples of 8.
      let next = -1;
      const scanEnd = Math.min(bytes.length - hdr, off + MAX_RESYNC_SCAN_BYTES);
      for (let p = off + 8; p <= scanEnd; p += 8) {
        if (goodHeaderV2(bytes, p) && KNOWN_TYPES.has(u32(bytes, p)) && p + hdr + u32(bytes, p + 4) <= bytes.length) {
          next = p;
          break;
        }
      }
      const at = index++;
      if (next < 0) {
        w.damage.push(`chunk ${at} damaged: its header at byte ${off} is unreadable and no readable chunk follows`);
        w.truncatedReason = `damaged from byte ${off} on`;
        break;
      }
      w.damage.push(`chunk ${at} damaged: bytes ${off}–${next} skipped (unreadable chunk header)`);
      off = next;
      continue;
    }
    const type = u32(bytes, off);
    const len = u32(bytes, off + 4);
    if (off + hdr + len > bytes.length) {
      if (index === 0) throw noHeader('the file is cut short');
      w.truncatedReason = `file ends inside chunk ${index} at byte ${off} (${len} bytes declared, ${bytes.length - off - hdr} present)`;
      break;
    }
    const at = index++;
    const payload = off + hdr;
    const next = off + hdr + pad8(len);
    if (version >= 2 && crc32(bytes, payload, len) !== u32(bytes, off + 8)) {
      if (at === 0) throw noHeader('its checksum does not match');
      w.damage.push(describeDamaged(bytes, at, type, payload, len, w));
      off = next;
      continue;
    }
    if (at === 0 && type !== ChunkType.Header) throw noHeader(`the first chunk has type ${type}`);
    if (len === 0) {
      // No writer writes an empty chunk: a run of zeros (a crashed capture can end so) is damage.
      w.damage.push(`chunk ${at} damaged: empty chunk of type ${type} at byte ${off}`);
      off = next;
      continue;
    }
    if (!KNOWN_TYPES.has(type)) {
      // Newer writers may add chunk types (skipped); version 1 writers never did, so there it is damage.
      if (version < 2) w.damage.push(`chunk ${at} damaged: unknown chunk type ${type} at byte ${off}`);
      if (++unknown > MAX_UNKNOWN_CHUNKS) {
        w.truncatedReason = `more than ${MAX_UNKNOWN_CHUNKS} chunks of unknown types: reading stopped at byte ${off}`;
        break;
      }
      off = next;
      continue;
    }
    w.spans.push({ type, off: payload, len, index: at });
    off = next;
    if (type === ChunkType.End) break;
  }
  return w;
}

/** Reads a capture. Throws CaptureFormatError (one-line message) when nothing usable is in it. */
export function readCapture(bytes: Uint8Array, fileName: string): Profile {
  // Pass 1: walk the chunk headers, collect spans, and count rows so every column is allocated once.
  const walk = walkChunks(bytes, fileName);
  const spans = walk.spans;
  let truncatedReason = walk.truncatedReason;
  const first = spans[0];
  if (!first || first.type !== ChunkType.Header) throw new CaptureFormatError(`${fileName} has no header chunk (the file is cut short or damaged)`);
  const header = parseJson(bytes, first, 'header') as Partial<CaptureHeader>;
  if (typeof header !== 'object' || header === null || typeof header.session !== 'object' || header.session === null) {
    throw new CaptureFormatError(`${fileName}: header chunk lacks "session"`);
  }
  const session = header.session as Partial<SessionInfo>;

  let nFrames = 0;
  let nCosts = 0;
  let nSamples = 0;
  let end: Partial<CaptureEnd> | undefined;
  const callbacksInfo: CallbackInfo[] = [];
  const frameDefs: SampledFrameInfo[] = [];
  const stackDefs: StackDef[] = [];
  const events: CaptureEvent[] = [];
  const usable: typeof spans = [];
  try {
    for (const s of spans.slice(1)) {
      switch (s.type) {
        case ChunkType.Frames: {
          const n = u32(bytes, s.off);
          const nc = u32(bytes, s.off + 4);
          if (8 + n * 56 + nc * 21 > s.len) throw new CaptureFormatError(`frames chunk ${s.index} is shorter than its counts say`);
          nFrames += n;
          nCosts += nc;
          break;
        }
        case ChunkType.Samples: {
          const n = u32(bytes, s.off);
          if (8 + n * 24 > s.len) throw new CaptureFormatError(`samples chunk ${s.index} is shorter than its count says`);
          nSamples += n;
          break;
        }
        case ChunkType.Callbacks: {
          const v = parseJson(bytes, s, 'callbacks');
          if (Array.isArray(v)) callbacksInfo.push(...(v as CallbackInfo[]));
          break;
        }
        case ChunkType.Definitions: {
          const v = parseJson(bytes, s, 'definitions') as { frames?: SampledFrameInfo[]; stacks?: StackDef[] };
          if (Array.isArray(v?.frames)) for (const f of v.frames) frameDefs.push(f);
          if (Array.isArray(v?.stacks)) for (const d of v.stacks) stackDefs.push(d);
          break;
        }
        case ChunkType.Events: {
          const v = parseJson(bytes, s, 'events');
          if (Array.isArray(v)) events.push(...(v as CaptureEvent[]));
          break;
        }
        case ChunkType.End:
          end = parseJson(bytes, s, 'end') as Partial<CaptureEnd>;
          break;
        default:
          break; // Unknown chunk types are skipped: newer writers may add chunks old readers ignore.
      }
      usable.push(s);
    }
  } catch (e) {
    // A damaged chunk ends the readable part, like a cut file does.
    truncatedReason = e instanceof Error ? e.message : String(e);
  }
  if (!end && !truncatedReason) truncatedReason = 'the recording did not finish (no end chunk)';
  for (const e of events) if (e && e.type === 'callbackRegistered' && e.callback) callbacksInfo.push(e.callback);

  // Callbacks: one row per registration id.
  const cbRow = new Map<number, number>();
  const cbName: string[] = [];
  const cbFile: string[] = [];
  const cbLine: number[] = [];
  const addCallback = (id: number, name: string, file: string, line: number) => {
    cbRow.set(id, cbName.length);
    cbName.push(name);
    cbFile.push(file);
    cbLine.push(line);
  };
  for (const c of callbacksInfo) {
    if (c && typeof c.id === 'number' && !cbRow.has(c.id)) addCallback(c.id, String(c.name), String(c.file ?? ''), Number(c.line) || 0);
  }

  // Frames and callback costs.
  const gf = {
    index: new Float64Array(nFrames),
    start: new Float64Array(nFrames),
    duration: new Float64Array(nFrames),
    scriptsMs: new Float64Array(nFrames),
    gcMs: new Float64Array(nFrames),
    luaMemoryKb: new Float64Array(nFrames),
  };
  const overhead = new Float64Array(nFrames);
  const ctFrame = new Int32Array(nCosts);
  const ctCallback = new Int32Array(nCosts);
  const ctEye = new Int8Array(nCosts);
  const ctStart = new Float64Array(nCosts);
  const ctDuration = new Float64Array(nCosts);
  const sStack = new Int32Array(nSamples);
  const sTime = new Float64Array(nSamples);
  const sWeight = new Float64Array(nSamples);
  let fi = 0;
  let ci = 0;
  let si = 0;
  const tmpRow = new Int32Array(0);
  let scratch = tmpRow;
  let scratchId = tmpRow;
  for (const s of usable) {
    if (s.type === ChunkType.Frames) {
      const n = u32(bytes, s.off);
      const nc = u32(bytes, s.off + 4);
      let o = s.off + 8;
      for (const col of [gf.index, gf.start, gf.duration, gf.scriptsMs, gf.gcMs, gf.luaMemoryKb, overhead]) {
        copyF64(bytes, o, n, col, fi);
        o += n * 8;
      }
      copyF64(bytes, o, nc, ctDuration, ci);
      o += nc * 8;
      if (scratch.length < nc) {
        scratch = new Int32Array(nc);
        scratchId = new Int32Array(nc);
      }
      copyI32(bytes, o, nc, scratch, 0);
      o += nc * 4;
      copyI32(bytes, o, nc, scratchId, 0);
      o += nc * 8; // skip calls (not in the profile model)
      for (let k = 0; k < nc; k++) {
        const row = fi + Math.min(Math.max(scratch[k]!, 0), n - 1);
        const id = scratchId[k]!;
        let cb = cbRow.get(id);
        if (cb === undefined) {
          addCallback(id, `callback#${id}`, '', 0);
          cb = cbRow.get(id)!;
        }
        ctFrame[ci + k] = row;
        ctCallback[ci + k] = cb;
        const eye = (bytes[o + k]! << 24) >> 24; // i8
        ctEye[ci + k] = eye;
        // Per-call start times are not in the stream: a callback's row starts with its frame.
        ctStart[ci + k] = gf.start[row]!;
      }
      fi += n;
      ci += nc;
    } else if (s.type === ChunkType.Samples) {
      const n = u32(bytes, s.off);
      let o = s.off + 8;
      copyF64(bytes, o, n, sTime, si);
      o += n * 8;
      copyF64(bytes, o, n, sWeight, si);
      o += n * 8;
      copyI32(bytes, o, n, sStack, si);
      si += n;
    }
  }

  // Sampled frames and stacks: remap the session's ids to dense rows.
  const frameRow = new Map<number, number>();
  const fName: string[] = [];
  const fFile: string[] = [];
  const fLine: number[] = [];
  const fKind: number[] = [];
  for (const f of frameDefs) {
    if (!f || !Number.isSafeInteger(f.id) || frameRow.has(f.id)) continue;
    frameRow.set(f.id, fName.length);
    fName.push(String(f.name ?? ''));
    fFile.push(String(f.file ?? ''));
    fLine.push(Number(f.line) || 0);
    fKind.push(f.kind >= 0 && f.kind <= 3 ? f.kind : 3);
  }
  let unknownRefs = 0;
  const frameOf = (id: number): number => {
    let r = frameRow.get(id);
    if (r === undefined) {
      unknownRefs++;
      r = fName.length;
      frameRow.set(id, r);
      fName.push(`(unknown frame ${id})`);
      fFile.push('');
      fLine.push(0);
      fKind.push(3);
    }
    return r;
  };
  // Only well-formed [id, parent, frame] integer triples count; anything else is damage, skipped.
  const validStacks = stackDefs.filter(
    (d) => Array.isArray(d) && Number.isSafeInteger(d[0]) && d[0] >= 0 && Number.isSafeInteger(d[1]) && Number.isSafeInteger(d[2]),
  );
  unknownRefs += stackDefs.length - validStacks.length;
  let maxStackId = -1;
  for (const d of validStacks) if (d[0] > maxStackId) maxStackId = d[0];
  const denseIds = maxStackId < 4 * validStacks.length + 1024;
  const stackLookup = denseIds ? new Int32Array(maxStackId + 1).fill(-1) : undefined;
  const stackMap = denseIds ? undefined : new Map<number, number>();
  const stParent: number[] = [];
  const stFrame: number[] = [];
  const stLine: number[] = [];
  const stParentId: number[] = [];
  // Version 3's 4th element: the frame's current line. Versions 1 and 2 have none (0 = unknown), and a
  // line that is missing, not an integer, not positive or beyond 2^31 - 1 is unknown too: a damaged
  // line costs its precision, never the stack (its time stays on the function).
  const lineOf = (d: StackDef): number => {
    const l = d[3];
    return walk.version >= 3 && typeof l === 'number' && Number.isInteger(l) && l > 0 && l <= 0x7fffffff ? l : 0;
  };
  for (const d of validStacks) {
    const row = stFrame.length;
    if (stackLookup) {
      if (stackLookup[d[0]] !== -1) continue;
      stackLookup[d[0]] = row;
    } else {
      if (stackMap!.has(d[0])) continue;
      stackMap!.set(d[0], row);
    }
    stFrame.push(frameOf(d[2]));
    stLine.push(lineOf(d));
    stParentId.push(d[1]);
    stParent.push(-1);
  }
  const stackOf = (id: number): number => {
    if (id < 0) return -1;
    if (stackLookup) return id < stackLookup.length ? stackLookup[id]! : -1;
    return stackMap!.get(id) ?? -1;
  };
  for (let i = 0; i < stParent.length; i++) {
    const p = stParentId[i]!;
    const parentRow = p < 0 ? -1 : stackOf(p);
    // Parents are defined before children; a parent defined later (or itself) could form a cycle
    // that would hang every tree walk, so such a stack becomes a root and is counted as damage.
    stParent[i] = parentRow < i ? parentRow : -1;
    if (p >= 0 && stParent[i] === -1) unknownRefs++;
  }
  // A sample whose stack was never defined is kept, on a synthetic root, so no time goes missing.
  let unknownStackRow = -1;
  for (let i = 0; i < nSamples; i++) {
    const id = sStack[i]!;
    // Hot loop (a million samples): the dense lookup inline, the Map only for sparse ids.
    let r = stackLookup ? (id >= 0 && id < stackLookup.length ? stackLookup[id]! : -1) : stackOf(id);
    if (r < 0) {
      if (unknownStackRow < 0) {
        unknownStackRow = stFrame.length;
        stFrame.push(frameOf(-1));
        stLine.push(0);
        stParent.push(-1);
      }
      unknownRefs++;
      r = unknownStackRow;
    }
    sStack[i] = r;
  }

  // Times relative to the capture start.
  const t0 = typeof header.startTime === 'number' ? header.startTime : nFrames ? gf.start[0]! : nSamples ? sTime[0]! : 0;
  let lastT = 0;
  for (let i = 0; i < nFrames; i++) {
    gf.start[i]! -= t0;
    lastT = Math.max(lastT, gf.start[i]! + gf.duration[i]!);
  }
  for (let i = 0; i < nCosts; i++) ctStart[i]! -= t0;
  for (let i = 0; i < nSamples; i++) {
    sTime[i]! -= t0;
    if (sTime[i]! > lastT) lastT = sTime[i]!;
  }

  let overheadSum = 0;
  let scriptsSum = 0;
  for (let i = 0; i < nFrames; i++) {
    overheadSum += overhead[i]!;
    scriptsSum += gf.scriptsMs[i]!;
  }
  const game = String(session.game ?? 'unknown game');
  const meta: Profile['meta'] = {
    game,
    pid: Number(session.pid) || 0,
    sessionKind: String(session.kind ?? ''),
    hostVersion: String(session.hostVersion ?? ''),
    refreshRateHz: Number(session.refreshRateHz) || 0,
    samplingHz: Number(header.samplingHz) || 0,
    startedAt: String(header.startedAt ?? ''),
    tool: String(header.tool ?? ''),
    formatVersion: walk.version,
    protocol: Number(header.protocol) || 0,
    frames: nFrames,
    sampleCount: nSamples,
    overheadMsPerFrame: nFrames ? overheadSum / nFrames : 0,
    scriptsMsPerFrame: nFrames ? scriptsSum / nFrames : 0,
    scriptResets: events.filter((e) => e?.type === 'scriptReset').length,
    scriptErrors: events.filter((e) => e?.type === 'scriptError').length,
    droppedFrames: Number(end?.droppedFrames) || 0,
    truncated: truncatedReason !== undefined,
  };
  if (truncatedReason !== undefined) meta.truncatedReason = truncatedReason;
  if (end?.reason) meta.endReason = String(end.reason);
  if (unknownRefs) meta.unknownReferences = unknownRefs;
  if (walk.damage.length) {
    // Damage is reported, never shown as data: the damaged chunks' rows are simply absent.
    meta.damagedChunks = walk.damage.length;
    meta.damage = walk.damage.length > 3 ? `${walk.damage.slice(0, 3).join('; ')}; and ${walk.damage.length - 3} more` : walk.damage.join('; ');
    if (walk.samplesSkipped) meta.samplesSkipped = walk.samplesSkipped;
    if (walk.framesSkipped) meta.framesSkipped = walk.framesSkipped;
  }

  return {
    name: `${game} ${String(header.startedAt ?? '')}`.trim(),
    source: 'uevrcap',
    weightUnit: 'milliseconds',
    durationMs: lastT,
    frames: { length: fName.length, name: fName, file: fFile, line: Int32Array.from(fLine), kind: Uint8Array.from(fKind) },
    stacks: { length: stFrame.length, parent: Int32Array.from(stParent), frame: Int32Array.from(stFrame), line: Int32Array.from(stLine) },
    samples: { length: nSamples, stack: sStack, weight: sWeight, time: sTime },
    gameFrames: { length: nFrames, ...gf },
    callbacks: { length: cbName.length, name: cbName, file: cbFile, line: Int32Array.from(cbLine) },
    callbackTimings: { length: nCosts, gameFrame: ctFrame, callback: ctCallback, eye: ctEye, start: ctStart, duration: ctDuration },
    meta,
  };
}

/** The events of a capture (script resets, errors, log lines), for views that show them. */
export function readCaptureEvents(bytes: Uint8Array): CaptureEvent[] {
  const out: CaptureEvent[] = [];
  let walk: ChunkWalk;
  try {
    walk = walkChunks(bytes, 'capture');
  } catch {
    return out;
  }
  for (const s of walk.spans) {
    if (s.type !== ChunkType.Events) continue;
    try {
      const v = parseJson(bytes, s, 'events');
      if (Array.isArray(v)) out.push(...(v as CaptureEvent[]));
    } catch {
      break;
    }
  }
  return out;
}
