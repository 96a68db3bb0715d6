// Hostile-input benchmark (issue 17): every class of hostile input found in the adversarial pass, run
// against both session servers (the TypeScript server in a child process over a timer backend, and
// the native core's Linux test host) and against the file readers, each bounded in time. Prints one
// line per class and server: HELD or FAILED, with what was measured (time to close, the server's peak
// RSS growth, replies received, the owner's attach). A class that FAILS makes the run exit 1.
//   node --import tsx bench/hostile.bench.ts
// The baseline measured in the same run is a clean client's initialize + attach round trip on each
// server; times of hostile classes are printed next to it.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { CaptureWriter, MemorySink } from '../src/core/capture/writer';
import { readCapture } from '../src/core/capture/reader';
import { parse } from '../src/core/lua/parser';

const root = resolve(__dirname, '..');
const CLASS_TIMEOUT_MS = 15_000;

interface Server {
  name: string;
  port: number;
  token: string;
  pid: number;
  child: ChildProcess;
}

/** Peak resident memory of a process (VmHWM), MB; NaN where /proc is missing. */
function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Resets the peak RSS counter (Linux: write 5 to clear_refs) so each class measures its own peak. */
function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not Linux or not permitted: the peak then includes earlier classes (reported as is)
  }
}

async function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((res, rej) => {
    createInterface({ input: child.stdout! }).once('line', res);
    child.once('exit', (code) => rej(new Error(`server exited ${code}`)));
  });
}

