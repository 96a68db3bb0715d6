// Serves any SessionBackend over the DAP-framed loopback protocol (docs/protocol.md).
// One backend subscription fans out to every connection; each connection has its own handshake
// state, bounded decoder, bounded outgoing queue and capture state, so a bad or slow client is
// closed on its own and never stalls the backend or the other clients.
import { createServer, type Server, type Socket } from 'node:net';
import { timingSafeEqual, createHash } from 'node:crypto';
import type {
  FrameMetrics,
  SampleBatch,
  SampledFrameInfo,
  StackDef,
  SessionBackend,
  SessionClock,
} from '../protocol/types';
import { DEFAULT_MAX_CONTENT_LENGTH, encodeMessage, MessageDecoder, type DecoderLimits } from '../protocol/framing';
import {
  CUSTOM_EVENTS,
  CUSTOM_REQUESTS,
  isKnownRequest,
  PROTOCOL_VERSION,
  validateArguments,
  validateMessage,
  type EventMap,
  type EventName,
  type InitializeResponseBody,
  type RequestMessage,
  type RequestName,
  type SamplesEventBody,
} from '../protocol/messages';
import { answerGenericDapRequest, GENERIC_DAP_CAPABILITIES } from './dapHandshake';
import { SAMPLING_RATE } from '../settings';

/** Ports tried in order when no port is given ('auto'); uevr-mcp uses 8899 and up, so stay clear. */
export const DEFAULT_PORT_RANGE: readonly [number, number] = [47800, 47819];

export interface ServerOptions {
  backend: SessionBackend;
  /** The secret a client must present in `attach`. */
  token: string;
  /** A port, 0 to let the OS pick, or 'auto' (default) to try DEFAULT_PORT_RANGE then any port. */
  port?: number | 'auto';
  /** Attached clients at once (docs/protocol.md §1: 8). */
  maxConnections?: number;
  /**
   * Connections not yet attached, held apart from the attached slots: when this pool is full the
   * oldest of them is closed to make room, so idle or hostile sockets can never lock out the owner.
   */
  maxPendingConnections?: number;
  /** Largest body accepted before a successful attach (64 KiB): an unauthenticated peer cannot make the session buffer 16 MiB. */
  maxPreAttachContentLength?: number;
  /** A connection must complete initialize + attach within this time (ms). */
  handshakeTimeoutMs?: number;
  /** Close an attached connection that sends nothing for this long (ms); 0 = never (listeners are quiet). */
  idleTimeoutMs?: number;
  /** How often batched events are sent (ms). Must be ≤ 250 so events arrive at least 4×/s. */
  flushIntervalMs?: number;
  /** Outgoing bytes queued in the socket above which a client counts as slow. */
  maxQueuedBytes?: number;
  /** Frames held for a slow client before the oldest are dropped (and counted in `dropped`). */
  maxPendingFrames?: number;
  /** Malformed messages tolerated on one connection before it is closed. */
  maxBadMessages?: number;
  /** Requests one connection may send per second (averaged over a 1 s bucket) before it is closed. */
  maxRequestsPerSecond?: number;
  decoderLimits?: DecoderLimits;
}

type ConnState = 'new' | 'initialized' | 'attached' | 'closed';

/** Limits before attach (docs/protocol.md §2): small bodies, a short deadline. */
export const PRE_ATTACH_MAX_CONTENT_LENGTH = 64 * 1024;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 2000;

interface CaptureState {
  id: number;
  samplingHz: number;
  startTime: number;
  samplesSent: number;
  /** Definitions already sent in this capture: each capture's events are self-contained. */
  sentFrames: Set<number>;
  sentStacks: Set<number>;
  pending: SamplesEventBody;
}

let nextConnectionId = 1;

