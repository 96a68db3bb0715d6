// A Profile as one byte buffer plus a small JSON-safe header, for posting to a webview: VS Code's
// webview channel moves only ~5–10 MB/s in the web UI (docs/benchmarks.md), so the extension
// deflates these bytes before posting. Stack parents are delta-encoded (parent − index): in a prefix
// tree most are −1, which compresses ~10× better than the raw ids. No DOM, no Node APIs.
import type { Profile } from '../profile/types';

type ColumnType = 'Int8Array' | 'Uint8Array' | 'Int32Array' | 'Float64Array';
type Column = Int8Array | Uint8Array | Int32Array | Float64Array;

export interface PackedColumn {
  /** e.g. "stacks.parent". */
  path: string;
  type: ColumnType;
  byteOffset: number;
  length: number;
  /** Stored as value − index (stack parents). */
  delta?: boolean;
}

export interface PackedHeader {
  version: 1;
  name: string;
  source: string;
  weightUnit: Profile['weightUnit'];
  durationMs: number;
  meta: Profile['meta'];
  /** Lengths and string columns of each table, by table name. */
  tables: Record<string, { length: number; strings: Record<string, string[]> }>;
  columns: PackedColumn[];
  byteLength: number;
}

const TABLES = ['frames', 'stacks', 'samples', 'gameFrames', 'callbacks', 'callbackTimings'] as const;
type TableName = (typeof TABLES)[number];

function typeOf(c: Column): ColumnType {
  if (c instanceof Int8Array) return 'Int8Array';
  if (c instanceof Uint8Array) return 'Uint8Array';
  if (c instanceof Int32Array) return 'Int32Array';
  return 'Float64Array';
}

const CTORS = { Int8Array, Uint8Array, Int32Array, Float64Array } as const;

export function packProfile(p: Profile): { header: PackedHeader; bytes: Uint8Array } {
  const columns: PackedColumn[] = [];
  const parts: Column[] = [];
  const tables: PackedHeader['tables'] = {};
  let offset = 0;
  for (const t of TABLES) {
    const table = p[t] as unknown as Record<string, unknown> | undefined;
    if (!table) continue;
    const entry = { length: Number(table.length), strings: {} as Record<string, string[]> };
    for (const [key, value] of Object.entries(table)) {
      if (key === 'length') continue;
      if (Array.isArray(value)) entry.strings[key] = value as string[];
      else if (ArrayBuffer.isView(value)) {
        let col = value as Column;
        const delta = t === 'stacks' && key === 'parent';
        if (delta) {
          const d = new Int32Array(col.length);
          for (let i = 0; i < d.length; i++) d[i] = (col as Int32Array)[i] - i;
          col = d;
        }
        // Keep every column aligned to 8 bytes so the receiver can view it in place.
        offset = (offset + 7) & ~7;
        columns.push({ path: `${t}.${key}`, type: typeOf(col), byteOffset: offset, length: col.length, ...(delta ? { delta } : {}) });
        parts.push(col);
        offset += col.byteLength;
      }
    }
    tables[t] = entry;
  }
  const bytes = new Uint8Array((offset + 7) & ~7);
  columns.forEach((c, i) => bytes.set(new Uint8Array(parts[i].buffer, parts[i].byteOffset, parts[i].byteLength), c.byteOffset));
  const header: PackedHeader = { version: 1, name: p.name, source: p.source, weightUnit: p.weightUnit, durationMs: p.durationMs, meta: p.meta, tables, columns, byteLength: bytes.length };
  return { header, bytes };
}

/** Rebuilds the Profile; throws a one-line Error when the header and the bytes do not agree. */
export function unpackProfile(header: PackedHeader, bytes: Uint8Array): Profile {
  if (!header || header.version !== 1) throw new Error('packed profile: unknown version');
  if (bytes.length !== header.byteLength) throw new Error(`packed profile: ${bytes.length} bytes, header says ${header.byteLength}`);
  // An aligned copy, so every column can be a view of it (the transport may hand us any offset).
  const buf = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  // No prototype: a hostile header naming "__proto__" must find nothing, not Object.prototype.
  const out: Record<string, Record<string, unknown>> = Object.create(null);
  for (const [t, entry] of Object.entries(header.tables)) {
    if (!(TABLES as readonly string[]).includes(t)) throw new Error(`packed profile: unknown table ${t}`);
    out[t] = { length: entry.length, ...entry.strings };
  }
  for (const c of header.columns) {
    const [t, key] = c.path.split('.');
    const Ctor = Object.hasOwn(CTORS, c.type) ? CTORS[c.type] : undefined;
    if (!(TABLES as readonly string[]).includes(t) || !out[t] || !key || key === '__proto__' || key === 'length' || !Ctor) throw new Error(`packed profile: bad column ${c.path}`);
    const end = c.byteOffset + c.length * Ctor.BYTES_PER_ELEMENT;
    if (c.byteOffset < 0 || end > buf.length || c.byteOffset % Ctor.BYTES_PER_ELEMENT !== 0) throw new Error(`packed profile: column ${c.path} is out of range`);
    // The buffer is never shared memory: it comes from a Uint8Array we (or structured clone) made.
    const col = new Ctor(buf.buffer as ArrayBuffer, buf.byteOffset + c.byteOffset, c.length);
    if (c.delta) for (let i = 0; i < col.length; i++) col[i] += i;
    out[t][key] = col;
  }
  const p: Profile = {
    name: header.name,
    source: header.source,
    weightUnit: header.weightUnit,
    durationMs: header.durationMs,
    meta: header.meta,
    frames: out.frames as unknown as Profile['frames'],
    stacks: out.stacks as unknown as Profile['stacks'],
    samples: out.samples as unknown as Profile['samples'],
  };
  for (const t of ['gameFrames', 'callbacks', 'callbackTimings'] as const satisfies readonly TableName[]) {
    if (out[t]) (p as unknown as Record<string, unknown>)[t] = out[t];
  }
  if (!p.frames || !p.stacks || !p.samples) throw new Error('packed profile: frames, stacks or samples missing');
  // Packed by a build before stacks carried current lines: every line unknown.
  if (!ArrayBuffer.isView(p.stacks.line)) p.stacks.line = new Int32Array(Number(p.stacks.length) || 0);
  return p;
}
