// Client side of the session protocol (docs/protocol.md): connect, initialize, attach, typed
// requests and events. Used by the extension, the CLI and the tests. Every failure is one of the
// error classes below with a one-line message, so callers can show it as is.
import { connect as netConnect, type Socket } from 'node:net';
import { encodeMessage, MessageDecoder, type DecoderLimits } from '../protocol/framing';
import {
  PROTOCOL_VERSION,
  validateMessage,
  type EventMap,
  type EventName,
  type InitializeArguments,
  type InitializeResponseBody,
  type RequestMap,
  type RequestName,
  type ResponseMessage,
} from '../protocol/messages';
import { readDiscoveryFile } from './discovery';

export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** The TCP connection could not be made. */
export class ConnectError extends SessionError {}
/** The session refused the token (and closed the connection). */
export class TokenRefusedError extends SessionError {}
/** The connection ended while a request was outstanding or after attach. */
export class ConnectionLostError extends SessionError {}
/** No response within the time allowed. */
export class RequestTimeoutError extends SessionError {}
/** The session sent bytes that are not valid protocol messages. */
export class ProtocolError extends SessionError {}
/** The session answered `success: false`. */
export class RequestFailedError extends SessionError {
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`${command} failed: ${reason}`);
  }
}

export interface ClientOptions {
  /** Connect and per-request timeout (ms). */
  timeoutMs?: number;
  decoderLimits?: DecoderLimits;
}

interface Pending {
  command: string;
  resolve(body: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

type Handler = (body: never) => void;

export class SessionClient {
  private seq = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly closeHandlers = new Set<(error: SessionError | undefined) => void>();
  private readonly decoder: MessageDecoder;
  private readonly timeoutMs: number;
  private closedWith: SessionError | undefined | null = null; // null = open
  capabilities: InitializeResponseBody | undefined;

  private constructor(
    private readonly socket: Socket,
    opts: ClientOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.decoder = new MessageDecoder(opts.decoderLimits);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.shutdown(new ConnectionLostError(`connection lost: ${e.message}`)));
    socket.on('close', () => this.shutdown(new ConnectionLostError('connection closed by the session')));
  }

  /** Opens a TCP connection to a session (no handshake yet). */
  static connect(host: string, port: number, opts: ClientOptions = {}): Promise<SessionClient> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectError(`cannot connect to ${host}:${port}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new SessionClient(socket, opts));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ConnectError(`cannot connect to ${host}:${port}: ${e.code ?? e.message}`));
      });
    });
  }

  /** connect + initialize + attach. */
  static async open(host: string, port: number, token: string, opts: ClientOptions = {}): Promise<SessionClient> {
    const c = await SessionClient.connect(host, port, opts);
    try {
      await c.initialize();
      await c.attach(token);
      return c;
    } catch (e) {
      c.close();
      throw e;
    }
  }

  /** Attaches to the session a discovery file describes. */
  static async openSessionFile(file: string, opts: ClientOptions = {}): Promise<SessionClient> {
    let s;
    try {
      s = readDiscoveryFile(file);
    } catch (e) {
      throw new ConnectError((e as Error).message);
    }
    return SessionClient.open(s.host, s.port, s.token, opts);
  }

  get isOpen(): boolean {
    return this.closedWith === null;
  }

  async initialize(args: InitializeArguments = {}): Promise<InitializeResponseBody> {
    const body = await this.request('initialize', {
      clientID: 'uevr-profiler',
      adapterID: 'uevr',
      uevrProtocolVersion: PROTOCOL_VERSION,
      ...args,
    });
    if (!body || typeof body !== 'object' || typeof body.uevrProtocolVersion !== 'number') {
      throw new ProtocolError('initialize response has no uevrProtocolVersion: not a UEVR profiler session');
    }
    if (body.uevrProtocolVersion !== PROTOCOL_VERSION) {
      throw new ProtocolError(`session speaks protocol ${body.uevrProtocolVersion}, this client ${PROTOCOL_VERSION}`);
    }
    this.capabilities = body;
    return body;
  }

  async attach(token: string): Promise<void> {
    try {
      await this.request('attach', { token });
    } catch (e) {
      if (e instanceof RequestFailedError && /token/i.test(e.reason)) throw new TokenRefusedError(`the session refused the token: ${e.reason}`);
      throw e;
    }
  }

  /** Sends a request and resolves with its response body; rejects with a SessionError. */
  request<K extends RequestName>(command: K, args?: RequestMap[K][0], opts: { timeoutMs?: number } = {}): Promise<RequestMap[K][1]> {
    if (this.closedWith !== null) return Promise.reject(this.closedWith ?? new ConnectionLostError('connection closed'));
    const seq = this.seq++;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new RequestTimeoutError(`${command}: no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(seq, { command, resolve: resolve as (b: unknown) => void, reject, timer });
      const msg: Record<string, unknown> = { seq, type: 'request', command };
      if (args !== undefined) msg.arguments = args;
      this.socket.write(encodeMessage(msg));
    });
  }

  /** Subscribes to an event; returns an unsubscribe function. */
  on<K extends EventName>(event: K, handler: (body: EventMap[K]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  /** Called once when the connection ends: undefined after close(), else the reason. */
  onClose(handler: (error: SessionError | undefined) => void): () => void {
    if (this.closedWith !== null) {
      queueMicrotask(() => handler(this.closedWith ?? undefined));
      return () => undefined;
    }
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  /** Sends `disconnect` (best effort) and closes. */
  async disconnect(): Promise<void> {
    if (this.closedWith !== null) return;
    try {
      await this.request('disconnect', {}, { timeoutMs: 2000 });
    } catch {
      // Already gone or slow: closing is what the caller wants either way.
    }
    this.close();
  }

  close(): void {
    this.shutdown(undefined);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const item of this.decoder.push(chunk)) {
      if (item.kind === 'error') {
        if (item.error.fatal) {
          this.shutdown(new ProtocolError(`protocol error from the session: ${item.error.message}`));
          this.socket.destroy();
          return;
        }
        continue; // One unreadable message: skip it, the stream is still framed.
      }
      const msg = validateMessage(item.value);
      if (typeof msg === 'string') continue;
      if (msg.type === 'response') this.onResponse(msg);
      else if (msg.type === 'event') this.emit(msg.event, msg.body);
    }
  }

  private onResponse(r: ResponseMessage): void {
    const p = this.pending.get(r.request_seq);
    if (!p) return;
    this.pending.delete(r.request_seq);
    clearTimeout(p.timer);
    if (r.success) p.resolve(r.body);
    else p.reject(new RequestFailedError(p.command, r.message ?? 'no reason given'));
  }

  private emit(event: string, body: unknown): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const h of [...set]) {
      try {
        (h as (b: unknown) => void)(body);
      } catch {
        // A failing handler must not break the stream for the others.
      }
    }
  }

  private shutdown(error: SessionError | undefined): void {
    if (this.closedWith !== null) return;
    this.closedWith = error;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error ?? new ConnectionLostError(`${p.command}: connection closed`));
    }
    this.pending.clear();
    for (const h of [...this.closeHandlers]) h(error);
    this.closeHandlers.clear();
  }
}
