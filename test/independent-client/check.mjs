#!/usr/bin/env node
// An independent client of the UEVR profiler session protocol, written only from docs/protocol.md
// (no imports from src/). It checks that a session: lets a client attach with the right token,
// refuses a wrong token and closes, refuses requests before attach, answers or closes on hostile
// input, and keeps serving a good client through all of it. It also checks the limits before attach
// (64 KiB bodies, a first byte that cannot start a header, the 2 s deadline, slots that idle sockets
// cannot take from the owner), the request-rate limit, replies flushed on a half-close, and that every
// forced close is preceded by its reason (docs/protocol.md §1, §2), and that a generic DAP client
// (nvim-dap's attach sequence) gets success for the requests it sends while attaching.
//
//   node test/independent-client/check.mjs HOST PORT TOKEN
//
// Prints one line per check ("ok - …" / "not ok - …") and exits 0 when all pass, 1 otherwise,
// 2 on bad usage. Works against any implementation (the TypeScript server, the native plugin).
import net from 'node:net';

const WAIT_MS = 8000;

/** Decodes `Content-Length: N\r\n\r\n` + JSON frames from a byte stream (docs §2). */
class Peer {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.messages = [];
    this.closed = false;
    this.seq = 1;
    this.waiters = [];
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const m = /Content-Length: *(\d+)/i.exec(this.buf.subarray(0, end).toString('latin1'));
        if (!m) throw new Error('session sent a frame without Content-Length');
        const len = Number(m[1]);
        if (this.buf.length < end + 4 + len) break;
        this.messages.push(JSON.parse(this.buf.subarray(end + 4, end + 4 + len).toString('utf8')));
        this.buf = this.buf.subarray(end + 4 + len);
      }
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(host, port) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => resolve(new Peer(s)));
      s.once('error', reject);
    });
  }

  wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  raw(bytes) {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  frame(obj) {
    const body = Buffer.from(JSON.stringify(obj), 'utf8');
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
  }

  request(command, args) {
    const seq = this.seq++;
    const msg = { seq, type: 'request', command };
    if (args !== undefined) msg.arguments = args;
    this.raw(this.frame(msg));
    return seq;
  }

  async waitFor(pred, what) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const m = this.messages.find(pred);
      if (m) return m;
      if (this.closed) throw new Error(`connection closed while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  response(seq) {
    return this.waitFor((m) => m.type === 'response' && m.request_seq === seq, `the response to request ${seq}`);
  }

  async waitClosed(what) {
    const deadline = Date.now() + WAIT_MS;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`the session did not close the connection after ${what}`);
      await new Promise((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  close() {
    this.socket.destroy();
  }

  /** Half-close: send FIN, keep reading. */
  end() {
    this.socket.end();
  }

  /** The reason of a fatal close: the `terminated` event's body.reason (docs §2), or ''. */
  reason() {
    const t = this.messages.find((m) => m.type === 'event' && m.event === 'terminated');
    return t && t.body && typeof t.body.reason === 'string' ? t.body.reason : '';
  }
}

export async function runChecks(host, port, token, log = console.log) {
  let failures = 0;
  const check = async (name, fn) => {
    try {
      await fn();
      log(`ok - ${name}`);
    } catch (e) {
      failures++;
      log(`not ok - ${name}: ${e && e.message ? e.message : e}`);
    }
  };
  const assert = (cond, msg) => {
    if (!cond) throw new Error(msg);
  };
  const expectFailure = (r, re, what) => {
    assert(r.success === false, `${what}: expected success:false, got ${JSON.stringify(r)}`);
    assert(typeof r.message === 'string' && r.message.length > 0, `${what}: failed response has no message`);
    if (re) assert(re.test(r.message), `${what}: message "${r.message}" does not match ${re}`);
  };

  // The good client attaches first and must keep working through everything below.
  let good;
  let caps;
  await check('attach with the right token (initialize → capabilities → attach)', async () => {
    good = await Peer.open(host, port);
    const r = await good.response(good.request('initialize', { clientID: 'independent-check', adapterID: 'uevr', uevrProtocolVersion: 1 }));
    assert(r.success === true, `initialize failed: ${r.message}`);
    caps = r.body;
    assert(caps && caps.uevrProtocolVersion === 1, `uevrProtocolVersion is ${caps && caps.uevrProtocolVersion}`);
    assert(caps.uevrSession && typeof caps.uevrSession.game === 'string', 'capabilities lack uevrSession.game');
    assert(Array.isArray(caps.uevrRequests) && caps.uevrRequests.includes('startCapture'), 'uevrRequests lacks startCapture');
    await good.waitFor((m) => m.type === 'event' && m.event === 'initialized', 'the initialized event');
    const a = await good.response(good.request('attach', { token }));
    assert(a.success === true, `attach failed: ${a.message}`);
  });

  await check('frames events arrive after attach, with documented fields', async () => {
    const ev = await good.waitFor((m) => m.type === 'event' && m.event === 'frames' && m.body.frames.length > 0, 'a frames event');
    const f = ev.body.frames[0];
    for (const k of ['frame', 'start', 'frameMs', 'scriptsMs', 'gcMs', 'luaMemoryKb', 'overheadMs']) assert(typeof f[k] === 'number', `frame.${k} is not a number`);
    assert(Array.isArray(f.callbacks), 'frame.callbacks is not an array');
    assert(typeof ev.body.dropped === 'number', 'frames.dropped is not a number');
  });

  await check('sessionInfo after attach', async () => {
    const r = await good.response(good.request('sessionInfo'));
    assert(r.success === true, r.message);
    assert(r.body.protocol === 1 && Array.isArray(r.body.callbacks) && typeof r.body.now === 'number', `bad body ${JSON.stringify(r.body).slice(0, 200)}`);
  });

  await check("a generic DAP client attaches cleanly (nvim-dap's attach sequence)", async () => {
    // What nvim-dap (lua/dap/session.lua) sends: requests numbered from 0, `arguments` left out when
    // there are none, the whole launch configuration as the attach arguments, then setBreakpoints per
    // buffer, setExceptionBreakpoints (the capabilities list exception filters), configurationDone
    // (supported), threads. Every one must succeed (docs §5 "Generic DAP clients").
    const p = await Peer.open(host, port);
    p.seq = 0;
    const init = await p.response(p.request('initialize', {
      clientId: 'neovim', clientname: 'neovim', adapterID: 'uevr', pathFormat: 'path',
      columnsStartAt1: true, linesStartAt1: true, supportsRunInTerminalRequest: true, locale: 'en_US.UTF-8',
    }));
    assert(init.success === true, `initialize failed: ${init.message}`);
    assert(init.body.supportsConfigurationDoneRequest === true, 'supportsConfigurationDoneRequest is not true');
    assert(Array.isArray(init.body.exceptionBreakpointFilters) && init.body.exceptionBreakpointFilters.length === 0, 'exceptionBreakpointFilters is not []');
    const a = await p.response(p.request('attach', { type: 'uevr', request: 'attach', name: 'Attach to UEVR game', token }));
    assert(a.success === true, `attach failed: ${a.message}`);
    await p.waitFor((m) => m.type === 'event' && m.event === 'initialized', 'the initialized event');
    const bps = await p.response(p.request('setBreakpoints', {
      source: { path: '/home/me/mods/scripts/camera_fix.lua', name: 'camera_fix.lua' },
      breakpoints: [{ line: 12 }, { line: 30, condition: 'delta > 0.1' }, { line: 41, logMessage: 'tick {delta}' }],
      lines: [12, 30, 41],
    }));
    assert(bps.success === true, `setBreakpoints failed: ${bps.message}`);
    const answered = bps.body && bps.body.breakpoints;
    assert(Array.isArray(answered) && answered.length === 3, `expected 3 breakpoints, got ${JSON.stringify(bps.body)}`);
    answered.forEach((b, i) => {
      assert(b.verified === false && b.line === [12, 30, 41][i], `breakpoint ${i}: ${JSON.stringify(b)}`);
      assert(typeof b.message === 'string' && /breakpoint/i.test(b.message), `breakpoint ${i} has no reason`);
    });
    const exc = await p.response(p.request('setExceptionBreakpoints', { filters: [] }));
    assert(exc.success === true, `setExceptionBreakpoints failed: ${exc.message}`);
    const done = await p.response(p.request('configurationDone'));
    assert(done.success === true, `configurationDone failed: ${done.message}`);
    const th = await p.response(p.request('threads'));
    assert(th.success === true, `threads failed: ${th.message}`);
    assert(JSON.stringify(th.body.threads) === '[{"id":1,"name":"Lua"}]', `threads: ${JSON.stringify(th.body)}`);
    // The deprecated `lines` form and entries without a usable line still get one answer each.
    const old = await p.response(p.request('setBreakpoints', { source: { path: 'x.lua' }, breakpoints: [null, { line: 'ten' }, { line: -1 }, 7] }));
    assert(old.success === true && old.body.breakpoints.length === 4, `odd breakpoints: ${JSON.stringify(old)}`);
    assert(JSON.stringify(old.body.breakpoints.map((b) => b.line ?? null)) === '[null,null,null,7]', `lines ${JSON.stringify(old.body.breakpoints)}`);
    const lines = await p.response(p.request('setBreakpoints', { source: { path: 'x.lua' }, lines: [5, 6] }));
    assert(JSON.stringify(lines.body.breakpoints.map((b) => b.line)) === '[5,6]', `lines form: ${JSON.stringify(lines.body)}`);
    // Hostile: more than 1000 breakpoints is refused, the connection stays.
    const many = await p.response(p.request('setBreakpoints', { source: { path: 'x.lua' }, lines: Array.from({ length: 1001 }, (_, i) => i + 1) }));
    expectFailure(many, /1000/, '1001 breakpoints');
    const info = await p.response(p.request('sessionInfo'));
    assert(info.success === true, `sessionInfo after the handshake failed: ${info.message}`);
    const bye = await p.response(p.request('disconnect', { restart: false }));
    assert(bye.success === true, `disconnect failed: ${bye.message}`);
    await p.waitClosed('disconnect');
  });

  await check('before initialize the generic DAP requests are refused (connection stays open)', async () => {
    const p = await Peer.open(host, port);
    expectFailure(await p.response(p.request('threads')), null, 'threads before initialize');
    assert((await p.response(p.request('initialize', {}))).success === true, 'initialize failed');
    assert((await p.response(p.request('threads'))).success === true, 'threads after initialize (before attach) failed');
    p.close();
  });

  await check('wrong token: success false, then the connection is closed', async () => {
    const p = await Peer.open(host, port);
    await p.response(p.request('initialize', {}));
    const r = await p.response(p.request('attach', { token: `${token}-wrong` }));
    expectFailure(r, null, 'attach with a wrong token');
    await p.waitClosed('a wrong token');
  });

  await check('requests before initialize and before attach are refused; the connection stays open', async () => {
    const p = await Peer.open(host, port);
    expectFailure(await p.response(p.request('sessionInfo')), null, 'sessionInfo before initialize');
    expectFailure(await p.response(p.request('startCapture', { samplingHz: 1000 })), null, 'startCapture before initialize');
    assert((await p.response(p.request('initialize', {}))).success === true, 'initialize after refusals failed');
    expectFailure(await p.response(p.request('startCapture', {})), null, 'startCapture before attach');
    assert(!p.closed, 'connection closed after a refused request');
    p.close();
  });

  await check('unknown command and wrong argument types get error responses', async () => {
    const p = await Peer.open(host, port);
    await p.response(p.request('initialize', {}));
    expectFailure(await p.response(p.request('attach', { token: 12345 })), /token/, 'attach with a number token');
    assert((await p.response(p.request('attach', { token }))).success === true, 'attach failed');
    expectFailure(await p.response(p.request('noSuchCommand', {})), /noSuchCommand/, 'unknown command');
    expectFailure(await p.response(p.request('startCapture', { samplingHz: 'fast' })), /samplingHz/, 'string samplingHz');
    expectFailure(await p.response(p.request('stopCapture')), null, 'stopCapture without a capture');
    p.close();
  });

  await check('invalid JSON and non-object bodies get an error response, the connection survives', async () => {
    const p = await Peer.open(host, port);
    p.raw('Content-Length: 9\r\n\r\n{"seq": 1');
    p.raw('Content-Length: 7\r\n\r\n[1,2,3]');
    p.raw('Content-Length: 4\r\n\r\nnull');
    await p.waitFor((m) => m.type === 'response' && m.success === false, 'an error response to invalid JSON');
    const n = () => p.messages.filter((m) => m.type === 'response' && m.success === false).length;
    const deadline = Date.now() + WAIT_MS;
    while (n() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert(n() === 3, `expected 3 error responses, got ${n()}`);
    assert((await p.response(p.request('initialize', {}))).success === true, 'initialize after bad bodies failed');
    p.close();
  });

  await check('a message split into single bytes is understood', async () => {
    const p = await Peer.open(host, port);
    const bytes = p.frame({ seq: 1, type: 'request', command: 'initialize', arguments: { clientID: 'bytewise-é' } });
    for (const b of bytes) p.raw(Buffer.from([b]));
    assert((await p.response(1)).success === true, 'initialize sent byte by byte failed');
    p.close();
  });

  for (const [name, bytes] of [
    ['garbage header (HTTP request)', 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['oversized Content-Length', 'Content-Length: 4294967296\r\n\r\n{'],
    ['negative Content-Length', 'Content-Length: -1\r\n\r\n'],
    ['header without a blank line, 64 KiB', `X-Junk: ${'a'.repeat(65536)}`],
    ['binary noise', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 255))],
  ]) {
    await check(`hostile input closes only that connection: ${name}`, async () => {
      const p = await Peer.open(host, port);
      p.raw(bytes);
      await p.waitClosed(name);
    });
  }

  await check('a flood of malformed messages is cut off', async () => {
    const p = await Peer.open(host, port);
    p.raw('Content-Length: 1\r\n\r\nx'.repeat(5000));
    await p.waitClosed('5000 malformed messages');
  });

  await check('a truncated body followed by a dropped connection does not disturb the session', async () => {
    const p = await Peer.open(host, port);
    p.raw('Content-Length: 1000\r\n\r\n{"seq":1,"type":"req');
    await new Promise((r) => setTimeout(r, 100));
    p.close();
  });

  // ---- before attach (docs §1, §2) ----
  await check('before attach, a 16 MiB Content-Length is refused at the 64 KiB limit, with the reason', async () => {
    const p = await Peer.open(host, port);
    p.raw('Content-Length: 16777216\r\n\r\n');
    p.raw(Buffer.alloc(256 * 1024, 0x20));
    await p.waitClosed('a 16 MiB body before attach');
    assert(/65536/.test(p.reason()), `reason "${p.reason()}" does not name the 64 KiB limit`);
    const out = p.messages.find((m) => m.event === 'output');
    assert(out && /^uevr-profiler session: /.test(out.body.output), 'no output event before the close');
  });

  await check('a first byte that cannot start a header (TLS ClientHello) closes at once, with the reason', async () => {
    const p = await Peer.open(host, port);
    const t0 = Date.now();
    p.raw(Buffer.from('16030100f8010000f40303', 'hex'));
    await p.waitClosed('a TLS ClientHello');
    assert(Date.now() - t0 < 1500, `closed after ${Date.now() - t0} ms: not at once`);
    assert(p.reason().length > 0, 'no terminated reason before the close');
  });

  await check('an idle unattached socket is closed at the 2 s pre-auth deadline, with the reason', async () => {
    const p = await Peer.open(host, port);
    const t0 = Date.now();
    await p.waitClosed('2 s without attach');
    const took = Date.now() - t0;
    assert(took >= 1500 && took < 5000, `closed after ${took} ms`);
    assert(p.reason().length > 0, 'no terminated reason before the close');
  });

  await check('eight idle sockets and eight TLS ClientHellos do not lock out a new client of the owner', async () => {
    const idle = await Promise.all(Array.from({ length: 8 }, () => Peer.open(host, port)));
    const tls = await Promise.all(Array.from({ length: 8 }, () => Peer.open(host, port)));
    for (const t of tls) t.raw(Buffer.from('16030100f8010000f40303', 'hex'));
    const owner = await Peer.open(host, port);
    assert((await owner.response(owner.request('initialize', {}))).success === true, 'initialize failed');
    const a = await owner.response(owner.request('attach', { token }));
    assert(a.success === true, `the owner was refused: ${a.message}`);
    owner.close();
    for (const x of [...idle, ...tls]) x.close();
  });

  await check('forty hostile sockets that never close after being refused do not lock out the owner', async () => {
    // allowHalfOpen: these peers ignore the session's FIN and keep their end open.
    const hostile = await Promise.all(
      Array.from({ length: 40 }, () => new Promise((resolve, reject) => {
        const s = net.connect({ host, port, allowHalfOpen: true }, () => resolve(s));
        s.on('error', () => {});
        s.once('error', reject);
      })),
    );
    for (const s of hostile) s.write(Buffer.from('16030100f8010000f40303', 'hex'));
    await new Promise((r) => setTimeout(r, 300));
    const owner = await Peer.open(host, port);
    assert((await owner.response(owner.request('initialize', {}))).success === true, 'initialize failed');
    const a = await owner.response(owner.request('attach', { token }));
    assert(a.success === true, `the owner was refused: ${a.message}`);
    owner.close();
    for (const s of hostile) s.destroy();
  });

  await check('at most 8 attached clients: the next attach is refused with a reason', async () => {
    // `good` is attached: 7 more fill the slots.
    const more = [];
    for (let i = 0; i < 7; i++) {
      const p = await Peer.open(host, port);
      await p.response(p.request('initialize', {}));
      const r = await p.response(p.request('attach', { token }));
      assert(r.success === true, `attach ${i + 2} of 8 failed: ${r.message}`);
      more.push(p);
    }
    const extra = await Peer.open(host, port);
    await extra.response(extra.request('initialize', {}));
    const r = await extra.response(extra.request('attach', { token }));
    expectFailure(r, /too many connections/, 'a 9th attach');
    await extra.waitClosed('a refused 9th attach');
    for (const p of more) p.close();
    await new Promise((res) => setTimeout(res, 200));
  });

  await check('more than 2000 requests per second on one connection: closed with "request flood"', async () => {
    const p = await Peer.open(host, port);
    const one = (seq) => p.frame({ seq, type: 'request', command: 'initialize' });
    p.raw(Buffer.concat(Array.from({ length: 5000 }, (_, i) => one(i + 1))));
    await p.waitClosed('5000 pipelined requests');
    assert(/request flood/.test(p.reason()), `reason "${p.reason()}"`);
  });

  await check('half-close (FIN) after 50 pipelined requests: all 50 replies arrive, then the close', async () => {
    const p = await Peer.open(host, port);
    const one = (seq) => p.frame({ seq, type: 'request', command: seq === 1 ? 'initialize' : 'sessionInfo' });
    p.raw(Buffer.concat(Array.from({ length: 50 }, (_, i) => one(i + 1))));
    p.end();
    await p.waitClosed('a half-close');
    const replies = p.messages.filter((m) => m.type === 'response').length;
    assert(replies === 50, `${replies} of 50 replies before the close`);
  });

  await check('the good client still works after all hostile clients', async () => {
    const before = good.messages.length;
    const r = await good.response(good.request('sessionInfo'));
    assert(r.success === true, r.message);
    await good.waitFor((m) => m.type === 'event' && m.event === 'frames' && good.messages.indexOf(m) >= before, 'fresh frames');
  });

  let lastCapture;
  await check('capture: samples arrive before the stopCapture response', async () => {
    const s = await good.response(good.request('startCapture', { samplingHz: 1000 }));
    assert(s.success === true, `startCapture failed: ${s.message}`);
    assert(typeof s.body.captureId === 'number' && typeof s.body.startTime === 'number', 'bad startCapture body');
    const from = good.messages.length;
    await good.waitFor((m) => m.type === 'event' && m.event === 'frames' && good.messages.indexOf(m) >= from, 'frames during the capture');
    await new Promise((r) => setTimeout(r, 300));
    const seq = good.request('stopCapture');
    const stop = await good.response(seq);
    assert(stop.success === true, `stopCapture failed: ${stop.message}`);
    const stopIndex = good.messages.indexOf(stop);
    const batches = good.messages.filter((m, i) => i >= from && i < stopIndex && m.type === 'event' && m.event === 'samples');
    const sent = batches.reduce((n, b) => n + b.body.samples.length, 0);
    assert(sent === stop.body.samples, `stopCapture says ${stop.body.samples} samples, ${sent} arrived before it`);
    const stacks = new Set(batches.flatMap((b) => b.body.newStacks.map((d) => d[0])));
    for (const b of batches) for (const x of b.body.samples) assert(stacks.has(x[0]), `sample uses undefined stack ${x[0]}`);
    lastCapture = batches;
  });

  await check('capture: stacks are [id, parent, frame, line] (line: the current line, 0 unknown), interned by (parent, frame, line)', async () => {
    assert(lastCapture && lastCapture.length > 0, 'no samples events in the capture');
    const kind = new Map();
    for (const b of lastCapture) for (const f of b.body.newFrames) kind.set(f.id, f.kind);
    const seen = new Set();
    const defined = new Set();
    let luaWithLine = 0;
    let lua = 0;
    for (const b of lastCapture) {
      for (const d of b.body.newStacks) {
        assert(Array.isArray(d) && (d.length === 3 || d.length === 4), `stack definition ${JSON.stringify(d)} is not [id, parent, frame, line]`);
        const [id, parent, frame, line = 0] = d;
        assert([id, parent, frame, line].every(Number.isInteger), `stack definition ${JSON.stringify(d)} has a non-integer`);
        assert(line >= 0, `stack ${id} has line ${line}`);
        assert(parent === -1 || defined.has(parent), `stack ${id}'s parent ${parent} is not defined before it`);
        defined.add(id);
        const key = `${parent},${frame},${line}`;
        assert(!seen.has(key), `two stacks for (parent, frame, line) = (${key})`);
        seen.add(key);
        if (kind.get(frame) === 2) assert(line === 0, `callback root stack ${id} has line ${line} (roots have no current line)`);
        if (kind.get(frame) === 0) {
          lua++;
          if (line > 0) luaWithLine++;
        }
      }
    }
    assert(lua === 0 || luaWithLine > 0, `none of ${lua} Lua-function stacks carries a current line`);
  });

  await check('disconnect: response, then the session closes the connection', async () => {
    const r = await good.response(good.request('disconnect', {}));
    assert(r.success === true, r.message);
    await good.waitClosed('disconnect');
  });

  await check('a new client can still attach at the end', async () => {
    const p = await Peer.open(host, port);
    await p.response(p.request('initialize', {}));
    assert((await p.response(p.request('attach', { token }))).success === true, 'attach failed');
    p.close();
  });

  return failures;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1].replace(/\\/g, '/')}`).href;
if (isMain) {
  const [host, portText, token] = process.argv.slice(2);
  const port = Number(portText);
  if (!host || !token || !Number.isInteger(port) || port < 1 || port > 65535) {
    console.error('usage: node test/independent-client/check.mjs HOST PORT TOKEN');
    process.exit(2);
  }
  runChecks(host, port, token).then(
    (failures) => {
      console.log(failures === 0 ? '# all checks passed' : `# ${failures} check(s) failed`);
      process.exit(failures === 0 ? 0 : 1);
    },
    (e) => {
      console.error(`check.mjs: ${e && e.message ? e.message : e}`);
      process.exit(1);
    },
  );
}
