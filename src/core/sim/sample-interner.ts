// Interns sampled frames and stacks the way SampleBatch wants them (backend.ts): each batch carries only
// the frame/stack definitions it introduces; ids stay valid for the whole session, across resets.
import type { SampleBatch, SampledFrameInfo } from '../protocol/types';
import { PositionMap } from '../profile/pairMap';

export class SampleInterner {
  private frameIds = new Map<string, number>();
  // (parent, frame, line) → stack by integer-pair lookups: no string key built per frame of every sample
  // (what made lines cost +20 % per sample at first).
  private stackIds = new PositionMap(1024);
  private nextFrame = 0;
  private nextStack = 0;
  private batch: SampleBatch = { newFrames: [], newStacks: [], samples: [] };

  /** Frame id for (name, file, line, kind); the first name seen for a key wins. */
  frame(key: string, name: string, file: string, line: number, kind: SampledFrameInfo['kind']): number {
    let id = this.frameIds.get(key);
    if (id === undefined) {
      id = this.nextFrame++;
      this.frameIds.set(key, id);
      this.batch.newFrames.push({ id, name, file, line, kind });
    }
    return id;
  }

  /** Stack id for `parent + frame at line` (line: the frame's current line, 0 = unknown). */
  stack(parent: number, frame: number, line = 0): number {
    let id = this.stackIds.get(parent, frame, line);
    if (id < 0) {
      id = this.nextStack++;
      this.stackIds.set(parent, frame, line, id);
      this.batch.newStacks.push([id, parent, frame, line]);
    }
    return id;
  }

  sample(stack: number, time: number, weight: number, gameFrame: number): void {
    this.batch.samples.push([stack, time, weight, gameFrame]);
  }

  /** Takes the pending batch (null when there is nothing new). */
  take(): SampleBatch | null {
    const b = this.batch;
    if (b.samples.length === 0 && b.newFrames.length === 0 && b.newStacks.length === 0) return null;
    this.batch = { newFrames: [], newStacks: [], samples: [] };
    return b;
  }
}
