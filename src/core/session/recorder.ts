// Drives one capture on an attached SessionClient and streams it into a CaptureWriter: frames,
// samples and events are appended as their protocol events arrive (about 10 times a second), so a
// crash of either side loses at most what was in flight. Ends on time, on abort, or when the
// session goes away; the file is closed with the reason in every case.
import { PROTOCOL_VERSION } from '../protocol/messages';
import type { FrameMetrics } from '../protocol/types';
import { SessionError, type SessionClient } from './client';
import { CaptureWriter, type CaptureEvent, type CaptureHeader } from '../capture/writer';

export interface RecordOptions {
  seconds: number;
  samplingHz?: number;
  /** Called after each batch: elapsed seconds (session clock), frames and samples so far. */
  onProgress?(p: RecordProgress): void;
  signal?: AbortSignal;
  tool?: string;
  /** Called once the agent answered startCapture, with the rate it samples at (it may clamp `samplingHz`). */
  onSampling?(actualHz: number): void;
}

export interface RecordProgress {
  seconds: number;
  frames: number;
  samples: number;
}

export interface RecordResult extends RecordProgress {
  /** 'stopped' when the capture ran to its end, else why it ended early. */
  reason: string;
  complete: boolean;
  droppedFrames: number;
}

/** Creates the writer once the header is known (after startCapture answered). */
export type WriterFactory = (header: Omit<CaptureHeader, 'formatVersion'>) => CaptureWriter;

/**
 * Records a capture into `out` (a file path, or a factory for another sink). The client must be
 * attached. Resolves when the capture ended, with why; rejects only when it could not start.
 */
export async function recordCapture(client: SessionClient, out: string | WriterFactory, opts: RecordOptions): Promise<RecordResult> {
  const info = await client.request('sessionInfo', {});
  let writer: CaptureWriter | undefined;
  let startTime = Number.NEGATIVE_INFINITY;
  let lastTime = 0;
  let dropped = 0;
  let stopRequested = false;
  const pendingFrames: FrameMetrics[] = [];
  const pendingSamples: Array<Parameters<CaptureWriter['writeSamples']>[0]> = [];
  const offs: Array<() => void> = [];
  let finish: (reason: string) => void = () => undefined;
  const finished = new Promise<string>((r) => (finish = r));

  // Events that arrive before the writer exists (the server sends the load-time errors right after
  // startCapture's response) are kept and written first.
  const pendingEvents: CaptureEvent[] = [];
  const events = (e: CaptureEvent) => (writer ? writer.writeEvents([e]) : void pendingEvents.push(e));
  offs.push(
    client.on('frames', (b) => {
      dropped += b.dropped;
      const frames = b.frames.filter((f) => f.start >= startTime);
      if (!writer) {
        pendingFrames.push(...frames);
        return;
      }
      writer.writeFrames(frames);
      if (frames.length) lastTime = Math.max(lastTime, frames[frames.length - 1]!.start);
      progress();
    }),
    client.on('samples', (b) => {
      // A batch can come before startCapture's response (the sampler starts first): kept, with the
      // frame and stack definitions it carries, which later batches do not repeat.
      if (!writer) {
        pendingSamples.push(b);
        return;
      }
      writer.writeSamples(b);
      if (b.samples.length) lastTime = Math.max(lastTime, b.samples[b.samples.length - 1]![1]);
      progress();
    }),
    client.on('callbackRegistered', (b) => events({ type: 'callbackRegistered', callback: b.callback })),
    client.on('scriptReset', (b) => events({ type: 'scriptReset', ...b })),
    client.on('scriptError', (b) => events({ type: 'scriptError', ...b })),
    client.on('output', (b) => {
      if (b.data) events({ type: 'log', time: b.data.time, level: b.data.level, text: b.output.replace(/\n$/, '') });
    }),
    client.on('terminated', (b) => finish(`session ended: ${b.reason ?? 'terminated'}`)),
    client.onClose((e) => finish(e ? `connection lost: ${e.message}` : 'connection closed')),
  );
  const progress = () => {
    // Before startCapture's response the start is unknown (-Infinity): the length cannot be reached.
    if (!writer) return;
    const seconds = Math.max(0, (lastTime - startTime) / 1000);
    opts.onProgress?.({ seconds: Number.isFinite(seconds) ? seconds : 0, frames: writer?.framesWritten ?? 0, samples: writer?.samplesWritten ?? 0 });
    if (seconds >= opts.seconds && !stopRequested) finish('stopped');
  };
  const onAbort = () => finish('aborted');
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) finish('aborted');
  // The session clock decides the length; a wall-clock guard ends a capture of a stalled session.
  const guard = setTimeout(() => finish('stopped'), opts.seconds * 1000 + 5000);

  let reason: string;
  try {
    const start = await client.request('startCapture', opts.samplingHz !== undefined ? { samplingHz: opts.samplingHz } : {});
    startTime = start.startTime;
    lastTime = start.startTime;
    opts.onSampling?.(start.samplingHz);
    const header = {
      protocol: PROTOCOL_VERSION,
      session: info.session,
      samplingHz: start.samplingHz,
      startTime: start.startTime,
      startedAt: new Date().toISOString(),
      tool: opts.tool ?? 'uevr-profiler',
    };
    writer = typeof out === 'string' ? CaptureWriter.toFile(out, header) : out(header);
    writer.writeCallbacks(info.callbacks);
    writer.writeFrames(pendingFrames.filter((f) => f.start >= startTime));
    for (const b of pendingSamples.splice(0)) {
      writer.writeSamples(b);
      if (b.samples.length) lastTime = Math.max(lastTime, b.samples[b.samples.length - 1]![1]);
    }
    if (pendingEvents.length) writer.writeEvents(pendingEvents.splice(0));
    reason = await finished;
    stopRequested = true;
    if (reason === 'stopped' || reason === 'aborted') {
      try {
        // Every sample of the capture arrives before this response (docs/protocol.md).
        await client.request('stopCapture', {});
      } catch (e) {
        reason = `stop failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  } catch (e) {
    reason = e instanceof SessionError ? e.message : `capture failed: ${e instanceof Error ? e.message : String(e)}`;
    if (!writer) {
      cleanup();
      throw e;
    }
  } finally {
    clearTimeout(guard);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  cleanup();
  const result: RecordResult = {
    seconds: Math.max(0, (lastTime - startTime) / 1000),
    frames: writer!.framesWritten,
    samples: writer!.samplesWritten,
    reason,
    complete: reason === 'stopped',
    droppedFrames: dropped,
  };
  writer!.close({ stopTime: lastTime, reason, frames: result.frames, samples: result.samples, droppedFrames: dropped });
  return result;

  function cleanup() {
    for (const off of offs) off();
  }
}
