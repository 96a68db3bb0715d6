// Reads any profile file the product knows (a .uevrcap capture or what src/core/formats imports),
// turning every failure into an InputError with one line naming the file and the problem. The file
// must be a regular file (not /dev/zero, not a named pipe) and is read asynchronously, so Ctrl+C
// (the command's abort signal) stops it.
import type { Profile } from '../core/profile/types';
import { loadProfile, MAX_PROFILE_BYTES } from '../core/formats/loadProfile';
import { readCaptureEvents } from '../core/capture/reader';
import type { CaptureEvent } from '../core/capture/writer';
import { readRegularFile, UnreadableFileError } from '../core/io/safeRead';
import { InputError } from './errors';

export async function loadProfileFile(path: string, signal?: AbortSignal): Promise<Profile> {
  return (await loadProfileAndEvents(path, signal)).profile;
}

/** The profile and, for a .uevrcap capture, its events (script errors, logs, resets); else no events. */
export async function loadProfileAndEvents(path: string, signal?: AbortSignal): Promise<{ profile: Profile; events: CaptureEvent[] | null }> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, { maxBytes: MAX_PROFILE_BYTES, signal });
  } catch (e) {
    throw new InputError(e instanceof UnreadableFileError ? e.message : `cannot read ${path}: ${String(e)}`);
  }
  try {
    const profile = loadProfile(bytes, path);
    return { profile, events: profile.source === 'uevrcap' ? readCaptureEvents(bytes) : null };
  } catch (e) {
    throw new InputError(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
}
