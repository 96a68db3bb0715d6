// Packs and deflates a profile for posting to a webview (the webview channel is slow per byte).
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import type { Profile } from '../core/profile/types';
import { packProfile, type PackedHeader } from '../core/view/packProfile';

const deflateRawAsync = promisify(deflateRaw);

/**
 * A profile in the form posted to webviews: packed (src/core/view/packProfile.ts) and deflated,
 * because VS Code's webview channel is slow per byte (docs/benchmarks.md). zlib runs in Node's thread
 * pool, so the extension host's thread only copies the columns.
 */
export async function packForWebview(profile: Profile): Promise<{ header: PackedHeader; data: Uint8Array; rawBytes: number }> {
  const { header, bytes } = packProfile(profile);
  const deflated = await deflateRawAsync(bytes, { level: 1 });
  return { header, data: new Uint8Array(deflated), rawBytes: bytes.length };
}
