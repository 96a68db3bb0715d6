// Shared by the simulator tests: runs a fixture folder in a real simulated session and records events.
import { join } from 'node:path';
import type { CallbackInfo, FrameMetrics, LogLine, SampleBatch, ScriptError, ScriptReset } from '../../../src/core/session/backend';
import { createSimulatedSession, type SimulatedSession, type SimulatedSessionOptions } from '../../../src/core/sim/session';

export const MODS = join(__dirname, '..', '..', 'fixtures', 'mods');

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
  const sim = await createSimulatedSession({ scriptsDir: join(MODS, fixture), seed: 7, ...opts });
  const r: Recorded = { sim, frames: [], logs: [], errors: [], resets: [], registered: [], batches: [] };
  sim.subscribe({
    frame: (m) => r.frames.push(m),
    log: (l) => r.logs.push(l),
    scriptError: (e) => r.errors.push(e),
    scriptReset: (x) => r.resets.push(x),
    callbackRegistered: (c) => r.registered.push(c),
    samples: (b) => r.batches.push(b),
  });
  return r;
}

/** Weight per frame name (inclusive: every distinct frame on a sample's stack gets the sample's weight). */
export function inclusiveWeights(batches: SampleBatch[]): { byName: Map<string, number>; total: number } {
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
    for (const [stack, , weight] of b.samples) {
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
