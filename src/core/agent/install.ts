// Installs the in-game agent (the native UEVR plugin DLL and the Lua agent script) into a game profile
// under UEVR's folder, and removes it again. No vscode import: the command glue lives in
// src/extension/agent/installCommand.ts. Rules: never overwrite a user's file without an explicit
// `replace` (the original is kept as a backup and restored on uninstall); identical files are fine;
// uninstall removes only what a manifest says this installer wrote, and only while unchanged.
// Links: the installer writes into a folder another program (or user) controls, so it never follows
// a symbolic link or junction on its paths (lstat every component; realpath must stay under the
// profile), writes through a new temp file (O_EXCL) and a rename, and never hashes what is not a
// regular file (a named pipe would block the read forever).
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  type Stats,
} from 'node:fs';
import { homedir } from 'node:os';
import { writeFileAtomicSync } from '../io/atomicWrite';
import { readSmallRegularFileSync, UnreadableFileError } from '../io/safeRead';
import { dirname, join, relative, sep } from 'node:path';

/** The installer refused a path (a link, a non-regular file, outside the profile): one line. */
export class InstallRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallRefusedError';
  }
}

/** File names in the game profile. The agent's "!" makes it sort (and so load) before every mod. */
export const AGENT_SCRIPT_NAME = '!uevr-profiler-agent.lua';
export const PLUGIN_DLL_NAME = 'uevr_profiler.dll';
export const MANIFEST_NAME = 'uevr-profiler-install.json';
const BACKUP_SUFFIX = '.uevr-profiler-backup';
/** Folders under UEVR's root that are not game profiles. */
const NOT_PROFILES = new Set(['profiler-sessions']);

/** UEVR's profile root: UEVR_PROFILER_UEVR_DIR when set, else %APPDATA%\UnrealVRMod. */
export function uevrRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.UEVR_PROFILER_UEVR_DIR) return env.UEVR_PROFILER_UEVR_DIR;
  const appData = env.APPDATA ?? join(homedir(), 'AppData', 'Roaming');
  return join(appData, 'UnrealVRMod');
}

export interface GameProfile {
  /** Folder name: the game's executable name, or "UEVR" for the global profile every game loads. */
  name: string;
  dir: string;
  /** The global profile (scripts and plugins there load into every game). */
  global: boolean;
  /** A manifest of this installer is present. */
  installed: boolean;
}

/** Game profiles: subfolders with scripts/, plugins/ or a config.txt. Sorted, global first. */
export function listGameProfiles(root: string): GameProfile[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const out: GameProfile[] = [];
  for (const name of names) {
    if (NOT_PROFILES.has(name)) continue;
    const dir = join(root, name);
    if (!isDir(dir)) continue;
    if (!isDir(join(dir, 'scripts')) && !isDir(join(dir, 'plugins')) && !existsSync(join(dir, 'config.txt'))) continue;
    out.push({ name, dir, global: name === 'UEVR', installed: existsSync(join(dir, MANIFEST_NAME)) });
  }
  return out.sort((a, b) => Number(b.global) - Number(a.global) || a.name.localeCompare(b.name));
}

/** What gets installed: source files shipped with the extension. */
export interface AgentPayload {
  agentScript: string;
  pluginDll: string;
}

/**
 * Finds the payload under the extension's folder: dist/agent/ (packaged), then the development tree
 * (agent/ and agent/native/build-win64/). Returns a one-line reason when a piece is missing.
 */
