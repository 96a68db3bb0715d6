// `uevr-prof capture`: records a .uevrcap from a simulated session (--sim), a live one (--attach with
// the token from the environment, or --session FILE), to a file or to stdout (--out -).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { recordCapture, type RecordProgress } from '../../core/session/recorder';
import { SessionClient, SessionError } from '../../core/session/client';
import { SessionServer } from '../../core/session/server';
import { newToken } from '../../core/session/discovery';
import type { SessionBackend } from '../../core/protocol/types';
import { parse, num, str } from '../args';
import { InputError, UsageError } from '../errors';
import type { CliIO } from '../io';
import { finishScriptErrors, SIM_FLAGS, SIM_FLAGS_USAGE, simFlags, startSimulation } from '../simBridge';
import type { Command } from './types';
import { rateOrDefault } from '../../core/budget';
import { SAMPLING_RATE, SETTINGS, describeSamplingClamp } from '../../core/settings';

export interface CaptureTarget {
  client: SessionClient;
  /** Stops what was started for this capture (the in-process simulation and its server). */
  dispose(): Promise<void>;
}

/** Serves a backend on an ephemeral loopback port and attaches a client to it (the real protocol path). */
export async function attachInProcess(backend: SessionBackend): Promise<CaptureTarget & { server: SessionServer }> {
  const token = newToken();
  const server = await SessionServer.start({ backend, token, port: 0 });
  const client = await SessionClient.open('127.0.0.1', server.port, token);
  return {
    client,
    server,
    async dispose() {
      client.close();
      await server.close();
    },
  };
}

