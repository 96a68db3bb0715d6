import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionServer } from '../../../src/core/session/server';
import {
  ConnectError,
  RequestFailedError,
  SessionClient,
  TokenRefusedError,
} from '../../../src/core/session/client';
import type { FramesEventBody, SamplesEventBody } from '../../../src/core/protocol/messages';
import { TimerBackend } from './timer-backend';
import { RawPeer } from './raw-peer';

const TOKEN = 'secret-token-123';

describe('session server', () => {
  let backend: TimerBackend;
  let server: SessionServer;

  before(async () => {
    backend = new TimerBackend();
    server = await SessionServer.start({ backend, token: TOKEN, port: 0, handshakeTimeoutMs: 2500, maxConnections: 6 });
  });
  after(async () => {
    await server.close();
    await backend.dispose();
  });

  test('listens on loopback only', () => {
    assert.equal(server.host, '127.0.0.1');
    assert.ok(server.port > 0);
  });

  test('handshake, capabilities, late callbacks, frames events', async () => {
    const c = await SessionClient.connect('127.0.0.1', server.port);
    const caps = await c.initialize();
    assert.equal(caps.uevrProtocolVersion, 1);
    assert.equal(caps.uevrSession.game, 'TestGame');
    assert.ok(caps.uevrRequests.includes('startCapture'));
    const regs: number[] = [];
    c.on('callbackRegistered', (b) => regs.push(b.callback.id));
    const frames: FramesEventBody[] = [];
    const got = new Promise<void>((r) => c.on('frames', (b) => (frames.push(b), frames.length >= 2 && r())));
    await c.attach(TOKEN);
    await got;
    assert.deepEqual(regs, [1, 2]);
    assert.ok(frames[0]!.frames.length > 0);
    assert.equal(frames[0]!.frames[0]!.callbacks.length, 3);
    const info = await c.request('sessionInfo', {});
    assert.equal(info.callbacks.length, 2);
    assert.equal(info.protocol, 1);
    c.close();
  });

  test('wrong token: success false, then the connection is closed', async () => {
    const c = await SessionClient.connect('127.0.0.1', server.port);
    await c.initialize();
    await assert.rejects(c.attach('nope'), TokenRefusedError);
    await new Promise<void>((r) => c.onClose(() => r()));
    assert.equal(c.isOpen, false);
  });

  test('requests before attach are refused without closing', async () => {
    const p = await RawPeer.open(server.port);
    let r = await p.response(p.request('startCapture', {}));
    assert.equal(r.success, false);
    assert.match(String(r.message), /not initialized/);
    r = await p.response(p.request('attach', { token: TOKEN }));
    assert.match(String(r.message), /not initialized/);
    await p.response(p.request('initialize', {}));
    r = await p.response(p.request('sessionInfo'));
    assert.match(String(r.message), /not attached/);
    r = await p.response(p.request('attach', { token: TOKEN }));
    assert.equal(r.success, true);
    r = await p.response(p.request('attach', { token: TOKEN }));
    assert.equal(r.success, false);
    p.close();
  });

  test('unknown commands and wrong argument types get error responses', async () => {
    const p = await RawPeer.open(server.port);
    await p.response(p.request('initialize', {}));
    let r = await p.response(p.request('attach', { token: 42 }));
    assert.match(String(r.message), /token.*must be a string/);
    assert.equal(p.closed, false);
    await p.response(p.request('attach', { token: TOKEN }));
    r = await p.response(p.request('launch', {}));
    assert.match(String(r.message), /unknown command "launch"/);
    r = await p.response(p.request('__proto__', {}));
    assert.match(String(r.message), /unknown command/);
    r = await p.response(p.request('startCapture', { samplingHz: 'fast' }));
    assert.match(String(r.message), /samplingHz/);
    r = await p.response(p.request('stopCapture'));
    assert.match(String(r.message), /no capture is running/);
    p.close();
  });

  test('invalid JSON and invalid envelopes get an error response; the connection survives', async () => {
    const p = await RawPeer.open(server.port);
    p.send('Content-Length: 5\r\n\r\n{"a":');
    p.send('Content-Length: 3\r\n\r\n[1]');
    p.send('Content-Length: 27\r\n\r\n{"seq":4,"type":"request"}\n');
    await p.waitFor((m) => m.type === 'response' && /not valid JSON/.test(String(m.message)));
    await p.waitFor((m) => m.type === 'response' && /JSON object/.test(String(m.message)));
    await p.waitFor((m) => m.type === 'response' && m.request_seq === 4 && /command/.test(String(m.message)));
    const r = await p.response(p.request('initialize', {}));
    assert.equal(r.success, true);
    p.close();
  });

  test('garbage header closes that connection only, with a reason', async () => {
    const good = await SessionClient.open('127.0.0.1', server.port, TOKEN);
    const p = await RawPeer.open(server.port);
    p.send('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await p.waitClosed();
    assert.ok(p.messages.some((m) => m.event === 'output' && /protocol error/.test(JSON.stringify(m.body))));
    assert.ok(p.messages.some((m) => m.event === 'terminated'));
    const info = await good.request('sessionInfo', {});
    assert.equal(info.session.game, 'TestGame');
    good.close();
  });

  test('oversized Content-Length closes the connection without buffering', async () => {
    const p = await RawPeer.open(server.port);
    p.send('Content-Length: 99999999999\r\n\r\n');
    await p.waitClosed();
    assert.ok(p.messages.some((m) => /exceeds the limit/.test(JSON.stringify(m.body))));
  });

  test('a flood of malformed messages is cut off', async () => {
    const p = await RawPeer.open(server.port);
    p.send(Buffer.from('Content-Length: 1\r\n\r\nx'.repeat(1000)));
    await p.waitClosed();
    assert.ok(p.messages.some((m) => /too many malformed/.test(JSON.stringify(m.body))));
  });

  test('a flood of valid requests one byte at a time is answered', async () => {
    const p = await RawPeer.open(server.port);
    const bytes = Buffer.from(
      Array.from({ length: 50 }, (_, i) => {
        const b = JSON.stringify({ seq: i + 1, type: 'request', command: 'initialize' });
        return `Content-Length: ${b.length}\r\n\r\n${b}`;
      }).join(''),
    );
    for (const b of bytes) p.send(Buffer.from([b]));
    await p.response(50);
    assert.equal(p.messages.filter((m) => m.type === 'response').length, 50);
    p.close();
  });

  test('a flood of valid requests is cut off (the game loop is not starved)', async () => {
    const p = await RawPeer.open(server.port);
    const one = (seq: number) => {
      const b = JSON.stringify({ seq, type: 'request', command: 'initialize' });
      return `Content-Length: ${b.length}\r\n\r\n${b}`;
    };
    p.send(Array.from({ length: 5000 }, (_, i) => one(i + 1)).join(''));
    await p.waitClosed();
    assert.ok(p.messages.some((m) => /request flood/.test(JSON.stringify(m.body))));
  });

  test('handshake timeout closes an idle unauthenticated connection', async () => {
    const p = await RawPeer.open(server.port);
    await p.waitClosed();
    assert.ok(p.messages.some((m) => /handshake not completed/.test(JSON.stringify(m.body))));
  });

  test('capture: samples stream only to the capturing client, all before the stop response', async () => {
    const a = await SessionClient.open('127.0.0.1', server.port, TOKEN);
    const b = await SessionClient.open('127.0.0.1', server.port, TOKEN);
    const aSamples: SamplesEventBody[] = [];
    let bSamples = 0;
    a.on('samples', (s) => aSamples.push(s));
    b.on('samples', () => bSamples++);
    const start = await a.request('startCapture', { samplingHz: 50_000 });
    assert.equal(start.samplingHz, 10_000, 'clamped to the backend maximum');
    assert.equal(backend.samplingHz, 10_000);
    await new Promise<void>((r) => {
      const off = a.on('samples', () => aSamples.length >= 2 && (off(), r()));
    });
    const stop = await a.request('stopCapture', {});
    const total = aSamples.reduce((n, s) => n + s.samples.length, 0);
    assert.equal(stop.samples, total);
    assert.equal(bSamples, 0);
    assert.equal(backend.samplingHz, 0, 'sampling stops when no client captures');
    // Each capture is self-contained: its first batch defines every frame and stack it uses.
    const defined = new Set(aSamples.flatMap((s) => s.newStacks.map((d) => d[0])));
    for (const s of aSamples) for (const x of s.samples) assert.ok(defined.has(x[0]));
    assert.equal(aSamples[0]!.newFrames.length, 3);
    assert.equal(aSamples[0]!.captureId, start.captureId);
    await assert.rejects(a.request('stopCapture', {}), RequestFailedError);
    a.close();
    b.close();
  });

  test('script reset, log lines (DAP output) and errors reach attached clients', async () => {
    const c = await SessionClient.open('127.0.0.1', server.port, TOKEN);
    const outputs: string[] = [];
    c.on('output', (o) => outputs.push(o.output));
    const reset = new Promise<number>((r) => c.on('scriptReset', (b) => r(b.generation)));
    await c.request('resetScripts', {});
    assert.equal(await reset, 1);
    const logged = new Promise<void>((r) => c.on('output', (o) => o.output.includes('hello') && r()));
    backend.log('hello from mod');
    await logged;
    c.close();
  });

  test('max connections: an attach beyond the attached limit is refused with a reason', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => SessionClient.open('127.0.0.1', server.port, TOKEN)));
    const extra = await RawPeer.open(server.port);
    await extra.response(extra.request('initialize', {}));
    const r = await extra.response(extra.request('attach', { token: TOKEN }));
    assert.equal(r.success, false);
    assert.match(String(r.message), /too many connections \(max 6 attached\)/);
    await extra.waitClosed();
    for (const c of clients) c.close();
  });

  test('idle sockets filling every slot do not lock out the owner (oldest unattached is evicted)', async () => {
    const idle = await Promise.all(Array.from({ length: 8 }, () => RawPeer.open(server.port)));
    const owner = await SessionClient.open('127.0.0.1', server.port, TOKEN);
    const info = await owner.request('sessionInfo', {});
    assert.equal(info.session.game, 'TestGame');
    // The one evicted was told why before the close.
    const evicted = idle.find((p) => p.closed);
    assert.ok(evicted, 'an idle socket was evicted to make room');
    assert.ok(evicted.messages.some((m) => /evicted/.test(JSON.stringify(m.body))));
    owner.close();
    for (const p of idle) p.close();
  });

  test('eight TLS ClientHellos are closed at once and never hold a slot', async () => {
    const hello = Buffer.from('16030100f8010000f40303', 'hex');
    const peers = await Promise.all(Array.from({ length: 8 }, () => RawPeer.open(server.port)));
    const t0 = Date.now();
    for (const p of peers) p.send(hello);
    for (const p of peers) await p.waitClosed();
    assert.ok(Date.now() - t0 < 2000, `closed after ${Date.now() - t0} ms, not at the handshake deadline`);
    assert.ok(peers[0]!.messages.some((m) => /cannot start with byte 0x16/.test(JSON.stringify(m.body))));
    const owner = await SessionClient.open('127.0.0.1', server.port, TOKEN);
    owner.close();
  });

  test('a 16 MiB body before attach is refused at the 64 KiB limit, before any body byte is buffered', async () => {
    const p = await RawPeer.open(server.port);
    p.send(`Content-Length: ${16 * 1024 * 1024}\r\n\r\n`);
    await p.waitClosed();
    assert.ok(p.messages.some((m) => /exceeds the limit of 65536 bytes/.test(JSON.stringify(m.body))));
    // 64 KiB exactly is still a (bad, answered) message before attach.
    const q = await RawPeer.open(server.port);
    const body = JSON.stringify({ seq: 1, type: 'request', command: 'initialize', arguments: { pad: 'x'.repeat(65536 - 90) } });
    q.send(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const r = await q.response(1);
    assert.ok(Buffer.byteLength(body) <= 65536);
    assert.equal(r.success, true);
    q.close();
  });

  test('after attach, bodies above 64 KiB are accepted (the full limit applies)', async () => {
    const p = await RawPeer.open(server.port);
    await p.response(p.request('initialize', {}));
    await p.response(p.request('attach', { token: TOKEN }));
    const seq = p.request('sessionInfo', { pad: 'y'.repeat(200_000) });
    const r = await p.response(seq);
    assert.equal(r.success, true);
    p.close();
  });

  test('connect errors are ConnectError with a one-line message', async () => {
    const s = await SessionServer.start({ backend, token: TOKEN, port: 0 });
    const port = s.port;
    await s.close();
    await assert.rejects(SessionClient.connect('127.0.0.1', port), (e: Error) => e instanceof ConnectError && /ECONNREFUSED/.test(e.message));
  });
});

