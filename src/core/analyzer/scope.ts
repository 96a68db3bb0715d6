// Which Lua files are UEVR scripts (the only files the analyzer speaks about): a Neovim config, a LÖVE
// game or a Luau file in the same workspace gets nothing from us, not even syntax errors. A file is a
// UEVR script when `uevrProfiler.analyzer.exclude` does not match it and it
//   - matches `uevrProfiler.analyzer.include`, or
//   - uses UEVR's API (`uevr.`, a `UEVR_` global, a callback registration), or
//   - sits in a UEVR scripts folder: `…/UnrealVRMod/<game>/scripts/…`, or a folder (or an ancestor
//     folder) holding the profiler agent or a `.uevrprof` marker file, or
//   - is required by a UEVR script (a library is analysed as part of the script that uses it; callers
//     pass that fact in, they know the requirers).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkSetting } from '../settings';

export interface ScopeSettings {
  /** Globs (workspace-relative or absolute, `**`, `*`, `?`) of files that are UEVR scripts. */
  include: string[];
  /** Globs of files that never are (wins over everything). */
  exclude: string[];
}

export const DEFAULT_SCOPE: ScopeSettings = { include: [], exclude: [] };

export type ScopeReason = 'excluded' | 'include' | 'api' | 'folder' | 'required' | 'none';

