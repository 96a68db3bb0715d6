// writeFileAtomicSync: the target gets the whole new content or keeps the old; a temp name that
// already exists (a planted file or link) is never written through; a failed rename leaves no temp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../../src/core/io/atomicWrite';

const dir = mkdtempSync(join(tmpdir(), 'uevr-atomic-'));
const posix = process.platform !== 'win32';

test('replaces the target with the whole content, with the mode asked for', () => {
  const f = join(dir, 'a.json');
  writeFileSync(f, 'old');
  writeFileAtomicSync(f, Buffer.from('new content'), { mode: 0o600, tmpPath: join(dir, '.a.tmp') });
  assert.equal(readFileSync(f, 'utf8'), 'new content');
  if (posix) assert.equal(statSync(f).mode & 0o777, 0o600);
  assert.ok(!existsSync(join(dir, '.a.tmp')));
});

test('an existing temp path (a planted file or link) is refused, not written through', () => {
  const f = join(dir, 'b.json');
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'keep');
  const tmp = join(dir, '.b.tmp');
  if (posix) symlinkSync(victim, tmp);
  else writeFileSync(tmp, 'planted');
  assert.throws(() => writeFileAtomicSync(f, Buffer.from('secret'), { mode: 0o600, tmpPath: tmp }), /EEXIST/);
  assert.equal(readFileSync(victim, 'utf8'), 'keep');
  assert.ok(!existsSync(f));
});

test('a rename that fails (the target is a non-empty folder) removes the temp file', () => {
  const target = join(dir, 'folder');
  mkdirSync(target);
  writeFileSync(join(target, 'x'), 'x');
  assert.throws(() => writeFileAtomicSync(target, Buffer.from('data'), { mode: 0o644, tmpPath: join(dir, '.c.tmp') }));
  assert.ok(!readdirSync(dir).includes('.c.tmp'));
});
