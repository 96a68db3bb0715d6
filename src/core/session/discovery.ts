// Session discovery: a live session announces itself with one small JSON file in a known folder
// (docs/protocol.md, "Discovery"). Readers list the folder and ignore files of dead processes.
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { readSmallRegularFileSync } from '../io/safeRead';
import { writeFileAtomicSync } from '../io/atomicWrite';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION } from '../protocol/messages';

export interface DiscoveryRecord {
  protocol: number;
  host: '127.0.0.1';
  port: number;
  token: string;
  pid: number;
  game: string;
  /** ISO 8601 time the session started. */
  startedAt: string;
}

export interface DiscoveredSession extends DiscoveryRecord {
  /** The discovery file it was read from. */
  file: string;
}

export interface ListSessionsResult {
  sessions: DiscoveredSession[];
  /** Files that were skipped, with the reason (stale pid, unreadable, invalid). */
  ignored: Array<{ file: string; reason: string }>;
}

/** Discovery files are tiny; anything bigger is not one of ours. */
const MAX_DISCOVERY_BYTES = 64 * 1024;

/** A fresh 256-bit session token (hex). */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The sessions folder: UEVR_PROFILER_SESSIONS_DIR when set; on Windows
 * %APPDATA%\UnrealVRMod\profiler-sessions; elsewhere $XDG_STATE_HOME/uevr-profiler/sessions or
 * ~/.local/state/uevr-profiler/sessions.
 */
export function defaultSessionsDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.UEVR_PROFILER_SESSIONS_DIR) return env.UEVR_PROFILER_SESSIONS_DIR;
  if (platform === 'win32') {
    const appData = env.APPDATA ?? join(homedir(), 'AppData', 'Roaming');
    return join(appData, 'UnrealVRMod', 'profiler-sessions');
  }
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'uevr-profiler', 'sessions');
}

/** Whether a process id is alive (EPERM means it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Validates a parsed discovery file; returns the record or a one-line reason. */
export function parseDiscoveryRecord(v: unknown): DiscoveryRecord | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const r = v as Record<string, unknown>;
  if (!Number.isSafeInteger(r.protocol) || (r.protocol as number) < 1) return 'field "protocol" must be a positive integer';
  if (r.host !== '127.0.0.1') return 'field "host" must be "127.0.0.1"';
  if (!Number.isSafeInteger(r.port) || (r.port as number) < 1 || (r.port as number) > 65535) return 'field "port" must be 1..65535';
  if (typeof r.token !== 'string' || r.token.length === 0 || r.token.length > 1024) return 'field "token" must be a non-empty string';
  if (!Number.isSafeInteger(r.pid) || (r.pid as number) <= 0) return 'field "pid" must be a positive integer';
  if (typeof r.game !== 'string') return 'field "game" must be a string';
  const startedAt = typeof r.startedAt === 'string' ? r.startedAt : '';
  return { protocol: r.protocol as number, host: '127.0.0.1', port: r.port as number, token: r.token, pid: r.pid as number, game: r.game, startedAt };
}

/** Reads one discovery file (no liveness check). Throws an Error with a one-line message. */
export function readDiscoveryFile(file: string): DiscoveredSession {
  let text: string;
  try {
    // Regular files only (a pipe named *.json must not block the listing), at most 64 KiB.
    text = readSmallRegularFileSync(file, MAX_DISCOVERY_BYTES).toString('utf8');
  } catch (e) {
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    throw new Error(`cannot read session file ${file}: ${reason}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`session file ${file} is not valid JSON`);
  }
  const rec = parseDiscoveryRecord(parsed);
  if (typeof rec === 'string') throw new Error(`session file ${file}: ${rec}`);
  return { ...rec, file };
}

/** Lists live sessions in a folder (a missing folder is an empty list). */
export function listSessions(dir: string = defaultSessionsDir()): ListSessionsResult {
  const result: ListSessionsResult = { sessions: [], ignored: [] };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return result;
  }
  for (const name of names.sort()) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    let s: DiscoveredSession;
    try {
      s = readDiscoveryFile(file);
    } catch (e) {
      result.ignored.push({ file, reason: (e as Error).message });
      continue;
    }
    if (s.protocol !== PROTOCOL_VERSION) {
      result.ignored.push({ file, reason: `protocol version ${s.protocol} (this client speaks ${PROTOCOL_VERSION})` });
      continue;
    }
    if (!isPidAlive(s.pid)) {
      result.ignored.push({ file, reason: `process ${s.pid} is not running (stale file)` });
      continue;
    }
    result.sessions.push(s);
  }
  return result;
}

export interface DiscoveryHandle {
  readonly file: string;
  readonly record: DiscoveryRecord;
  /** Removes the file (idempotent). */
  dispose(): void;
}

const live = new Set<string>();
let signalsHooked = false;

function removeAllLive(): void {
  for (const f of live) rmSync(f, { force: true });
  live.clear();
}

/** On SIGINT/SIGTERM remove our files; if nobody else handles the signal, exit as the default would. */
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  process.on('exit', removeAllLive);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const handler = () => {
      removeAllLive();
      if (process.listenerCount(sig) <= 1) process.exit(sig === 'SIGINT' ? 130 : 143);
    };
    process.on(sig, handler);
  }
}

/**
 * Creates the sessions folder owner-only (0700). An existing folder of ours that is more open is
 * tightened; on Windows the folder inherits the user profile's ACL (%APPDATA% is private to the user).
 */
export function ensureSessionsDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`sessions folder ${dir} is not a folder`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid === uid && (st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * Writes the discovery file atomically: a new temp file with a random name, created
 * O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600 from the start (it holds the token: no moment where
 * another user could read it, and never through a link planted at the name), then a rename.
 */
export function announceSession(
  fields: { port: number; token: string; game: string; pid?: number; startedAt?: Date },
  dir: string = defaultSessionsDir(),
): DiscoveryHandle {
  const record: DiscoveryRecord = {
    protocol: PROTOCOL_VERSION,
    host: '127.0.0.1',
    port: fields.port,
    token: fields.token,
    pid: fields.pid ?? process.pid,
    game: fields.game,
    startedAt: (fields.startedAt ?? new Date()).toISOString(),
  };
  ensureSessionsDir(dir);
  const file = join(dir, `session-${record.pid}-${record.port}.json`);
  // Mode 0600 from the start: the file holds the token.
  writeFileAtomicSync(file, Buffer.from(JSON.stringify(record, null, 2), 'utf8'), {
    mode: 0o600,
    tmpPath: join(dir, `.session-${randomBytes(16).toString('hex')}.tmp`),
  });
  live.add(file);
  hookSignals();
  return {
    file,
    record,
    dispose() {
      live.delete(file);
      rmSync(file, { force: true });
    },
  };
}
