// Replays one folder of mods under several of UEVR's GC options for the same frames, for GC settings
// advice (issue 13; `uevr-prof gc-advice`). One simulated session per option, all started first and then
// stepped in turns of a few frames each, so a machine that gets busier half-way slows every option
// alike instead of whichever ran last. No profiler agent and no sampling: the frames cost what the mods
// and UEVR's collector cost, nothing of ours. Each frame's cost is also measured around it as the
// smaller of its wall time and the process's CPU time (process.cpuUsage): on a busy machine the OS
// takes the thread away for milliseconds at random (wall time grows, CPU time does not), and V8's own
// threads (wasm tier-up compiling, its GC) add CPU time while the frame's thread waits for nothing
// (CPU time grows, wall time does not). Both only ever add, so the smaller is the closer.
import type { FrameMetrics, ScriptError } from '../protocol/types';
import type { GcOptions } from './host-prelude';
import { createSimulatedSession, type SimulatedSession } from './session';

export interface GcReplayOptions {
  scriptsDir: string;
  options: readonly GcOptions[];
  /** Frames per option (warm-up included). */
  frames: number;
  refreshRateHz?: number;
  engine?: 'ue4' | 'ue5';
  seed?: number;
  /** Frames each session runs per turn. */
  turn?: number;
}

export interface GcReplayResult {
  /** frames[i] are the frames of options[i]. */
  frames: FrameMetrics[][];
  /** costMs[i][k]: min(wall, process CPU) ms of frame k of options[i], measured around it alone. */
  costMs: number[][];
  /** How loading went (the same for every option: the scripts load before the first GC step). */
  loaded: { scripts: number; failed: number };
  /** The first option's script errors (every option runs the same scripts). */
  errors: ScriptError[];
}

export async function replayGcOptions(o: GcReplayOptions): Promise<GcReplayResult> {
  const sims: SimulatedSession[] = [];
  const frames: FrameMetrics[][] = o.options.map(() => []);
  const costMs: number[][] = o.options.map(() => []);
  const errors: ScriptError[] = [];
  try {
    for (const [i, gc] of o.options.entries()) {
      const sim = await createSimulatedSession({
        scriptsDir: o.scriptsDir,
        refreshRateHz: o.refreshRateHz ?? 90,
        realtime: false,
        seed: o.seed ?? 1,
        agentPath: null,
        gc,
        ...(o.engine ? { engine: o.engine } : {}),
      });
      sims.push(sim);
      sim.subscribe({
        frame: (m) => void frames[i]!.push(m),
        ...(i === 0 ? { scriptError: (e: ScriptError) => void (errors.length < 1000 && errors.push(e)) } : {}),
      });
    }
    const turn = Math.max(1, Math.floor(o.turn ?? 30));
    for (let done = 0; done < o.frames; done += turn) {
      const n = Math.min(turn, o.frames - done);
      for (const [i, sim] of sims.entries()) {
        for (let k = 0; k < n; k++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await sim.runFrames(1);
          const wall = performance.now() - t0;
          const c = process.cpuUsage(c0);
          costMs[i]!.push(Math.min(wall, (c.user + c.system) / 1000));
        }
      }
    }
    return { frames, costMs, loaded: sims[0]?.loadSummary() ?? { scripts: 0, failed: 0 }, errors };
  } finally {
    for (const sim of sims) await sim.dispose();
  }
}