class Connection {
  readonly id = nextConnectionId++;
  /** When the connection opened; the oldest unattached connection is evicted first. */
  readonly openedAt = Date.now();
  state: ConnState = 'new';
  private seq = 1;
  private readonly decoder: MessageDecoder;
  private badMessages = 0;
  /** Token bucket for requests: a flood of valid requests must not starve the game loop. */
  private requestBudget: number;
  private budgetRefilledAt = Date.now();
  private handshakeTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  pendingFrames: FrameMetrics[] = [];
  droppedFrames = 0;
  capture: CaptureState | undefined;

  constructor(
    readonly socket: Socket,
    private readonly server: SessionServer,
    private readonly opts: Required<Omit<ServerOptions, 'backend' | 'token' | 'port' | 'decoderLimits'>>,
    private readonly decoderLimits: DecoderLimits | undefined,
  ) {
    this.decoder = new MessageDecoder(decoderLimits);
    this.decoder.setMaxContentLength(Math.min(opts.maxPreAttachContentLength, decoderLimits?.maxContentLength ?? Infinity));
    this.requestBudget = opts.maxRequestsPerSecond;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    this.handshakeTimer = setTimeout(
      () => this.closeWithError(`handshake not completed within ${opts.handshakeTimeoutMs} ms`),
      opts.handshakeTimeoutMs,
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.dispose());
    socket.on('close', () => this.dispose());
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.touch();
    for (const item of this.decoder.push(chunk)) {
      // A previous message may have closed the connection (wrong token, disconnect).
      if ((this.state as ConnState) === 'closed') return;
      if (item.kind === 'error') {
        if (item.error.fatal) return this.closeWithError(`protocol error: ${item.error.message}`);
        this.sendError(0, '', `protocol error: ${item.error.message}`);
        if (++this.badMessages > this.opts.maxBadMessages) return this.closeWithError('too many malformed messages');
        continue;
      }
      const msg = validateMessage(item.value);
      if (typeof msg === 'string') {
        const seq = typeof item.value.seq === 'number' && Number.isSafeInteger(item.value.seq) ? item.value.seq : 0;
        const cmd = typeof item.value.command === 'string' ? item.value.command.slice(0, 64) : '';
        this.sendError(Math.max(0, seq), cmd, `invalid message: ${msg}`);
        if (++this.badMessages > this.opts.maxBadMessages) return this.closeWithError('too many malformed messages');
        continue;
      }
      // The session never sends reverse requests, so responses and events from a client are ignored.
      if (msg.type !== 'request') continue;
      if (!this.takeRequestBudget()) return this.closeWithError(`request flood: more than ${this.opts.maxRequestsPerSecond} requests per second`);
      this.onRequest(msg);
    }
  }

  private takeRequestBudget(): boolean {
    const now = Date.now();
    const max = this.opts.maxRequestsPerSecond;
    this.requestBudget = Math.min(max, this.requestBudget + ((now - this.budgetRefilledAt) / 1000) * max);
    this.budgetRefilledAt = now;
    if (this.requestBudget < 1) return false;
    this.requestBudget -= 1;
    return true;
  }

  private touch(): void {
    if (this.state !== 'attached' || this.opts.idleTimeoutMs <= 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.closeWithError(`idle for ${this.opts.idleTimeoutMs} ms`), this.opts.idleTimeoutMs);
  }

