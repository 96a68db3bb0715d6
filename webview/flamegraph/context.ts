// What every view needs to draw: the profile, the current selection of game frames, the settings,
// and how to turn weights into "ms per frame / % of budget". Owned by the app, read by the views.
import type { Profile, SampleFilter } from '../../src/core/profile';
import type { CostContext } from '../../src/core/view/format';
import type { ViewSettings, ViewState } from '../../src/core/view/messages';
import type { Host } from './host';
import type { Theme } from './theme';

export interface ViewContext {
  profile: Profile;
  title: string;
  settings: ViewSettings;
  /** Samples the views cover: undefined = all, else the selected game frames' time range. */
  filter: SampleFilter | undefined;
  /** Selected rows of GameFrameTable [first, last], or null. */
  frameRange: [number, number] | null;
  cost: CostContext;
  theme: Theme;
  host: Host;
  state: ViewState;
  /** Search query as typed (the views compute their own masks). */
  query: string;
  /** Persist `state` (setState + a `state` message). */
  saveState(): void;
  /** Show a line in the status bar (e.g. file:line in the standalone page). */
  status(text: string): void;
  /** Ask the host to open a source location (no-op display in the standalone page). */
  openSource(file: string, line: number): void;
  /** Switch tab and search for a function (from the sandwich table or a `focus` message). */
  focusFunction(name: string, tab?: 'flame' | 'chart' | 'sandwich'): void;
  /** Restrict the views to game frames [a, b], or all when null. */
  selectFrames(range: [number, number] | null): void;
  /** Restrict the views to the N frames with the longest frame time. */
  selectWorstFrames(n: number): void;
  /** Selected frame rows when the selection is a set rather than a range (else null). */
  frameRows: number[] | null;
}

/** Fill colours per frame id, computed once per profile (the hash is stable across views). */
export class ColorCache {
  private readonly fills: (string | undefined)[] = [];
  private readonly dims: (string | undefined)[] = [];
  constructor(private readonly compute: (id: number) => [number, number, number]) {}
  fill(id: number): string {
    let c = this.fills[id];
    if (c === undefined) {
      const [h, s, l] = this.compute(id);
      c = `hsl(${h} ${s}% ${l}%)`;
      this.fills[id] = c;
    }
    return c;
  }
  dim(id: number): string {
    let c = this.dims[id];
    if (c === undefined) {
      const [h, , l] = this.compute(id);
      c = `hsl(${h} 8% ${Math.round(l * 0.55)}%)`;
      this.dims[id] = c;
    }
    return c;
  }
}
