// Turns open/close events into samples: each span of time during which the open-frame stack stays
// the same becomes one sample weighted by its length. Shared by the speedscope "evented" and the
// Chrome B/E/X importers.

import type { ProfileBuilder } from '../profile/builder';

export class StackTimeline {
  /** Builder stack ids of the open frames, outermost first, and the frames themselves. */
  readonly stacks: number[] = [];
  readonly frames: number[] = [];
  private last = NaN;

  /**
   * Times passed in are raw file units; `scale` converts to ms. Spans are measured in raw units and
   * scaled once, so integer µs stay exact (2 µs → 0.002 ms, not 0.0020000000000000018).
   */
  constructor(
    private readonly b: ProfileBuilder,
    private readonly scale = 1,
    private readonly origin = 0,
  ) {}

  get depth(): number {
    return this.stacks.length;
  }

  get top(): number {
    return this.stacks.length ? this.stacks[this.stacks.length - 1] : -1;
  }

  /** Emits the span [last, t) for the current stack. Zero-length spans and idle time emit nothing. */
  advance(t: number): void {
    if (this.stacks.length > 0 && t > this.last) this.b.sample(this.top, (t - this.last) * this.scale, (this.last - this.origin) * this.scale);
    if (!(t <= this.last)) this.last = t;
  }

  open(frame: number, t: number): void {
    this.advance(t);
    this.stacks.push(this.b.stack(this.top, frame));
    this.frames.push(frame);
  }

  close(t: number): void {
    this.advance(t);
    this.stacks.pop();
    this.frames.pop();
  }
}
