// Derived views are computed on demand and cached per profile. The cache is a WeakMap keyed by the
// Profile object (dropping the profile drops its views) with a small LRU per profile, because
// interactive range selection would otherwise keep one call tree per dragged range forever.

const MAX_ENTRIES_PER_PROFILE = 24;
const caches = new WeakMap<object, Map<string, unknown>>();

export function cached<T>(owner: object, key: string, compute: () => T): T {
  let m = caches.get(owner);
  if (!m) {
    m = new Map();
    caches.set(owner, m);
  }
  if (m.has(key)) {
    const v = m.get(key) as T;
    // Re-insert to mark as most recently used.
    m.delete(key);
    m.set(key, v);
    return v;
  }
  const v = compute();
  m.set(key, v);
  if (m.size > MAX_ENTRIES_PER_PROFILE) {
    const oldest = m.keys().next().value as string;
    m.delete(oldest);
  }
  return v;
}

/** Forget every cached view of a profile (call after mutating its arrays in place). */
export function invalidateViews(owner: object): void {
  caches.delete(owner);
}
