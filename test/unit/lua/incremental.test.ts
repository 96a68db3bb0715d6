// Incremental re-parse must give exactly what a full parse gives: same findings, same ranges, same
// messages, same fixes, after any sequence of edits (inside statements, across them, breaking syntax).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/core/analyzer/analyze';
import type { Finding } from '../../../src/core/analyzer/types';
import { seededRandom } from '../../../src/core/random';

const dir = join(__dirname, '../../fixtures/analyzer');
const texts = readdirSync(dir).filter((f) => f.endsWith('.lua')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));

const rng = seededRandom;

const show = (fs: Finding[]): string[] => fs.map((f) => `${f.code} ${JSON.stringify(f.range)} ${f.severity} ${f.message} | ${f.fixes.map((x) => JSON.stringify(x.edits)).join(';')}`);

const SNIPPETS = ['x', ' ', '\n', 'print(1)\n', 'local q = {1}\n', 'api:find_uobject("Class /Script/Engine.Pawn")\n', 'end', '(', '"', '--', 'for i=1,2 do end\n', 'vr.set_mod_value("a", "b")\n'];

describe('incremental re-parse', () => {
  test('random edit sequences give the same findings as a full analysis', () => {
    const rand = rng(99);
    let edits = 0;
    for (const [k, base] of texts.entries()) {
      let cur = base;
      const uri = `file:///inc/${k}.lua`;
      analyze(cur, uri, { incremental: true });
      for (let step = 0; step < 25; step++) {
        const at = Math.floor(rand() * cur.length);
        const r = rand();
        if (r < 0.4) cur = cur.slice(0, at) + SNIPPETS[Math.floor(rand() * SNIPPETS.length)] + cur.slice(at);
        else if (r < 0.8) cur = cur.slice(0, at) + cur.slice(Math.min(cur.length, at + 1 + Math.floor(rand() * 4)));
        else cur = cur.slice(0, at) + 'z' + cur.slice(at + 1);
        const inc = analyze(cur, uri, { incremental: true });
        const full = analyze(cur, `file:///full/${k}.lua`);
        assert.deepEqual(show(inc), show(full), `after edit ${step} of fixture ${k}:\n${cur}`);
        edits++;
      }
    }
    assert.ok(edits > 300);
  });

  test('typing inside a function body reuses the parse (fixes of older results are withdrawn, not wrong)', () => {
    const src = 'local api = uevr.api\nuevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  print("a")\nend)\n';
    const uri = 'file:///inc/typing.lua';
    const first = analyze(src, uri, { incremental: true });
    const next = src.replace('print("a")', 'print("ab")');
    const second = analyze(next, uri, { incremental: true });
    assert.equal(second.length, 1);
    assert.equal(first[0].fixes.length, 0, 'the first result predates the in-place update');
    assert.ok(second[0].fixes.length > 0);
  });
});
