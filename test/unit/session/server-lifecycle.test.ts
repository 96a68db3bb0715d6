import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionServer } from '../../../src/core/session/server';
import { SessionClient } from '../../../src/core/session/client';
import { TimerBackend } from './timer-backend';
import { RawPeer } from './raw-peer';

const TOKEN = 'secret-token-123';

describe('session server: backend end and slow clients', () => {
  test('terminated + exited when the backend ends', async () => {
    const backend = new TimerBackend();
    const server = await SessionServer.start({ backend, token: TOKEN, port: 0 });
    const c = await SessionClient.open('127.0.0.1', server.port, TOKEN);
    const events: string[] = [];
    c.on('terminated', () => events.push('terminated'));
    c.on('exited', () => events.push('exited'));
    const closed = new Promise<void>((r) => c.onClose(() => r()));
    const ended = new Promise<string>((r) => server.onBackendEnded(r));
    backend.end('game exited');
    assert.equal(await ended, 'game exited');
    await closed;
    assert.deepEqual(events, ['terminated', 'exited']);
    // New connections after the end are refused with the reason.
    const late = await RawPeer.open(server.port);
    await late.waitClosed();
    assert.ok(late.messages.some((m) => /session ended: game exited/.test(JSON.stringify(m.body))));
    await server.close();
  });

  test('a slow reader without a capture: frames coalesce (oldest dropped, counted), memory stays bounded', async () => {
    const backend = new TimerBackend(11.1, 1);
    backend.extraCallbacks = 400; // ~16 KB per frame as JSON
    const server = await SessionServer.start({ backend, token: TOKEN, port: 0, maxQueuedBytes: 256 * 1024, maxPendingFrames: 10 });
    const slow = await RawPeer.open(server.port);
    slow.request('initialize', {});
    slow.request('attach', { token: TOKEN });
    await slow.waitFor((m) => m.event === 'frames');
    slow.socket.pause();
    // Let the kernel buffers and the server's queue fill; the server must hold, not queue, frames.
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      if (backend.now() > 11.1 * 1500) break;
    }
    slow.socket.resume();
    const ev = await slow.waitFor((m) => m.event === 'frames' && ((m.body as { dropped: number }).dropped ?? 0) > 0, 'a frames event with dropped > 0');
    assert.ok((ev.body as { frames: unknown[] }).frames.length <= 10);
    assert.equal(slow.closed, false, 'a slow reader without a capture is not closed');
    slow.close();
    await server.close();
    await backend.dispose();
  });

  test('idle timeout (when configured) closes a silent attached client', async () => {
    const backend = new TimerBackend();
    const server = await SessionServer.start({ backend, token: TOKEN, port: 0, idleTimeoutMs: 300 });
    const p = await RawPeer.open(server.port);
    p.request('initialize', {});
    await p.response(p.request('attach', { token: TOKEN }));
    await p.waitClosed();
    assert.ok(p.messages.some((m) => /idle for 300 ms/.test(JSON.stringify(m.body))));
    await server.close();
    await backend.dispose();
  });

  test('a client that never reads is closed while capturing; others keep working', async () => {
    const backend = new TimerBackend(11.1, 2);
    backend.samplesPerFrame = 400;
    const server = await SessionServer.start({ backend, token: TOKEN, port: 0, maxQueuedBytes: 64 * 1024 });
    const good = await SessionClient.open('127.0.0.1', server.port, TOKEN);
    const slow = await RawPeer.open(server.port);
    slow.socket.pause(); // Never read: the kernel buffers fill, then the server's queue.
    slow.request('initialize', {});
    slow.request('attach', { token: TOKEN });
    slow.request('startCapture', { samplingHz: 1000 });
    const deadline = Date.now() + 8000; // safety net against a hang, not a timing assertion
    while (server.connectionCount !== 1) {
      assert.ok(Date.now() < deadline, 'the slow client was never closed');
      await new Promise((r) => setTimeout(r, 50));
    }
    const info = await good.request('sessionInfo', {});
    assert.equal(info.session.game, 'TestGame');
    good.close();
    slow.close();
    await server.close();
    await backend.dispose();
  });
});