/** Text that only a UEVR script has: the uevr table, UEVR_ globals, callback registration. */
const API_USE = /\buevr\s*\.\s*(?:sdk|api|params|types|plugin_callbacks|lua)\b|\bUEVR_[A-Z][A-Za-z]+\b|\bcallbacks\s*\.\s*on_(?:pre|post|early|frame|draw|xinput|script_reset|lua_event)|\bregister\w*Callback\s*\(/;
/** Only the first part of a huge file is scanned for API use (a script mentions uevr early). */
const API_SCAN_CHARS = 200_000;

export function usesUevrApi(text: string): boolean {
  return API_USE.test(text.length > API_SCAN_CHARS ? text.slice(0, API_SCAN_CHARS) : text);
}

const norm = (p: string): string => p.replace(/\\/g, '/');

/** `…/UnrealVRMod/<game>/scripts/…` (UEVR's profile layout; also a copy of it in a repository). */
export function inUevrScriptsPath(path: string): boolean {
  return /(^|\/)UnrealVRMod\/[^/]+\/scripts\//i.test(norm(path));
}

/** A glob as a regular expression over forward-slash paths: `**` any folders, `*` within a name, `?` one char. */
export function globToRegExp(glob: string): RegExp {
  let g = norm(glob.trim());
  if (!g.startsWith('/') && !/^[A-Za-z]:\//.test(g) && !g.startsWith('**/')) g = '**/' + g;
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      // `**/` matches zero or more folders; a trailing `**` anything.
      if (g[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A folder glob (`mods/uevr`) covers what is inside it.
  return new RegExp(`^${re}(?:/.*)?$`, process.platform === 'win32' ? 'i' : '');
}

function matchesAny(path: string, globs: string[], roots: string[]): boolean {
  if (globs.length === 0) return false;
  const p = norm(path);
  const candidates = [p];
  for (const r of roots) {
    const rr = norm(r).replace(/\/$/, '') + '/';
    if (p.startsWith(rr)) candidates.push(p.slice(rr.length));
  }
  return globs.some((g) => {
    if (!g || typeof g !== 'string') return false;
    const re = globToRegExp(g);
    return candidates.some((c) => re.test(c) || re.test('/' + c));
  });
}

/** Marker files that make a folder (and the folders below it) UEVR scripts folders. */
const MARKER = '.uevrprof';
const AGENT = /uevr-profiler-agent.*\.lua$/i;
const MARKER_DEPTH = 4;

/**
 * Folder probe with a small cache (the language server asks for every document; a folder's listing
 * rarely changes). `ttlMs` bounds how long a cached answer is kept.
 */
export class MarkerProbe {
  private cache = new Map<string, { at: number; yes: boolean }>();
  constructor(private ttlMs = 5_000) {}

  /** Does this folder hold the agent or a `.uevrprof` marker? */
  folderHasMarker(dir: string): boolean {
    const now = Date.now();
    const c = this.cache.get(dir);
    if (c && now - c.at < this.ttlMs) return c.yes;
    let yes = false;
    try {
      if (existsSync(join(dir, MARKER))) yes = true;
      else yes = readdirSync(dir).some((n) => AGENT.test(n));
    } catch {
      yes = false;
    }
    if (this.cache.size > 2_000) this.cache.clear();
    this.cache.set(dir, { at: now, yes });
    return yes;
  }

  /** The file's folder or one of its few nearest ancestors (required subfolders of a scripts folder). */
  nearMarker(filePath: string, roots: string[] = []): boolean {
    let dir = dirname(filePath);
    for (let i = 0; i < MARKER_DEPTH; i++) {
      if (this.folderHasMarker(dir)) return true;
      // Never climb above a workspace root: a marker elsewhere on the disk says nothing about this workspace.
      if (roots.some((r) => norm(r).replace(/\/$/, '') === norm(dir).replace(/\/$/, ''))) return false;
      const up = dirname(dir);
      if (up === dir) return false;
      dir = up;
    }
    return false;
  }
}

export interface ScopeQuery {
  /** File-system path (null for an untitled document: only its text can tell). */
  path: string | null;
  text: string;
  /** Is it required by a file that is a UEVR script? (the caller knows the requirers) */
  requiredByUevrScript?: () => boolean;
}

/** Decides whether the analyzer applies to a file, and why (for logs and tests). */
export function uevrScriptScope(q: ScopeQuery, settings: ScopeSettings, roots: string[] = [], probe: MarkerProbe | null = null): ScopeReason {
  if (q.path !== null && matchesAny(q.path, settings.exclude, roots)) return 'excluded';
  if (q.path !== null && matchesAny(q.path, settings.include, roots)) return 'include';
  if (usesUevrApi(q.text)) return 'api';
  if (q.path !== null && (inUevrScriptsPath(q.path) || (probe?.nearMarker(q.path, roots) ?? false))) return 'folder';
  if (q.requiredByUevrScript?.()) return 'required';
  return 'none';
}

export const inScope = (r: ScopeReason): boolean => r !== 'excluded' && r !== 'none';

/** Reads include/exclude from untrusted JSON (settings over the wire): strings only. */
export function scopeSettingsFrom(raw: unknown): Partial<ScopeSettings> {
  const out: Partial<ScopeSettings> = {};
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  // The settings schema's validation (src/core/settings.ts), bounded in count: the values arrive over the wire.
  const strings = (key: 'analyzer.include' | 'analyzer.exclude', v: unknown): string[] | undefined => (Array.isArray(v) ? (checkSetting(key, v).value as string[]).slice(0, 200) : undefined);
  const inc = strings('analyzer.include', r.include);
  const exc = strings('analyzer.exclude', r.exclude);
  if (inc) out.include = inc;
  if (exc) out.exclude = exc;
  return out;
}

const REQUIRE = /\brequire\s*\(?\s*["']([\w.\-/]+)["']/g;

/**
 * The UEVR scripts of a set of workspace files, plus the files they require (transitively, by module
 * name: `require("libs.util")` → a file ending in `libs/util.lua`): what "Analyze Workspace Scripts"
 * analyses. Excluded files never join, not even as a library.
 */
export function selectUevrScripts<T extends { path: string; text: string }>(files: T[], settings: ScopeSettings, roots: string[] = [], probe: MarkerProbe | null = null): T[] {
  const chosen = new Set<T>();
  const excluded = new Set<T>();
  for (const f of files) {
    const r = uevrScriptScope({ path: f.path, text: f.text }, settings, roots, probe);
    if (r === 'excluded') excluded.add(f);
    else if (inScope(r)) chosen.add(f);
  }
  const bySuffix = (name: string): T | undefined => {
    const want = '/' + name.replace(/\./g, '/').replace(/^\/+/, '') + '.lua';
    return files.find((f) => norm(f.path).endsWith(want) && !excluded.has(f));
  };
  const queue = [...chosen];
  while (queue.length) {
    const f = queue.shift()!;
    for (const m of f.text.matchAll(REQUIRE)) {
      const lib = bySuffix(m[1]);
      if (lib && !chosen.has(lib)) {
        chosen.add(lib);
        queue.push(lib);
      }
    }
  }
  return files.filter((f) => chosen.has(f));
}
