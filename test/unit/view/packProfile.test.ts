import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packProfile, unpackProfile } from '../../../src/core/view/packProfile';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { seededRandom } from '../../../src/core/random';
import type { Profile } from '../../../src/core/profile/types';

function sample(withFrames: boolean): Profile {
  const r = seededRandom(5);
  const b = new ProfileBuilder({ name: 'p </script>', source: 'uevrcap', weightUnit: 'milliseconds' });
  const fr = Array.from({ length: 40 }, (_, i) => b.frame(`fn_${i}`, `s/${i % 3}.lua`, i + 1, i % 4));
  for (let i = 0; i < 500; i++) {
    const depth = 1 + Math.floor(r() * 8);
    b.sample(b.stackOf(Array.from({ length: depth }, () => fr[Math.floor(r() * fr.length)])), 0.5 + r(), i);
  }
  if (withFrames) {
    const cb = b.callback('on_pre_engine_tick', 'a.lua', 3);
    for (let f = 0; f < 20; f++) b.callbackTiming(b.gameFrame(f, f * 11.1, 11.1, 2, 0.1, 1024), cb, f % 2 ? 0 : 1, f * 11.1, 2);
  }
  b.meta.game = 'G';
  return b.build();
}

function same(a: Profile, b: Profile): void {
  assert.deepEqual({ ...b, meta: b.meta }, { ...a, meta: a.meta });
}

test('a profile survives packing exactly, with and without game frames', () => {
  for (const withFrames of [true, false]) {
    const p = sample(withFrames);
    const { header, bytes } = packProfile(p);
    // The header must survive JSON (it is posted as structured data and may be logged).
    const back = unpackProfile(JSON.parse(JSON.stringify(header)), bytes);
    same(p, back);
    assert.equal(back.gameFrames === undefined, !withFrames);
  }
});

test('stack parents are delta-encoded, and any byte offset of the transport works', () => {
  const p = sample(true);
  const { header, bytes } = packProfile(p);
  assert.ok(header.columns.find((c) => c.path === 'stacks.parent')?.delta);
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  same(p, unpackProfile(header, shifted.subarray(3)));
});

test('a header that does not match the bytes is refused in one line', () => {
  const { header, bytes } = packProfile(sample(false));
  assert.throws(() => unpackProfile(header, bytes.subarray(8)), /bytes, header says/);
  const bad = structuredClone(header);
  bad.columns[0].byteOffset = 1e9;
  assert.throws(() => unpackProfile(bad, bytes), /out of range/);
  const unknown = structuredClone(header);
  unknown.columns[0].path = '__proto__.x';
  assert.throws(() => unpackProfile(unknown, bytes), /bad column|unknown table/);
  assert.throws(() => unpackProfile({ ...header, version: 2 } as never, bytes), /unknown version/);
});
