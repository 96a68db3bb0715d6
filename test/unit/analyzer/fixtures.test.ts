// Per-rule fixtures: every line marked `--! CODE...` must be reported with exactly those codes, and no
// other line may be reported (look-alikes: guarded code, cold code, cheap calls). `--# ignore CODE`
// in a fixture leaves a code out of the comparison.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/core/analyzer/analyze';

const dir = join(__dirname, '../../fixtures/analyzer');

function expected(text: string): { want: string[]; ignore: Set<string> } {
  const want: string[] = [];
  const ignore = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /--!\s*((?:UEVR\d{3}\s*)+)$/.exec(line);
    if (m) for (const c of m[1].trim().split(/\s+/)) want.push(`${i + 1} ${c}`);
    const ig = /^--#\s*ignore\s+(.*)$/.exec(line);
    if (ig) for (const c of ig[1].trim().split(/\s+/)) ignore.add(c);
  });
  return { want: want.sort(), ignore };
}

describe('analyzer fixtures: positives and look-alikes', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.lua')).sort()) {
    test(file, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      const { want, ignore } = expected(text);
      const got = analyze(text, `file:///${file}`)
        .filter((f) => !ignore.has(f.code))
        .map((f) => `${f.range.start.line + 1} ${f.code}`)
        .sort();
      assert.deepEqual(got, want);
    });
  }
});
