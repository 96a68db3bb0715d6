// Fixed-capacity time series for the live view: an hour-long session must not grow memory, so every
// buffer is allocated once and overwritten in place.

/** A ring of numbers; `toArray()` returns the newest `capacity` values, oldest first. */
export class Ring {
  private readonly data: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    this.data[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** i = 0 is the oldest value kept. */
  at(i: number): number {
    if (i < 0 || i >= this.count) return Number.NaN;
    return this.data[(this.next - this.count + i + this.capacity) % this.capacity];
  }

  last(): number {
    return this.at(this.count - 1);
  }

  toArray(): Float64Array {
    const out = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i);
    return out;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
  }
}

/** Per-callback series with a cap on how many callbacks are tracked; the rest add up in "other". */
export class CallbackSeries {
  private readonly series = new Map<string, Ring>();
  private readonly other: Ring;
  private frames = 0;

  constructor(
    readonly capacity: number,
    readonly maxTracked = 48,
  ) {
    this.other = new Ring(capacity);
  }

  /** Adds one frame: the cost of each callback key (e.g. "12:L") in ms. Missing keys count as 0. */
  pushFrame(costs: ReadonlyMap<string, number>): void {
    let other = 0;
    for (const [key, ms] of costs) {
      if (!this.series.has(key)) {
        if (this.series.size >= this.maxTracked) {
          other += ms;
          continue;
        }
        const ring = new Ring(this.capacity);
        // Align a newcomer with the frames already recorded.
        for (let i = 0; i < Math.min(this.frames, this.capacity); i++) ring.push(0);
        this.series.set(key, ring);
      }
    }
    for (const [key, ring] of this.series) ring.push(costs.get(key) ?? 0);
    this.other.push(other);
    this.frames++;
  }

  keys(): string[] {
    return [...this.series.keys()];
  }

  get(key: string): Ring | undefined {
    return this.series.get(key);
  }

  otherSeries(): Ring {
    return this.other;
  }
}
