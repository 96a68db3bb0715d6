// Writes a .uevrcap file as the capture streams: every write call appends complete chunks with a
// synchronous write, so what was handed to the writer is in the OS's hands at once and a crash of
// this process (or of the session) loses nothing already written.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CallbackInfo, FrameMetrics, SampledFrameInfo, ScriptError, ScriptReset, SessionInfo, LogLine, StackDef } from '../protocol/types';
import { CAPTURE_FORMAT_VERSION, CHUNK_HEADER_BYTES, ChunkType, LITTLE_ENDIAN, MAGIC, pad8 } from './format';
import { crc32 } from './crc32';

export interface CaptureHeader {
  formatVersion: number;
  protocol: number;
  session: SessionInfo;
  /** Effective sampling rate (0 = no samples). */
  samplingHz: number;
  /** Session clock (ms) at capture start: times in the file are on the session clock. */
  startTime: number;
  /** Wall-clock ISO time of the start. */
  startedAt: string;
  /** Program that wrote the file. */
  tool: string;
}

export type CaptureEvent =
  | ({ type: 'scriptReset' } & ScriptReset)
  | ({ type: 'scriptError' } & ScriptError)
  | ({ type: 'log' } & LogLine)
  | { type: 'callbackRegistered'; callback: CallbackInfo };

export interface CaptureEnd {
  /** Session clock at the stop. */
  stopTime: number;
  /** 'stopped', 'session ended: …', 'connection lost: …', 'aborted'. */
  reason: string;
  frames: number;
  samples: number;
  droppedFrames: number;
}

export interface SampleChunk {
  newFrames: SampledFrameInfo[];
  /** [id, parent, frame, line]; a missing line is written as 0 (unknown). */
  newStacks: StackDef[];
  samples: Array<[number, number, number, number]>;
}

/** Where chunks go: a file (append, synchronous) or memory (tests, benchmarks). */
export interface ChunkSink {
  write(bytes: Uint8Array): void;
  close(): void;
}

export class FileSink implements ChunkSink {
  private fd: number | undefined;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  write(bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`capture file ${this.path} is closed`);
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export class MemorySink implements ChunkSink {
  readonly parts: Uint8Array[] = [];
  write(bytes: Uint8Array): void {
    this.parts.push(bytes);
  }
  close(): void {}
  bytes(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

/** Encodes one chunk: header (type, length, payload CRC, header CRC), payload, zero padding to a multiple of 8. */
export function encodeChunk(type: ChunkType, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(CHUNK_HEADER_BYTES + pad8(payload.length));
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(payload.length, 4);
  out.writeUInt32LE(crc32(payload), 8);
  out.writeUInt32LE(crc32(out, 0, 12), 12);
  out.set(payload, CHUNK_HEADER_BYTES);
  return out;
}

/**
 * Version 3 stacks are always [id, parent, frame, line]: a sender that gives no line (an older
 * session) gets 0, "unknown". What a session sent is otherwise written as it came: the reader
 * validates every field (a hostile session cannot make the file unreadable, only its bad stacks).
 */
function withLines(stacks: StackDef[]): StackDef[] {
  let complete = true;
  for (const s of stacks) if (!Array.isArray(s) || s.length !== 4) complete = false;
  if (complete) return stacks;
  return stacks.map((s) => (Array.isArray(s) && s.length === 3 ? [s[0], s[1], s[2], 0] : s));
}

const jsonChunk = (type: ChunkType, value: unknown) => encodeChunk(type, Buffer.from(JSON.stringify(value), 'utf8'));

/** Copies a typed array's bytes into `out` at `off`, little-endian. Returns the new offset. */
function put(out: Buffer, off: number, arr: Float64Array | Int32Array | Int8Array): number {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), off);
    return off + arr.byteLength;
  }
  // Big-endian hosts: write element by element (no supported platform needs this today).
  for (let i = 0; i < arr.length; i++) {
    if (arr instanceof Float64Array) out.writeDoubleLE(arr[i]!, off + i * 8);
    else if (arr instanceof Int32Array) out.writeInt32LE(arr[i]!, off + i * 4);
    else out.writeInt8(arr[i]!, off + i);
  }
  return off + arr.byteLength;
}