  private onRequest(req: RequestMessage): void {
    const cmd = req.command;
    // What a generic DAP client sends while attaching (dapHandshake.ts): answered once initialized.
    const generic = this.state !== 'new' ? answerGenericDapRequest(cmd, req.arguments) : undefined;
    if (generic) return this.respond(req.seq, cmd, generic.success, generic.body, generic.message);
    if (!isKnownRequest(cmd)) {
      this.sendError(req.seq, cmd, `unknown command "${cmd}"`);
      return;
    }
    const bad = validateArguments(cmd, req.arguments);
    if (bad) {
      this.sendError(req.seq, cmd, bad);
      return;
    }
    const args = req.arguments ?? {};
    if (cmd === 'disconnect') {
      this.respond(req.seq, cmd, true);
      this.end();
      return;
    }
    if (this.state === 'new') {
      if (cmd !== 'initialize') return this.sendError(req.seq, cmd, 'not initialized: send "initialize" first');
      this.state = 'initialized';
      this.respond(req.seq, cmd, true, this.server.capabilitiesBody());
      this.event('initialized', undefined);
      return;
    }
    if (this.state === 'initialized') {
      if (cmd !== 'attach') return this.sendError(req.seq, cmd, 'not attached: send "attach" with the session token first');
      if (!this.server.checkToken(args.token as string)) {
        this.sendError(req.seq, cmd, 'invalid token');
        this.end();
        return;
      }
      if (!this.server.hasAttachSlot()) {
        const why = `too many connections (max ${this.opts.maxConnections} attached)`;
        this.sendError(req.seq, cmd, why);
        this.closeWithError(`refused: ${why}`);
        return;
      }
      this.state = 'attached';
      // Attached: the full body limit of docs/protocol.md §2 applies from the next header on.
      this.decoder.setMaxContentLength(this.decoderLimits?.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH);
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
      this.touch();
      this.respond(req.seq, cmd, true);
      // A late subscriber learns the current registrations as if they had just happened.
      for (const c of this.server.backend.callbacks()) this.event('callbackRegistered', { callback: c });
      return;
    }
    if (cmd === 'initialize' || cmd === 'attach') return this.sendError(req.seq, cmd, `already ${this.state}`);
    this.server.handleAttachedRequest(this, req.seq, cmd, args);
  }

  respond(requestSeq: number, command: string, success: boolean, body?: unknown, message?: string): void {
    const m: Record<string, unknown> = { seq: this.seq++, type: 'response', request_seq: requestSeq, success, command };
    if (message !== undefined) m.message = message;
    if (body !== undefined) m.body = body;
    this.write(m);
  }

  sendError(requestSeq: number, command: string, message: string): void {
    this.respond(requestSeq, command, false, { error: { id: 1, format: message } }, message);
  }

  event<K extends EventName>(event: K, body: EventMap[K]): void {
    const m: Record<string, unknown> = { seq: this.seq++, type: 'event', event };
    if (body !== undefined) m.body = body;
    this.write(m);
  }

  private write(m: object): void {
    if (this.state === 'closed' || this.socket.destroyed) return;
    // Hard bound on memory: a client that does not read is closed rather than buffered forever. The
    // reason goes out first (after what is queued), then the close; end() cuts it after 2 s.
    if (this.socket.writableLength > this.opts.maxQueuedBytes * 4) {
      const reason = `client too slow: more than ${this.opts.maxQueuedBytes * 4} bytes unread; connection closed`;
      this.socket.write(encodeMessage({ seq: this.seq++, type: 'event', event: 'output', body: { category: 'stderr', output: `uevr-profiler session: ${reason}\n` } }));
      this.socket.write(encodeMessage({ seq: this.seq++, type: 'event', event: 'terminated', body: { reason } }));
      this.end();
      return;
    }
    this.socket.write(encodeMessage(m));
  }

  get backlog(): number {
    return this.socket.writableLength;
  }

  /** Sends an error line (DAP `output` on stderr) and `terminated`, then closes this connection only. */
  closeWithError(reason: string): void {
    if (this.state === 'closed') return;
    this.event('output', { category: 'stderr', output: `uevr-profiler session: ${reason}\n` });
    this.event('terminated', { reason });
    this.end();
  }

  end(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.socket.end();
    // A peer that never reads could keep a half-closed socket alive: cut it after a grace period.
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.dispose();
  }

  dispose(): void {
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.idleTimer);
    this.server.forget(this);
  }
}

