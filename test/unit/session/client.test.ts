// SessionClient against misbehaving sessions (raw TCP servers in the test): every failure must be
// one of the documented error classes with a one-line message, never a hang or an uncaught error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { encodeMessage, MessageDecoder } from '../../../src/core/protocol/framing';
import {
  ConnectionLostError,
  ProtocolError,
  RequestFailedError,
  RequestTimeoutError,
  SessionClient,
  TokenRefusedError,
} from '../../../src/core/session/client';

/** A tiny scripted server: `onRequest` decides what to send back for each request. */
async function fakeSession(onRequest: (req: Record<string, unknown>, socket: Socket) => void, onConnect?: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    onConnect?.(socket);
    const d = new MessageDecoder();
    socket.on('data', (c: Buffer) => {
      for (const i of d.push(c)) if (i.kind === 'message') onRequest(i.value, socket);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0 };
}

const ok = (req: Record<string, unknown>, body?: unknown) => encodeMessage({ seq: 1, type: 'response', request_seq: req.seq, success: true, command: req.command, body });
const caps = { uevrProtocolVersion: 1, uevrSession: { game: 'g', pid: 1, kind: 'native', refreshRateHz: 90, hostVersion: 'x' } };

describe('session client', () => {
  test('garbage from the session is a ProtocolError and closes', async () => {
    const { server, port } = await fakeSession((_req, s) => s.write('HTTP/1.1 200 OK\r\n\r\n'));
    const c = await SessionClient.connect('127.0.0.1', port);
    await assert.rejects(c.initialize(), (e: Error) => e instanceof ProtocolError && /protocol error from the session: invalid header line/.test(e.message));
    assert.equal(c.isOpen, false);
    server.close();
  });

  test('no response is a RequestTimeoutError', async () => {
    const { server, port } = await fakeSession(() => undefined);
    const c = await SessionClient.connect('127.0.0.1', port, { timeoutMs: 200 });
    await assert.rejects(c.initialize(), (e: Error) => e instanceof RequestTimeoutError && /initialize: no response within 200 ms/.test(e.message));
    c.close();
    server.close();
  });

  test('the session closing mid-request is a ConnectionLostError', async () => {
    const { server, port } = await fakeSession((_req, s) => s.destroy());
    const c = await SessionClient.connect('127.0.0.1', port);
    await assert.rejects(c.initialize(), ConnectionLostError);
    const closed = await new Promise<Error | undefined>((r) => c.onClose(r));
    assert.ok(closed instanceof ConnectionLostError);
    await assert.rejects(c.request('sessionInfo', {}), ConnectionLostError);
    server.close();
  });

  test('a session speaking another protocol version is refused', async () => {
    const { server, port } = await fakeSession((req, s) => s.write(ok(req, { ...caps, uevrProtocolVersion: 7 })));
    const c = await SessionClient.connect('127.0.0.1', port);
    await assert.rejects(c.initialize(), /session speaks protocol 7, this client 1/);
    c.close();
    server.close();
  });

  test('a DAP adapter that is not a UEVR session is refused', async () => {
    const { server, port } = await fakeSession((req, s) => s.write(ok(req, { supportsConfigurationDoneRequest: true })));
    const c = await SessionClient.connect('127.0.0.1', port);
    await assert.rejects(c.initialize(), /not a UEVR profiler session/);
    c.close();
    server.close();
  });

  test('token refusal is a TokenRefusedError; other failures are RequestFailedError', async () => {
    const { server, port } = await fakeSession((req, s) => {
      if (req.command === 'initialize') s.write(ok(req, caps));
      else if (req.command === 'attach') s.write(encodeMessage({ seq: 2, type: 'response', request_seq: req.seq, success: false, command: 'attach', message: 'invalid token' }));
      else s.write(encodeMessage({ seq: 3, type: 'response', request_seq: req.seq, success: false, command: req.command, message: 'nope' }));
    });
    const c = await SessionClient.connect('127.0.0.1', port);
    await c.initialize();
    await assert.rejects(c.attach('x'), (e: Error) => e instanceof TokenRefusedError && e.message === 'the session refused the token: invalid token');
    await assert.rejects(c.request('sessionInfo', {}), (e: Error) => e instanceof RequestFailedError && e.message === 'sessionInfo failed: nope');
    c.close();
    server.close();
  });

  test('malformed messages and unsolicited responses are skipped; a throwing handler does not break the stream', async () => {
    const { server, port } = await fakeSession((req, s) => {
      s.write('Content-Length: 3\r\n\r\n[1]');
      s.write(encodeMessage({ seq: 9, type: 'response', request_seq: 999, success: true, command: 'x' }));
      s.write(encodeMessage({ seq: 10, type: 'event', event: 'frames', body: { frames: [], dropped: 0 } }));
      s.write(encodeMessage({ seq: 11, type: 'event', event: 'frames', body: { frames: [], dropped: 1 } }));
      s.write(ok(req, caps));
    });
    const c = await SessionClient.connect('127.0.0.1', port);
    const seen: number[] = [];
    c.on('frames', () => {
      throw new Error('handler bug');
    });
    c.on('frames', (b) => seen.push(b.dropped));
    await c.initialize();
    assert.deepEqual(seen, [0, 1]);
    c.close();
    server.close();
  });
});
