import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CaptureStore } from '../../../src/core/history/captureStore';

function fixture(): { dir: string; file(name: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'uevr-store-'));
  return {
    dir,
    file(name) {
      const f = join(dir, name);
      writeFileSync(f, 'UEVRCAP v1');
      return f;
    },
  };
}

const base = { game: 'Game', seconds: 5, frames: 450, samples: 4000 };

test('history survives a restart, newest first, with rename and delete', () => {
  const fx = fixture();
  const s = new CaptureStore(fx.dir);
  const a = s.add({ ...base, file: fx.file('a.uevrcap'), date: '2026-11-26T10:00:00.000Z', scriptsMsPerFrame: 2.4 });
  const b = s.add({ ...base, file: fx.file('b.uevrcap'), date: '2026-11-26T11:00:00.000Z', scriptsMsPerFrame: 0.6 });
  const reopened = new CaptureStore(fx.dir);
  assert.deepEqual(reopened.list().map((e) => e.id), [b.id, a.id]);
  assert.equal(reopened.previous(b.id)?.id, a.id);
  assert.equal(reopened.previous(a.id), undefined);
  reopened.rename(a.id, '  before the fix ');
  assert.equal(new CaptureStore(fx.dir).get(a.id)?.name, 'before the fix');
  assert.throws(() => reopened.rename(a.id, '   '), /empty/);
  reopened.delete(b.id);
  assert.ok(!existsSync(b.file), 'the file is deleted with the entry');
  assert.deepEqual(new CaptureStore(fx.dir).list().map((e) => e.id), [a.id]);
});

test('a corrupt index or a capture deleted by hand loses nothing else', () => {
  const fx = fixture();
  const s = new CaptureStore(fx.dir);
  const a = s.add({ ...base, file: fx.file('a.uevrcap'), date: '2026-11-26T10:00:00.000Z' });
  s.add({ ...base, file: join(fx.dir, 'gone.uevrcap'), date: '2026-11-26T12:00:00.000Z' });
  assert.deepEqual(new CaptureStore(fx.dir).list().map((e) => e.id), [a.id], 'entries whose file is gone are dropped');
  writeFileSync(join(fx.dir, 'captures.json'), '{"version": 1, "captures": [');
  const rebuilt = new CaptureStore(fx.dir).list();
  assert.deepEqual(rebuilt.map((e) => e.file), [a.file], 'a corrupt index is rebuilt from the capture files, never throws');
  writeFileSync(join(fx.dir, 'captures.json'), JSON.stringify({ version: 99, captures: 5 }));
  const f2 = fx.file('My_Game_2026-11-26_10-00-00.uevrcap');
  const again = new CaptureStore(fx.dir).list();
  assert.equal(again.length, 2);
  assert.equal(again.find((e) => e.file === f2)?.game, 'My_Game');
  assert.ok(existsSync(a.file), 'capture files are never deleted by a bad index');
  assert.ok(readFileSync(a.file, 'utf8').startsWith('UEVRCAP'));
});
