import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXPORT_FORMATS, exportProfile, exportProfileChunks, loadProfile } from '../../../src/core/formats';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import type { Profile } from '../../../src/core/profile/types';
import { assertClose, assertConsistent, assertSamePaths, fixtureFiles, pathWeights, totalWeight } from './helpers';

const ext = { speedscope: 'x.speedscope.json', chrome: 'x.trace.json', folded: 'x.folded', cpuprofile: 'x.cpuprofile' } as const;

function roundTrip(p: Profile, format: (typeof EXPORT_FORMATS)[number]): Profile {
  const text = exportProfile(p, format);
  return loadProfile(new TextEncoder().encode(text), ext[format]);
}

/** A capture-like profile: kinds, files, lines, game frames, callbacks, idle samples, gaps. */
function captureLike(): Profile {
  const b = new ProfileBuilder({ name: 'capture', source: 'uevrcap', weightUnit: 'milliseconds' });
  const cbRoot = b.frame('on_pre_engine_tick', 'main.lua', 3, 2);
  const f = b.frame('update', 'scripts/mod.lua', 10, 0);
  const g = b.frame('uevr.api:find_uobject', '', 0, 1);
  const semi = b.frame('odd;name\nwith breaks', 'x.lua', 7, 0);
  const s1 = b.stackOf([cbRoot, f]);
  const s2 = b.stackOf([cbRoot, f, g]);
  const s3 = b.stackOf([cbRoot, semi]);
  b.sample(s1, 1, 0);
  b.sample(s2, 1, 1);
  b.sample(s2, 0.5, 2);
  b.sample(-1, 1, 2.5);
  b.sample(s3, 1, 10); // a gap before this one
  b.sample(s1, 2, 11);
  const r0 = b.gameFrame(500, 0, 11.1, 2.5, 0.1, 2048);
  const r1 = b.gameFrame(501, 11.1, 11.1, 2, NaN, NaN);
  const c = b.callback('on_pre_engine_tick', 'main.lua', 3);
  b.callbackTiming(r0, c, -1, 0, 2.5);
  b.callbackTiming(r1, c, 0, 11.1, 1);
  b.meta.game = 'Test Game';
  return b.build();
}

describe('round trips keep total weight and stacks', () => {
  const sources: Array<[string, () => Profile]> = [['capture-like', captureLike]];
  for (const f of fixtureFiles()) {
    if (f.name.includes('invalid--')) continue;
    sources.push([f.name, () => loadProfile(new Uint8Array(readFileSync(f.path)), f.name)]);
  }
  for (const [name, make] of sources) {
    test(name, () => {
      const p = make();
      const want = pathWeights(p);
      for (const format of EXPORT_FORMATS) {
        const q = roundTrip(p, format);
        assertConsistent(q, `${name} → ${format}`);
        if (p.weightUnit === 'bytes' && (format === 'chrome' || format === 'cpuprofile')) {
          // Time-only formats: a byte-weighted sample is written as 1 ms (exportProfile.ts, sampleSpan).
          assert.deepEqual([...pathWeights(q).keys()].sort(), [...want.keys()].sort(), `${name} → ${format}: stacks`);
          assertClose(totalWeight(q), p.samples.length, `${name} → ${format}: one ms per sample`);
          continue;
        }
        assertClose(totalWeight(q), totalWeight(p), `${name} → ${format}: total`);
        // Names may be sanitised by folded (';' and line breaks): compare on sanitised names.
        const clean = (m: Map<string, number>) => new Map([...m].map(([k, v]) => [k.replace(/\n/g, ':'), v]));
        if (format === 'folded') {
          const got = new Map<string, number>();
          for (const [k, v] of pathWeights(q)) got.set(k, v);
          assert.equal(got.size, new Set([...want.keys()]).size, `${name} → folded: stack count`);
        } else assertSamePaths(clean(want), clean(pathWeights(q)), `${name} → ${format}`);
      }
    });
  }

  test('speedscope keeps game frames, callbacks, kinds, files, lines, times and meta', () => {
    const p = captureLike();
    const q = roundTrip(p, 'speedscope');
    assert.deepEqual(Array.from(q.samples.time), Array.from(p.samples.time));
    assert.deepEqual(Array.from(q.frames.kind), Array.from(p.frames.kind));
    assert.deepEqual(q.frames.file, p.frames.file);
    assert.deepEqual(Array.from(q.frames.line), Array.from(p.frames.line));
    assert.deepEqual(Array.from(q.gameFrames!.index), [500, 501]);
    assert.deepEqual(Array.from(q.gameFrames!.gcMs), [0.1, NaN]);
    assert.deepEqual(q.callbacks!.name, ['on_pre_engine_tick']);
    assert.deepEqual(Array.from(q.callbackTimings!.eye), [-1, 0]);
    assert.equal(q.meta.game, 'Test Game');
    assert.equal(q.durationMs, p.durationMs);
    // The file is valid speedscope: the evented "Game frames" profile is well nested.
    const json = JSON.parse(exportProfile(p, 'speedscope'));
    assert.equal(json.profiles.length, 2);
    assert.equal(json.profiles[1].type, 'evented');
    let depth = 0;
    for (const e of json.profiles[1].events) {
      depth += e.type === 'O' ? 1 : -1;
      assert.ok(depth >= 0 && depth <= 2);
    }
    assert.equal(depth, 0);
  });

  test('folded keeps file:line; chrome keeps url/line and shows frames', () => {
    const p = captureLike();
    const folded = exportProfile(p, 'folded');
    assert.match(folded, /^on_pre_engine_tick \(main\.lua:3\);update \(scripts\/mod\.lua:10\) 3$/m);
    assert.match(folded, /odd:name:with breaks \(x\.lua:7\)/);
    const q = roundTrip(p, 'folded');
    const u = q.frames.name.indexOf('update');
    assert.equal(q.frames.file[u], 'scripts/mod.lua');
    assert.equal(q.frames.line[u], 10);
    const trace = JSON.parse(exportProfile(p, 'chrome'));
    const names = trace.traceEvents.filter((e: { tid: number }) => e.tid === 2).map((e: { name: string }) => e.name);
    assert.ok(names.includes('frame 500'));
    const c = roundTrip(p, 'chrome');
    assert.equal(c.gameFrames?.length, 2);
    const cu = c.frames.name.indexOf('update');
    assert.equal(c.frames.line[cu], 10);
  });

  test('cpuprofile output is a valid node tree', () => {
    const json = JSON.parse(exportProfile(captureLike(), 'cpuprofile'));
    const ids = new Set(json.nodes.map((n: { id: number }) => n.id));
    for (const n of json.nodes) for (const c of n.children) assert.ok(ids.has(c));
    assert.equal(json.samples.length, json.timeDeltas.length);
    for (const s of json.samples) assert.ok(ids.has(s));
  });

  test('chunked export equals the joined string', () => {
    const p = captureLike();
    for (const f of EXPORT_FORMATS) assert.equal(Array.from(exportProfileChunks(p, f)).join(''), exportProfile(p, f));
  });
});
