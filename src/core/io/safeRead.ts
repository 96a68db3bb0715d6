// Reads files the user names without trusting what they are: regular files only (a device such as
// /dev/zero, a named pipe, a socket or a directory is refused with one line), at most a given number
// of bytes, and asynchronously in chunks so the event loop keeps running and Ctrl+C (an AbortSignal)
// is honoured. readFileSync on an unknown path can block forever (a pipe with no writer) or grow
// without bound (/dev/zero), with the signal handlers never getting a turn.
import { closeSync, constants, fstatSync, openSync, promises as fsp, readSync, type Stats } from 'node:fs';

/** A file that is not a regular file, too large, or unreadable: the message is one line. */
export class UnreadableFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot read ${path}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

export interface SafeReadOptions {
  /** Largest file accepted; a larger (or growing) file is refused. */
  maxBytes: number;
  /** Aborts the read between chunks (Ctrl+C in the CLI). */
  signal?: AbortSignal;
  /** Bytes per read call; small values only make sense in tests. */
  chunkBytes?: number;
}

/** What a non-regular file is, in words. */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function errnoReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'EISDIR') return 'is a directory';
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!;
}

/**
 * Checks, without opening it, that `path` (after following links) is a regular file no larger than
 * maxBytes. Opening a device or a pipe can itself have effects or block, so this comes first.
 */
export async function checkRegularFile(path: string, maxBytes: number): Promise<Stats> {
  let st: Stats;
  try {
    st = await fsp.stat(path);
  } catch (e) {
    throw new UnreadableFileError(path, errnoReason(e));
  }
  assertRegular(path, st, maxBytes);
  return st;
}

/** Throws when st (of path) is not a regular file or is larger than maxBytes. */
function assertRegular(path: string, st: Stats, maxBytes: number): void {
  if (!st.isFile()) throw new UnreadableFileError(path, `is ${fileKind(st)}, not a regular file`);
  if (st.size > maxBytes) throw new UnreadableFileError(path, `is larger than ${maxBytes} bytes`);
}

/**
 * Reads a regular file of at most maxBytes. The type is checked before opening (stat) and again on
 * the open handle (fstat), so a file swapped for a pipe in between is still refused; the open is
 * non-blocking so even then it cannot hang. A file that grows past maxBytes while read is refused.
 */
export async function readRegularFile(path: string, opts: SafeReadOptions): Promise<Buffer> {
  const { maxBytes, signal } = opts;
  const chunk = Math.max(1, opts.chunkBytes ?? 4 * 1024 * 1024);
  if (signal?.aborted) throw new UnreadableFileError(path, 'interrupted');
  await checkRegularFile(path, maxBytes);
  let fh: fsp.FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. Windows has no
    // FIFOs of this kind (the constant is undefined there).
    fh = await fsp.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new UnreadableFileError(path, errnoReason(e));
  }
  try {
    const st = await fh.stat();
    assertRegular(path, st, maxBytes);
    // The size is a hint (the file may change); the read is bounded by maxBytes + 1 either way.
    let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(st.size + 1, 1)));
    let len = 0;
    for (;;) {
      if (signal?.aborted) throw new UnreadableFileError(path, 'interrupted');
      if (len === buf.length) {
        if (buf.length > maxBytes) throw new UnreadableFileError(path, `is larger than ${maxBytes} bytes (it grew while read)`);
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, len, Math.min(chunk, buf.length - len), len);
      if (bytesRead === 0) break;
      len += bytesRead;
    }
    if (len > maxBytes) throw new UnreadableFileError(path, `is larger than ${maxBytes} bytes (it grew while read)`);
    return buf.subarray(0, len);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw new UnreadableFileError(path, errnoReason(e));
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** readRegularFile decoded as UTF-8 text. */
export async function readRegularTextFile(path: string, opts: SafeReadOptions): Promise<string> {
  return (await readRegularFile(path, opts)).toString('utf8');
}

/**
 * Synchronous read of a small regular file (discovery files, manifests, scripts, the agent's
 * payload). Safe to call on any path: the open is non-blocking and fstat must say "regular file"
 * before a byte is read, so a pipe or device there is refused instead of blocking the thread.
 * `noFollow`: a symbolic link at `path` itself is refused (O_NOFOLLOW), for the installer.
 */
export function readSmallRegularFileSync(path: string, maxBytes: number, opts: { noFollow?: boolean } = {}): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (opts.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (e) {
    // With O_NOFOLLOW, ELOOP means the path itself is a link.
    if (opts.noFollow && (e as NodeJS.ErrnoException).code === 'ELOOP') throw new UnreadableFileError(path, 'is a symbolic link, not a regular file');
    throw new UnreadableFileError(path, errnoReason(e));
  }
  try {
    const st = fstatSync(fd);
    assertRegular(path, st, maxBytes);
    // Sized from fstat (one byte more, to see a file that grew), not from maxBytes: callers read
    // many small scripts with a limit of megabytes, and zero-filling the limit each time is waste.
    let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, st.size + 1));
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        if (len > maxBytes) throw new UnreadableFileError(path, `is larger than ${maxBytes} bytes`);
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const n = readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
    }
    if (len > maxBytes) throw new UnreadableFileError(path, `is larger than ${maxBytes} bytes`);
    return buf.subarray(0, len);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw new UnreadableFileError(path, errnoReason(e));
  } finally {
    closeSync(fd);
  }
}
