// The scripts folder as UEVR sees it: which files load as scripts (LuaLoader.cpp: every *.lua directly
// inside the folder) and how `require` finds a module. UEVR's ScriptState::run_script sets package.path to
// `<scripts>/?.lua;<scripts>/?/init.lua` while a script runs and Lua's own searcher does the rest on
// Windows: every '.' of the name becomes the directory separator '\', Windows accepts '/' and '\' alike,
// collapses repeated separators and matches names case-insensitively. The wasm file system cannot see
// the disk, so the host resolves names here and hands the source to Lua.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { readSmallRegularFileSync } from '../io/safeRead';
import { MAX_SCRIPT_BYTES } from './limits';
import { join, resolve, sep } from 'node:path';

/** Lists a scripts folder as UEVR does: *.lua directly inside it (not recursive), in name order. */
export function listScripts(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.lua') && isFile(join(dir, f)))
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : a < b ? -1 : 1))
    .map((f) => resolve(dir, f));
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export type ModuleLookup =
  | { kind: 'found'; code: string; path: string }
  | { kind: 'missing'; tried: string[] }
  /** The name resolves to a file outside the scripts folder (a link leading out): refused, never read. */
  | { kind: 'outside'; path: string };

/**
 * Resolves `require(name)` against one scripts folder the way Lua's searcher does on Windows with UEVR's
 * package.path. Case-insensitive per path segment (an exact-case entry wins when both exist).
 */
export class ModuleFinder {
  private readonly root: string;
  private readonly rootReal: string;
  /** Directory listings, cached for the generation (a require storm must not re-read folders). */
  private readonly listings = new Map<string, string[] | null>();

  constructor(scriptsDir: string) {
    this.root = resolve(scriptsDir);
    let real = this.root;
    try {
      real = realpathSync(this.root);
    } catch {
      /* the folder vanished: every lookup misses */
    }
    this.rootReal = real;
  }

  /** The path segments Lua's searcher produces for a module name ('.' is a separator, empty segments collapse). */
  static segments(name: string): string[] | null {
    // A NUL ends a C string: Lua's fopen would see only the part before it. A ':' would name a drive or
    // an NTFS stream, which the '<scripts>/?' template can never reach: such names cannot be scripts.
    if (name.length === 0 || name.length > 1024 || name.includes('\0') || name.includes(':')) return null;
    const segs = name.replace(/\./g, '/').split(/[\\/]+/).filter((s) => s.length > 0);
    return segs.length > 0 ? segs : null;
  }

  find(name: string): ModuleLookup {
    const segs = ModuleFinder.segments(name);
    const shown = (segs ?? [name]).join('/');
    const tried = [`${this.root}/${shown}.lua`, `${this.root}/${shown}/init.lua`];
    if (!segs) return { kind: 'missing', tried };
    const last = segs[segs.length - 1];
    const forms = [
      [...segs.slice(0, -1), `${last}.lua`],
      [...segs, 'init.lua'],
    ];
    for (const form of forms) {
      const p = this.match(form);
      if (!p) continue;
      let real = p;
      try {
        real = realpathSync(p);
      } catch {
        continue;
      }
      if (real !== this.rootReal && !real.startsWith(this.rootReal + sep)) return { kind: 'outside', path: real };
      try {
        // Regular files only, bounded: a module that is a pipe or a link to a device must not hang the session.
        return { kind: 'found', code: readSmallRegularFileSync(p, MAX_SCRIPT_BYTES).toString('utf8'), path: p };
      } catch {
        /* unreadable: try the next form, as fopen failing does */
      }
    }
    return { kind: 'missing', tried };
  }

  /** Walks the segments from the root, matching each case-insensitively; the file path or null. */
  private match(segs: string[]): string | null {
    let dir = this.root;
    for (let i = 0; i < segs.length; i++) {
      const entries = this.list(dir);
      if (!entries) return null;
      const want = segs[i];
      const lower = want.toLowerCase();
      const hit = entries.includes(want) ? want : entries.find((e) => e.toLowerCase() === lower);
      if (!hit) return null;
      dir = join(dir, hit);
    }
    return isFile(dir) ? dir : null;
  }

  private list(dir: string): string[] | null {
    let l = this.listings.get(dir);
    if (l === undefined) {
      try {
        l = readdirSync(dir);
      } catch {
        l = null;
      }
      this.listings.set(dir, l);
    }
    return l;
  }
}
