// The shared corpus (../shared/fixtures/profiles: real files from other tools, see its README) as an
// extra suite: it runs when the corpus is present and says "skipped: corpus not present" otherwise.
// When it runs it writes out/corpus-suite.json ({ files, tests }), which .ci/run checks: CI fails if
// the corpus is there but this suite did not run. Our own fixtures are tested in fixtures.test.ts.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadProfile, ProfileFormatError } from '../../../src/core/formats';
import { buildCallTree } from '../../../src/core/profile/callTree';
import { assertClose, assertProfileOrFormatError, CORPUS, corpusFiles, corpusPresent, pathWeights, totalWeight } from './helpers';

const present = corpusPresent();
const skip = present ? false : 'corpus not present';
if (!present) console.log(`skipped: corpus not present (${CORPUS})`);

const readCorpus = (name: string): Uint8Array => {
  const f = corpusFiles().find((x) => x.name === name);
  if (!f) throw new Error(`the corpus has no ${name}`);
  return new Uint8Array(readFileSync(f.path));
};
const load = (name: string) => loadProfile(readCorpus(name), name);
const paths = (name: string) => Object.fromEntries(pathWeights(load(name)));
/** Path weights equal up to float rounding (sums of µs → ms conversions). */
function assertPaths(actual: Record<string, number>, expected: Record<string, number>, what = ''): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), what);
  for (const k of Object.keys(expected)) assertClose(actual[k], expected[k], `${what} ${k}`);
}