export class SessionServer {
  readonly backend: SessionBackend;
  private readonly tokenHash: Buffer;
  private readonly net: Server;
  private readonly conns = new Set<Connection>();
  private readonly opts: Required<Omit<ServerOptions, 'backend' | 'token' | 'port' | 'decoderLimits'>>;
  private readonly decoderLimits: DecoderLimits | undefined;
  private readonly unsubscribe: () => void;
  private readonly flushTimer: NodeJS.Timeout;
  /** Every sampled frame/stack definition seen, so each capture can be sent self-contained. */
  private readonly frameDefs = new Map<number, SampledFrameInfo>();
  private readonly stackDefs = new Map<number, StackDef>();
  /**
   * What the scripts said while they loaded (errors and log lines before the generation's first frame,
   * bounded): a capture started later gets them, so a mod that failed to load is never silent.
   */
  private loadBacklog: Array<{ event: 'scriptError'; body: EventMap['scriptError'] } | { event: 'output'; body: EventMap['output'] }> = [];
  private loadPhase = true;
  private lastFrameEnd = 0;
  private samplingHz = 0;
  private nextCaptureId = 1;
  private endedReason: string | undefined;
  private closed = false;
  private readonly endedListeners: Array<(reason: string) => void> = [];
  port = 0;
  readonly host = '127.0.0.1';

  private constructor(options: ServerOptions) {
    this.backend = options.backend;
    this.tokenHash = createHash('sha256').update(options.token).digest();
    this.opts = {
      maxConnections: options.maxConnections ?? 8,
      maxPendingConnections: options.maxPendingConnections ?? 8,
      maxPreAttachContentLength: options.maxPreAttachContentLength ?? PRE_ATTACH_MAX_CONTENT_LENGTH,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      idleTimeoutMs: options.idleTimeoutMs ?? 0,
      flushIntervalMs: Math.min(options.flushIntervalMs ?? 100, 250),
      maxQueuedBytes: options.maxQueuedBytes ?? 8 * 1024 * 1024,
      maxPendingFrames: options.maxPendingFrames ?? 4096,
      maxBadMessages: options.maxBadMessages ?? 20,
      maxRequestsPerSecond: options.maxRequestsPerSecond ?? 2000,
    };
    this.decoderLimits = options.decoderLimits;
    this.net = createServer((socket) => this.onConnection(socket));
    this.unsubscribe = this.backend.subscribe({
      frame: (m) => this.onFrame(m),
      samples: (b) => this.onSamples(b),
      callbackRegistered: (c) => this.broadcast('callbackRegistered', { callback: c }),
      log: (l) => {
        const body: EventMap['output'] = {
          category: l.level === 'info' ? 'console' : 'stderr',
          output: l.text.endsWith('\n') ? l.text : `${l.text}\n`,
          data: { level: l.level, time: l.time },
        };
        if (this.loadPhase && this.loadBacklog.length < 400) this.loadBacklog.push({ event: 'output', body });
        this.broadcast('output', body);
      },
      scriptError: (e) => {
        if (this.loadPhase && this.loadBacklog.length < 400) this.loadBacklog.push({ event: 'scriptError', body: e });
        this.broadcast('scriptError', e);
        this.broadcast('output', {
          category: 'stderr',
          output: `${e.file}:${e.line}: ${e.message}\n`,
          source: { path: e.file },
          line: e.line,
          data: { level: 'error', time: e.time },
        });
      },
      scriptReset: (r) => {
        this.loadBacklog = [];
        this.loadPhase = true;
        this.broadcast('scriptReset', r);
      },
      ended: (reason) => this.onEnded(reason),
    });
    this.flushTimer = setInterval(() => this.flushAll(), this.opts.flushIntervalMs);
  }

