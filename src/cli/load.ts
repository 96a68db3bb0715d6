// Reads any profile file the product knows (a .uevrcap capture or what src/core/formats imports),
// turning every failure into an InputError with one line naming the file and the problem.
import { readFileSync, statSync } from 'node:fs';
import type { Profile } from '../core/profile/types';
import { loadProfile } from '../core/formats/loadProfile';
import { readCaptureEvents } from '../core/capture/reader';
import type { CaptureEvent } from '../core/capture/writer';
import { InputError } from './errors';

/** Biggest file the CLI reads (a 1M-sample capture is ~35 MB; speedscope JSON of it ~140 MB). */
const MAX_BYTES = 1024 * 1024 * 1024;

export function loadProfileFile(path: string): Profile {
  return loadProfileAndEvents(path).profile;
}

/** The profile and, for a .uevrcap capture, its events (script errors, logs, resets); else no events. */
export function loadProfileAndEvents(path: string): { profile: Profile; events: CaptureEvent[] | null } {
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new Error('is a directory');
    if (st.size > MAX_BYTES) throw new Error(`is larger than ${MAX_BYTES} bytes`);
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const profile = loadProfile(bytes, path);
    return { profile, events: profile.source === 'uevrcap' ? readCaptureEvents(bytes) : null };
  } catch (e) {
    throw new InputError(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
}
