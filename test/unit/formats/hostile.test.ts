// Hostile and broken input (the seeded fuzz is in fuzz.test.ts): every outcome is a consistent Profile or a one-line ProfileFormatError,
// never another exception, a hang or unbounded memory.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXPORT_FORMATS, exportProfile, loadProfile, ProfileFormatError, ProfileLoadAbortedError } from '../../../src/core/formats';
import { buildCallTree, buildInvertedTree } from '../../../src/core/profile/callTree';
import { assertProfileOrFormatError, enc, fixtureFiles, pathWeights, tryLoad } from './helpers';

const rejects = (text: string | Uint8Array, name: string, pattern: RegExp) => {
  const bytes = typeof text === 'string' ? enc(text) : text;
  assert.throws(() => loadProfile(bytes, name), (e: unknown) => e instanceof ProfileFormatError && pattern.test(e.message) && !e.message.includes('\n'), `${name}`);
};

describe('edge cases', () => {
  test('empty, blank, binary, not a profile', () => {
    rejects('', 'a.json', /empty/);
    rejects('   \n\n', 'a.folded', /recognised|not/);
    rejects(new Uint8Array([0, 1, 2, 3, 255, 254, 0, 7]), 'a.bin', /recognised/);
    rejects('{"hello": 1}', 'a.json', /JSON, but not a format we read \(speedscope, Chrome trace, .*GHC JSON; top level: hello\)/);
    rejects('{"profiles": [], "shared": {"frames": []}}', 'a.json', /"profiles" is missing or empty/);
    rejects('{"a": ', 'b.json', /invalid JSON/);
    rejects('just words here', 'c.txt', /recognised/);
    rejects('x'.repeat(10), 'c.uevrcap', /UEVRCAP v. magic line/);
  });

  test('format is detected from content, not the extension', () => {
    const folded = tryLoad(enc('a;b 3\n'), 'looks.json');
    assert.equal(folded?.source, 'folded');
    const trace = tryLoad(enc('[{"ph":"X","ts":0,"dur":5,"name":"x","pid":1,"tid":1}]'), 'trace.folded');
    assert.equal(trace?.source, 'chrome-trace');
    const ss = tryLoad(readFileSync(fixtureFiles().find((f) => f.name === 'sampled.speedscope.json')!.path), 'noext');
    assert.equal(ss?.source, 'speedscope');
    assert.equal(tryLoad(enc('[root];main 4\n[root];idle 1\n'), 'x.txt')?.source, 'folded');
  });

  test('folded: fractional counts, spaces in names, UTF-16 without BOM, comments', () => {
    const p = tryLoad(enc('# c\nmain;do thing 1.5\nmain;do thing .5\nmain 2e1\nbad line\nmain;x -1\n'), 'f.folded')!;
    assert.deepEqual(Object.fromEntries(pathWeights(p)), { 'main;do thing': 2, main: 20 });
    assert.equal(p.meta.invalidLines, 3);
    const u16 = new Uint8Array(Buffer.from('a;b 2\n', 'utf16le'));
    assert.deepEqual(Object.fromEntries(pathWeights(tryLoad(u16, 'u.txt')!)), { 'a;b': 2 });
    rejects('# only\n# comments\n', 'f.folded', /recognised|no valid/);
  });

  test('sloppy and partial Chrome traces', () => {
    const ev = '{"ph":"X","ts":0,"dur":5,"name":"a","pid":1,"tid":1},{"ph":"X","ts":1,"dur":2,"name":"b","pid":1,"tid":1}';
    const want = { a: 0.003, 'a;b': 0.002 };
    const close = (p: ReturnType<typeof tryLoad>) => Object.fromEntries([...pathWeights(p!)].map(([k, v]) => [k, Math.round(v * 1e6) / 1e6]));
    assert.deepEqual(close(tryLoad(enc(`[${ev},]`), 't1.json')), want);
    assert.deepEqual(close(tryLoad(enc(`{"traceEvents":[${ev},]}`), 't2.json')), want);
    assert.deepEqual(close(tryLoad(enc(`{"traceEvents":[${ev},`), 't3.json')), want);
    assert.deepEqual(close(tryLoad(enc(`{"traceEvents":[${ev},{"ph":"X","ts":`), 't4.json')), want);
    assert.match(String(tryLoad(enc(`[${ev},{"ph":"B","na`), 't5.json')!.meta.notes), /incomplete event was dropped/);
    // Garbage after the events: the events still load, and the note says what was dropped.
    assert.match(String(tryLoad(enc(`{"traceEvents":[${ev}]} trailing`), 't6.json')!.meta.notes), /dropped|closed/);
    rejects('{"traceEvents": nope', 't7.json', /invalid JSON/);
  });

  test('prototype keys are plain data', () => {
    const frames = '[{"name":"__proto__"},{"name":"constructor","file":"toString"}]';
    const p = tryLoad(enc(`{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{"frames":${frames}},"profiles":[{"type":"sampled","name":"__proto__","unit":"none","startValue":0,"endValue":2,"samples":[[0,1],[1]],"weights":[1,1]}],"__proto__":{"polluted":true},"uevrProfiler":{"meta":{"__proto__":{"x":1},"constructor":"y"}}}`), 'p.json')!;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.fromEntries(pathWeights(p)), { '__proto__;constructor': 1, constructor: 1 });
    const t = tryLoad(enc('{"traceEvents":[],"samples":[{"ts":0,"sf":"constructor"},{"ts":1,"sf":"__proto__"},{"ts":2,"sf":"toString"}],"stackFrames":{"__proto__":{"name":"p","parent":"constructor"}}}'), 't.json');
    assert.ok(t);
    const c = tryLoad(enc('{"nodes":[{"id":1,"callFrame":{"functionName":"(root)"},"children":[2]},{"id":2,"callFrame":{"functionName":"__proto__","url":"constructor"}}],"samples":[2,2,"__proto__"],"timeDeltas":[0,1,1]}'), 'c.cpuprofile');
    assert.equal(c, undefined, 'a sample naming a missing node is rejected');
  });

  test('huge and odd numbers', () => {
    tryLoad(enc('[{"ph":"X","ts":1e308,"dur":1e308,"name":"x"},{"ph":"B","ts":-1e308,"name":"y"},{"ph":"E","ts":"NaN","name":"y"}]'), 'h.json');
    tryLoad(enc('{"$schema":"speedscope","shared":{"frames":[{"name":"a","line":1e300}]},"profiles":[{"type":"sampled","name":"x","unit":"seconds","startValue":0,"endValue":1e308,"samples":[[0]],"weights":[1e308]}]}'), 'h2.json');
    rejects('{"$schema":"speedscope","shared":{"frames":[{"name":"a"}]},"profiles":[{"type":"sampled","name":"x","unit":"none","startValue":0,"endValue":1,"samples":[[1e9]],"weights":[1]}]}', 'h3.json', /refers to frame/);
    rejects('{"$schema":"speedscope","shared":{"frames":[{"name":"a"}]},"profiles":[{"type":"sampled","name":"x","unit":"none","startValue":0,"endValue":1,"samples":[[0.5]],"weights":[1]}]}', 'h4.json', /refers to frame/);
    tryLoad(enc(`a;b 1${'0'.repeat(400)}\n`), 'h5.folded');
    tryLoad(enc('{"nodes":[{"id":1,"callFrame":{"functionName":"f","lineNumber":99999999999}}],"samples":[1,1],"timeDeltas":[1e308,1e308]}'), 'h6.cpuprofile');
  });

  test('cycles and broken trees', () => {
    rejects('{"nodes":[{"id":1,"callFrame":{"functionName":"a"},"children":[2]},{"id":2,"callFrame":{"functionName":"b"},"children":[1]}],"samples":[1],"timeDeltas":[1]}', 'cyc.cpuprofile', /cycle/);
    rejects('{"nodes":[{"id":1,"callFrame":{"functionName":"a"},"children":[7]}],"samples":[1],"timeDeltas":[1]}', 'miss.cpuprofile', /child 7/);
    const t = tryLoad(enc('{"traceEvents":[],"samples":[{"ts":0,"sf":1},{"ts":5,"sf":2}],"stackFrames":{"1":{"name":"a","parent":2},"2":{"name":"b","parent":1}}}'), 'sfcycle.json');
    assert.ok(t);
  });

  test('deep nesting', () => {
    const depth = 100_000;
    tryLoad(enc('['.repeat(depth) + ']'.repeat(depth)), 'deep.json');
    tryLoad(enc('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)), 'deep2.json');
    // A 30k-deep stack through the views and every exporter and back (the model test goes to 200k).
    const deep = 30_000;
    const line = `${Array.from({ length: deep }, (_, i) => `f${i % 7}`).join(';')} 1\n`;
    const p = tryLoad(enc(line), 'deep.folded')!;
    assert.equal(p.stacks.length, deep);
    assert.equal(buildCallTree(p).maxDepth, deep);
    assert.equal(buildInvertedTree(p).maxDepth, deep);
    for (const f of EXPORT_FORMATS) {
      const q = tryLoad(enc(exportProfile(p, f)), `deep.${f}`)!;
      assert.equal(q.stacks.length, deep, f);
    }
    const nested = { head: { functionName: 'r', children: [] as unknown[] }, samples: [], timestamps: [] };
    let cur = nested.head;
    for (let i = 0; i < 2000; i++) {
      const next = { functionName: `n${i}`, id: i + 10, children: [] as unknown[] };
      cur.children.push(next);
      cur = next;
    }
    tryLoad(enc(JSON.stringify(nested)), 'old.cpuprofile');
  });

  test('no quadratic recovery: 30k open frames, then 30k stray and deep ends', () => {
    const ev: string[] = [];
    for (let i = 0; i < 30_000; i++) ev.push(`{"ph":"B","ts":${i},"name":"f${i % 3}","pid":1,"tid":1}`);
    for (let i = 0; i < 30_000; i++) ev.push(`{"ph":"E","ts":${60_000 + i},"name":"${i % 2 ? 'nope' : 'f0'}","pid":1,"tid":1}`);
    const p = tryLoad(enc(`[${ev.join(',')}]`), 'stray.json')!;
    assert.ok(Number(p.meta.ignoredEndEvents) > 0);
  });

  test('a 10^6-character line', () => {
    tryLoad(enc(`${'x'.repeat(1_000_000)} 1\n`), 'long.folded');
    tryLoad(enc(`${'a;'.repeat(200_000)}b 1\n`), 'long2.folded');
    tryLoad(enc(`[{"ph":"X","ts":0,"dur":1,"name":"${'n'.repeat(1_000_000)}"}]`), 'long.json');
    tryLoad(enc(`${'y'.repeat(1_000_000)}`), 'long3.txt');
  });

  test('cancellation and progress', () => {
    const ac = new AbortController();
    const big = `${'a;b;c 1\nd;e 2\n'.repeat(50_000)}`;
    const seen: number[] = [];
    assert.throws(
      () => loadProfile(enc(big), 'big.folded', { signal: ac.signal, onProgress: (f) => { seen.push(f); if (f > 0.2) ac.abort(); } }),
      (e: unknown) => e instanceof ProfileLoadAbortedError,
    );
    assert.ok(seen.length >= 2);
    const all: number[] = [];
    loadProfile(enc(big), 'big.folded', { onProgress: (f) => all.push(f) });
    assert.equal(all[all.length - 1], 1);
    for (let i = 1; i < all.length; i++) assert.ok(all[i] >= all[i - 1]);
  });
});

describe('captures (.uevrcap) by content', () => {
  test('the magic line dispatches to the capture reader, whatever the name; its errors are one line', () => {
    const bad = enc('UEVRCAP v1     \n\u0001\u0000');
    assert.throws(() => loadProfile(bad, 'renamed.json'), (e: unknown) => e instanceof ProfileFormatError && e.message.startsWith('renamed.json: UEVR capture: ') && !e.message.includes('\n'));
    for (let cut = 0; cut < 24; cut += 3) assertProfileOrFormatError(() => loadProfile(bad.subarray(0, cut), 'cut.uevrcap'), `cut ${cut}`);
  });
});
