// Writing a file so that readers see the old content or the new, never half of it, and never
// through a link planted at a predictable name: a new temp file (O_CREAT|O_EXCL|O_NOFOLLOW, with its
// final mode from the start, so a secret is never briefly readable), the whole content, then a
// rename over the target. Used for the discovery file (it holds the token) and the agent installer.
import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export interface AtomicWriteOptions {
  /** Mode of the new file (0600 for secrets). */
  mode: number;
  /** The temp file's path: in the target's folder (a rename does not cross file systems), unguessable. */
  tmpPath: string;
}

/** Writes `bytes` to `file` through opts.tmpPath and a rename; the temp file is removed on failure. */
export function writeFileAtomicSync(file: string, bytes: Uint8Array, opts: AtomicWriteOptions): void {
  const fd = openSync(opts.tmpPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), opts.mode);
  let open = true;
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    open = false;
    closeSync(fd);
    renameSync(opts.tmpPath, file);
  } catch (e) {
    if (open) closeSync(fd);
    rmSync(opts.tmpPath, { force: true });
    throw e;
  }
}
