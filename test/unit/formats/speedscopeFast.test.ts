// The byte-level fast path for big speedscope files must give exactly what the ordinary path gives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportProfile, loadProfile, ProfileLoadAbortedError } from '../../../src/core/formats';
import { FAST_PATH_MIN_BYTES, scanSpeedscope } from '../../../src/core/formats/speedscopeFast';
import { importSpeedscope } from '../../../src/core/formats/speedscopeImport';
import { LoadContext } from '../../../src/core/formats/loadContext';
import { syntheticProfile } from '../../../bench/lib/synthetic';
import type { Profile } from '../../../src/core/profile/types';
import { assertProfileOrFormatError } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);

function ordinary(text: string): Profile {
  return importSpeedscope(JSON.parse(text), new LoadContext('x.json'));
}

function assertSameProfile(a: Profile, b: Profile): void {
  assert.deepEqual(a.frames.name, b.frames.name);
  assert.deepEqual(a.frames.file, b.frames.file);
  assert.deepEqual(Array.from(a.frames.line), Array.from(b.frames.line));
  assert.deepEqual(Array.from(a.stacks.parent), Array.from(b.stacks.parent));
  assert.deepEqual(Array.from(a.stacks.frame), Array.from(b.stacks.frame));
  assert.deepEqual(Array.from(a.samples.stack), Array.from(b.samples.stack));
  assert.deepEqual(Array.from(a.samples.weight), Array.from(b.samples.weight));
  assert.deepEqual(Array.from(a.samples.time), Array.from(b.samples.time));
  assert.equal(a.durationMs, b.durationMs);
}

describe('speedscope fast path', () => {
  const synth = syntheticProfile({ samples: 40_000, stacks: 2_000, functions: 500, files: 20, seed: 7 });
  const text = exportProfile(synth, 'speedscope');
  const bytes = enc(text);

  test('the synthetic file is big enough to take the fast path', () => {
    assert.ok(bytes.length >= FAST_PATH_MIN_BYTES, `${bytes.length}`);
    assert.ok(scanSpeedscope(bytes, new LoadContext('x')));
  });

  test('same profile as the ordinary path', () => {
    const fast = loadProfile(bytes, 'big.speedscope.json');
    assertSameProfile(fast, ordinary(text));
    assert.equal(fast.samples.length, 40_000);
  });

  test('pretty-printed, with an extra smaller profile first and awkward numbers', () => {
    const json = JSON.parse(text);
    json.profiles.unshift({ type: 'sampled', name: 'small', unit: 'milliseconds', startValue: 0, endValue: 1, samples: [[0]], weights: [1] });
    delete json.uevrProfiler;
    json.profiles[1].weights = json.profiles[1].weights.map((w: number, i: number) => (i % 3 === 0 ? w * 1e-7 : i % 3 === 1 ? w * 123456.789 : 0.1 + 0.2));
    const pretty = JSON.stringify(json, null, 1);
    const b = enc(pretty);
    assert.ok(scanSpeedscope(b, new LoadContext('x')));
    const fast = loadProfile(b, 'pretty.json');
    assertSameProfile(fast, ordinary(pretty));
    assert.equal(fast.meta.profiles, 2);
    assert.equal(fast.name, json.profiles[1].name, 'the larger profile');
  });

  test('errors are the one-line kind', () => {
    const bad1 = text.replace('"weights":[', '"weights":[1,');
    assert.throws(() => loadProfile(enc(bad1), 'w.json'), /samples but \d+ weights|weights/);
    const bad2 = text.replace('"samples":[[', '"samples":[[0.5,');
    assert.throws(() => loadProfile(enc(bad2), 's.json'), /not an integer|refers to frame/);
    const bad3 = text.replace('"samples":[[', '"samples":[[999999,');
    assert.throws(() => loadProfile(enc(bad3), 's.json'), /refers to frame 999999/);
    const bad4 = text.replace('"samples":[[', '"samples":[["x"],[');
    assert.throws(() => loadProfile(enc(bad4), 's.json'), /speedscope JSON: /);
  });

  test('progress is monotonic and reaches 1; abort stops the read', () => {
    const seen: number[] = [];
    loadProfile(bytes, 'p.json', { onProgress: (f) => seen.push(f) });
    assert.ok(seen.length > 3);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
    assert.equal(seen[seen.length - 1], 1);
    const ac = new AbortController();
    assert.throws(() => loadProfile(bytes, 'p.json', { signal: ac.signal, onProgress: (f) => f > 0.1 && ac.abort() }), (e: unknown) => e instanceof ProfileLoadAbortedError);
  });

  test('truncated and flipped big files', () => {
    for (const cut of [10, 1000, bytes.length >> 2, bytes.length >> 1, bytes.length - 3]) assertProfileOrFormatError(() => loadProfile(bytes.subarray(0, cut), 'cut.json'), `cut ${cut}`);
    let seed = 9;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    for (let k = 0; k < 8; k++) {
      const b = bytes.slice();
      for (let j = 0; j < 3; j++) b[Math.floor(rnd() * b.length)] = [0x5b, 0x5d, 0x2c, 0x22, 0x7b, 0x31, 0x20][Math.floor(rnd() * 7)];
      assertProfileOrFormatError(() => loadProfile(b, 'flip.json'), `flip ${k}`);
    }
  });
});
