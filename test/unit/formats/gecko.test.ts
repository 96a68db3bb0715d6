import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfile } from '../../../src/core/formats';
import { assertClose, assertProfileOrFormatError, pathWeights } from './helpers';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const thread = (name: string, data: unknown[]) => ({
  name,
  samples: { schema: { stack: 0, time: 1 }, data },
  stackTable: { schema: { prefix: 0, frame: 1 }, data: [[null, 0], [0, 1], [0, 2]] },
  frameTable: { schema: { location: 0, line: 1 }, data: [[0], [1, 7], [2]] },
  stringTable: ['main (https://x/app.js:3:1)', 'work (https://x/app.js:7:5)', 'js::RunScript'],
});

describe('Firefox (Gecko) profiles', () => {
  const profile = { meta: { interval: 1, version: 12 }, threads: [thread('Worker', [[1, 0]]), thread('GeckoMain', [[1, 10], [1, 11], [2, 13], [0, 14]])] };

  test('GeckoMain, name (url:line:col) locations, weights from sample times', () => {
    for (const wrapped of [profile, { label: 'devtools', profile }]) {
      const p = loadProfile(enc(wrapped), 'ff.json');
      assert.equal(p.meta.format, 'Firefox profile');
      assert.equal(p.meta.thread, 'GeckoMain');
      const w = pathWeights(p);
      assertClose(w.get('main;work')!, 3); // 10→11→13
      assertClose(w.get('main;js::RunScript')!, 1);
      assertClose(w.get('main')!, 1); // the last sample lasts one interval
      const work = p.frames.name.indexOf('work');
      assert.equal(p.frames.file[work], 'https://x/app.js');
      assert.equal(p.frames.line[work], 7);
    }
  });

  test('broken tables fail in one line', () => {
    const bad = structuredClone(profile);
    (bad.threads[1].stackTable.data as unknown[][])[0] = [2, 0]; // prefix cycle 0 → 2 → 0
    assert.throws(() => loadProfile(enc(bad), 'cyc.json'), /cycle/);
    const text = JSON.stringify(profile);
    for (let cut = 0; cut < text.length; cut += 29) assertProfileOrFormatError(() => loadProfile(new TextEncoder().encode(text.slice(0, cut)), 'cut.json'), `cut ${cut}`);
  });
});
