// Open-addressing hash map from a pair of non-negative-or-minus-one int32 keys to an int32 value.
// Interning (parent stack, frame) pairs is the hot loop of every importer: a JS Map keyed by a
// string or a float would allocate per lookup, this table does not.

const EMPTY = -2147483648;

export class PairMap {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keysA = new Int32Array(cap).fill(EMPTY);
    this.keysB = new Int32Array(cap);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private static hash(a: number, b: number): number {
    let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x27d4eb2d);
    return (h ^ (h >>> 13)) >>> 0;
  }

  /** Value for (a, b), or -1 when absent. */
  get(a: number, b: number): number {
    let i = PairMap.hash(a, b) & this.mask;
    const ka = this.keysA;
    for (;;) {
      const k = ka[i];
      if (k === EMPTY) return -1;
      if (k === a && this.keysB[i] === b) return this.values[i];
      i = (i + 1) & this.mask;
    }
  }

  /** Sets (a, b) → value; `a` must not be int32 min (reserved as the empty marker). */
  set(a: number, b: number, value: number): void {
    if ((this.size + 1) * 2 > this.keysA.length) this.rehash();
    let i = PairMap.hash(a, b) & this.mask;
    for (;;) {
      const k = this.keysA[i];
      if (k === EMPTY) {
        this.keysA[i] = a;
        this.keysB[i] = b;
        this.values[i] = value;
        this.size++;
        return;
      }
      if (k === a && this.keysB[i] === b) {
        this.values[i] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  private rehash(): void {
    const { keysA, keysB, values } = this;
    const cap = keysA.length * 2;
    this.keysA = new Int32Array(cap).fill(EMPTY);
    this.keysB = new Int32Array(cap);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < keysA.length; i++) if (keysA[i] !== EMPTY) this.set(keysA[i], keysB[i], values[i]);
  }
}

/**
 * Maps (parent, frame, line) to an int32 value, for stacks and tree nodes interned by the line their
 * frame was executing: (frame, line) is interned to a position and (parent, position) looked up — two
 * pair lookups, no key string built per sample. Line 0 (unknown: most importers) takes one lookup on
 * (parent, frame).
 */
export class PositionMap {
  private readonly unknownLine: PairMap;
  private readonly positions: PairMap;
  private positionCount = 0;
  private readonly byPosition: PairMap;

  constructor(initialCapacity = 1024) {
    this.unknownLine = new PairMap(initialCapacity);
    this.positions = new PairMap(256);
    this.byPosition = new PairMap(256);
  }

  /** Value for (parent, frame, line), or -1 when absent. */
  get(parent: number, frame: number, line: number): number {
    if (line === 0) return this.unknownLine.get(parent, frame);
    const pos = this.positions.get(frame, line);
    return pos < 0 ? -1 : this.byPosition.get(parent, pos);
  }

  set(parent: number, frame: number, line: number, value: number): void {
    if (line === 0) {
      this.unknownLine.set(parent, frame, value);
      return;
    }
    let pos = this.positions.get(frame, line);
    if (pos < 0) {
      pos = this.positionCount++;
      this.positions.set(frame, line, pos);
    }
    this.byPosition.set(parent, pos, value);
  }
}
