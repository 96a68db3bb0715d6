// The simulated UEVR session as a child process of the extension host. No `vscode` import: failures are
// thrown as structured errors that the session manager words through vscode.l10n.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listSessions, type DiscoveredSession } from '../../core/session/discovery';
import type { SimulatorSettings } from '../settings';

/**
 * The simulated session did not come up: it exited first (`exitCode`, its last output lines) or did
 * not announce itself in time. Structured, not a sentence: this module has no `vscode` import (it is
 * loaded outside VS Code too), so the session manager words it through vscode.l10n.
 */
export class SimulatorStartError extends Error {
  constructor(
    readonly reason: 'exited' | 'timeout',
    readonly exitCode: number | null,
    readonly lastOutput: string[],
    readonly timeoutMs: number,
  ) {
    super(reason === 'exited' ? `simulated session exited ${exitCode} before it started: ${lastOutput.join(' | ') || 'no output'}` : `simulated session did not start within ${timeoutMs} ms`);
    this.name = 'SimulatorStartError';
  }
}

/** Options of the simulated session (uevrProfiler.simulator.* settings, launch.json attributes). */
export type SimulatorOptions = SimulatorSettings;

/** The `sim` command's flags for these options (docs/cli.md). */
export function simulatorArgs(o: SimulatorOptions = {}): string[] {
  const a: string[] = [];
  const add = (flag: string, v: string | number | undefined): void => {
    if (v !== undefined) a.push(flag, String(v));
  };
  add('--engine', o.engine);
  add('--gc-handler', o.gcHandler);
  add('--gc-type', o.gcType);
  add('--gc-mode', o.gcMode);
  add('--gc-budget-us', o.gcBudgetUs);
  add('--gc-minor', o.gcMinorMultiplier);
  add('--gc-major', o.gcMajorMultiplier);
  return a;
}

/** A script error as the `sim` command prints it: `file:line: message`. */
export interface PrintedScriptError {
  file: string;
  line: number;
  message: string;
}

/**
 * The built-in simulated UEVR session, run as a child process (`dist/cli.js sim`) so the mods' Lua —
 * which may be slow on purpose, or loop forever — never runs on the extension host's thread. It
 * announces itself with a discovery file like a real game; we attach to it the same way.
 */
export class SimulatorProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly session: DiscoveredSession,
    private readonly stderr: string[],
    /** Errors the scripts raised while loading (printed by `sim` before it announced itself). */
    readonly loadErrors: PrintedScriptError[],
    /** "K of N scripts failed to load", or null when all loaded. */
    readonly loadFailure: { failed: number; scripts: number } | null,
  ) {}

  static async start(
    cliPath: string,
    scriptsDir: string,
    refreshRateHz: number,
    onLine: (line: string) => void,
    timeoutMs = 30_000,
    options: SimulatorOptions = {},
  ): Promise<SimulatorProcess> {
    // Its own sessions folder: the picker never shows it to other windows, and we find it without races.
    const sessionsDir = mkdtempSync(join(tmpdir(), 'uevr-prof-sim-'));
    const child = spawn(process.execPath, [cliPath, 'sim', '--scripts', scriptsDir, '--hz', String(refreshRateHz), '--port', '0', ...simulatorArgs(options)], {
      // cwd = the scripts folder: the errors it prints are relative to it (resolved below).
      cwd: scriptsDir,
      env: { ...process.env, UEVR_PROFILER_SESSIONS_DIR: sessionsDir, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    const loadErrors: PrintedScriptError[] = [];
    let loadFailure: { failed: number; scripts: number } | null = null;
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (!line) continue;
        const failed = /^(\d+) of (\d+) scripts failed to load$/.exec(line);
        if (failed) loadFailure = { failed: Number(failed[1]), scripts: Number(failed[2]) };
        const err = /^(.+?):(\d+): (.+)$/.exec(line);
        if (err && loadErrors.length < 200) loadErrors.push({ file: resolve(scriptsDir, err[1]!), line: Number(err[2]), message: err[3]! });
        stderr.push(line);
        if (stderr.length > 50) stderr.shift();
        onLine(line);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const found = listSessions(sessionsDir).sessions.find((s) => s.pid === child.pid);
      if (found) return new SimulatorProcess(child, found, stderr, loadErrors.slice(), loadFailure);
      const code = await Promise.race([exited, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 150))]);
      if (code !== 'wait') throw new SimulatorStartError('exited', code, stderr.slice(-3), timeoutMs);
    }
    child.kill();
    throw new SimulatorStartError('timeout', null, stderr.slice(-3), timeoutMs);
  }

  get lastOutput(): string[] {
    return [...this.stderr];
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}
