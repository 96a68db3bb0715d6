import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter, encodeChunk, encodeSamples, MemorySink } from '../../../src/core/capture/writer';
import { CaptureFormatError, readCapture, readCaptureEvents } from '../../../src/core/capture/reader';
import { ChunkType, isCapture, MAGIC } from '../../../src/core/capture/format';
import { recordCapture } from '../../../src/core/session/recorder';
import { describeSamplingClamp } from '../../../src/core/settings';
import { SessionServer } from '../../../src/core/session/server';
import { SessionClient } from '../../../src/core/session/client';
import type { FrameMetrics } from '../../../src/core/protocol/types';
import { TimerBackend } from '../session/timer-backend';

const session = { game: 'G', pid: 42, kind: 'simulator' as const, refreshRateHz: 90, hostVersion: 't' };
const header = { protocol: 1, session, samplingHz: 1000, startTime: 100, startedAt: '2026-01-01T00:00:00.000Z', tool: 'test' };

function frame(i: number): FrameMetrics {
  return {
    frame: 1000 + i,
    start: 100 + i * 11,
    frameMs: 11,
    scriptsMs: 3,
    gcMs: 0.25,
    luaMemoryKb: 900 + i,
    overheadMs: 0.05,
    callbacks: [
      { id: 7, eye: -1, ms: 2, calls: 1 },
      { id: 8, eye: 0, ms: 0.5, calls: 1 },
      { id: 8, eye: 1, ms: 0.5, calls: 1 },
    ],
  };
}

function sampleCapture(close = true): Uint8Array {
  const sink = new MemorySink();
  const w = new CaptureWriter(sink, header);
  w.writeCallbacks([
    { id: 7, name: 'on_pre_engine_tick', file: 'a.lua', line: 3, generation: 0 },
    { id: 8, name: 'on_early_calculate_stereo_view_offset', file: 'a.lua', line: 9, generation: 0 },
  ]);
  w.writeFrames([frame(0), frame(1)]);
  w.writeSamples({
    newFrames: [
      { id: 10, name: 'tick', file: 'a.lua', line: 3, kind: 2 },
      { id: 11, name: 'update', file: 'a.lua', line: 20, kind: 0 },
    ],
    newStacks: [
      [5, -1, 10, 0],
      [6, 5, 11, 22],
    ],
    samples: [
      [5, 101, 1, 1000],
      [6, 102, 1, 1000],
    ],
  });
  w.writeEvents([{ type: 'scriptReset', time: 110, generation: 1 }]);
  w.writeFrames([frame(2)]);
  w.writeSamples({ newFrames: [], newStacks: [], samples: [[6, 125, 2, 1002]] });
  if (close) w.close({ stopTime: 133, reason: 'stopped', frames: 3, samples: 3, droppedFrames: 0 });
  return sink.bytes();
}

/** Offset of the first version-2 chunk header of `type` (walking real chunk boundaries). */
function findChunk(b: Buffer, type: number, nth = 0): number {
  let off = 16;
  let seen = 0;
  while (off + 16 <= b.length) {
    if (b.readUInt32LE(off) === type && seen++ === nth) return off;
    off += 16 + ((b.readUInt32LE(off + 4) + 7) & ~7);
  }
  throw new Error(`no chunk of type ${type}`);
}

/** The version 1 fixture cut before its END chunk (as a crashed recorder leaves it). */
function v1WithoutEnd(): Buffer {
  const b = readFileSync(join(__dirname, 'fixtures', 'format-v1.uevrcap'));
  let off = 16;
  while (b.readUInt32LE(off) !== 7) off += 8 + ((b.readUInt32LE(off + 4) + 7) & ~7);
  return b.subarray(0, off);
}