describe('session server defaults before attach', () => {
  test('an idle unauthenticated socket is closed at the 2 s pre-auth deadline, with a reason', async () => {
    const backend = new TimerBackend();
    const server = await SessionServer.start({ backend, token: TOKEN, port: 0 });
    try {
      const p = await RawPeer.open(server.port);
      const t0 = Date.now();
      await p.waitClosed();
      const took = Date.now() - t0;
      assert.ok(took >= 1500 && took < 6000, `closed after ${took} ms`);
      assert.ok(p.messages.some((m) => /handshake not completed within 2000 ms/.test(JSON.stringify(m.body))));
    } finally {
      await server.close();
      await backend.dispose();
    }
  });
});

describe('session server hard output limit', () => {
  test('a client that does not read is closed at 4 × maxQueuedBytes, and the reason is the last thing sent', async () => {
    const backend = new TimerBackend();
    const server = await SessionServer.start({ backend, token: TOKEN, port: 0, maxQueuedBytes: 64 * 1024, maxRequestsPerSecond: 1e9 });
    try {
      const p = await RawPeer.open(server.port);
      await p.response(p.request('initialize', {}));
      await p.response(p.request('attach', { token: TOKEN }));
      p.socket.pause(); // stop reading: kernel buffers fill, then the server's queue grows
      const one = (seq: number) => {
        const b = JSON.stringify({ seq, type: 'request', command: 'sessionInfo' });
        return `Content-Length: ${b.length}\r\n\r\n${b}`;
      };
      p.send(Array.from({ length: 40_000 }, (_, i) => one(i + 10)).join(''));
      await new Promise((r) => setTimeout(r, 500));
      p.socket.resume();
      await p.waitClosed();
      const last = p.messages.slice(-2);
      assert.equal(last[0]?.event, 'output');
      assert.equal(last[1]?.event, 'terminated');
      assert.match(String((last[1]?.body as { reason?: string }).reason), /client too slow: more than 262144 bytes unread/);
    } finally {
      await server.close();
      await backend.dispose();
    }
  });
});
