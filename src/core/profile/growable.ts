// Append-only typed-array columns that double their capacity, so builders can collect millions of
// rows without an object per row. `trimmed()` returns an exact-length copy for the final Profile.

type TypedArrayCtor<T> = { new (length: number): T };

export class GrowableColumn<T extends Int32Array | Float64Array | Uint8Array | Int8Array> {
  private data: T;
  length = 0;

  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    initialCapacity = 1024,
  ) {
    this.data = new ctor(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i];
  }

  set(i: number, value: number): void {
    this.data[i] = value;
  }

  /** Ensures room for `capacity` rows; amortised doubling keeps appends O(1). */
  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    let next = this.data.length * 2;
    while (next < capacity) next *= 2;
    const bigger = new this.ctor(next);
    (bigger as Int32Array).set(this.data as Int32Array);
    this.data = bigger;
  }

  /** Appends many values at once (one grow, one copy). */
  pushAll(values: ArrayLike<number>): void {
    this.grow(this.length + values.length);
    (this.data as Int32Array).set(values as ArrayLike<number>, this.length);
    this.length += values.length;
  }

  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }
}
