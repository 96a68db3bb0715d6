// Loads (and optionally exports) a profile file off the extension host's thread: parsing a
// million-sample file takes seconds, and the extension host must never freeze (other extensions
// and the workbench share it).
// In (workerData): {path} to load, plus {export: {format, out, ...}} to write it in another format.
// Out: {type:'progress', fraction}… then {type:'done', profile?} or {type:'error', message}; when measuring,
// {type:'profile', profile} comes first and 'done' carries the records.
// A loaded profile's typed arrays are transferred, not copied.
import { createWriteStream, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { exportProfileChunks, loadProfile, MAX_PROFILE_BYTES, type ExportFormat } from '../core/formats';
import { transferablesOf } from '../core/profile/transfer';
import type { Profile } from '../core/profile/types';
import { renderStandaloneHtml } from '../core/view/standaloneHtml';
import { measuredRecords } from '../core/report/measured';
import { resolveFrameBudget } from '../core/budget';
import { readRegularFile } from '../core/io/safeRead';

export interface ExportJob {
  format: ExportFormat | 'html';
  out: string;
  /** For html: the folder with webview/flamegraph.js|css (the extension's dist/). */
  distDir?: string;
  title?: string;
  /** uevrProfiler.refreshRate when set; else the profile's recorded rate applies (budget.ts's precedence). */
  refreshRateHz?: number;
}

export interface WorkerJob {
  path: string;
  export?: ExportJob;
  /**
   * Also compute the measured costs for the editor (per line/function). The value is the setting's
   * rate when set (0 when not): it only matters for profiles without game frames (summary.ts).
   */
  measureAtHz?: number;
}

/** The rate in force for a profile: the setting when set, else the one it recorded, else the default. */
function rateFor(profile: Profile, settingHz: number | undefined): number {
  return resolveFrameBudget({ setting: settingHz, recorded: Number(profile.meta.refreshRateHz) || 0 }).refreshRateHz;
}

async function writeChunks(out: string, chunks: Iterable<string>): Promise<void> {
  const stream = createWriteStream(out, { encoding: 'utf8' });
  for (const chunk of chunks) {
    // Respect back-pressure: a 100 MB export must not sit in memory twice.
    if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function runExport(profile: Profile, job: ExportJob): Promise<void> {
  if (job.format === 'html') {
    const dist = job.distDir ?? join(__dirname);
    const bundle = { js: readFileSync(join(dist, 'webview', 'flamegraph.js'), 'utf8'), css: readFileSync(join(dist, 'webview', 'flamegraph.css'), 'utf8') };
    await writeChunks(job.out, [renderStandaloneHtml(profile, { title: job.title ?? profile.name, refreshRateHz: rateFor(profile, job.refreshRateHz) }, bundle)]);
  } else {
    await writeChunks(job.out, exportProfileChunks(profile, job.format));
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('profileWorker must run in a worker thread');
  const job = workerData as WorkerJob;
  try {
    // Regular files only, at most MAX_PROFILE_BYTES (as the CLI): a pipe or /dev/zero opened as a profile is a one-line error.
    const bytes = new Uint8Array(await readRegularFile(job.path, { maxBytes: MAX_PROFILE_BYTES }));
    let last = 0;
    const profile = loadProfile(bytes, basename(job.path), {
      onProgress(fraction: number) {
        // Progress messages are cheap but not free: send at most every 2 %.
        if (fraction - last >= 0.02 || fraction >= 1) {
          last = fraction;
          port.postMessage({ type: 'progress', fraction: job.export ? fraction * 0.7 : fraction });
        }
      },
    });
    if (job.export) {
      await runExport(profile, job.export);
      port.postMessage({ type: 'done' });
    } else {
      if (job.measureAtHz !== undefined) {
        // The flame graph must not wait for the editor's measured costs (a second or more on a big
        // capture): send a copy of the profile now, measure, then send the records.
        port.postMessage({ type: 'profile', profile });
        // …and measure only when told (after the first paint): on two cores, measuring while the
        // webview starts delays the paint the user is waiting for.
        await new Promise<void>((resolve) => port.once('message', () => resolve()));
        // Without game frames "per frame" is per 1/Hz of the duration: the editor re-costs the records
        // when the rate in force changes, so it is told the rate they were measured at.
        const measuredAtHz = rateFor(profile, job.measureAtHz);
        const records = measuredRecords(profile, { refreshRateHz: measuredAtHz });
        port.postMessage({ type: 'done', records, measuredAtHz });
      } else {
        port.postMessage({ type: 'done', profile }, transferablesOf(profile));
      }
    }
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message.split('\n')[0] : String(err) });
  }
}

void main();
