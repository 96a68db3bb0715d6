// A raw TCP peer for server tests: sends arbitrary bytes and collects decoded messages, so tests
// can speak hostile or partial protocol that SessionClient never would.
import { connect, type Socket } from 'node:net';
import { encodeMessage, MessageDecoder } from '../../../src/core/protocol/framing';

export class RawPeer {
  readonly messages: Array<Record<string, unknown>> = [];
  closed = false;
  private waiters: Array<() => void> = [];
  private seq = 1;
  private readonly decoder = new MessageDecoder();

  private constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      for (const i of this.decoder.push(c)) if (i.kind === 'message') this.messages.push(i.value);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(bytes: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  request(command: string, args?: unknown): number {
    const seq = this.seq++;
    this.send(encodeMessage(args === undefined ? { seq, type: 'request', command } : { seq, type: 'request', command, arguments: args }));
    return seq;
  }

  /** Waits until a message matches (or the socket closed); a 8 s safety net turns a hang into a failure. */
  async waitFor(pred: (m: Record<string, unknown>) => boolean, what = 'message'): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 8000;
    for (;;) {
      const m = this.messages.find(pred);
      if (m) return m;
      if (this.closed) throw new Error(`connection closed before ${what}`);
      if (Date.now() > deadline) throw new Error(`no ${what} arrived`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  response(seq: number) {
    return this.waitFor((m) => m.type === 'response' && m.request_seq === seq, `response to ${seq}`);
  }

  async waitClosed(): Promise<void> {
    const deadline = Date.now() + 8000;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection was not closed');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
