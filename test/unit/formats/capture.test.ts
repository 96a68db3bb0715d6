// A real capture (written by src/core/capture's writer) through loadProfile and every exporter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureWriter, MemorySink } from '../../../src/core/capture/writer';
import { EXPORT_FORMATS, exportProfile, loadProfile } from '../../../src/core/formats';
import { buildCallTree } from '../../../src/core/profile/callTree';
import type { FrameMetrics } from '../../../src/core/protocol/types';
import { assertClose, assertConsistent, pathWeights, totalWeight } from './helpers';

const session = { game: 'G', pid: 42, kind: 'simulator' as const, refreshRateHz: 90, hostVersion: 't' };
const header = { protocol: 1, session, samplingHz: 1000, startTime: 100, startedAt: '2026-01-01T00:00:00.000Z', tool: 'test' };
const frame = (i: number): FrameMetrics => ({
  frame: 1000 + i, start: 100 + i * 11, frameMs: 11, scriptsMs: 3, gcMs: 0.25, luaMemoryKb: 900 + i, overheadMs: 0.05,
  callbacks: [{ id: 7, eye: -1, ms: 2, calls: 1 }],
});

function capture(): Uint8Array {
  const sink = new MemorySink();
  const w = new CaptureWriter(sink, header);
  w.writeCallbacks([{ id: 7, name: 'on_pre_engine_tick', file: 'a.lua', line: 3, generation: 0 }]);
  w.writeFrames([frame(0), frame(1), frame(2)]);
  w.writeSamples({
    newFrames: [
      { id: 10, name: 'tick', file: 'a.lua', line: 3, kind: 2 },
      { id: 11, name: 'update', file: 'a.lua', line: 20, kind: 0 },
    ],
    newStacks: [[5, -1, 10], [6, 5, 11]],
    samples: [[5, 101, 1, 1000], [6, 102, 1, 1000], [6, 113, 2, 1001], [5, 125, 1, 1002]],
  });
  w.close({ stopTime: 133, reason: 'stopped', frames: 3, samples: 4, droppedFrames: 0 });
  return sink.bytes();
}

describe('captures through loadProfile and the exporters', () => {
  test('detected by content and kept through every export', () => {
    const p = loadProfile(capture(), 'renamed.bin');
    assert.equal(p.meta.format, 'UEVR capture');
    assert.equal(p.gameFrames?.length, 3);
    assertConsistent(p, 'capture');
    const want = pathWeights(p);
    assert.deepEqual(Object.fromEntries(want), { tick: 2, 'tick;update': 3 });
    for (const f of EXPORT_FORMATS) {
      const q = loadProfile(new TextEncoder().encode(exportProfile(p, f)), `x.${f}`);
      assertClose(totalWeight(q), totalWeight(p), f);
      assert.equal(buildCallTree(q).length, buildCallTree(p).length, f);
    }
    const s = loadProfile(new TextEncoder().encode(exportProfile(p, 'speedscope')), 'x.speedscope.json');
    assert.deepEqual(Array.from(s.gameFrames!.index), [1000, 1001, 1002]);
    assert.deepEqual(Array.from(s.samples.time), Array.from(p.samples.time));
    assert.equal(s.callbacks?.name[0], 'on_pre_engine_tick');
  });
});
