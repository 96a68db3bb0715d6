// DAP base-protocol framing: `Content-Length: N\r\n\r\n` followed by N bytes of UTF-8 JSON.
// The decoder is incremental (bytes may arrive split anywhere) and bounded: it never buffers more
// than one header (maxHeaderBytes) or one body (maxContentLength), so a hostile peer cannot make it
// allocate without limit. Errors are values, not throws, so one bad message costs one error reply.

/** Default hard limits. 16 MiB bodies are far above any message the session sends or accepts. */
export const DEFAULT_MAX_HEADER_BYTES = 1024;
export const DEFAULT_MAX_CONTENT_LENGTH = 16 * 1024 * 1024;

export interface DecoderLimits {
  maxHeaderBytes?: number;
  maxContentLength?: number;
}

/**
 * A decoding problem. `fatal` means the byte stream can no longer be split into messages (bad or
 * oversized header): the connection must be closed. Non-fatal errors concern one message body whose
 * frame was read completely (invalid UTF-8, invalid JSON, not an object): the stream continues.
 */
export class FramingError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
  ) {
    super(message);
    this.name = 'FramingError';
  }
}

export type DecodedItem =
  | { kind: 'message'; value: Record<string, unknown> }
  | { kind: 'error'; error: FramingError };

const TERMINATOR = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Encodes one message as a DAP frame. */
export function encodeMessage(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const head = Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'latin1');
  return Buffer.concat([head, body]);
}

/** Parses the header block (without the final blank line). Returns the body length or an error text. */
function parseHeader(text: string, maxContentLength: number): number | string {
  let length: number | undefined;
  for (const line of text.split('\r\n')) {
    // Header field names are tokens; values printable ASCII. Anything else is garbage, not DAP.
    const m = /^([A-Za-z0-9-]+):[ \t]*([\x20-\x7e]*)$/.exec(line);
    if (!m) return `invalid header line ${JSON.stringify(line.slice(0, 60))}`;
    if (m[1]!.toLowerCase() !== 'content-length') continue; // DAP allows other fields; ignore them.
    if (length !== undefined) return 'duplicate Content-Length header';
    const v = m[2]!.trim();
    if (!/^\d{1,12}$/.test(v)) return `invalid Content-Length ${JSON.stringify(v.slice(0, 20))}`;
    length = Number(v);
    if (length > maxContentLength) return `Content-Length ${length} exceeds the limit of ${maxContentLength} bytes`;
  }
  if (length === undefined) return 'missing Content-Length header';
  return length;
}

export class MessageDecoder {
  private readonly maxHeaderBytes: number;
  private maxContentLength: number;
  /** Unparsed bytes while reading a header (at most one header plus what followed it in a chunk). */
  private pending: Buffer = EMPTY;
  /** Body chunks collected while reading a body; joined once when complete (no quadratic copying). */
  private bodyChunks: Buffer[] = [];
  private bodyBuffered = 0;
  private bodyLength = -1;
  private dead = false;

  constructor(limits: DecoderLimits = {}) {
    this.maxHeaderBytes = limits.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    this.maxContentLength = limits.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  }

  /**
   * Changes the body limit for headers not yet read. The session server keeps it small (64 KiB)
   * until a client has attached, so an unauthenticated peer cannot make it buffer 16 MiB.
   */
  setMaxContentLength(n: number): void {
    this.maxContentLength = n;
  }

  /** True after a fatal error: further input is ignored. */
  get failed(): boolean {
    return this.dead;
  }

  /** Bytes currently held (for tests that check memory stays bounded). */
  get bufferedBytes(): number {
    return this.pending.length + this.bodyBuffered;
  }

  /** Feeds bytes; returns the messages and errors completed by them, in order. */
  push(chunk: Uint8Array): DecodedItem[] {
    const out: DecodedItem[] = [];
    if (this.dead || chunk.length === 0) return out;
    let data: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    for (;;) {
      if (this.bodyLength >= 0) {
        const need = this.bodyLength - this.bodyBuffered;
        if (data.length < need) {
          if (data.length) this.bodyChunks.push(data);
          this.bodyBuffered += data.length;
          return out;
        }
        this.bodyChunks.push(data.subarray(0, need));
        data = data.subarray(need);
        const body = this.bodyChunks.length === 1 ? this.bodyChunks[0]! : Buffer.concat(this.bodyChunks);
        this.bodyChunks = [];
        this.bodyBuffered = 0;
        this.bodyLength = -1;
        out.push(decodeBody(body));
        continue;
      }
      // Header state: join what is left from before with the new data (both small, or data alone).
      const buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
      data = EMPTY;
      if (buf.length === 0) {
        this.pending = EMPTY;
        return out;
      }
      // A header is printable ASCII and starts with a field-name byte: anything else (a TLS
      // ClientHello, binary noise) can never become a header, so fail at once instead of waiting.
      const bad = badHeaderByte(buf, this.pending.length);
      if (bad) return this.fail(out, bad);
      const end = buf.indexOf(TERMINATOR, 0);
      if (end < 0 || end > this.maxHeaderBytes) {
        if (end >= 0 || buf.length > this.maxHeaderBytes + TERMINATOR.length) {
          return this.fail(out, `header exceeds ${this.maxHeaderBytes} bytes without a blank line`);
        }
        // Copy so a small pending header does not pin a large chunk in memory.
        this.pending = Buffer.from(buf);
        return out;
      }
      const parsed = parseHeader(buf.toString('latin1', 0, end), this.maxContentLength);
      if (typeof parsed === 'string') return this.fail(out, parsed);
      this.pending = EMPTY;
      this.bodyLength = parsed;
      data = buf.subarray(end + TERMINATOR.length);
      if (parsed === 0) {
        this.bodyLength = -1;
        out.push({ kind: 'error', error: new FramingError('empty message body (Content-Length: 0)', false) });
      }
    }
  }

  private fail(out: DecodedItem[], message: string): DecodedItem[] {
    this.dead = true;
    this.pending = EMPTY;
    this.bodyChunks = [];
    this.bodyBuffered = 0;
    out.push({ kind: 'error', error: new FramingError(message, true) });
    return out;
  }
}

/** Why `buf` (a header being read, bytes from `from` not checked yet) cannot be a header, or ''. */
function badHeaderByte(buf: Buffer, from: number): string {
  if (from === 0 && buf.length > 0) {
    const c = buf[0]!;
    const nameByte = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d;
    if (!nameByte) return `a header cannot start with byte 0x${c.toString(16).padStart(2, '0')}`;
  }
  const limit = Math.min(buf.length, from + DEFAULT_MAX_HEADER_BYTES + 4);
  for (let i = from; i < limit; i++) {
    const c = buf[i]!;
    // Stop at the end of the header block: what follows is body bytes.
    if (c === 0x0a && i >= 3 && buf[i - 1] === 0x0d && buf[i - 2] === 0x0a && buf[i - 3] === 0x0d) return '';
    if ((c < 0x20 && c !== 0x0d && c !== 0x0a && c !== 0x09) || c > 0x7e) {
      return `binary byte 0x${c.toString(16).padStart(2, '0')} in a header`;
    }
  }
  return '';
}

function decodeBody(body: Buffer): DecodedItem {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { kind: 'error', error: new FramingError('message body is not valid UTF-8', false) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : 'parse error';
    return { kind: 'error', error: new FramingError(`message body is not valid JSON (${why})`, false) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { kind: 'error', error: new FramingError(`message body must be a JSON object, got ${what}`, false) };
  }
  return { kind: 'message', value: value as Record<string, unknown> };
}