export function findPayload(extensionRoot: string): AgentPayload | string {
  const first = (cands: string[]) => cands.find((c) => existsSync(c));
  const agentScript = first([join(extensionRoot, 'dist', 'agent', AGENT_SCRIPT_NAME), join(extensionRoot, 'agent', AGENT_SCRIPT_NAME)]);
  const pluginDll = first([
    join(extensionRoot, 'dist', 'agent', PLUGIN_DLL_NAME),
    join(extensionRoot, 'dist', 'agent', 'native', 'build-win64', PLUGIN_DLL_NAME),
    join(extensionRoot, 'agent', 'native', 'build-win64', PLUGIN_DLL_NAME),
  ]);
  if (!agentScript) return `the Lua agent (${AGENT_SCRIPT_NAME}) is missing from this build of the extension`;
  if (!pluginDll) return `the profiler plugin (${PLUGIN_DLL_NAME}) is missing from this build of the extension: build it with "npm run build:agent"`;
  return { agentScript, pluginDll };
}

export type PlannedAction =
  /** The target does not exist: copy. */
  | { kind: 'copy'; from: string; to: string }
  /** The target already has exactly this content: nothing to do. */
  | { kind: 'same'; from: string; to: string }
  /** A different file is there (a user's file, or an older agent): only replaced when asked. */
  | { kind: 'conflict'; from: string; to: string; ours: boolean };

/**
 * What install would do in `profileDir`, without writing anything. Throws InstallRefusedError when a
 * path it would write through is a link or junction, or a target is not a regular file.
 */
export function planInstall(profileDir: string, payload: AgentPayload): PlannedAction[] {
  assertNoLinks(profileDir, profileDir);
  const manifest = readManifest(profileDir);
  return targets(profileDir, payload).map(({ from, to }) => {
    assertNoLinks(profileDir, to);
    const st = lstatOrUndefined(to);
    if (!st) return { kind: 'copy', from, to };
    if (!st.isFile()) throw new InstallRefusedError(`${to} is ${kindOf(st)}, not a regular file: refusing to replace it`);
    const have = sha256(to);
    if (have === sha256(from, true)) return { kind: 'same', from, to };
    // An older version of our own file (recorded in the manifest, unchanged since) is ours to update.
    const rel = relative(profileDir, to);
    const ours = manifest?.files.some((f) => f.path === rel && f.sha256 === have) ?? false;
    return { kind: 'conflict', from, to, ours };
  });
}

export interface InstallResult {
  /** Files written (relative to the profile). */
  written: string[];
  /** Files already identical. */
  unchanged: string[];
  /** Different files found and not replaced (nothing was written when this is non-empty). */
  conflicts: string[];
  /** User files moved aside to make room (restored on uninstall). */
  backedUp: string[];
}

/**
 * Installs into `profileDir`. With conflicts and `replace` false, writes nothing and returns them, so
 * the UI can ask. With `replace` true, a user's file is renamed to `<name>.uevr-profiler-backup`
 * first (an older agent of ours is simply updated).
 */
