// Deterministic pseudo-random numbers (mulberry32): the simulator's sampler jitter, synthetic
// benchmark data and fuzz tests all need sequences that reproduce from a seed. Not for secrets.

/** Returns a generator of numbers in [0, 1) that repeats exactly for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