describe('capture file', () => {
  test('round trip into the columnar profile', () => {
    const bytes = sampleCapture();
    assert.ok(isCapture(bytes));
    assert.ok(!isCapture(new TextEncoder().encode('{"x":1}')));
    const p = readCapture(bytes, 'x.uevrcap');
    assert.equal(p.source, 'uevrcap');
    assert.equal(p.meta.truncated, false);
    assert.equal(p.meta.game, 'G');
    assert.equal(p.meta.samplingHz, 1000);
    assert.equal(p.meta.refreshRateHz, 90);
    assert.equal(p.meta.scriptResets, 1);
    assert.ok(Math.abs((p.meta.overheadMsPerFrame as number) - 0.05) < 1e-9);
    assert.equal(p.gameFrames!.length, 3);
    assert.deepEqual([...p.gameFrames!.index], [1000, 1001, 1002]);
    assert.deepEqual([...p.gameFrames!.start], [0, 11, 22]);
    assert.deepEqual([...p.gameFrames!.luaMemoryKb], [900, 901, 902]);
    assert.deepEqual(p.callbacks!.name, ['on_pre_engine_tick', 'on_early_calculate_stereo_view_offset']);
    assert.equal(p.callbackTimings!.length, 9);
    assert.deepEqual([...p.callbackTimings!.eye.slice(0, 3)], [-1, 0, 1]);
    assert.deepEqual([...p.callbackTimings!.gameFrame], [0, 0, 0, 1, 1, 1, 2, 2, 2]);
    assert.deepEqual([...p.callbackTimings!.duration.slice(0, 3)], [2, 0.5, 0.5]);
    assert.equal(p.samples.length, 3);
    assert.deepEqual([...p.samples.time], [1, 2, 25]);
    assert.deepEqual([...p.samples.weight], [1, 1, 2]);
    assert.deepEqual(p.frames.name, ['tick', 'update']);
    assert.deepEqual([...p.stacks.parent], [-1, 0]);
    assert.deepEqual([...p.samples.stack], [0, 1, 1]);
    assert.equal(p.durationMs, 33);
    assert.equal(readCaptureEvents(bytes).length, 1);
  });

  test('a file cut at every byte still opens (or names why not), and says it was truncated', () => {
    const bytes = sampleCapture();
    let opened = 0;
    for (let n = 0; n < bytes.length; n++) {
      const cut = bytes.subarray(0, n);
      try {
        const p = readCapture(cut, 'cut.uevrcap');
        opened++;
        // Only the END chunk's zero padding may be missing from a complete file.
        if (n < bytes.length - 7) {
          assert.equal(p.meta.truncated, true, `cut at ${n}`);
          assert.equal(typeof p.meta.truncatedReason, 'string');
        }
        assert.ok(p.samples.length <= 3);
      } catch (e) {
        assert.ok(e instanceof CaptureFormatError, `cut at ${n}: ${String(e)}`);
        assert.ok(!e.message.includes('\n'));
      }
    }
    assert.ok(opened > bytes.length / 2);
    assert.equal(readCapture(bytes, 'x').meta.truncated, false);
  });

  test('an unclosed file (writer crashed) reads with everything written', () => {
    const p = readCapture(sampleCapture(false), 'open.uevrcap');
    assert.equal(p.meta.truncated, true);
    assert.match(String(p.meta.truncatedReason), /did not finish/);
    assert.equal(p.samples.length, 3);
    assert.equal(p.gameFrames!.length, 3);
  });

  test('corrupted chunks and wrong files give a one-line CaptureFormatError or a truncated profile', () => {
    assert.throws(() => readCapture(new TextEncoder().encode('hello'), 'h.txt'), /h\.txt is not a UEVR capture/);
    const v2 = sampleCapture();
    v2[9] = '9'.charCodeAt(0);
    assert.throws(() => readCapture(v2, 'v.uevrcap'), /format version 9/);
    const bad = Buffer.from(sampleCapture());
    bad.writeUInt32LE(0xffffffff, 20); // header chunk length
    assert.throws(() => readCapture(bad, 'b.uevrcap'), CaptureFormatError);
    // Lie about a sample count: the checksum catches it and the chunk is reported as damaged.
    const lie = Buffer.from(sampleCapture());
    const idx = findChunk(lie, 5);
    lie.writeUInt32LE(1e6, idx + 16);
    const p = readCapture(lie, 'l.uevrcap');
    assert.equal(p.meta.damagedChunks, 1);
    assert.match(String(p.meta.damage), /^chunk \d+ damaged: /);
    assert.equal(p.samples.length, 1, 'the other samples chunk still reads');
    // Random garbage after a valid header never throws anything but CaptureFormatError.
    let seed = 1;
    for (let round = 0; round < 200; round++) {
      const b = Buffer.from(sampleCapture());
      for (let k = 0; k < 5; k++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const at = 16 + (seed % (b.length - 16));
        b[at] = seed >>> 24;
      }
      try {
        readCapture(b, 'r.uevrcap');
      } catch (e) {
        assert.ok(e instanceof CaptureFormatError, String(e));
      }
    }
  });

  test('a flipped bit in a samples chunk is reported as damage with the samples skipped, never shown as data', () => {
    const b = Buffer.from(sampleCapture());
    const at = findChunk(b, 5); // first SAMPLES chunk: 2 samples
    b[at + 16 + 8 + 3] ^= 0x40; // a bit of the first sample's time
    const p = readCapture(b, 'flip.uevrcap');
    assert.equal(p.meta.damage, 'chunk 4 damaged: 2 samples skipped');
    assert.equal(p.meta.samplesSkipped, 2);
    assert.deepEqual([...p.samples.time], [25], 'only the undamaged samples');
    assert.equal(p.meta.truncated, false, 'the file is whole, only damaged');
  });

  test('a flipped bit in a chunk header skips to the next good chunk', () => {
    const b = Buffer.from(sampleCapture());
    const at = findChunk(b, 3); // first FRAMES chunk
    b[at + 4] ^= 0x01; // its length
    const p = readCapture(b, 'hdr.uevrcap');
    assert.equal(p.meta.damagedChunks, 1);
    assert.match(String(p.meta.damage), /^chunk 2 damaged: bytes \d+–\d+ skipped \(unreadable chunk header\)$/);
    assert.equal(p.gameFrames!.length, 1, 'the second FRAMES chunk still reads');
    assert.equal(p.samples.length, 3);
  });

  test('200 random bit flips: never absurd values, every flip either harmless (padding) or reported', () => {
    const clean = readCapture(sampleCapture(), 'c');
    let seed = 7;
    let reported = 0;
    for (let round = 0; round < 200; round++) {
      const b = Buffer.from(sampleCapture());
      seed = (seed * 1103515245 + 12345) >>> 0;
      const at = 16 + (seed % (b.length - 16));
      b[at] ^= 1 << (seed >>> 29);
      let p;
      try {
        p = readCapture(b, 'r.uevrcap');
      } catch (e) {
        assert.ok(e instanceof CaptureFormatError, String(e));
        reported++;
        continue;
      }
      if (p.meta.damage || p.meta.truncated) {
        reported++;
        continue;
      }
      // Not reported: the flip hit padding, so the data is exactly the clean data.
      assert.deepEqual([...p.samples.time], [...clean.samples.time], `flip at ${at}`);
      assert.deepEqual([...p.gameFrames!.duration], [...clean.gameFrames!.duration], `flip at ${at}`);
      assert.deepEqual([...p.samples.weight], [...clean.samples.weight], `flip at ${at}`);
    }
    assert.ok(reported > 150, `${reported} of 200 flips reported`);
  });

  test('a magic line followed by zeros fails at once with one line, whatever its size', () => {
    for (const magic of ['UEVRCAP v1     \n', 'UEVRCAP v2     \n', 'UEVRCAP v3     \n']) {
      const b = Buffer.alloc(50 * 1024 * 1024);
      b.write(magic, 'latin1');
      assert.throws(() => readCapture(b, 'z.uevrcap'), (e: Error) => e instanceof CaptureFormatError && /z\.uevrcap has no readable header chunk/.test(e.message) && !e.message.includes('\n'));
    }
  });

  test('zeros after good chunks (a crashed capture) are capped damage, not one entry per 8 bytes', () => {
    for (const v1 of [false, true]) {
      const good = v1 ? v1WithoutEnd() : Buffer.from(sampleCapture(false));
      const b = Buffer.concat([good, Buffer.alloc(8 * 1024 * 1024)]);
      const p = readCapture(b, 'tail.uevrcap');
      assert.equal(p.samples.length, 3);
      assert.equal(p.meta.truncated, true);
      if (v1) assert.match(String(p.meta.truncatedReason), /more than 64 damaged chunks/);
      else assert.match(String(p.meta.truncatedReason), /damaged from byte/);
    }
  });

  test('a version 1 capture (no checksums) still opens with the same data', () => {
    const v1 = readFileSync(join(__dirname, 'fixtures', 'format-v1.uevrcap'));
    assert.equal(v1.subarray(0, 16).toString('latin1'), 'UEVRCAP v1     \n');
    const p = readCapture(v1, 'old.uevrcap');
    const q = readCapture(sampleCapture(), 'new.uevrcap');
    assert.equal(p.meta.formatVersion, 1);
    assert.equal(q.meta.formatVersion, 3);
    assert.deepEqual([...p.samples.time], [...q.samples.time]);
    assert.deepEqual([...p.gameFrames!.duration], [...q.gameFrames!.duration]);
    assert.deepEqual(p.callbacks!.name, q.callbacks!.name);
    assert.equal(p.meta.truncated, false);
    assert.equal(readCaptureEvents(v1).length, 1);
    // Version 1 has no stack lines: every line is unknown (0), and the stacks are the same.
    assert.deepEqual([...p.stacks.line], [0, 0]);
    assert.deepEqual([...p.stacks.frame], [...q.stacks.frame]);
  });

  test('a version 2 capture (written by the version 2 writer) opens with its lines unknown', () => {
    const v2 = readFileSync(join(__dirname, 'fixtures', 'format-v2.uevrcap'));
    assert.equal(v2.subarray(0, 16).toString('latin1'), 'UEVRCAP v2     \n');
    const p = readCapture(v2, 'v2.uevrcap');
    const q = readCapture(sampleCapture(), 'v3.uevrcap');
    assert.equal(p.meta.formatVersion, 2);
    assert.equal(p.meta.truncated, false);
    assert.deepEqual([...p.samples.time], [...q.samples.time]);
    assert.deepEqual([...p.samples.weight], [...q.samples.weight]);
    assert.deepEqual([...p.stacks.parent], [...q.stacks.parent]);
    assert.deepEqual([...p.stacks.line], [0, 0]);
    assert.deepEqual([...q.stacks.line], [0, 22]);
  });

  test('version 3 stack lines round-trip; a stack without a line (an older session) is written with 0', () => {
    const sink = new MemorySink();
    const w = new CaptureWriter(sink, header);
    w.writeSamples({
      newFrames: [
        { id: 1, name: 'cb', file: 'a.lua', line: 3, kind: 2 },
        { id: 2, name: 'f', file: 'a.lua', line: 10, kind: 0 },
      ],
      newStacks: [[1, -1, 1], [2, 1, 2, 12], [3, 1, 2, 14]],
      samples: [[2, 101, 3, 1], [3, 102, 1, 1], [1, 103, 1, 1]],
    });
    w.close({ stopTime: 110, reason: 'stopped', frames: 0, samples: 3, droppedFrames: 0 });
    const bytes = sink.bytes();
    assert.match(Buffer.from(bytes).toString('utf8'), /"stacks":\[\[1,-1,1,0\],\[2,1,2,12\],\[3,1,2,14\]\]/);
    const p = readCapture(bytes, 'l.uevrcap');
    assert.deepEqual([...p.stacks.line], [0, 12, 14]);
    // One function on two lines: two stacks sharing the function's frame row.
    assert.equal(p.stacks.frame[1], p.stacks.frame[2]);
    assert.deepEqual([...p.samples.stack].map((s) => p.stacks.line[s]), [12, 14, 0]);
  });

  test('hostile stack lines (negative, huge, fractional, not numbers, missing) read as unknown, keeping the stack and its time', () => {
    const sink = new MemorySink();
    const w = new CaptureWriter(sink, header);
    const bad: unknown[] = [-5, 2 ** 31, 2 ** 53 + 2, 1e308, 3.5, '7', null, { x: 1 }, [4], true, Number.NaN];
    const frames = [{ id: 1, name: 'cb', file: 'a.lua', line: 3, kind: 2 as const }, { id: 2, name: 'f', file: 'a.lua', line: 10, kind: 0 as const }];
    // Written as a hostile session would send them (the writer passes definitions through as JSON).
    const stacks = [[1, -1, 1], ...bad.map((l, i) => [10 + i, 1, 2, l]), [30, 1, 2, 9, 'extra']] as unknown as Array<[number, number, number, number]>;
    const samples = [...bad.keys()].map((i) => [10 + i, 101 + i, 1, 1] as [number, number, number, number]);
    samples.push([30, 120, 1, 1]);
    w.writeSamples({ newFrames: frames, newStacks: stacks, samples });
    w.close({ stopTime: 130, reason: 'stopped', frames: 0, samples: samples.length, droppedFrames: 0 });
    const p = readCapture(sink.bytes(), 'h.uevrcap');
    assert.equal(p.samples.length, bad.length + 1);
    assert.equal(p.meta.unknownReferences, undefined, 'a bad line is not a bad stack');
    const lines = [...p.samples.stack].map((s) => p.stacks.line[s]);
    assert.deepEqual(lines, [...bad.map(() => 0), 9]);
    // Every sample is still on function f under the callback: no time goes missing.
    for (let i = 0; i < p.samples.length; i++) assert.equal(p.frames.name[p.stacks.frame[p.samples.stack[i]!]!], 'f');
  });

  test('a version 3 file whose stacks lack the 4th element (written by hand, not by our writer) reads them as line 0', () => {
    const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
    const defs = { frames: [{ id: 1, name: 'cb', file: 'a.lua', line: 3, kind: 2 }, { id: 2, name: 'f', file: 'a.lua', line: 10, kind: 0 }], stacks: [[1, -1, 1], [2, 1, 2], [3, 1, 2, 11]] };
    const bytes = Buffer.concat([
      Buffer.from(MAGIC, 'latin1'),
      encodeChunk(ChunkType.Header, json({ formatVersion: 3, ...header })),
      encodeChunk(ChunkType.Definitions, json(defs)),
      encodeChunk(ChunkType.Samples, encodeSamples([[2, 101, 1, 1], [3, 102, 1, 1]])),
      encodeChunk(ChunkType.End, json({ stopTime: 110, reason: 'stopped', frames: 0, samples: 2, droppedFrames: 0 })),
    ]);
    const p = readCapture(bytes, 'hand.uevrcap');
    assert.equal(p.meta.formatVersion, 3);
    assert.deepEqual([...p.samples.stack].map((s) => p.stacks.line[s]), [0, 11]);
    assert.equal(p.meta.unknownReferences, undefined);
  });

  test('unaligned input (Buffer from a pool) reads the same', () => {
    const bytes = sampleCapture();
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const p = readCapture(shifted.subarray(3), 'u.uevrcap');
    assert.deepEqual([...p.samples.time], [1, 2, 25]);
  });
});

