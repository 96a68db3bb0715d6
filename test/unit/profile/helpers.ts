// Small hand-made profiles for the model tests.
import { ProfileBuilder } from '../../../src/core/profile/builder';
import type { Profile } from '../../../src/core/profile/types';

/** Samples as [time, weight, 'a;b;c'] on frames named by letter, file f.lua, line = letter index + 1. */
export function makeProfile(rows: Array<[number, number, string]>, frames?: Array<[number, number]>): Profile {
  const b = new ProfileBuilder({ name: 't', source: 'test', weightUnit: 'milliseconds' });
  for (const [t, w, path] of rows) {
    const ids = path === '' ? [] : path.split(';').map((n) => b.frame(n, 'f.lua', n.charCodeAt(0) - 96, 0));
    b.sample(b.stackOf(ids), w, t);
  }
  for (const [i, [s, d]] of (frames ?? []).entries()) b.gameFrame(100 + i, s, d, d / 2);
  return b.build();
}

export const simpleRows: Array<[number, number, string]> = [
  [0, 1, 'a;b;c'],
  [1, 1, 'a;b;c'],
  [2, 4, 'a;b;d'],
  [6, 3, 'a;b;c'],
  [9, 5, 'a;b'],
];