async function startTs(): Promise<Server> {
  const script = `
    const { SessionServer } = require(${JSON.stringify(join(root, 'src/core/session/server.ts'))});
    const { TimerBackend } = require(${JSON.stringify(join(root, 'test/unit/session/timer-backend.ts'))});
    const backend = new TimerBackend(11.1, 3);
    SessionServer.start({ backend, token: 'bench-token', port: 0 }).then((s) => console.log(JSON.stringify({ port: s.port, token: 'bench-token' })));
    process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const info = JSON.parse(await firstLine(child)) as { port: number; token: string };
  return { name: 'ts', port: info.port, token: info.token, pid: child.pid!, child };
}

async function startNative(): Promise<Server | string> {
  // UEVRPROF_NATIVE_HOST: another build of the host, e.g. one with ASan/UBSan (see docs/benchmarks.md).
  const host = process.env.UEVRPROF_NATIVE_HOST ?? join(root, 'agent/native/build-linux/uevrprof-host');
  if (!existsSync(host)) {
    const r = spawnSync(process.execPath, [join(root, 'agent/native/build.mjs'), '--linux'], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0 || !existsSync(host)) return 'the native host could not be built (needs cmake, g++, liblua5.4-dev)';
  }
  const dir = mkdtempSync(join(tmpdir(), 'uevr-hostile-native-'));
  const child = spawn(host, ['--agent', join(root, 'agent/!uevr-profiler-agent.lua'), '--mods', join(root, 'test/fixtures/mods/known-cost-loops'), '--serve', '--port', '0', '--sessions-dir', dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const info = JSON.parse(await firstLine(child)) as { port: number; token: string };
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return { name: 'native', port: info.port, token: info.token, pid: child.pid!, child };
}

/** A raw client: collects the bytes and decoded messages, notes when the server closed. */
class Peer {
  text = '';
  closedAt = 0;
  readonly openedAt = Date.now();
  private constructor(readonly s: Socket) {
    s.on('data', (d: Buffer) => (this.text += d.toString('utf8')));
    s.on('close', () => (this.closedAt = Date.now()));
    s.on('error', () => undefined);
  }
  static open(port: number): Promise<Peer> {
    return new Promise((res, rej) => {
      const s = connect({ host: '127.0.0.1', port }, () => res(new Peer(s)));
      s.once('error', rej);
    });
  }
  get closed(): boolean {
    return this.closedAt > 0;
  }
  send(b: string | Buffer): void {
    if (!this.s.destroyed) this.s.write(b);
  }
  count(re: RegExp): number {
    return (this.text.match(re) ?? []).length;
  }
  close(): void {
    this.s.destroy();
  }
}

const frame = (obj: object) => {
  const body = Buffer.from(JSON.stringify(obj));
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
};

async function until(pred: () => boolean, ms = CLASS_TIMEOUT_MS): Promise<boolean> {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return pred();
}

/** The owner's client: initialize + attach; returns the round-trip time in ms, or -1 when refused. */
async function ownerAttach(srv: Server): Promise<number> {
  const t0 = performance.now();
  const p = await Peer.open(srv.port);
  p.send(frame({ seq: 1, type: 'request', command: 'initialize' }));
  p.send(frame({ seq: 2, type: 'request', command: 'attach', arguments: { token: srv.token } }));
  const ok = await until(() => p.count(/"success":true/g) >= 2 || p.count(/"success":false/g) > 0 || p.closed, 5000);
  const ms = performance.now() - t0;
  const attached = ok && p.count(/"success":true/g) >= 2;
  p.close();
  return attached ? ms : -1;
}

async function attached(srv: Server): Promise<Peer> {
  const p = await Peer.open(srv.port);
  p.send(frame({ seq: 1, type: 'request', command: 'initialize' }));
  p.send(frame({ seq: 2, type: 'request', command: 'attach', arguments: { token: srv.token } }));
  await until(() => p.count(/"request_seq":2,[^}]*"success":true|"success":true[^}]*"request_seq":2/g) > 0 || p.count(/"command":"attach","success":true/g) > 0, 5000);
  return p;
}

interface Row {
  cls: string;
  server: string;
  held: boolean;
  detail: string;
}

type ServerClass = (srv: Server) => Promise<{ held: boolean; detail: string }>;

const SERVER_CLASSES: Array<[string, ServerClass]> = [
  [
    '16 MiB body before attach',
    async (srv) => {
      resetPeak(srv.pid);
      const before = peakRssMb(srv.pid);
      const p = await Peer.open(srv.port);
      p.send(`Content-Length: ${16 * 1024 * 1024}\r\n\r\n`);
      // Keep sending body bytes: a server that buffers them grows by up to 16 MiB.
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 16 && !p.closed; i++) {
        p.send(chunk);
        await new Promise((r) => setTimeout(r, 5));
      }
      await until(() => p.closed);
      const grew = peakRssMb(srv.pid) - before;
      const reason = /65536/.test(p.text);
      const held = p.closed && reason && !(grew > 24);
      return { held, detail: `closed after ${p.closedAt - p.openedAt} ms, reason names 64 KiB: ${reason}, peak RSS +${grew.toFixed(1)} MB` };
    },
  ],
  [
    'first byte cannot start a header (TLS ClientHello)',
    async (srv) => {
      const p = await Peer.open(srv.port);
      p.send(Buffer.from('16030100f8010000f40303', 'hex'));
      await until(() => p.closed);
      const ms = p.closedAt - p.openedAt;
      return { held: p.closed && ms < 1000, detail: `closed after ${ms} ms` };
    },
  ],
  [
    '8 idle sockets + 8 TLS ClientHellos, then the owner',
    async (srv) => {
      const idle = await Promise.all(Array.from({ length: 8 }, () => Peer.open(srv.port)));
      const tls = await Promise.all(Array.from({ length: 8 }, () => Peer.open(srv.port)));
      for (const t of tls) t.send(Buffer.from('16030100f8010000f40303', 'hex'));
      const ms = await ownerAttach(srv);
      for (const x of [...idle, ...tls]) x.close();
      return { held: ms >= 0, detail: ms >= 0 ? `owner attached in ${ms.toFixed(1)} ms` : 'owner refused' };
    },
  ],
  [
    '40 refused sockets that never close, then the owner',
    async (srv) => {
      const hostile = await Promise.all(
        Array.from({ length: 40 }, () => new Promise<Socket>((res, rej) => {
          const s = connect({ host: '127.0.0.1', port: srv.port, allowHalfOpen: true }, () => res(s));
          s.on('error', () => undefined);
          s.once('error', rej);
        })),
      );
      for (const s of hostile) s.write(Buffer.from('16030100f8010000f40303', 'hex'));
      await new Promise((r) => setTimeout(r, 300));
      const ms = await ownerAttach(srv);
      for (const s of hostile) s.destroy();
      return { held: ms >= 0, detail: ms >= 0 ? `owner attached in ${ms.toFixed(1)} ms` : 'owner refused' };
    },
  ],
  [
    'idle socket (pre-auth deadline)',
    async (srv) => {
      const p = await Peer.open(srv.port);
      await until(() => p.closed, 6000);
      const ms = p.closedAt - p.openedAt;
      const reason = /terminated/.test(p.text);
      return { held: p.closed && ms <= 3000 && reason, detail: `closed after ${p.closed ? ms : '>6000'} ms, reason sent: ${reason}` };
    },
  ],
  [
    '50k pipelined configureSampling (request rate)',
    async (srv) => {
      const p = await attached(srv);
      const one = (seq: number) => frame({ seq, type: 'request', command: 'configureSampling', arguments: { samplingHz: 100 } });
      const all = Buffer.concat(Array.from({ length: 50_000 }, (_, i) => one(i + 3)));
      const t0 = Date.now();
      p.send(all);
      await until(() => p.closed);
      const answered = p.count(/"command":"configureSampling"/g);
      const flood = /request flood/.test(p.text);
      return { held: p.closed && flood, detail: `closed after ${Date.now() - t0} ms with "request flood": ${flood}; ${answered} of 50000 answered` };
    },
  ],
  [
    'half-close (FIN) after 50 requests',
    async (srv) => {
      const p = await Peer.open(srv.port);
      p.send(Buffer.concat(Array.from({ length: 50 }, (_, i) => frame({ seq: i + 1, type: 'request', command: i === 0 ? 'initialize' : 'sessionInfo' }))));
      p.s.end();
      await until(() => p.closed);
      const replies = p.count(/"type":"response"/g);
      return { held: replies === 50, detail: `${replies} of 50 replies before the close` };
    },
  ],
  [
    'JSON bomb after attach (2 MiB, 1M values)',
    async (srv) => {
      const p = await attached(srv);
      resetPeak(srv.pid);
      const before = peakRssMb(srv.pid);
      const body = `{"seq":3,"type":"request","command":"sessionInfo","arguments":{"x":[${'0,'.repeat(999_999)}0]}}`;
      const t0 = Date.now();
      p.send(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      p.send(frame({ seq: 4, type: 'request', command: 'sessionInfo' }));
      await until(() => /"request_seq":4/.test(p.text));
      const ms = Date.now() - t0;
      const grew = peakRssMb(srv.pid) - before;
      p.close();
      // Bounded: answered within 2 s and the server's peak grew by less than 64 MB.
      return { held: ms < 2000 && !(grew > 64), detail: `next request answered after ${ms} ms, peak RSS +${grew.toFixed(1)} MB` };
    },
  ],
];

async function fileClasses(): Promise<Row[]> {
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'uevr-hostile-files-'));
  const cli = (args: string[]) => {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: CLASS_TIMEOUT_MS });
    return { ms: Date.now() - t0, code: r.status, err: (r.stderr ?? '').trim(), timedOut: r.error !== undefined };
  };
  const oneLine = (err: string) => err.split('\n').length === 1;
  try {
    for (const [cls, target] of [
      ['report /dev/zero', '/dev/zero'],
      ['report on a named pipe with no writer', join(dir, 'pipe.uevrcap')],
    ] as const) {
      if (target.endsWith('.uevrcap')) execFileSync('mkfifo', [target]);
      const r = cli(['report', target]);
      rows.push({ cls, server: 'cli', held: !r.timedOut && r.code === 2 && oneLine(r.err), detail: `exit ${r.code} after ${r.ms} ms: ${r.err.slice(0, 90)}` });
    }
    const zeros = join(dir, 'zeros.uevrcap');
    const z = Buffer.alloc(200 * 1024 * 1024);
    z.write('UEVRCAP v2     \n', 'latin1');
    writeFileSync(zeros, z);
    const r = cli(['report', zeros]);
    rows.push({ cls: 'report: magic line + 200 MB of zeros (512 MB heap)', server: 'cli', held: !r.timedOut && r.code === 2 && oneLine(r.err), detail: `exit ${r.code} after ${r.ms} ms: ${r.err.slice(-80)}` });
    symlinkSync('/dev/zero', join(dir, 'zero.lua'));
    execFileSync('mkfifo', [join(dir, 'pipe.lua')]);
    writeFileSync(join(dir, 'good.lua'), 'local x = 1\nreturn x\n');
    symlinkSync(dir, join(dir, 'loop'));
    const a = cli(['analyze', dir]);
    rows.push({ cls: 'analyze: *.lua pipe, *.lua → /dev/zero, folder link loop', server: 'cli', held: !a.timedOut && a.code === 0 && /skipping/.test(a.err), detail: `exit ${a.code} after ${a.ms} ms, ${a.err.split('\n').length} skip lines` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // 200 random bit flips in a real capture: each is reported (damage, truncation, error) or harmless.
  const sink = new MemorySink();
  const w = new CaptureWriter(sink, { protocol: 1, session: { game: 'G', pid: 1, kind: 'simulator', refreshRateHz: 90, hostVersion: 't' }, samplingHz: 1000, startTime: 0, startedAt: 'x', tool: 'bench' });
  w.writeCallbacks([{ id: 1, name: 'on_pre_engine_tick', file: 'a.lua', line: 1, generation: 0 }]);
  for (let k = 0; k < 20; k++) {
    w.writeFrames(Array.from({ length: 10 }, (_, i) => ({ frame: k * 10 + i, start: (k * 10 + i) * 11, frameMs: 11, scriptsMs: 2, gcMs: 0.1, luaMemoryKb: 100, overheadMs: 0.01, callbacks: [{ id: 1, eye: -1, ms: 2, calls: 1 }] })));
    w.writeSamples({ newFrames: k ? [] : [{ id: 1, name: 'f', file: 'a.lua', line: 1, kind: 0 }], newStacks: k ? [] : [[1, -1, 1]], samples: Array.from({ length: 20 }, (_, i) => [1, k * 110 + i, 1, k * 10] as [number, number, number, number]) });
  }
  w.close({ stopTime: 2200, reason: 'stopped', frames: 200, samples: 400, droppedFrames: 0 });
  const clean = sink.bytes();
  const cleanP = readCapture(clean, 'c');
  let reported = 0;
  let absurd = 0;
  let seed = 12345;
  for (let i = 0; i < 200; i++) {
    const b = Buffer.from(clean);
    seed = (seed * 1103515245 + 12345) >>> 0;
    const at = 16 + (seed % (b.length - 16));
    b[at]! ^= 1 << (seed >>> 29);
    try {
      const p = readCapture(b, 'f');
      if (p.meta.damage || p.meta.truncated) reported++;
      else if (p.samples.length !== cleanP.samples.length || p.gameFrames!.duration.some((d, k) => d !== cleanP.gameFrames!.duration[k])) absurd++;
    } catch {
      reported++;
    }
  }
  rows.push({ cls: '200 random bit flips in a capture', server: 'reader', held: absurd === 0, detail: `${reported} reported as damage, ${200 - reported - absurd} harmless (padding), ${absurd} shown as data` });

  // The parser on 200k labels (was 17-21 s for 40k).
  const labels = Array.from({ length: 200_000 }, (_, i) => `::l${i}::`).join('\n');
  const t0 = performance.now();
  parse(labels);
  const ms = performance.now() - t0;
  rows.push({ cls: 'parser: 200k ::label:: lines', server: 'parser', held: ms < 5000, detail: `${ms.toFixed(0)} ms (bench/parser-size.bench.ts has the full size run)` });
  return rows;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const baselines: string[] = [];
  const servers: Server[] = [await startTs()];
  const native = await startNative();
  if (typeof native === 'string') console.log(`native server: skipped (${native})`);
  else servers.push(native);
  try {
    for (const srv of servers) {
      const base = await ownerAttach(srv);
      baselines.push(`${srv.name}: clean initialize + attach ${base.toFixed(1)} ms`);
      for (const [cls, run] of SERVER_CLASSES) {
        let res: { held: boolean; detail: string };
        try {
          res = await Promise.race([
            run(srv),
            new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no result within ${CLASS_TIMEOUT_MS} ms`)), CLASS_TIMEOUT_MS + 5000)),
          ]);
        } catch (e) {
          res = { held: false, detail: e instanceof Error ? e.message : String(e) };
        }
        rows.push({ cls, server: srv.name, ...res });
        // Let the pre-auth deadline clear leftovers so classes do not disturb each other.
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  } finally {
    for (const s of servers) s.child.stdin?.end();
    for (const s of servers) s.child.kill('SIGTERM');
  }
  rows.push(...(await fileClasses()));
  console.log(`baseline (same run): ${baselines.join('; ')}`);
  for (const r of rows) console.log(`${r.held ? 'HELD  ' : 'FAILED'} ${r.server.padEnd(7)} ${r.cls.padEnd(58)} ${r.detail}`);
  const failed = rows.filter((r) => !r.held).length;
  console.log(`${rows.length - failed} held, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

void main();