  /** Starts listening on 127.0.0.1 (loopback only, never another interface). */
  static async start(options: ServerOptions): Promise<SessionServer> {
    const s = new SessionServer(options);
    try {
      const want = options.port ?? 'auto';
      const candidates: number[] = [];
      if (want === 'auto') {
        for (let p = DEFAULT_PORT_RANGE[0]; p <= DEFAULT_PORT_RANGE[1]; p++) candidates.push(p);
        candidates.push(0);
      } else candidates.push(want);
      let lastError: unknown;
      for (const port of candidates) {
        try {
          await new Promise<void>((resolve, reject) => {
            s.net.once('error', reject);
            s.net.listen({ host: s.host, port, exclusive: true }, () => {
              s.net.off('error', reject);
              resolve();
            });
          });
          const addr = s.net.address();
          s.port = typeof addr === 'object' && addr ? addr.port : port;
          return s;
        } catch (e) {
          lastError = e;
        }
      }
      throw lastError instanceof Error ? lastError : new Error('could not listen');
    } catch (e) {
      await s.close();
      throw e;
    }
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Called once when the backend ends (after clients were told). */
  onBackendEnded(fn: (reason: string) => void): void {
    if (this.endedReason !== undefined) fn(this.endedReason);
    else this.endedListeners.push(fn);
  }

  checkToken(token: string): boolean {
    // Compare hashes in constant time so the token cannot be guessed byte by byte from timings.
    return timingSafeEqual(createHash('sha256').update(token).digest(), this.tokenHash);
  }

  capabilitiesBody(): InitializeResponseBody {
    const c = this.backend.capabilities;
    return {
      supportsTerminateRequest: false,
      ...GENERIC_DAP_CAPABILITIES,
      uevrProtocolVersion: PROTOCOL_VERSION,
      uevrSession: this.backend.info,
      uevrSampling: c.sampling,
      uevrMinSamplingHz: c.minSamplingHz,
      uevrMaxSamplingHz: c.maxSamplingHz,
      uevrPerEyeCallbacks: c.perEyeCallbacks,
      uevrScriptReset: c.scriptReset,
      uevrRequests: [...CUSTOM_REQUESTS],
      uevrEvents: [...CUSTOM_EVENTS],
    };
  }

  /** True while fewer than maxConnections clients are attached. */
  hasAttachSlot(): boolean {
    return this.attached().length < this.opts.maxConnections;
  }

  /**
   * Makes room for a new unattached connection when the pool is full: closes (with a reason) the
   * oldest one that has not even sent `initialize`, else the oldest unattached one. A real client
   * initializes and attaches within milliseconds, so it is not the one evicted by a flood of idle
   * sockets or TLS handshakes.
   */
  private evictPending(): boolean {
    const pending = [...this.conns].filter((c) => c.state === 'new' || c.state === 'initialized');
    if (pending.length < this.opts.maxPendingConnections) return true;
    const pick = (st: ConnState) => pending.filter((c) => c.state === st).sort((a, b) => a.openedAt - b.openedAt)[0];
    const victim = pick('new') ?? pick('initialized');
    if (!victim) return false;
    victim.closeWithError(`evicted: more than ${this.opts.maxPendingConnections} connections waiting to attach`);
    return true;
  }

  private onConnection(socket: Socket): void {
    const full = !this.closed && this.endedReason === undefined && !this.evictPending();
    if (this.closed || this.endedReason !== undefined || full) {
      const why = this.closed
        ? 'session is closing'
        : this.endedReason !== undefined
          ? `session ended: ${this.endedReason}`
          : `too many connections (max ${this.opts.maxConnections})`;
      socket.on('error', () => undefined);
      socket.end(encodeMessage({ seq: 1, type: 'event', event: 'output', body: { category: 'stderr', output: `uevr-profiler session: refused: ${why}\n` } }));
      setTimeout(() => socket.destroy(), 2000).unref();
      return;
    }
    this.conns.add(new Connection(socket, this, this.opts, this.decoderLimits));
  }

  forget(c: Connection): void {
    if (!this.conns.delete(c)) return;
    if (c.capture) {
      c.capture = undefined;
      this.updateSampling();
    }
  }

  private now(): number {
    const clock = (this.backend as Partial<SessionClock>).now;
    return typeof clock === 'function' ? clock.call(this.backend) : this.lastFrameEnd;
  }

  private clampHz(hz: number): number {
    const c = this.backend.capabilities;
    if (!c.sampling) return 0;
    return Math.min(c.maxSamplingHz, Math.max(c.minSamplingHz, hz));
  }

  /** The backend samples while any client captures, at the rate most recently asked for. */
  private updateSampling(): void {
    const capturing = [...this.conns].some((c) => c.capture);
    if (!capturing && this.samplingHz > 0) {
      this.samplingHz = 0;
      this.backend.stopSampling();
    }
  }

  handleAttachedRequest(c: Connection, seq: number, cmd: RequestName, args: Record<string, unknown>): void {
    switch (cmd) {
      case 'sessionInfo':
        c.respond(seq, cmd, true, {
          protocol: PROTOCOL_VERSION,
          session: this.backend.info,
          callbacks: this.backend.callbacks(),
          now: this.now(),
          capturing: c.capture !== undefined,
          samplingHz: this.samplingHz,
        });
        return;
      case 'startCapture': {
        if (c.capture) return c.sendError(seq, cmd, `a capture is already running (id ${c.capture.id})`);
        const hz = this.clampHz(typeof args.samplingHz === 'number' ? args.samplingHz : SAMPLING_RATE.default);
        if (hz > 0 && hz !== this.samplingHz) {
          this.samplingHz = hz;
          this.backend.startSampling(hz);
        }
        // Frames queued before the start do not belong to the capture; send them now so the
        // client sees a clean boundary (frames after this response start at or after startTime).
        this.flushFrames(c, true);
        c.capture = {
          id: this.nextCaptureId++,
          samplingHz: hz,
          startTime: this.now(),
          samplesSent: 0,
          sentFrames: new Set(),
          sentStacks: new Set(),
          pending: { captureId: 0, newFrames: [], newStacks: [], samples: [] },
        };
        c.capture.pending.captureId = c.capture.id;
        c.respond(seq, cmd, true, { captureId: c.capture.id, samplingHz: hz, startTime: c.capture.startTime });
        for (const b of this.loadBacklog) c.event(b.event, b.body);
        return;
      }
      case 'stopCapture': {
        const cap = c.capture;
        if (!cap) return c.sendError(seq, cmd, 'no capture is running');
        const othersCapturing = [...this.conns].some((o) => o !== c && o.capture);
        // Stopping the backend's sampler first lets it deliver the samples it still buffers.
        if (!othersCapturing && this.samplingHz > 0) {
          this.samplingHz = 0;
          this.backend.stopSampling();
        }
        this.flushFrames(c, true);
        this.flushSamples(c);
        c.capture = undefined;
        c.respond(seq, cmd, true, { captureId: cap.id, stopTime: this.now(), samples: cap.samplesSent });
        return;
      }
      case 'configureSampling': {
        const hz = this.clampHz(args.samplingHz as number);
        if ([...this.conns].some((o) => o.capture) && hz > 0) {
          this.samplingHz = hz;
          this.backend.startSampling(hz);
        }
        c.respond(seq, cmd, true, { samplingHz: hz });
        return;
      }
      case 'resetScripts':
        if (!this.backend.capabilities.scriptReset) return c.sendError(seq, cmd, 'this session cannot reset scripts');
        this.backend.resetScripts().then(
          () => c.respond(seq, cmd, true),
          (e: unknown) => c.sendError(seq, cmd, `reset failed: ${e instanceof Error ? e.message : String(e)}`),
        );
        return;
      default:
        c.sendError(seq, cmd, `command "${cmd}" is not valid here`);
    }
  }

  private attached(): Connection[] {
    return [...this.conns].filter((c) => c.state === 'attached');
  }

  private broadcast<K extends EventName>(event: K, body: EventMap[K]): void {
    for (const c of this.attached()) {
      // Frames queued earlier go out first so events keep the session's order.
      if (event === 'scriptReset' || event === 'callbackRegistered') this.flushFrames(c, false);
      c.event(event, body);
    }
  }

  private onFrame(m: FrameMetrics): void {
    this.loadPhase = false;
    this.lastFrameEnd = Math.max(this.lastFrameEnd, m.start + m.frameMs);
    for (const c of this.attached()) {
      c.pendingFrames.push(m);
      if (c.pendingFrames.length > this.opts.maxPendingFrames) {
        const drop = c.pendingFrames.length - this.opts.maxPendingFrames;
        c.pendingFrames.splice(0, drop);
        c.droppedFrames += drop;
      }
    }
  }

  private onSamples(b: SampleBatch): void {
    for (const f of b.newFrames) this.frameDefs.set(f.id, f);
    for (const s of b.newStacks) this.stackDefs.set(s[0], s);
    for (const c of this.attached()) {
      const cap = c.capture;
      if (!cap) continue;
      for (const s of b.samples) {
        this.defineStack(cap, s[0]);
        cap.pending.samples.push(s);
      }
    }
  }

  /** Adds the definitions a stack needs (parents first) to a capture's pending batch, once. */
  private defineStack(cap: CaptureState, stackId: number): void {
    if (cap.sentStacks.has(stackId)) return;
    const chain: StackDef[] = [];
    let id = stackId;
    while (id >= 0 && !cap.sentStacks.has(id)) {
      const def = this.stackDefs.get(id);
      if (!def) break; // The backend broke its contract; the reader reports unknown stacks.
      chain.push(def);
      cap.sentStacks.add(id);
      id = def[1];
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const def = chain[i]!;
      if (!cap.sentFrames.has(def[2])) {
        const f = this.frameDefs.get(def[2]);
        if (f) cap.pending.newFrames.push(f);
        cap.sentFrames.add(def[2]);
      }
      cap.pending.newStacks.push(def);
    }
  }

  private flushFrames(c: Connection, force: boolean): void {
    if (c.pendingFrames.length === 0) return;
    // A slow client's frames are held and coalesced (oldest dropped, counted) instead of queued.
    if (!force && c.backlog > this.opts.maxQueuedBytes) return;
    c.event('frames', { frames: c.pendingFrames, dropped: c.droppedFrames });
    c.pendingFrames = [];
    c.droppedFrames = 0;
  }

  private flushSamples(c: Connection): void {
    const cap = c.capture;
    if (!cap || cap.pending.samples.length === 0) return;
    cap.samplesSent += cap.pending.samples.length;
    c.event('samples', cap.pending);
    cap.pending = { captureId: cap.id, newFrames: [], newStacks: [], samples: [] };
  }

  private flushAll(): void {
    for (const c of this.attached()) {
      // Samples are never dropped silently: a client too slow to take them is closed with a reason.
      if (c.capture && c.capture.pending.samples.length > 0 && c.backlog > this.opts.maxQueuedBytes) {
        c.closeWithError(`client too slow: ${c.backlog} bytes unread while a capture runs; capture aborted`);
        continue;
      }
      this.flushFrames(c, false);
      this.flushSamples(c);
    }
  }

  private onEnded(reason: string): void {
    if (this.endedReason !== undefined) return;
    this.endedReason = reason;
    for (const c of this.attached()) {
      this.flushFrames(c, true);
      this.flushSamples(c);
      c.event('output', { category: 'important', output: `session ended: ${reason}\n` });
      c.event('terminated', { reason });
      c.event('exited', { exitCode: 0 });
    }
    for (const c of [...this.conns]) c.end();
    for (const fn of this.endedListeners.splice(0)) fn(reason);
  }

  /** Stops listening and closes every connection (the backend is left to its owner). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.flushTimer);
    this.unsubscribe();
    const all = [...this.conns];
    for (const c of all) {
      if (c.state === 'attached') c.event('terminated', { reason: 'session server closed' });
      c.end();
    }
    // Let the last events drain, then cut: net.close() waits for every socket to be gone.
    await new Promise((r) => setTimeout(r, 20));
    for (const c of all) c.socket.destroy();
    await new Promise<void>((resolve) => (this.net.listening ? this.net.close(() => resolve()) : resolve()));
  }
}