function parseHostPort(v: string): { host: string; port: number } {
  const m = /^([^:]+|\[[^\]]+\]):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new UsageError(`capture: --attach must be HOST:PORT, got "${v}"`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Sessions listen on loopback only (docs/protocol.md §1): another host is a mistake or a trap for the token. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Progress on stderr: one redrawn line on a terminal, else a line per second. */
export function progressPrinter(io: CliIO, seconds: number): { update(p: RecordProgress): void; done(): void } {
  let lastPrinted = -1;
  return {
    update(p) {
      const line = `capturing ${Math.min(p.seconds, seconds).toFixed(1)}/${seconds} s, ${p.frames} frames, ${p.samples} samples`;
      if (io.stderrIsTTY) io.stderr(`\r${line}\x1b[K`);
      else if (Math.floor(p.seconds) > lastPrinted) {
        lastPrinted = Math.floor(p.seconds);
        io.stderr(`${line}\n`);
      }
    },
    done() {
      if (io.stderrIsTTY) io.stderr('\n');
    },
  };
}

export const captureCommand: Command = {
  summary: 'record a capture from a simulated or live session into a .uevrcap file',
  usage: `capture (--sim DIR | --attach 127.0.0.1:PORT [--allow-remote] with UEVR_PROFILER_TOKEN set | --session FILE) --seconds S --out FILE|- [--sampling-hz 1000] [--hz 90] ${SIM_FLAGS_USAGE}`,
  async run(argv, io) {
    const p = parse(
      argv,
      {
        sim: { type: 'string' },
        attach: { type: 'string' },
        token: { type: 'string' },
        'allow-remote': { type: 'boolean' },
        session: { type: 'string' },
        seconds: { type: 'string' },
        out: { type: 'string' },
        'sampling-hz': { type: 'string' },
        hz: { type: 'string' },
        ...SIM_FLAGS,
      },
      'capture',
    );
    if (p.positionals.length) throw new UsageError(`capture: unexpected argument "${p.positionals[0]}"`);
    const sources = ['sim', 'attach', 'session'].filter((k) => str(p, k) !== undefined);
    if (sources.length !== 1) throw new UsageError('capture: give exactly one of --sim DIR, --attach HOST:PORT, --session FILE');
    const out = str(p, 'out');
    if (!out) throw new UsageError('capture: missing --out FILE');
    const seconds = num(p, 'seconds', 'capture', { min: 0.1, max: 3600 }) ?? SETTINGS['capture.defaultSeconds'].default;
    // The settings schema's range and default (src/core/settings.ts): the same as the extension's.
    const samplingHz = num(p, 'sampling-hz', 'capture', { min: SAMPLING_RATE.minimum, max: SAMPLING_RATE.maximum }) ?? SAMPLING_RATE.default;
    const hz = num(p, 'hz', 'capture', { min: 1, max: 1000 });
    // `--out -`: the capture is recorded to a temporary file (it is written as it streams) and then
    // copied to stdout, so that it can be piped; the progress and the summary stay on stderr.
    const toStdout = out === '-';
    if (toStdout && !io.stdoutBytes) throw new UsageError('capture: --out - needs a binary stdout');
    const outPath = toStdout ? join(mkdtempSync(join(tmpdir(), 'uevr-prof-capture-')), 'capture.uevrcap') : resolve(io.cwd, out);
    try {
      mkdirSync(dirname(outPath), { recursive: true });
    } catch (e) {
      throw new InputError(`capture: cannot create the folder of ${out}: ${(e as Error).message}`);
    }

    let target: CaptureTarget;
    try {
      if (str(p, 'sim') !== undefined) {
        const sim = await startSimulation(resolve(io.cwd, str(p, 'sim')!), { refreshRateHz: rateOrDefault(hz), realtime: true, ...simFlags(p, 'capture') }, io);
        const t = await attachInProcess(sim);
        target = {
          client: t.client,
          dispose: async () => {
            finishScriptErrors(sim);
            await t.dispose();
            await sim.dispose();
          },
        };
      } else if (str(p, 'attach') !== undefined) {
        const { host, port } = parseHostPort(str(p, 'attach')!);
        if (!isLoopback(host) && p.values['allow-remote'] !== true) {
          throw new UsageError(`capture: --attach ${host} is not a loopback address; sessions listen on 127.0.0.1 only (pass --allow-remote to send the token there anyway)`);
        }
        // The token is a secret: process arguments are visible to every local user (ps), the environment is not.
        if (str(p, 'token') !== undefined) {
          io.stderr('uevr-prof capture: warning: --token puts the session token in the process arguments, visible to other local users; set UEVR_PROFILER_TOKEN or use --session FILE instead\n');
        }
        const token = io.env.UEVR_PROFILER_TOKEN ?? str(p, 'token');
        if (!token) throw new UsageError('capture: --attach needs the session token in UEVR_PROFILER_TOKEN (or use --session FILE)');
        const client = await SessionClient.open(host, port, token);
        target = { client, dispose: async () => client.disconnect() };
      } else {
        const client = await SessionClient.openSessionFile(resolve(io.cwd, str(p, 'session')!));
        target = { client, dispose: async () => client.disconnect() };
      }
    } catch (e) {
      if (e instanceof SessionError) throw new InputError(`capture: ${e.message}`);
      throw e;
    }
    const progress = progressPrinter(io, seconds);
    try {
      const r = await recordCapture(target.client, outPath, {
        seconds, samplingHz, onProgress: progress.update, signal: io.signal, tool: 'uevr-prof capture',
        onSampling: (actual) => {
          const clamp = describeSamplingClamp(samplingHz, actual);
          if (clamp) io.stderr(`note: ${clamp}\n`);
        },
      });
      progress.done();
      if (!r.complete) io.stderr(`capture ended early: ${r.reason}\n`);
      if (r.droppedFrames) io.stderr(`warning: ${r.droppedFrames} frames were dropped because the capture could not keep up\n`);
      if (toStdout) io.stdoutBytes!(readFileSync(outPath));
      else io.stdout(`${outPath}\n`);
      io.stderr(`wrote ${r.frames} frames and ${r.samples} samples (${r.seconds.toFixed(1)} s)\n`);
      if (r.frames === 0) throw new InputError('capture: the session sent no frames');
      return 0;
    } catch (e) {
      progress.done();
      if (e instanceof SessionError) throw new InputError(`capture: ${e.message}`);
      throw e;
    } finally {
      await target.dispose();
      if (toStdout) rmSync(dirname(outPath), { recursive: true, force: true });
    }
  },
};
