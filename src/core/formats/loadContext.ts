// What every importer receives: progress reporting and cancellation, checked every few thousand
// rows so a million-row loop stays cheap.

import { ProfileLoadAbortedError } from './errors';

export interface LoadOptions {
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
}

export class LoadContext {
  /** Notes the importer wants shown with the profile (recoveries, skipped lines, choices made). */
  readonly notes: string[] = [];

  constructor(
    readonly fileName: string,
    private readonly opts: LoadOptions = {},
  ) {}

  /** Reports progress (0..1) and throws if cancelled. Call at most every few thousand rows. */
  progress(fraction: number): void {
    if (this.opts.signal?.aborted) throw new ProfileLoadAbortedError(this.fileName);
    this.opts.onProgress?.(Math.max(0, Math.min(1, fraction)));
    // The progress callback itself may cancel (e.g. a UI reacting to the report).
    if (this.opts.signal?.aborted) throw new ProfileLoadAbortedError(this.fileName);
  }

  checkAborted(): void {
    if (this.opts.signal?.aborted) throw new ProfileLoadAbortedError(this.fileName);
  }
}