describe('recordCapture against a live server', () => {
  test('records frames, callbacks and samples to a file as they stream', async () => {
    const backend = new TimerBackend(11.1, 2);
    const server = await SessionServer.start({ backend, token: 't', port: 0 });
    const client = await SessionClient.open('127.0.0.1', server.port, 't');
    const out = join(mkdtempSync(join(tmpdir(), 'uevr-cap-')), 'c.uevrcap');
    let progressCalls = 0;
    const r = await recordCapture(client, out, { seconds: 0.5, samplingHz: 1000, onProgress: () => progressCalls++ });
    assert.equal(r.reason, 'stopped');
    assert.ok(r.complete);
    assert.ok(progressCalls > 0);
    const p = readCapture(readFileSync(out), out);
    assert.equal(p.meta.truncated, false);
    assert.ok(p.gameFrames!.length >= 40, `frames ${p.gameFrames!.length}`);
    assert.equal(p.samples.length, r.samples);
    assert.ok(p.samples.length > 0);
    assert.equal(p.callbacks!.length, 2);
    assert.equal(p.callbackTimings!.length, p.gameFrames!.length * 3);
    for (let i = 0; i < p.gameFrames!.length; i++) assert.ok(p.gameFrames!.start[i]! >= 0);
    // Stereo callback: exactly one left and one right row per frame.
    const eyes = [...p.callbackTimings!.eye];
    assert.equal(eyes.filter((e) => e === 0).length, p.gameFrames!.length);
    client.close();
    await server.close();
    await backend.dispose();
  });

  test('samples that arrive with startCapture\'s response (before the recorder knows the start) neither end the capture nor lose their stack definitions', async () => {
    // A client whose event loop is busy (the simulator in the same process) reads the response and the
    // first samples event in one chunk: the event is dispatched before the response's await resumes.
    // Here the backend samples at once and each frame blocks the loop, so the server's flush (every
    // 1 ms) lands in the socket next to the response.
    class EagerBackend extends TimerBackend {
      override startSampling(hz: number): void {
        super.startSampling(hz);
        this.step();
      }
      override step(): void {
        super.step();
        const until = performance.now() + 15;
        while (performance.now() < until) {
          // a heavy frame, as hud_heavy.lua's in the simulator
        }
      }
    }
    const backend = new EagerBackend(11.1, 2);
    const server = await SessionServer.start({ backend, token: 't', port: 0, flushIntervalMs: 1 });
    const client = await SessionClient.open('127.0.0.1', server.port, 't');
    const out = join(mkdtempSync(join(tmpdir(), 'uevr-cap-')), 'e.uevrcap');
    try {
      const r = await recordCapture(client, out, { seconds: 0.5, samplingHz: 1000 });
      assert.equal(r.reason, 'stopped');
      assert.ok(r.seconds >= 0.5, `ended after ${r.seconds} s of session time`);
      const p = readCapture(readFileSync(out), out);
      assert.ok(p.gameFrames!.length >= 40, `frames ${p.gameFrames!.length}`);
      assert.equal(p.meta.unknownReferences, undefined, 'every sample\'s stack is defined');
      assert.ok([...p.samples.stack].every((st) => p.stacks.frame[st]! >= 0));
    } finally {
      client.close();
      await server.close();
      await backend.dispose();
    }
  });

  test('an agent that clamps the sampling rate says so: the recorder hears the real rate, the user a sentence', async () => {
    const backend = new TimerBackend(11.1, 2);
    // An agent that samples at most 4,000 Hz (a real one advertises its range in its capabilities).
    (backend.capabilities as { maxSamplingHz: number }).maxSamplingHz = 4000;
    const server = await SessionServer.start({ backend, token: 't', port: 0 });
    const client = await SessionClient.open('127.0.0.1', server.port, 't');
    const out = join(mkdtempSync(join(tmpdir(), 'uevr-cap-')), 'c.uevrcap');
    const heard: number[] = [];
    await recordCapture(client, out, { seconds: 0.2, samplingHz: 8000, onSampling: (hz) => heard.push(hz) });
    assert.deepEqual(heard, [4000]);
    assert.equal(describeSamplingClamp(8000, heard[0]), "sampling at 4,000 Hz: the agent's maximum (asked for 8,000 Hz)");
    assert.equal(describeSamplingClamp(1000, 1000), undefined);
    assert.equal(readCapture(readFileSync(out), out).meta.samplingHz, 4000, 'the capture records the rate it was sampled at');
    client.close();
    await server.close();
    await backend.dispose();
  });

  test('the session dying mid-capture leaves a readable file with the reason', async () => {
    const backend = new TimerBackend(11.1, 2);
    const server = await SessionServer.start({ backend, token: 't', port: 0 });
    const client = await SessionClient.open('127.0.0.1', server.port, 't');
    const out = join(mkdtempSync(join(tmpdir(), 'uevr-cap-')), 'd.uevrcap');
    const rec = recordCapture(client, out, {
      seconds: 60,
      onProgress: (p) => {
        if (p.frames > 20) backend.end('game exited');
      },
    });
    const r = await rec;
    assert.match(r.reason, /session ended: game exited/);
    assert.equal(r.complete, false);
    const p = readCapture(readFileSync(out), out);
    assert.ok(p.gameFrames!.length > 20);
    assert.equal(p.meta.endReason, r.reason);
    await server.close();
  });

  test('abort signal stops the capture cleanly', async () => {
    const backend = new TimerBackend(11.1, 2);
    const server = await SessionServer.start({ backend, token: 't', port: 0 });
    const client = await SessionClient.open('127.0.0.1', server.port, 't');
    const ac = new AbortController();
    const sink = new MemorySink();
    const r = await recordCapture(client, (h) => new CaptureWriter(sink, h), {
      seconds: 60,
      signal: ac.signal,
      onProgress: (p) => p.frames > 10 && ac.abort(),
    });
    assert.equal(r.reason, 'aborted');
    const p = readCapture(sink.bytes(), 'm');
    assert.equal(p.meta.endReason, 'aborted');
    assert.equal(p.meta.truncated, false);
    client.close();
    await server.close();
    await backend.dispose();
  });
});

