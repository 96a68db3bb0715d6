// Two views of a profile's stack lines for writers whose formats have no place for a "current line"
// beside the frame: function granularity (the lines dropped, stacks merged: what Chrome trace and
// folded exports write by default) and line frames (each function+line pair becomes a frame whose
// line is the current line: what speedscope exports and `--lines` write). Both return a new Profile
// that shares the unchanged columns; neither touches the one given.
import { PairMap } from './pairMap';
import type { Profile } from './types';

/** True when some stack carries a current line. */
export function hasLines(p: Profile): boolean {
  const line = p.stacks.line;
  for (let i = 0; i < line.length; i++) if (line[i] > 0) return true;
  return false;
}

/** Maps each stack to its stack in `out` (old → new ids), re-interning by (new parent, new frame). */
function reintern(p: Profile, frameOf: (s: number) => number): { parent: Int32Array; frame: Int32Array; map: Int32Array } {
  const n = p.stacks.length;
  const ids = new PairMap(Math.max(16, n));
  const map = new Int32Array(n);
  const parent = new Int32Array(n);
  const frame = new Int32Array(n);
  let m = 0;
  for (let s = 0; s < n; s++) {
    // Parents have smaller ids than their children (ProfileBuilder's invariant), so map[parent] is set.
    const ps = p.stacks.parent[s];
    const np = ps >= 0 ? map[ps] : -1;
    const f = frameOf(s);
    let id = ids.get(np, f);
    if (id < 0) {
      id = m++;
      ids.set(np, f, id);
      parent[id] = np;
      frame[id] = f;
    }
    map[s] = id;
  }
  return { parent: parent.slice(0, m), frame: frame.slice(0, m), map };
}

function remapSamples(p: Profile, map: Int32Array): Profile['samples'] {
  const stack = new Int32Array(p.samples.length);
  for (let i = 0; i < stack.length; i++) {
    const s = p.samples.stack[i];
    stack[i] = s >= 0 && s < map.length ? map[s] : s;
  }
  return { ...p.samples, stack };
}

/** The profile at function granularity: stacks that differ only in lines become one. */
export function functionLevel(p: Profile): Profile {
  if (!hasLines(p)) return p;
  const { parent, frame, map } = reintern(p, (s) => p.stacks.frame[s]);
  return { ...p, stacks: { length: frame.length, parent, frame, line: new Int32Array(frame.length) }, samples: remapSamples(p, map) };
}

export interface LineFrames {
  profile: Profile;
  /**
   * For each frame added for a function+line pair: [added frame, original frame, line], flat.
   * Frames below `p.frames.length` are the original frames, unchanged.
   */
  lineFrames: Int32Array;
}

/**
 * Every stack with a current line gets a frame of its own for (function, line): the same name, file
 * and kind, and `line` = the current line; its stack line becomes 0. Stacks without a line keep their
 * frame (a function's definition line, a Native frame's calling line).
 */
export function withLineFrames(p: Profile): LineFrames {
  if (!hasLines(p)) return { profile: p, lineFrames: new Int32Array(0) };
  const fr = p.frames;
  const name = fr.name.slice();
  const file = fr.file.slice();
  const lines: number[] = Array.from(fr.line);
  const kinds: number[] = Array.from(fr.kind);
  const added = new PairMap(256);
  const triples: number[] = [];
  const frameOfStack = (s: number): number => {
    const f = p.stacks.frame[s];
    const l = p.stacks.line[s];
    if (!(l > 0)) return f;
    let id = added.get(f, l);
    if (id < 0) {
      id = name.length;
      added.set(f, l, id);
      name.push(fr.name[f]);
      file.push(fr.file[f]);
      lines.push(l);
      kinds.push(fr.kind[f]);
      triples.push(id, f, l);
    }
    return id;
  };
  const { parent, frame, map } = reintern(p, frameOfStack);
  const profile: Profile = {
    ...p,
    frames: { length: name.length, name, file, line: Int32Array.from(lines), kind: Uint8Array.from(kinds) },
    stacks: { length: frame.length, parent, frame, line: new Int32Array(frame.length) },
    samples: remapSamples(p, map),
  };
  return { profile, lineFrames: Int32Array.from(triples) };
}