export function installAgent(profileDir: string, payload: AgentPayload, options: { replace?: boolean } = {}): InstallResult {
  const plan = planInstall(profileDir, payload);
  const res: InstallResult = { written: [], unchanged: [], conflicts: [], backedUp: [] };
  const conflicts = plan.filter((a) => a.kind === 'conflict' && !a.ours);
  if (conflicts.length && !options.replace) {
    res.conflicts = conflicts.map((a) => relative(profileDir, a.to));
    return res;
  }
  const manifest = readManifest(profileDir) ?? { version: 1, files: [], backups: [] };
  for (const a of plan) {
    const rel = relative(profileDir, a.to);
    if (a.kind === 'same') {
      res.unchanged.push(rel);
    } else {
      mkdirSync(dirname(a.to), { recursive: true });
      // The folder may have been created (or swapped) since the plan: check again right before writing.
      assertNoLinks(profileDir, a.to);
      if (a.kind === 'conflict' && !a.ours) {
        const backup = a.to + BACKUP_SUFFIX;
        if (lstatOrUndefined(backup)) throw new Error(`cannot back up ${rel}: ${relative(profileDir, backup)} already exists`);
        renameSync(a.to, backup);
        res.backedUp.push(rel);
        if (!manifest.backups.includes(rel)) manifest.backups.push(rel);
      }
      writeFileAtomic(a.to, readRegular(a.from, undefined, true));
      res.written.push(rel);
    }
    manifest.files = manifest.files.filter((f) => f.path !== rel);
    manifest.files.push({ path: rel, sha256: sha256(a.to) });
  }
  manifest.installedAt = new Date().toISOString();
  const manifestFile = join(profileDir, MANIFEST_NAME);
  assertNoLinks(profileDir, manifestFile);
  const mst = lstatOrUndefined(manifestFile);
  if (mst && !mst.isFile()) throw new InstallRefusedError(`${manifestFile} is ${kindOf(mst)}, not a regular file: refusing to replace it`);
  writeFileAtomic(manifestFile, Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
  return res;
}

export interface UninstallResult {
  removed: string[];
  /** Installed files the user changed since: left in place. */
  kept: string[];
  /** User files put back from their backup. */
  restored: string[];
  /** Paths not touched because a link, junction or non-regular file is on the way, with the reason. */
  refused: string[];
}

/** Removes what the manifest lists (only files still identical to what was installed), restores backups. */
export function uninstallAgent(profileDir: string): UninstallResult {
  const res: UninstallResult = { removed: [], kept: [], restored: [], refused: [] };
  const manifest = readManifest(profileDir);
  if (!manifest) return res;
  /** True when abs may be touched; otherwise the reason goes to `refused`. */
  const safe = (abs: string, rel: string): boolean => {
    try {
      assertNoLinks(profileDir, abs);
      return true;
    } catch (e) {
      res.refused.push(`${rel}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  };
  for (const f of manifest.files) {
    const abs = join(profileDir, f.path);
    if (!inside(profileDir, abs) || !safe(abs, f.path)) continue;
    const st = lstatOrUndefined(abs);
    if (!st) continue;
    if (!st.isFile()) {
      res.refused.push(`${f.path}: is ${kindOf(st)}, not a regular file`);
      continue;
    }
    if (sha256(abs) !== f.sha256) {
      res.kept.push(f.path);
      continue;
    }
    rmSync(abs);
    res.removed.push(f.path);
  }
  for (const rel of manifest.backups) {
    const abs = join(profileDir, rel);
    if (!inside(profileDir, abs) || !safe(abs + BACKUP_SUFFIX, rel)) continue;
    const backup = lstatOrUndefined(abs + BACKUP_SUFFIX);
    if (!backup?.isFile() || lstatOrUndefined(abs)) continue;
    renameSync(abs + BACKUP_SUFFIX, abs);
    res.restored.push(rel);
  }
  const manifestFile = join(profileDir, MANIFEST_NAME);
  if (safe(manifestFile, MANIFEST_NAME)) rmSync(manifestFile, { force: true });
  return res;
}

// --- internals ------------------------------------------------------------------------------------

interface Manifest {
  version: 1;
  files: Array<{ path: string; sha256: string }>;
  /** Relative paths whose user original was moved to `<path>.uevr-profiler-backup`. */
  backups: string[];
  installedAt?: string;
}

function targets(profileDir: string, payload: AgentPayload): Array<{ from: string; to: string }> {
  return [
    { from: payload.pluginDll, to: join(profileDir, 'plugins', PLUGIN_DLL_NAME) },
    { from: payload.agentScript, to: join(profileDir, 'scripts', AGENT_SCRIPT_NAME) },
  ];
}

/** Reads the manifest; an unreadable or foreign one counts as none (and is never trusted for deletes). */
function readManifest(profileDir: string): Manifest | undefined {
  const file = join(profileDir, MANIFEST_NAME);
  try {
    // A manifest that is a link (or not a regular file) is not ours: never trusted for deletes.
    const st = lstatSync(file);
    if (!st.isFile() || st.size > 64 * 1024) return undefined;
    const v: unknown = JSON.parse(readRegular(file, 64 * 1024).toString('utf8'));
    if (typeof v !== 'object' || v === null) return undefined;
    const m = v as Partial<Manifest>;
    if (m.version !== 1 || !Array.isArray(m.files)) return undefined;
    const files = m.files.filter(
      (f): f is { path: string; sha256: string } =>
        typeof f === 'object' && f !== null && typeof f.path === 'string' && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256),
    );
    const backups = Array.isArray(m.backups) ? m.backups.filter((b): b is string => typeof b === 'string') : [];
    return { version: 1, files, backups, installedAt: typeof m.installedAt === 'string' ? m.installedAt : undefined };
  } catch {
    return undefined;
  }
}

/** A manifest is data from disk: never let it point outside the profile (../../something). */
function inside(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  return rel !== '' && !rel.startsWith('..') && !rel.includes(`..${sep}`) && !/^[a-zA-Z]:/.test(rel) && !rel.startsWith(sep);
}

function sha256(file: string, followLinks = false): string {
  return createHash('sha256').update(readRegular(file, undefined, followLinks)).digest('hex');
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link or junction';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Refuses `target` when any existing component from the profile folder down to it is a symbolic
 * link or junction (Node's lstat reports both as links), or when the real path of what exists
 * leaves the profile's real path. The profile folder itself must not be a link either: a linked
 * profile would put the DLL wherever the link points.
 */
function assertNoLinks(profileDir: string, target: string): void {
  const rel = relative(profileDir, target);
  if (rel.startsWith('..') || /^[a-zA-Z]:/.test(rel) || rel.startsWith(sep)) throw new InstallRefusedError(`${target} is outside the game profile ${profileDir}`);
  const parts = rel === '' ? [] : rel.split(sep);
  let cur = profileDir;
  for (let i = -1; i < parts.length; i++) {
    if (i >= 0) cur = join(cur, parts[i]!);
    const st = lstatOrUndefined(cur);
    if (!st) break; // Not there yet: created by us as a real folder/file.
    if (st.isSymbolicLink()) throw new InstallRefusedError(`${cur} is a symbolic link or junction: the installer does not write through links`);
    if (i < parts.length - 1 && !st.isDirectory()) throw new InstallRefusedError(`${cur} is not a folder`);
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(profileDir);
  } catch {
    return; // The profile does not exist (yet): nothing to escape through.
  }
  let existing = target;
  while (!lstatOrUndefined(existing) && existing !== dirname(existing)) existing = dirname(existing);
  const real = realpathSync(existing);
  const r = relative(realRoot, real);
  if (r.startsWith('..') || /^[a-zA-Z]:/.test(r) || r.startsWith(sep)) throw new InstallRefusedError(`${target} resolves to ${real}, outside the game profile ${realRoot}`);
}

/**
 * Reads a regular file (never a pipe or device: fstat on a non-blocking handle first), bounded.
 * Links are followed only for the extension's own payload files.
 */
function readRegular(file: string, maxBytes = 256 * 1024 * 1024, followLinks = false): Buffer {
  const st = followLinks ? statSync(file) : lstatSync(file);
  if (!st.isFile()) throw new InstallRefusedError(`${file} is ${kindOf(st)}, not a regular file`);
  try {
    // Checked again on the open handle: a file swapped for a pipe or a link since is refused too.
    return readSmallRegularFileSync(file, maxBytes, { noFollow: !followLinks });
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new InstallRefusedError(`${file} ${e.reason}`);
    throw e;
  }
}

/**
 * Writes `bytes` to `file` through a new temp file next to it (O_CREAT|O_EXCL, random name, never an
 * existing file or link) and a rename, so a crash never leaves a half-written DLL and a link planted
 * at the target is replaced, not followed.
 */
function writeFileAtomic(file: string, bytes: Uint8Array): void {
  writeFileAtomicSync(file, bytes, { mode: 0o644, tmpPath: `${file}.${randomBytes(6).toString('hex')}.tmp` });
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
