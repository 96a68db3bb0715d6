// Robustness: the analyzer and every fix it offers, on thousands of mutated mods. Never a throw; a fix
// applied to a valid file keeps it valid (our parser agrees with Lua 5.4 per test/unit/lua).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, applyEdits } from '../../../src/core/analyzer/analyze';
import { parse } from '../../../src/core/lua/parser';
import { seededRandom } from '../../../src/core/random';

const dir = join(__dirname, '../../fixtures/analyzer');
const texts = readdirSync(dir).filter((f) => f.endsWith('.lua')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));

const rng = seededRandom;

const PIECES = ['local ', 'end ', 'function() ', '(', ')', '{', '}', '"', '..', 'print(x) ', 'api:find_uobject("Class /Script/Engine.Pawn") ',
  'for i=1,3 do ', 'if a then ', 'return ', 'goto l ', '::l:: ', 'pcall(function() ', 'x = {1} ', '\n', 'uevr.sdk.callbacks.on_frame(function() '];

describe('analyzer fuzz', () => {
  test('mutated mods: no throw, fixes on valid files keep them valid', () => {
    const rand = rng(2026);
    let validChecked = 0;
    for (let round = 0; round < 800; round++) {
      const base = texts[round % texts.length];
      let src = base;
      const n = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < n; k++) {
        const at = Math.floor(rand() * src.length);
        const r = rand();
        if (r < 0.5) src = src.slice(0, at) + PIECES[Math.floor(rand() * PIECES.length)] + src.slice(at);
        else src = src.slice(0, at) + src.slice(at + 1 + Math.floor(rand() * 8));
      }
      const findings = analyze(src, `file:///fuzz/${round}.lua`);
      const valid = parse(src).errors.length === 0;
      for (const f of findings) {
        for (const fix of f.fixes) {
          const out = applyEdits(src, fix.edits);
          if (valid) {
            assert.deepEqual(parse(out).errors, [], `fix "${fix.title}" broke a valid file:\n${out}`);
            const before = findings.filter((x) => x.code === f.code).length;
            const after = analyze(out, 'file:///fuzz/after.lua').filter((x) => x.code === f.code).length;
            assert.ok(after < before, `fix "${fix.title}" left its ${f.code} finding:\n${out}`);
            validChecked++;
          }
        }
      }
    }
    assert.ok(validChecked > 20, `checked ${validChecked}`);
  });
});
