// Shared by the simulator tests: runs a fixture folder in a real simulated session and records events.
import { join, resolve } from 'node:path';
import type { CallbackInfo, FrameMetrics, LogLine, SampleBatch, ScriptError, ScriptReset } from '../../../src/core/protocol/types';
import { createSimulatedSession, type SimulatedSession, type SimulatedSessionOptions } from '../../../src/core/sim/session';

export const MODS = join(__dirname, '..', '..', 'fixtures', 'mods');
export const HOST_LOG = /^(Running script |uevr-sim: \d+ scripts? loaded)/;

export interface Recorded {
  sim: SimulatedSession;
  frames: FrameMetrics[];
  logs: LogLine[];
  errors: ScriptError[];
  resets: ScriptReset[];
  registered: CallbackInfo[];
  batches: SampleBatch[];
}

export async function startSim(fixture: string, opts: Partial<SimulatedSessionOptions> = {}): Promise<Recorded> {
  const sim = await createSimulatedSession({ scriptsDir: resolve(MODS, fixture), seed: 7, ...opts });
  const r: Recorded = { sim, frames: [], logs: [], errors: [], resets: [], registered: [], batches: [] };
  sim.subscribe({
    frame: (m) => r.frames.push(m),
    // The host's own lines ("Running script …", the load summary) are not the mods' output.
    log: (l) => {
      if (!HOST_LOG.test(l.text)) r.logs.push(l);
    },
    scriptError: (e) => r.errors.push(e),
    scriptReset: (x) => r.resets.push(x),
    callbackRegistered: (c) => r.registered.push(c),
    samples: (b) => r.batches.push(b),
  });
  return r;
}

/** Weight per frame name (inclusive: every distinct frame on a sample's stack gets the sample's weight). */
export function inclusiveWeights(
  batches: SampleBatch[],
  keepFrame: (frame: number) => boolean = () => true,
): { byName: Map<string, number>; total: number } {
  const frameName = new Map<number, string>();
  const stackParent = new Map<number, number>();
  const stackFrame = new Map<number, number>();
  const byName = new Map<string, number>();
  let total = 0;
  for (const b of batches) {
    for (const f of b.newFrames) frameName.set(f.id, f.name);
    for (const [id, parent, frame] of b.newStacks) {
      stackParent.set(id, parent);
      stackFrame.set(id, frame);
    }
    for (const [stack, , weight, frame] of b.samples) {
      if (!keepFrame(frame)) continue;
      total += weight;
      const seen = new Set<string>();
      for (let s = stack; s !== -1 && s !== undefined; s = stackParent.get(s) ?? -1) {
        const name = frameName.get(stackFrame.get(s)!)!;
        if (!seen.has(name)) {
          seen.add(name);
          byName.set(name, (byName.get(name) ?? 0) + weight);
        }
      }
    }
  }
  return { byName, total };
}

/**
 * Frames not disturbed by the machine: the test machine is shared (2 cores, other jobs), and a
 * preempted busy-wait shows up as a callback much longer than in its sibling frames (preemption hits
 * long callbacks more often, which would bias shares toward them). Keeps the frames where every
 * callback (per eye) took at most 10 % (+20 µs) more than its median, after a warm-up.
 */
export function undisturbedFrames(frames: FrameMetrics[], warmup = 10): Set<number> {
  const rest = frames.slice(warmup);
  const per = new Map<string, number[]>();
  for (const f of rest) for (const c of f.callbacks) {
    const k = `${c.id}:${c.eye}`;
    if (!per.has(k)) per.set(k, []);
    per.get(k)!.push(c.ms);
  }
  const limit = new Map<string, number>();
  for (const [k, v] of per) {
    const sorted = v.slice().sort((a, b) => a - b);
    limit.set(k, sorted[Math.floor(sorted.length / 2)] * 1.1 + 0.02);
  }
  return new Set(
    rest.filter((f) => f.callbacks.every((c) => c.ms <= limit.get(`${c.id}:${c.eye}`)!)).map((f) => f.frame),
  );
}