/** FRAMES payload: counts, 7 f64 frame columns, then cost columns (f64 ms, i32 row/id/calls, i8 eye). */
export function encodeFrames(frames: FrameMetrics[]): Buffer {
  const n = frames.length;
  let nc = 0;
  for (const f of frames) nc += f.callbacks.length;
  const cols = Array.from({ length: 7 }, () => new Float64Array(n));
  const ms = new Float64Array(nc);
  const row = new Int32Array(nc);
  const id = new Int32Array(nc);
  const calls = new Int32Array(nc);
  const eye = new Int8Array(nc);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const f = frames[i]!;
    cols[0]![i] = f.frame;
    cols[1]![i] = f.start;
    cols[2]![i] = f.frameMs;
    cols[3]![i] = f.scriptsMs;
    cols[4]![i] = f.gcMs;
    cols[5]![i] = f.luaMemoryKb;
    cols[6]![i] = f.overheadMs;
    for (const c of f.callbacks) {
      ms[k] = c.ms;
      row[k] = i;
      id[k] = c.id;
      calls[k] = c.calls;
      eye[k] = c.eye;
      k++;
    }
  }
  const out = Buffer.alloc(8 + n * 56 + nc * 21);
  out.writeUInt32LE(n, 0);
  out.writeUInt32LE(nc, 4);
  let off = 8;
  for (const c of cols) off = put(out, off, c);
  off = put(out, off, ms);
  off = put(out, off, row);
  off = put(out, off, id);
  off = put(out, off, calls);
  put(out, off, eye);
  return out;
}

/** SAMPLES payload: count, pad, f64 time, f64 weight, i32 stack, i32 game frame. */
export function encodeSamples(samples: ArrayLike<readonly [number, number, number, number]>): Buffer {
  const n = samples.length;
  const time = new Float64Array(n);
  const weight = new Float64Array(n);
  const stack = new Int32Array(n);
  const frame = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    stack[i] = s[0];
    time[i] = s[1];
    weight[i] = s[2];
    frame[i] = s[3];
  }
  return encodeSampleColumns(time, weight, stack, frame);
}

export function encodeSampleColumns(time: Float64Array, weight: Float64Array, stack: Int32Array, frame: Int32Array): Buffer {
  const n = time.length;
  const out = Buffer.alloc(8 + n * 24);
  out.writeUInt32LE(n, 0);
  let off = 8;
  off = put(out, off, time);
  off = put(out, off, weight);
  off = put(out, off, stack);
  put(out, off, frame);
  return out;
}

export class CaptureWriter {
  private closed = false;
  framesWritten = 0;
  samplesWritten = 0;

  constructor(
    private readonly sink: ChunkSink,
    header: Omit<CaptureHeader, 'formatVersion'>,
  ) {
    sink.write(Buffer.concat([Buffer.from(MAGIC, 'latin1'), jsonChunk(ChunkType.Header, { formatVersion: CAPTURE_FORMAT_VERSION, ...header })]));
  }

  static toFile(path: string, header: Omit<CaptureHeader, 'formatVersion'>): CaptureWriter {
    return new CaptureWriter(new FileSink(path), header);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  writeCallbacks(callbacks: CallbackInfo[]): void {
    if (callbacks.length) this.append(jsonChunk(ChunkType.Callbacks, callbacks));
  }

  writeFrames(frames: FrameMetrics[]): void {
    if (!frames.length) return;
    this.append(encodeChunk(ChunkType.Frames, encodeFrames(frames)));
    this.framesWritten += frames.length;
  }

  /** Definitions first, then samples, in one write: a sample never lands without its stacks. */
  writeSamples(b: SampleChunk): void {
    const parts: Buffer[] = [];
    if (b.newFrames.length || b.newStacks.length) parts.push(jsonChunk(ChunkType.Definitions, { frames: b.newFrames, stacks: withLines(b.newStacks) }));
    if (b.samples.length) parts.push(encodeChunk(ChunkType.Samples, encodeSamples(b.samples)));
    if (parts.length) this.append(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    this.samplesWritten += b.samples.length;
  }

  /** Pre-packed sample columns (benchmarks, converters). */
  writeSampleColumns(time: Float64Array, weight: Float64Array, stack: Int32Array, frame: Int32Array): void {
    this.append(encodeChunk(ChunkType.Samples, encodeSampleColumns(time, weight, stack, frame)));
    this.samplesWritten += time.length;
  }

  writeDefinitions(frames: SampledFrameInfo[], stacks: StackDef[]): void {
    this.append(jsonChunk(ChunkType.Definitions, { frames, stacks: withLines(stacks) }));
  }

  writeEvents(events: CaptureEvent[]): void {
    if (events.length) this.append(jsonChunk(ChunkType.Events, events));
  }

  /** Writes the END chunk and closes. Without it the reader reports the file as truncated. */
  close(end: CaptureEnd): void {
    if (this.closed) return;
    this.append(jsonChunk(ChunkType.End, end));
    this.closed = true;
    this.sink.close();
  }

  /** Closes without END (the file then reads as truncated): for abandoning a broken capture. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.close();
  }

  private append(bytes: Uint8Array): void {
    if (this.closed) throw new Error('capture writer is closed');
    this.sink.write(bytes);
  }
}
