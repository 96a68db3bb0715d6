// Lists the ArrayBuffers behind a Profile's typed arrays, so a worker can transfer (not copy) them.
import type { Profile } from './types';

export function transferablesOf(profile: Profile): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  const visit = (value: unknown): void => {
    if (ArrayBuffer.isView(value)) {
      const buf = value.buffer;
      // Only whole, non-shared buffers can be transferred without affecting other views.
      if (buf instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buf.byteLength) seen.add(buf);
      return;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const v of Object.values(value)) visit(v);
    }
  };
  visit(profile);
  return [...seen];
}
