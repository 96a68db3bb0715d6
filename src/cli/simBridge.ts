// Starts the built-in simulated UEVR session (src/core/sim) for `sim`, `capture --sim` and `demo`,
// turning its start-up failures into one-line InputErrors.
import { createSimulatedSession, type SimulatedSession } from '../core/sim/session';
import { InputError } from './errors';

export interface SimStartOptions {
  refreshRateHz?: number;
  /** Pace frames at the refresh rate (true for everything a person watches). */
  realtime?: boolean;
  game?: string;
}

export async function startSimulation(scriptsDir: string, opts: SimStartOptions = {}): Promise<SimulatedSession> {
  let sim: SimulatedSession;
  try {
    sim = await createSimulatedSession({
      scriptsDir,
      refreshRateHz: opts.refreshRateHz ?? 90,
      realtime: opts.realtime ?? true,
      ...(opts.game ? { game: opts.game } : {}),
    });
  } catch (e) {
    throw new InputError(`cannot start the simulated session on ${scriptsDir}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  sim.start();
  return sim;
}
