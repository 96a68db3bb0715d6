// Walking a stack's frames root-first without allocating per call: exporters reuse one buffer.

import type { Profile } from '../profile/types';

export class StackWalker {
  private buf = new Int32Array(256);

  constructor(private readonly profile: Profile) {}

  /** Frames of stack s (root first) in the returned view; valid until the next call. */
  frames(s: number): Int32Array {
    const { parent, frame, length } = this.profile.stacks;
    let n = 0;
    for (let t = s; t >= 0 && t < length; t = parent[t]) {
      if (n === this.buf.length) {
        const bigger = new Int32Array(n * 2);
        bigger.set(this.buf);
        this.buf = bigger;
      }
      this.buf[n++] = frame[t];
      if (n > length) break; // a parent cycle in corrupt input
    }
    this.buf.subarray(0, n).reverse();
    return this.buf.subarray(0, n);
  }

  /** Stack ids from the root down to s, same layout as frames(). */
  stacks(s: number, out: Int32Array): number {
    const { parent, length } = this.profile.stacks;
    let n = 0;
    for (let t = s; t >= 0 && t < length && n < out.length; t = parent[t]) out[n++] = t;
    out.subarray(0, n).reverse();
    return n;
  }
}

/** Collects many small strings into ~1 MB chunks so a huge export is a few hundred strings. */
export class ChunkWriter {
  private parts: string[] = [];
  private size = 0;
  readonly done: string[] = [];

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.parts.length) this.done.push(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  /** Moves finished chunks out (for generators that yield as they go). */
  take(): string[] {
    const out = this.done.splice(0, this.done.length);
    return out;
  }
}
