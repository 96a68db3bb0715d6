// Starts the built-in simulated UEVR session (src/core/sim) for `sim`, `capture --sim` and `demo`,
// turning its start-up failures into one-line InputErrors; parses the simulator's own flags (engine,
// UEVR's GC options) and prints the scripts' errors to stderr (once per distinct error, then a count),
// so a mod that fails in the simulator never fails silently.
import { isAbsolute, relative } from 'node:path';
import type { GcOptions } from '../core/sim/host-prelude';
import { createSimulatedSession, type SimulatedSession } from '../core/sim/session';
import { formatScriptError, ScriptErrorTally } from '../core/report/scriptErrors';
import { rateOrDefault } from '../core/budget';
import { num, str, type OptionSpec, type Parsed } from './args';
import type { CliIO } from './io';
import { InputError, UsageError } from './errors';

export interface SimStartOptions {
  refreshRateHz?: number;
  /** Pace frames at the refresh rate (true for everything a person watches). */
  realtime?: boolean;
  game?: string;
  engine?: 'ue4' | 'ue5';
  gc?: Partial<GcOptions>;
}

/** The simulator flags shared by `sim` and `capture --sim` (docs/cli.md). */
export const SIM_FLAGS: OptionSpec = {
  engine: { type: 'string' },
  'gc-handler': { type: 'string' },
  'gc-type': { type: 'string' },
  'gc-mode': { type: 'string' },
  'gc-budget-us': { type: 'string' },
  'gc-minor': { type: 'string' },
  'gc-major': { type: 'string' },
};
export const SIM_FLAGS_USAGE = '[--engine ue4|ue5] [--gc-handler uevr|lua] [--gc-type step|full] [--gc-mode generational|incremental] [--gc-budget-us 1000] [--gc-minor 1] [--gc-major 100]';

function oneOf<T extends string>(p: Parsed, name: string, allowed: readonly T[], command: string): T | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${command}: --${name} must be ${allowed.join(' or ')} (got "${v}")`);
  return v as T;
}

/** Reads --engine and the --gc-* flags (UEVR's slider ranges: budget 0-2000 µs, minor 1-200, major 1-1000). */
export function simFlags(p: Parsed, command: string): Pick<SimStartOptions, 'engine' | 'gc'> {
  const gc: Partial<GcOptions> = {};
  const handler = oneOf(p, 'gc-handler', ['uevr', 'lua'] as const, command);
  const type = oneOf(p, 'gc-type', ['step', 'full'] as const, command);
  const mode = oneOf(p, 'gc-mode', ['generational', 'incremental'] as const, command);
  const budget = num(p, 'gc-budget-us', command, { min: 0, max: 2000 });
  const minor = num(p, 'gc-minor', command, { min: 1, max: 200 });
  const major = num(p, 'gc-major', command, { min: 1, max: 1000 });
  if (handler) gc.handler = handler;
  if (type) gc.type = type;
  if (mode) gc.mode = mode;
  if (budget !== undefined) gc.budgetUs = budget;
  if (minor !== undefined) gc.minorMultiplier = minor;
  if (major !== undefined) gc.majorMultiplier = major;
  const engine = oneOf(p, 'engine', ['ue4', 'ue5'] as const, command);
  return { ...(engine ? { engine } : {}), ...(Object.keys(gc).length ? { gc } : {}) };
}

const printers = new WeakMap<SimulatedSession, ScriptErrorPrinter>();

/**
 * Creates and starts the session. With `errorsTo`, its script errors are printed there from the
 * first one on (the printer subscribes before the first frame); finishScriptErrors prints the count.
 */
export async function startSimulation(scriptsDir: string, opts: SimStartOptions = {}, errorsTo?: Pick<CliIO, 'stderr' | 'cwd'>): Promise<SimulatedSession> {
  let sim: SimulatedSession;
  try {
    sim = await createSimulatedSession({
      scriptsDir,
      refreshRateHz: rateOrDefault(opts.refreshRateHz),
      realtime: opts.realtime ?? true,
      ...(opts.game ? { game: opts.game } : {}),
      ...(opts.engine ? { engine: opts.engine } : {}),
      ...(opts.gc ? { gc: opts.gc } : {}),
    });
  } catch (e) {
    throw new InputError(`cannot start the simulated session on ${scriptsDir}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (errorsTo) printers.set(sim, printScriptErrors(sim, errorsTo));
  sim.start();
  return sim;
}

/** Prints the error count of a session started with `errorsTo` (once) and stops printing. */
export function finishScriptErrors(sim: SimulatedSession): ScriptErrorTally | null {
  const p = printers.get(sim);
  if (!p) return null;
  printers.delete(sim);
  p.finish();
  return p.tally;
}

export interface ScriptErrorPrinter {
  readonly tally: ScriptErrorTally;
  /** "N script errors (M distinct)" or nothing when there were none; stops listening. */
  finish(): void;
}

/**
 * Prints each distinct script error as `file:line: message` to stderr when it first happens (load
 * errors are replayed by the session to a new subscriber, so they are printed too), and a count at the end.
 */
export function printScriptErrors(sim: SimulatedSession, io: Pick<CliIO, 'stderr' | 'cwd'>): ScriptErrorPrinter {
  const tally = new ScriptErrorTally();
  const display = (f: string): string => {
    const r = relative(io.cwd, f);
    return r && !r.startsWith('..') && !isAbsolute(r) ? r : f;
  };
  const unsubscribe = sim.subscribe({
    scriptError: (e) => {
      if (tally.add(e)) io.stderr(`${formatScriptError(e, display)}\n`);
    },
  });
  return {
    tally,
    finish() {
      unsubscribe();
      if (tally.total > 0) {
        io.stderr(`${tally.total} script error${tally.total === 1 ? '' : 's'} (${tally.distinct} distinct)\n`);
      }
    },
  };
}
