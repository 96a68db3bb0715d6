// Loads and exports profile files in a worker thread (dist/profileWorker.js), cancellable, with progress.
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { Profile } from '../core/profile/types';
import { UserError } from './log';

import type { MeasuredRecord } from '../core/report/measured';
import type { ExportJob } from '../worker/profileWorker';

type WorkerMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'profile'; profile: Profile }
  | { type: 'done'; profile?: Profile; records?: MeasuredRecord[]; measuredAtHz?: number }
  | { type: 'error'; message: string };

export interface LoadedProfile {
  profile: Profile;
  /** Measured costs for the editor, when asked for (measureAtHz). */
  records?: MeasuredRecord[];
  /** The rate the records were measured at (their ms per frame depend on it without game frames). */
  measuredAtHz?: number;
}

/**
 * Loads a profile file in a worker thread (dist/profileWorker.js) with a cancellable progress
 * notification. Cancel terminates the worker at once, whatever it is doing.
 */
export function loadProfileFile(extensionUri: vscode.Uri, file: vscode.Uri, token?: vscode.CancellationToken): Promise<Profile> {
  return loadProfileAndMeasures(extensionUri, file, undefined, token).then((r) => r.profile);
}

/**
 * Loads a profile and, with `measureAtHz`, its measured costs per line and function (all in the
 * worker). `onProfile` gets the profile as soon as it is parsed, before the measuring.
 */
export async function loadProfileAndMeasures(
  extensionUri: vscode.Uri,
  file: vscode.Uri,
  measureAtHz: number | undefined,
  token?: vscode.CancellationToken,
  onProfile?: (p: Profile) => void,
  /** When to start measuring after the profile arrived (default: at once). */
  measureWhen?: Promise<unknown>,
): Promise<LoadedProfile> {
  let early: Profile | undefined;
  const r = await runWorker(extensionUri, file, undefined, token, measureAtHz, (p) => {
    early = p;
    onProfile?.(p);
    return measureWhen ?? Promise.resolve();
  });
  const profile = r?.profile ?? early;
  if (!profile) throw new UserError(vscode.l10n.t('The profile loader returned nothing.'));
  if (!early) onProfile?.(profile);
  return { profile, records: r?.records, measuredAtHz: r?.measuredAtHz };
}

/** Converts a profile file to another format (or a standalone HTML page) in the worker. */
export async function exportProfileFile(extensionUri: vscode.Uri, file: vscode.Uri, job: ExportJob, token?: vscode.CancellationToken): Promise<void> {
  await runWorker(extensionUri, file, { distDir: vscode.Uri.joinPath(extensionUri, 'dist').fsPath, ...job }, token);
}

type WorkerResult = { profile?: Profile; records?: MeasuredRecord[]; measuredAtHz?: number };

function runWorker(
  extensionUri: vscode.Uri,
  file: vscode.Uri,
  exportJob: ExportJob | undefined,
  token?: vscode.CancellationToken,
  measureAtHz?: number,
  onProfile?: (p: Profile) => Promise<unknown>,
): Promise<WorkerResult | undefined> {
  if (file.scheme !== 'file') {
    return Promise.reject(new UserError(vscode.l10n.t('Profiles can only be opened from disk (this one is {0}:).', file.scheme)));
  }
  const name = file.path.split('/').pop() ?? file.fsPath;
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: exportJob ? vscode.l10n.t('Exporting {0}', name) : vscode.l10n.t('Opening {0}', name), cancellable: true },
      (progress, progressToken) =>
        new Promise<WorkerResult | undefined>((resolve, reject) => {
          const worker = new Worker(vscode.Uri.joinPath(extensionUri, 'dist', 'profileWorker.js').fsPath, {
            workerData: { path: file.fsPath, export: exportJob, measureAtHz },
            // A hostile file must not take the extension host's memory down with the worker.
            resourceLimits: { maxOldGenerationSizeMb: 4096 },
          });
          let reported = 0;
          let settled = false;
          const finish = (fn: () => void): void => {
            if (settled) return;
            settled = true;
            subs.forEach((s) => s.dispose());
            void worker.terminate();
            fn();
          };
          const cancel = (): void => finish(() => reject(new vscode.CancellationError()));
          const subs = [progressToken.onCancellationRequested(cancel), ...(token ? [token.onCancellationRequested(cancel)] : [])];
          worker.on('message', (msg: WorkerMessage) => {
            if (msg.type === 'progress') {
              const pct = Math.round(msg.fraction * 100);
              progress.report({ increment: pct - reported, message: `${pct}%` });
              reported = pct;
            } else if (msg.type === 'profile') {
              const go = onProfile?.(msg.profile) ?? Promise.resolve();
              void go.then(() => {
                if (!settled) worker.postMessage({ type: 'measure' });
              });
            } else if (msg.type === 'done') {
              finish(() => resolve({ profile: msg.profile, records: msg.records, measuredAtHz: msg.measuredAtHz }));
            } else {
              finish(() => reject(new UserError(vscode.l10n.t('Could not {0} {1}: {2}', exportJob ? 'export' : 'open', name, msg.message))));
            }
          });
          worker.on('error', (err) => finish(() => reject(new UserError(vscode.l10n.t('Could not open {0}: {1}', name, err.message)))));
          worker.on('exit', (code) => finish(() => reject(new UserError(vscode.l10n.t('Could not open {0}: the loader stopped (exit {1}); the file may be too large for memory.', name, code)))));
        }),
    ),
  );
}
