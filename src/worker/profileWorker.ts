// Loads a profile file off the extension host's thread: parsing a million-sample file takes seconds,
// and the extension host must never freeze (other extensions and the workbench share it).
// Messages: in {path}; out {type:'progress', fraction} … then {type:'done', profile} or {type:'error', message}.
// The profile's typed arrays are transferred, not copied.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadProfile } from '../core/formats';
import { transferablesOf } from '../core/profile/transfer';

interface Request {
  path: string;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('profileWorker must run in a worker thread');
  const { path } = workerData as Request;
  try {
    const bytes = new Uint8Array(await readFile(path));
    let last = 0;
    const profile = loadProfile(bytes, basename(path), {
      onProgress(fraction) {
        // Progress messages are cheap but not free: send at most every 2 %.
        if (fraction - last >= 0.02 || fraction >= 1) {
          last = fraction;
          port.postMessage({ type: 'progress', fraction });
        }
      },
    });
    port.postMessage({ type: 'done', profile }, transferablesOf(profile));
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message.split('\n')[0] : String(err) });
  }
}

void main();
