import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage, MessageDecoder, type DecodedItem } from '../../../src/core/protocol/framing';

const frame = (body: string) => Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, 'utf8');
const msgs = (items: DecodedItem[]) => items.filter((i) => i.kind === 'message').map((i) => (i as { value: unknown }).value);
const errs = (items: DecodedItem[]) => items.filter((i) => i.kind === 'error').map((i) => (i as { error: Error & { fatal: boolean } }).error);

/** Deterministic PRNG so fuzz failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

describe('protocol framing', () => {
  test('round-trips messages, including non-ASCII text', () => {
    const d = new MessageDecoder();
    const m = { seq: 1, type: 'event', event: 'output', body: { output: 'héllo ✓ 日本' } };
    assert.deepEqual(msgs(d.push(encodeMessage(m))), [m]);
  });

  test('decodes the same messages however the bytes are split (fuzz)', () => {
    const messages = Array.from({ length: 40 }, (_, i) => ({ seq: i, type: 'request', command: 'x', arguments: { s: 'é'.repeat(i * 7) } }));
    const all = Buffer.concat(messages.map(encodeMessage));
    const r = rng(42);
    for (let round = 0; round < 200; round++) {
      const d = new MessageDecoder();
      const got: unknown[] = [];
      let i = 0;
      while (i < all.length) {
        const n = 1 + Math.floor(r() * (r() < 0.5 ? 4 : 300));
        got.push(...msgs(d.push(all.subarray(i, i + n))));
        i += n;
      }
      assert.deepEqual(got, messages);
      assert.equal(d.bufferedBytes, 0);
    }
  });

  test('one byte at a time', () => {
    const d = new MessageDecoder();
    const all = Buffer.concat([encodeMessage({ seq: 1, type: 'event', event: 'a' }), encodeMessage({ seq: 2, type: 'event', event: 'b' })]);
    const got: unknown[] = [];
    for (const b of all) got.push(...msgs(d.push(Buffer.from([b]))));
    assert.equal(got.length, 2);
  });

  test('a flood of tiny messages in one chunk', () => {
    const one = encodeMessage({ seq: 1, type: 'request', command: 'x' });
    const d = new MessageDecoder();
    const items = d.push(Buffer.concat(Array.from({ length: 100_000 }, () => one)));
    assert.equal(items.length, 100_000);
    assert.equal(d.bufferedBytes, 0);
  });

  test('oversized Content-Length is fatal before any body is buffered', () => {
    const d = new MessageDecoder({ maxContentLength: 1000 });
    const e = errs(d.push(Buffer.from('Content-Length: 999999999\r\n\r\nabc')));
    assert.equal(e.length, 1);
    assert.equal(e[0]!.fatal, true);
    assert.match(e[0]!.message, /exceeds the limit of 1000/);
    assert.equal(d.failed, true);
    assert.deepEqual(d.push(frame('{}')), [], 'input after a fatal error is ignored');
  });

  test('default limit is 16 MiB', () => {
    const d = new MessageDecoder();
    assert.equal(errs(d.push(Buffer.from(`Content-Length: ${16 * 1024 * 1024 + 1}\r\n\r\n`)))[0]!.fatal, true);
  });

  for (const [name, bytes, re] of [
    ['garbage header', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', /invalid header line/],
    ['missing Content-Length', 'Content-Type: application/json\r\n\r\n{}', /missing Content-Length/],
    ['negative length', 'Content-Length: -5\r\n\r\n', /invalid Content-Length/],
    ['non-numeric length', 'Content-Length: 12abc\r\n\r\n', /invalid Content-Length/],
    ['float length', 'Content-Length: 1.5\r\n\r\n', /invalid Content-Length/],
    ['duplicate length', 'Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}', /duplicate/],
    ['binary header', '\x00\x01\x02: \xff\r\n\r\n', /cannot start with byte 0x00/],
    ['binary byte inside a header line', 'Content-Length: 5\x01\r\n\r\n', /binary byte 0x01/],
  ] as const) {
    test(`fatal: ${name}`, () => {
      const e = errs(new MessageDecoder().push(Buffer.from(bytes, 'latin1')));
      assert.equal(e.length, 1);
      assert.equal(e[0]!.fatal, true);
      assert.match(e[0]!.message, re);
      assert.ok(!e[0]!.message.includes('\n'), 'one-line message');
    });
  }

  test('a first byte that cannot start a header fails at once, with no blank line needed', () => {
    // A TLS ClientHello (curl -k https://…) starts 0x16 0x03 0x01 and never contains CRLFCRLF.
    const hello = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
    const e = errs(new MessageDecoder().push(hello));
    assert.equal(e.length, 1);
    assert.equal(e[0]!.fatal, true);
    assert.match(e[0]!.message, /cannot start with byte 0x16/);
  });

  test('a binary byte in a header still being read fails at once (no need to wait for 1 KiB)', () => {
    const d = new MessageDecoder();
    assert.equal(errs(d.push(Buffer.from('Content-Len'))).length, 0);
    const e = errs(d.push(Buffer.from([0x67, 0xff])));
    assert.equal(e.length, 1);
    assert.match(e[0]!.message, /binary byte 0xff/);
  });

  test('setMaxContentLength lowers the limit for the next header', () => {
    const d = new MessageDecoder();
    d.setMaxContentLength(65536);
    const e = errs(d.push(Buffer.from('Content-Length: 65537\r\n\r\n')));
    assert.equal(e.length, 1);
    assert.match(e[0]!.message, /exceeds the limit of 65536/);
  });

  test('a header with no blank line is cut off at the header limit (memory stays bounded)', () => {
    const d = new MessageDecoder({ maxHeaderBytes: 256 });
    let e: Error[] = [];
    for (let i = 0; i < 10_000 && e.length === 0; i++) {
      e = errs(d.push(Buffer.from('X-Junk: aaaaaaaaaa\r\n')));
      assert.ok(d.bufferedBytes <= 256 + 4);
    }
    assert.equal(e.length, 1);
    assert.match(e[0]!.message, /header exceeds 256 bytes/);
  });

  test('extra header fields are accepted (DAP allows Content-Type)', () => {
    const d = new MessageDecoder();
    const items = d.push(Buffer.from('Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}'));
    assert.deepEqual(msgs(items), [{}]);
  });

  for (const [name, body, re] of [
    ['invalid JSON', '{"seq":', /not valid JSON/],
    ['array body', '[1,2]', /must be a JSON object, got an array/],
    ['number body', '42', /got number/],
    ['null body', 'null', /got null/],
    ['string body', '"x"', /got string/],
  ] as const) {
    test(`non-fatal: ${name}, and the stream continues`, () => {
      const d = new MessageDecoder();
      const items = d.push(Buffer.concat([frame(body), frame('{"ok":1}')]));
      const e = errs(items);
      assert.equal(e.length, 1);
      assert.equal(e[0]!.fatal, false);
      assert.match(e[0]!.message, re);
      assert.deepEqual(msgs(items), [{ ok: 1 }]);
    });
  }

  test('invalid UTF-8 body is a non-fatal error', () => {
    const d = new MessageDecoder();
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const items = d.push(Buffer.concat([Buffer.from('Content-Length: 4\r\n\r\n'), body]));
    assert.match(errs(items)[0]!.message, /not valid UTF-8/);
  });

  test('Content-Length: 0 is a non-fatal error', () => {
    const items = new MessageDecoder().push(Buffer.concat([Buffer.from('Content-Length: 0\r\n\r\n'), frame('{}')]));
    assert.equal(errs(items).length, 1);
    assert.equal(msgs(items).length, 1);
  });

  test('a truncated body yields nothing until the rest arrives', () => {
    const d = new MessageDecoder();
    const f = frame('{"seq":1,"type":"event","event":"x"}');
    assert.deepEqual(d.push(f.subarray(0, f.length - 3)), []);
    assert.equal(msgs(d.push(f.subarray(f.length - 3))).length, 1);
  });

  test('a large body arriving in many chunks is joined once', () => {
    const big = { seq: 1, type: 'event', event: 'x', body: { s: 'a'.repeat(3_000_000) } };
    const f = encodeMessage(big);
    const d = new MessageDecoder();
    let got: unknown[] = [];
    for (let i = 0; i < f.length; i += 65536) got = got.concat(msgs(d.push(f.subarray(i, i + 65536))));
    assert.deepEqual(got, [big]);
  });

  test('random garbage never throws', () => {
    const r = rng(7);
    for (let round = 0; round < 300; round++) {
      const d = new MessageDecoder({ maxContentLength: 4096 });
      const bytes = Buffer.alloc(1 + Math.floor(r() * 2000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = r() < 0.3 ? 'Content-Length: 12\r\n{}'.charCodeAt(i % 22) : Math.floor(r() * 256);
      for (let i = 0; i < bytes.length; i += 17) d.push(bytes.subarray(i, i + 17));
      assert.ok(d.bufferedBytes <= 4096 + 1024 + 4);
    }
  });
});