let ran = 0;
after(() => {
  if (!present) return;
  const out = resolve(__dirname, '../../../out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'corpus-suite.json'), JSON.stringify({ corpus: CORPUS, files: corpusFiles().length, tests: ran }));
});

describe('shared corpus: every file loads or fails with one line', { skip }, () => {
  for (const f of corpusFiles()) {
    test(f.name, () => {
      ran++;
      const p = assertProfileOrFormatError(() => loadProfile(new Uint8Array(readFileSync(f.path)), f.name), f.name);
      if (f.name.includes('invalid--')) assert.equal(p, undefined, 'invalid files are rejected');
      else {
        assert.ok(p, `${f.name} should load`);
        assert.ok(p.samples.length > 0);
        assert.ok(buildCallTree(p).total[0] > 0);
      }
    });
  }
});

describe('shared corpus: contents (exact)', { skip }, () => {
  const simple = { 'a;b;c': 5, 'a;b;d': 4, 'a;b': 5 };
  test('folded: plain, CRLF, UTF-16 LE/BE, invalid lines', () => {
    ran++;
    for (const f of ['stackcollapse--simple.txt', 'stackcollapse--simple-crlf.txt', 'stackcollapse--simple-utf16-le.txt', 'stackcollapse--simple-utf16-be.txt', 'stackcollapse--simple-with-invalids.txt']) {
      assert.deepEqual(paths(f), simple, f);
      assert.equal(load(f).source, 'folded');
    }
    assert.equal(load('stackcollapse--simple-with-invalids.txt').meta.invalidLines, 3);
    assert.equal(load('stackcollapse--tall.txt').stacks.length, 26);
    assert.deepEqual(paths('stackcollapse--alternating.txt'), { 'a;b': 91, 'c;d': 91 });
  });

  test('speedscope evented and sampled, units normalised to ms', () => {
    ran++;
    const ev = load('speedscope--0.0.1--simple.speedscope.json');
    assert.deepEqual(Object.fromEntries(pathWeights(ev)), simple);
    assert.equal(ev.weightUnit, 'samples');
    assert.deepEqual(paths('speedscope--0.0.1--simple-no-pretty-print.speedscope.json'), simple);
    const sm = load('speedscope--0.1.2--simple-sampled.speedscope.json');
    assert.equal(sm.weightUnit, 'milliseconds');
    assert.deepEqual(Object.fromEntries(pathWeights(sm)), { 'a;b;c': 5000, 'a;b;d': 4000, 'a;b': 5000 });
    assert.equal(sm.durationMs, 14000);
    const two = load('speedscope--0.6.0--two-sampled.speedscope.json');
    assert.equal(two.name, 'one');
    assert.equal(two.meta.profiles, 2);
    assert.match(String(two.meta.notes), /2 profiles/);
  });

  test('speedscope invalid files name the problem', () => {
    ran++;
    assert.throws(() => load('speedscope--invalid--incomplete-trace.json'), (e: unknown) => e instanceof ProfileFormatError && /still open/.test(e.message) && e.message.startsWith('speedscope--invalid--incomplete-trace.json: speedscope JSON: '));
    assert.throws(() => load('speedscope--invalid--out-of-order-events.json'), /out of order/);
  });

  test('chrome trace: B/E/X nesting in µs → ms', () => {
    ran++;
    const p = load('trace-event--simple.json');
    assertPaths(paths('trace-event--simple.json'), { alpha: 0.002, 'alpha;beta': 0.003, 'alpha;beta;gamma': 0.005, 'alpha;beta;epsilon': 0.004 });
    assertClose(totalWeight(p), 0.014);
    assertClose(p.durationMs, 0.014);
  });

  test('chrome trace: partial files load like the complete one', () => {
    ran++;
    const full = paths('trace-event--simple.json');
    for (const f of ['trace-event--simple-partial.json', 'trace-event--simple-partial-trailing-comma.json', 'trace-event--simple-partial-whitespace.json']) {
      assert.deepEqual(paths(f), full, f);
      assert.match(String(load(f).meta.notes), /closing bracket/);
    }
  });

  test('chrome trace: recovery rules', () => {
    ran++;
    // Same-timestamp ends close innermost first, whatever their order in the file.
    assertPaths(paths('trace-event--event-reordering-name-match.json'), { alpha: 0.009, 'alpha;beta;gamma': 0.001 });
    // X events at one start: the longer one is the parent.
    const xs = paths('trace-event--x-events-matching-start.json');
    assertClose(xs['alpha;beta;gamma'], 0.002);
    assertClose(xs['alpha;gamma;beta'], 0.002);
    // B, E at the same timestamp make a zero-length frame, not one that swallows the rest.
    assertPaths(paths('trace-event--zero-duration-events.json'), { A: 0.01 });
    // Unbalanced: E for a deeper frame closes the frames above it; the stray E is ignored.
    const ub = load('trace-event--unbalanced-name.json');
    assertPaths(Object.fromEntries(pathWeights(ub)), { alpha: 0.001, 'alpha;beta': 0.008 });
    assert.equal(ub.meta.recoveredEndEvents, 1);
    assert.equal(ub.meta.ignoredEndEvents, 1);
    assertPaths(paths('trace-event--out-of-order-unbalanced-name.json'), { alpha: 0.001, 'alpha;beta': 0.008 });
    // Never-closed frames close at the last timestamp.
    const ob = load('trace-event--only-begin-events.json');
    assertPaths(Object.fromEntries(pathWeights(ob)), { A: 0.001, 'A;B': 0.001 });
    assert.equal(ob.meta.unclosedEvents, 3);
    assertPaths(paths('trace-event--too-many-end-events.json'), { alpha: 0.002, 'alpha;beta': 0.012 });
  });

  test('chrome trace: busiest thread, samples with stackFrames', () => {
    ran++;
    const p = load('trace-event--simple-with-samples.json');
    assert.equal(p.meta.data, 'samples');
    assert.equal(p.meta.thread, 'hermes / mqt_js');
    assert.ok(p.frames.name.includes('[GC Young Gen]'));
    const mp = load('trace-event--multiprocess.json');
    assert.equal(mp.meta.threads, 8);
    const hermes = load('trace-event--simple-hermes.json');
    const beta = hermes.frames.name.indexOf('beta');
    assert.equal(hermes.frames.line[beta], 54);
    assert.match(hermes.frames.file[beta], /require\.js$/);
  });

  test('cpuprofile: nodes, timeDeltas, (root) dropped, 1-based lines', () => {
    ran++;
    const p = load('Chrome--65--simple.cpuprofile');
    assert.equal(p.source, 'cpuprofile');
    assert.ok(!p.frames.name.includes('(root)'));
    const json = JSON.parse(new TextDecoder().decode(readCorpus('Chrome--65--simple.cpuprofile')));
    const span = (json.endTime - json.startTime - json.timeDeltas[0]) / 1000;
    assertClose(totalWeight(p), span, 'total = end − first sample');
    const n = load('node--10.11.0--example.cpuprofile');
    assert.ok(n.frames.line.some((l) => l > 0));
  });
});
