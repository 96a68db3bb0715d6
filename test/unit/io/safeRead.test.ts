// The safe file reader against what a user (or an attacker) can put at a path: devices, named pipes
// with and without a writer, directories, links, files that are too big or grow, and Ctrl+C.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegularFile, readSmallRegularFileSync, UnreadableFileError } from '../../../src/core/io/safeRead';

const posix = process.platform !== 'win32';
const dir = mkdtempSync(join(tmpdir(), 'uevr-saferead-'));

/** Fails the test instead of hanging the run when a read does not return. */
async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`did not finish within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

describe('readRegularFile', () => {
  test('reads a regular file, and one through a symlink to it', async () => {
    const f = join(dir, 'a.txt');
    writeFileSync(f, 'hello');
    assert.equal((await readRegularFile(f, { maxBytes: 100 })).toString(), 'hello');
    if (posix) {
      symlinkSync(f, join(dir, 'link.txt'));
      assert.equal((await readRegularFile(join(dir, 'link.txt'), { maxBytes: 100 })).toString(), 'hello');
    }
  });

  test('/dev/zero is refused at once with one line', { skip: !posix }, async () => {
    await assert.rejects(within(2000, readRegularFile('/dev/zero', { maxBytes: 1 << 30 })), (e: Error) => e instanceof UnreadableFileError && e.message === 'cannot read /dev/zero: is a character device, not a regular file');
  });

  test('a *.lua link to /dev/zero is refused', { skip: !posix }, async () => {
    const l = join(dir, 'zero.lua');
    symlinkSync('/dev/zero', l);
    await assert.rejects(within(2000, readRegularFile(l, { maxBytes: 1 << 20 })), /is a character device/);
  });

  test('a named pipe with no writer is refused without hanging', { skip: !posix }, async () => {
    const fifo = join(dir, 'pipe.lua');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(within(2000, readRegularFile(fifo, { maxBytes: 1 << 20 })), /is a named pipe, not a regular file/);
  });

  test('a directory, a missing file and a dangling link give one-line reasons', async () => {
    await assert.rejects(readRegularFile(dir, { maxBytes: 10 }), /is a directory, not a regular file/);
    await assert.rejects(readRegularFile(join(dir, 'nope'), { maxBytes: 10 }), /cannot read .*nope: no such file$/);
    if (posix) {
      symlinkSync(join(dir, 'missing-target'), join(dir, 'dangling'));
      await assert.rejects(readRegularFile(join(dir, 'dangling'), { maxBytes: 10 }), /no such file/);
    }
  });

  test('a file above the limit is refused before it is read', async () => {
    const f = join(dir, 'big.bin');
    writeFileSync(f, Buffer.alloc(1001));
    await assert.rejects(readRegularFile(f, { maxBytes: 1000 }), /is larger than 1000 bytes/);
    assert.equal((await readRegularFile(f, { maxBytes: 1001 })).length, 1001);
  });

  test('an abort signal (Ctrl+C) stops a read between chunks', async () => {
    const f = join(dir, 'chunks.bin');
    writeFileSync(f, Buffer.alloc(1 << 20));
    const ac = new AbortController();
    const p = readRegularFile(f, { maxBytes: 1 << 21, signal: ac.signal, chunkBytes: 16 });
    setImmediate(() => ac.abort());
    await assert.rejects(within(5000, p), /interrupted/);
  });
});

describe('readSmallRegularFileSync', () => {
  test('reads a file whole, at and below the limit; one byte over is refused', () => {
    const f = join(dir, 'small.lua');
    writeFileSync(f, 'x'.repeat(1000));
    assert.equal(readSmallRegularFileSync(f, 1000).toString(), 'x'.repeat(1000));
    assert.equal(readSmallRegularFileSync(f, 1 << 24).length, 1000);
    assert.throws(() => readSmallRegularFileSync(f, 999), /is larger than 999 bytes/);
    const empty = join(dir, 'empty.lua');
    writeFileSync(empty, '');
    assert.equal(readSmallRegularFileSync(empty, 100).length, 0);
  });

  test('a file whose size stat does not know (/proc) is read to its end, and bounded', { skip: process.platform !== 'linux' }, () => {
    const text = readSmallRegularFileSync('/proc/self/status', 1 << 20).toString();
    assert.match(text, /^Name:/);
    assert.match(text, /\nPid:\s+\d+/);
    assert.throws(() => readSmallRegularFileSync('/proc/self/status', 10), /is larger than 10 bytes/);
  });

  test('noFollow: a link at the path is refused, the file it points to is read without it', { skip: !posix }, () => {
    const f = join(dir, 'target.dll');
    writeFileSync(f, 'payload');
    symlinkSync(f, join(dir, 'linked.dll'));
    assert.throws(() => readSmallRegularFileSync(join(dir, 'linked.dll'), 100, { noFollow: true }), /linked\.dll: is a symbolic link, not a regular file$/);
    assert.equal(readSmallRegularFileSync(join(dir, 'linked.dll'), 100).toString(), 'payload');
    assert.equal(readSmallRegularFileSync(f, 100, { noFollow: true }).toString(), 'payload');
  });

  test('a named pipe and a device are refused without blocking', { skip: !posix }, () => {
    const fifo = join(dir, 'pipe-sync.lua');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => readSmallRegularFileSync(fifo, 1 << 20), /is a named pipe, not a regular file/);
    assert.throws(() => readSmallRegularFileSync('/dev/zero', 1 << 20), /is a character device, not a regular file/);
  });
});