describe('capture file: hostile definitions', () => {
  test('malformed and cyclic stack definitions never produce a cycle or a crash', () => {
    const sink = new MemorySink();
    const w = new CaptureWriter(sink, header);
    w.writeDefinitions(
      [
        { id: 1, name: 'a', file: 'x.lua', line: 1, kind: 0 },
        { id: 'bad' as unknown as number, name: 'b', file: '', line: 0, kind: 0 },
      ],
      [
        [10, 11, 1], // parent defined later: becomes a root
        [11, 10, 1],
        [12, 12, 1], // its own parent
        ['x', 1, 1] as unknown as [number, number, number],
        [13, -1, 99], // unknown frame
        [1e15, -1, 1], // sparse id
      ],
    );
    w.writeSampleColumns(Float64Array.of(0, 1, 2, 3, 4), Float64Array.of(1, 1, 1, 1, 1), Int32Array.of(10, 11, 12, 13, 77), Int32Array.of(0, 0, 0, 0, 0));
    w.close({ stopTime: 5, reason: 'stopped', frames: 0, samples: 5, droppedFrames: 0 });
    const p = readCapture(sink.bytes(), 'hostile');
    assert.equal(p.samples.length, 5);
    for (let i = 0; i < p.stacks.length; i++) assert.ok(p.stacks.parent[i]! < i, `stack ${i} parent ${p.stacks.parent[i]}`);
    for (let i = 0; i < p.samples.length; i++) assert.ok(p.samples.stack[i]! >= 0 && p.samples.stack[i]! < p.stacks.length);
    assert.ok((p.meta.unknownReferences as number) > 0);
  });
});
