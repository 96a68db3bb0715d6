// A call graph (per function: self cost, and per call edge the inclusive cost of the calls) made
// into a Profile. The graph does not say which caller's calls cost what further down, so each
// function's inclusive cost is split among the paths that reach it in proportion to what they
// pass in (the same assumption KCachegrind and speedscope make). A call to itself adds nothing
// (its cost is in the function's own lines); a call back into a function already on the path
// (indirect recursion) keeps its cost as self cost of the caller. The expansion stops at a budget
// of stacks and at negligible shares; what it cuts stays as self cost, and a note says so.

import { ProfileBuilder, type ProfileBuilderOptions } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import type { LoadContext } from './loadContext';

const MAX_STACKS = 200_000;
const MAX_DEPTH = 1_000;

export class CallGraph {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly files: string[] = [];
  private readonly selfCost: number[] = [];
  private readonly out: Array<Map<number, number>> = [];
  private readonly calledBy: number[] = [];

  node(name: string, file: string): number {
    const key = `${file}\u0000${name}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(key, id);
      this.names.push(name || '(unknown)');
      this.files.push(file);
      this.selfCost.push(0);
      this.out.push(new Map());
      this.calledBy.push(0);
    }
    return id;
  }

  self(fn: number, cost: number): void {
    this.selfCost[fn] += cost;
  }

  call(from: number, to: number, inclusive: number): void {
    const m = this.out[from];
    m.set(to, (m.get(to) ?? 0) + inclusive);
    if (from !== to) this.calledBy[to] += inclusive;
  }

  toProfile(opts: ProfileBuilderOptions, ctx: LoadContext): Profile {
    const n = this.names.length;
    const incl = new Float64Array(n);
    for (let f = 0; f < n; f++) {
      let s = this.selfCost[f];
      for (const [to, c] of this.out[f]) if (to !== f) s += c;
      incl[f] = s;
    }
    const b = new ProfileBuilder(opts);
    const frames = this.names.map((name, f) => b.frame(name, this.files[f]));
    let grand = 0;
    for (let f = 0; f < n; f++) grand += this.selfCost[f];
    if (!(grand > 0)) fail('every cost is zero');
    const tiny = grand * 1e-9;
    let cut = 0;
    let t = 0;
    const onPath = new Uint8Array(n);
    const emit = (stack: number, w: number) => {
      if (w > 0) {
        b.sample(stack, w, t);
        t += w;
      }
    };
    // (function, parent stack, share of its inclusive cost), expanded depth first.
    const expand = (f: number, parent: number, cost: number, depth: number): void => {
      const stack = b.stack(parent, frames[f]);
      if ((b.stackCount & 0xfff) === 0) ctx.progress(0.5 + Math.min(0.45, b.stackCount / MAX_STACKS));
      const scale = incl[f] > 0 ? cost / incl[f] : 0;
      let self = this.selfCost[f] * scale;
      onPath[f] = 1;
      for (const [to, c] of this.out[f]) {
        // A call to itself: its cost is already in this function's own cost lines.
        if (to === f) continue;
        const share = c * scale;
        if (onPath[to] || depth >= MAX_DEPTH || b.stackCount >= MAX_STACKS || share < tiny) {
          if (!onPath[to]) cut++;
          self += share;
        } else expand(to, stack, share, depth + 1);
      }
      onPath[f] = 0;
      emit(stack, self);
    };
    // Roots: functions no other function calls; if a cycle leaves none, every function whose
    // inclusive cost exceeds what its callers pass in (the surplus starts a tree of its own).
    let roots = 0;
    for (let f = 0; f < n; f++) {
      const surplus = incl[f] - this.calledBy[f];
      if (this.calledBy[f] === 0 || surplus > tiny) {
        if (incl[f] > 0) expand(f, -1, this.calledBy[f] === 0 ? incl[f] : surplus, 0);
        roots++;
      }
    }
    if (roots === 0) fail('the call graph has no entry point');
    if (cut) ctx.notes.push(`${cut} call paths were too deep, too many or too small to unfold and count as their caller's own cost`);
    return b.build();
  }
}
