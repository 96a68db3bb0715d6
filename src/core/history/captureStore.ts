// The per-workspace capture history: an index file plus the capture files, with the summary numbers
// the Captures view shows (scripts ms per frame, frames, samples) kept so listing never re-reads captures.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** One capture in the workspace's history. */
export interface CaptureEntry {
  id: string;
  file: string;
  name: string;
  game: string;
  /** ISO date the capture started. */
  date: string;
  seconds: number;
  frames: number;
  samples: number;
  /** Scripts' mean ms per frame, when the capture had frames. */
  scriptsMsPerFrame?: number;
  /** Script generation (resets) the capture covers, to offer "compare with previous" after a reset. */
  generation?: number;
}

interface IndexFile {
  version: 1;
  captures: CaptureEntry[];
}

/**
 * Capture history of a workspace: the .uevrcap files in one folder (the extension's workspace
 * storage) plus a small index with what the tree view shows. The index is rewritten atomically; a
 * missing or corrupt index is rebuilt from the files that exist, so nothing recorded is ever lost.
 */
export class CaptureStore {
  private entries: CaptureEntry[] = [];

  constructor(readonly folder: string) {
    mkdirSync(folder, { recursive: true });
    this.load();
  }

  private get indexPath(): string {
    return join(this.folder, 'captures.json');
  }

  private load(): void {
    let parsed: IndexFile | undefined;
    try {
      const v = JSON.parse(readFileSync(this.indexPath, 'utf8')) as IndexFile;
      if (v && v.version === 1 && Array.isArray(v.captures)) parsed = v;
    } catch {
      parsed = undefined;
    }
    this.entries = (parsed?.captures ?? []).filter((e) => typeof e.file === 'string' && existsSync(e.file));
    // Captures on disk that the index does not know (a lost or corrupt index, a file copied in):
    // list them with what the file system tells; opening them shows the rest.
    const known = new Set(this.entries.map((e) => basename(e.file)));
    for (const name of readdirSync(this.folder)) {
      if (!name.endsWith('.uevrcap') || known.has(name)) continue;
      const file = join(this.folder, name);
      const game = /^(.*)_\d{4}-\d\d-\d\d_/.exec(name)?.[1] ?? 'unknown game';
      this.entries.push({ id: `file-${name}`, file, name: name.replace(/\.uevrcap$/, ''), game, date: statSync(file).mtime.toISOString(), seconds: 0, frames: 0, samples: 0 });
    }
  }

  private save(): void {
    const tmp = `${this.indexPath}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, captures: this.entries } satisfies IndexFile, null, 1));
    renameSync(tmp, this.indexPath);
  }

  list(): CaptureEntry[] {
    // Newest first.
    return [...this.entries].sort((a, b) => b.date.localeCompare(a.date));
  }

  get(id: string): CaptureEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  add(entry: Omit<CaptureEntry, 'id' | 'name'> & { name?: string }): CaptureEntry {
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const full: CaptureEntry = { ...entry, id, name: entry.name ?? basename(entry.file).replace(/\.uevrcap$/, '') };
    this.entries.push(full);
    this.save();
    return full;
  }

  rename(id: string, name: string): CaptureEntry {
    const e = this.get(id);
    if (!e) throw new Error(`no capture ${id}`);
    const clean = name.trim().slice(0, 200);
    if (!clean) throw new Error('a capture name cannot be empty');
    e.name = clean;
    this.save();
    return e;
  }

  delete(id: string): void {
    const e = this.get(id);
    if (!e) return;
    rmSync(e.file, { force: true });
    this.entries = this.entries.filter((x) => x.id !== id);
    this.save();
  }

  /** The capture taken just before `id` (for "compare with previous"). */
  previous(id: string): CaptureEntry | undefined {
    const sorted = this.list();
    const i = sorted.findIndex((e) => e.id === id);
    return i >= 0 ? sorted[i + 1] : undefined;
  }

  sizeOf(id: string): number {
    const e = this.get(id);
    return e && existsSync(e.file) ? statSync(e.file).size : 0;
  }
}
