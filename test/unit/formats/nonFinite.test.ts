// Numbers a file cannot mean: a Chrome trace `ts`/`dur` of 1e308, or times whose difference overflows,
// made an infinite sample weight. A Chrome trace skips such events (and says how many); any importer
// whose result would still hold a non-finite time or weight is refused with a one-line error instead
// of handing Infinity/NaN to the flame graph.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfile, ProfileFormatError } from '../../../src/core/formats';
import type { Profile } from '../../../src/core/profile/types';
import { enc, pathWeights } from './helpers';

function allFinite(p: Profile): void {
  for (const [name, a] of [['weight', p.samples.weight], ['time', p.samples.time]] as const) {
    for (let i = 0; i < a.length; i++) assert.ok(Number.isFinite(a[i]), `${name}[${i}] = ${a[i]}`);
  }
  assert.ok(Number.isFinite(p.durationMs), `durationMs = ${p.durationMs}`);
}

const trace = (events: object[], extra: object = {}): Uint8Array => enc(JSON.stringify({ traceEvents: events, ...extra }));
const ev = (o: object): object => ({ pid: 1, tid: 1, name: 'f', ...o });

describe('Chrome trace: times out of range', () => {
  test('an X event with ts/dur of 1e308 is skipped, the others are kept and counted', () => {
    const p = loadProfile(trace([ev({ ph: 'X', ts: 1e308, dur: 1e308 }), ev({ ph: 'X', ts: 0, dur: 1e308, name: 'g' }), ev({ ph: 'X', ts: 10, dur: 5, name: 'ok' })]), 't.json');
    allFinite(p);
    assert.deepEqual(Object.fromEntries(pathWeights(p)), { ok: 0.005 });
    assert.equal(p.meta.outOfRangeEvents, 2);
    assert.match(String(p.meta.notes), /2 events with a timestamp or duration out of range were skipped/);
  });

  test('B/E events whose span overflows: the out-of-range end is skipped, never an infinite weight', () => {
    const p = loadProfile(trace([ev({ ph: 'B', ts: -1e308 }), ev({ ph: 'E', ts: 1e308 }), ev({ ph: 'B', ts: 0, name: 'g' }), ev({ ph: 'E', ts: 4, name: 'g' })]), 't.json');
    allFinite(p);
    assert.equal(pathWeights(p).get('g'), 0.004);
  });

  test('sampled stacks at ±1e308 are skipped', () => {
    const p = loadProfile(trace([], { samples: [{ ts: -1e308, sf: '1' }, { ts: 0, sf: '1' }, { ts: 1000, sf: '1' }, { ts: 1e308, sf: '1' }], stackFrames: { 1: { name: 'f' } } }), 't.json');
    allFinite(p);
    assert.equal(p.samples.weight.length, 2);
  });

  test('a CPU profile chunk whose time deltas overflow when summed is refused in one line', () => {
    const chunk = ev({ ph: 'P', name: 'ProfileChunk', id: '1', ts: 0, args: { data: { cpuProfile: { nodes: [{ id: 1, callFrame: { functionName: '(root)' } }, { id: 2, parent: 1, callFrame: { functionName: 'f' } }], samples: [2, 2, 2] }, timeDeltas: [1e308, 1e308, 1e308] } } });
    assert.throws(() => loadProfile(trace([chunk]), 't.json'), (e: unknown) => e instanceof ProfileFormatError && /^t\.json: Chrome trace: .*too large/.test(e.message) && !e.message.includes('\n'));
  });

  test('a trace whose every event is out of range says so', () => {
    assert.throws(() => loadProfile(trace([ev({ ph: 'X', ts: 1e308, dur: 1 })]), 't.json'), (e: unknown) => e instanceof ProfileFormatError && /all 1 events with a time have a timestamp or duration out of range/.test(e.message));
  });

  test('a timestamp that is only large (µs since 1970) is still read', () => {
    const t0 = 1.7e15;
    const p = loadProfile(trace([ev({ ph: 'X', ts: t0, dur: 2000 }), ev({ ph: 'X', ts: t0 + 500, dur: 1000, name: 'g' })]), 't.json');
    assert.equal(p.meta.outOfRangeEvents, undefined);
    assert.equal(pathWeights(p).get('f;g'), 1);
  });
});

describe('other importers: a non-finite time or weight is refused in one line', () => {
  const refused = (bytes: Uint8Array, name: string, format: RegExp): void => {
    assert.throws(() => loadProfile(bytes, name), (e: unknown) => e instanceof ProfileFormatError && format.test(e.message) && /too large/.test(e.message) && !e.message.includes('\n'), name);
  };
  test('.cpuprofile with time deltas of 1e308', () => {
    refused(enc(JSON.stringify({
      nodes: [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: 0, columnNumber: 0 }, children: [2] }, { id: 2, callFrame: { functionName: 'f', url: '', lineNumber: 0, columnNumber: 0 } }],
      startTime: 0, endTime: 1e308, samples: [2, 2, 2], timeDeltas: [1e308, 1e308, 1e308],
    })), 'x.cpuprofile', /^x\.cpuprofile: /);
  });
  test('speedscope evented profile from -1e308 to 1e308', () => {
    refused(enc(JSON.stringify({
      $schema: 'https://www.speedscope.app/file-format-schema.json', shared: { frames: [{ name: 'f' }] },
      profiles: [{ type: 'evented', name: 'p', unit: 'milliseconds', startValue: -1e308, endValue: 1e308, events: [{ type: 'O', frame: 0, at: -1e308 }, { type: 'C', frame: 0, at: 1e308 }] }],
    })), 'x.speedscope.json', /^x\.speedscope\.json: speedscope JSON: /);
  });
  test('weights that are finite one by one but overflow when added (folded stacks, speedscope sampled)', () => {
    const sum = (bytes: Uint8Array, name: string): void => {
      assert.throws(() => loadProfile(bytes, name), (e: unknown) => e instanceof ProfileFormatError && /add up to more than a number can hold/.test(e.message) && !e.message.includes('\n'), name);
    };
    sum(enc('a;b 1e308\na;c 1e308\n'), 'x.folded');
    sum(enc(JSON.stringify({
      $schema: 'https://www.speedscope.app/file-format-schema.json', shared: { frames: [{ name: 'f' }] },
      profiles: [{ type: 'sampled', name: 'p', unit: 'milliseconds', startValue: 0, endValue: 1, samples: [[0], [0]], weights: [1e308, 1e308] }],
    })), 'x.speedscope.json');
  });

  test('Firefox profile with samples at ±1e308', () => {
    refused(enc(JSON.stringify({
      meta: { interval: 1, version: 24, startTime: 0 },
      threads: [{ name: 'GeckoMain', samples: { schema: { stack: 0, time: 1 }, data: [[0, -1e308], [0, 1e308]] }, stackTable: { schema: { prefix: 0, frame: 1 }, data: [[null, 0]] }, frameTable: { schema: { location: 0 }, data: [[0]] }, stringTable: ['f'] }],
    })), 'x.json', /^x\.json: /);
  });
});
