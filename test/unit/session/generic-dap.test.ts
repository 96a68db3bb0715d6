// A generic DAP client attaches cleanly: the exact request sequence nvim-dap sends on attach
// (lua/dap/session.lua: initialize with seq 0, the launch configuration as attach arguments, then on
// the `initialized` event setBreakpoints per buffer, setExceptionBreakpoints because the capabilities
// list exception filters, configurationDone because they support it; threads when it looks for a
// thread to pause), over a real loopback socket to the real session server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage } from '../../../src/core/protocol/framing';
import { BREAKPOINT_MESSAGE, MAX_BREAKPOINTS } from '../../../src/core/session/dapHandshake';
import { SessionServer } from '../../../src/core/session/server';
import { RawPeer } from './raw-peer';
import { TimerBackend } from './timer-backend';

const TOKEN = 'generic-dap-token';

describe('a generic DAP client (nvim-dap, Helix) attaching to the session server', () => {
  let backend: TimerBackend;
  let server: SessionServer;
  before(async () => {
    backend = new TimerBackend();
    server = await SessionServer.start({ backend, token: TOKEN, port: 0 });
  });
  after(async () => {
    await server.close();
    await backend.dispose();
  });

  /** nvim-dap numbers its requests from 0 and omits `arguments` when it has none. */
  function nvimDap(peer: RawPeer) {
    let seq = 0;
    return (command: string, args?: Record<string, unknown>) => {
      const s = seq++;
      peer.send(encodeMessage(args === undefined ? { seq: s, type: 'request', command } : { seq: s, type: 'request', command, arguments: args }));
      return peer.response(s);
    };
  }

  test("nvim-dap's attach sequence: every request succeeds and the session stays usable", async () => {
    const peer = await RawPeer.open(server.port);
    const request = nvimDap(peer);
    const init = await request('initialize', {
      clientId: 'neovim',
      clientname: 'neovim',
      adapterID: 'uevr',
      pathFormat: 'path',
      columnsStartAt1: true,
      linesStartAt1: true,
      supportsRunInTerminalRequest: true,
      supportsVariableType: true,
      locale: 'en_US.UTF-8',
    });
    assert.equal(init.success, true);
    const caps = init.body as Record<string, unknown>;
    assert.equal(caps.supportsConfigurationDoneRequest, true, 'so nvim-dap sends configurationDone');
    assert.deepEqual(caps.exceptionBreakpointFilters, [], 'so nvim-dap sends setExceptionBreakpoints');
    // nvim-dap sends the whole launch configuration as the attach arguments.
    const attach = await request('attach', { type: 'uevr', request: 'attach', name: 'Attach to UEVR game', token: TOKEN });
    assert.equal(attach.success, true, String(attach.message));
    await peer.waitFor((m) => m.type === 'event' && m.event === 'initialized', 'the initialized event');

    const bps = await request('setBreakpoints', {
      source: { path: '/home/me/mods/scripts/camera_fix.lua', name: 'camera_fix.lua' },
      breakpoints: [{ line: 12 }, { line: 30, condition: 'delta > 0.1' }, { line: 41, logMessage: 'tick {delta}' }],
      lines: [12, 30, 41],
    });
    assert.equal(bps.success, true, String(bps.message));
    const answered = (bps.body as { breakpoints: Array<{ verified: boolean; line: number; message: string }> }).breakpoints;
    assert.deepEqual(answered.map((b) => [b.verified, b.line]), [[false, 12], [false, 30], [false, 41]]);
    for (const b of answered) assert.equal(b.message, BREAKPOINT_MESSAGE);

    const exc = await request('setExceptionBreakpoints', { filters: [] });
    assert.equal(exc.success, true);
    const done = await request('configurationDone');
    assert.equal(done.success, true);
    const threads = await request('threads');
    assert.equal(threads.success, true);
    assert.deepEqual((threads.body as { threads: unknown }).threads, [{ id: 1, name: 'Lua' }]);

    // The profiler's own requests still work on the same connection, and frames keep coming.
    const info = await request('sessionInfo');
    assert.equal(info.success, true);
    await peer.waitFor((m) => m.type === 'event' && m.event === 'frames', 'frames');
    assert.ok(!peer.messages.some((m) => m.type === 'response' && m.success === false), 'no request failed');
    const bye = await request('disconnect', { restart: false });
    assert.equal(bye.success, true);
    await peer.waitClosed();
  });

  test('the deprecated `lines` form, and breakpoints without a usable line, still get one answer each', async () => {
    const peer = await RawPeer.open(server.port);
    const request = nvimDap(peer);
    await request('initialize', {});
    let r = await request('setBreakpoints', { source: { path: 'x.lua' }, lines: [5, 6] });
    assert.deepEqual((r.body as { breakpoints: Array<{ line: number }> }).breakpoints.map((b) => b.line), [5, 6]);
    r = await request('setBreakpoints', { source: { path: 'x.lua' }, breakpoints: [null, { line: 'ten' }, { line: -1 }, { line: 1e300 }, 7] });
    assert.equal(r.success, true);
    const answered = (r.body as { breakpoints: Array<{ verified: boolean; line?: number }> }).breakpoints;
    assert.equal(answered.length, 5);
    assert.deepEqual(answered.map((b) => b.line), [undefined, undefined, undefined, undefined, 7]);
    assert.ok(answered.every((b) => b.verified === false));
    r = await request('setBreakpoints', { source: { path: 'x.lua' }, breakpoints: 'all of them' });
    assert.deepEqual(r.body, { breakpoints: [] });
    peer.close();
  });

  test('hostile: too many breakpoints is refused without closing; before initialize they are unknown', async () => {
    const early = await RawPeer.open(server.port);
    const before = nvimDap(early);
    const r0 = await before('threads');
    assert.equal(r0.success, false, 'nothing is answered before initialize');
    early.close();

    const peer = await RawPeer.open(server.port);
    const request = nvimDap(peer);
    await request('initialize', {});
    const lines = Array.from({ length: MAX_BREAKPOINTS + 1 }, (_, i) => i + 1);
    const r = await request('setBreakpoints', { source: { path: 'x.lua' }, lines });
    assert.equal(r.success, false);
    assert.match(String(r.message), /more than 1000 breakpoints/);
    const ok = await request('threads');
    assert.equal(ok.success, true, 'the connection is still open and answering');
    peer.close();
  });
});
