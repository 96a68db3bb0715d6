// A minimal protocol client for the agent tests (docs/protocol.md): attach with the token, capture for a
// while, and return what arrived: the callbacks the session knows and the sampled stacks by frame name.
// Written independently of the extension's client so a shared bug cannot hide on both sides.
import { connect } from 'node:net';

interface Message {
  type: string;
  seq?: number;
  request_seq?: number;
  success?: boolean;
  message?: string;
  event?: string;
  command?: string;
  body?: Record<string, unknown>;
}

export interface CaptureResult {
  callbacks: { name: string; file: string; line: number; generation: number }[];
  samples: number;
  /** Every frame name that appears in a sampled stack, with the samples it appears in. */
  frameSamples: Record<string, number>;
}

export async function capture(port: number, token: string, ms: number, samplingHz = 2000): Promise<CaptureResult> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((res, rej) => {
    socket.once('connect', () => res());
    socket.once('error', rej);
  });
  const messages: Message[] = [];
  let buf = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) break;
      const len = Number(/Content-Length: *(\d+)/i.exec(buf.subarray(0, end).toString('latin1'))?.[1]);
      if (buf.length < end + 4 + len) break;
      messages.push(JSON.parse(buf.subarray(end + 4, end + 4 + len).toString('utf8')) as Message);
      buf = buf.subarray(end + 4 + len);
    }
    wake?.();
  });
  let seq = 1;
  const request = async (command: string, args: Record<string, unknown> = {}): Promise<Message> => {
    const s = seq++;
    const body = Buffer.from(JSON.stringify({ seq: s, type: 'request', command, arguments: args }));
    socket.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    const deadline = Date.now() + 10000;
    for (;;) {
      const r = messages.find((m) => m.type === 'response' && m.request_seq === s);
      if (r) {
        if (!r.success) throw new Error(`${command}: ${r.message}`);
        return r;
      }
      if (Date.now() > deadline) throw new Error(`${command}: no response`);
      await new Promise<void>((res) => {
        wake = res;
        setTimeout(res, 200);
      });
    }
  };
  try {
    await request('initialize', { clientID: 'agent-tests' });
    await request('attach', { token });
    await request('startCapture', { samplingHz });
    await new Promise((r) => setTimeout(r, ms));
    const stop = await request('stopCapture');
    const info = await request('sessionInfo');
    const frames = new Map<number, string>();
    const stacks = new Map<number, [number, number]>();
    const frameSamples: Record<string, number> = {};
    let samples = 0;
    for (const m of messages) {
      if (m.type !== 'event' || m.event !== 'samples' || !m.body) continue;
      for (const f of m.body.newFrames as { id: number; name: string }[]) frames.set(f.id, f.name);
      for (const [id, parent, frame] of m.body.newStacks as [number, number, number][]) stacks.set(id, [parent, frame]);
      for (const [stack] of m.body.samples as [number][]) {
        samples++;
        const seen = new Set<string>();
        for (let id = stack; id >= 0; ) {
          const st = stacks.get(id);
          if (!st) break;
          seen.add(frames.get(st[1]) ?? '?');
          id = st[0];
        }
        for (const n of seen) frameSamples[n] = (frameSamples[n] ?? 0) + 1;
      }
    }
    if (samples !== (stop.body?.samples as number)) throw new Error(`stopCapture says ${String(stop.body?.samples)} samples, ${samples} arrived`);
    return { callbacks: (info.body?.callbacks ?? []) as CaptureResult['callbacks'], samples, frameSamples };
  } finally {
    socket.destroy();
  }
}
