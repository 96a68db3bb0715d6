// The aggregated, left-heavy flame graph of the selected samples (model: buildCallTree).
// Root on top ("all"), children left to right by weight; click zooms, the breadcrumb walks back.
// Nodes group by function, or by function and current line ("tick :12") when state.byLine is set.
import * as l10n from '@vscode/l10n';
import { buildCallTree, buildInvertedTree, callTreePath, type CallTree } from '../../../src/core/profile';
import { FrameKind } from '../../../src/core/profile/types';
import { flameHsl } from '../../../src/core/view/colors';
import { flameGraphSpans } from '../../../src/core/view/flameLayout';
import { formatCost, formatCount } from '../../../src/core/view/format';
import { countMatchingNodes, matchFrames } from '../../../src/core/view/search';
import { readTheme } from '../theme';
import { clear, el } from '../dom';
import { FlameCanvas } from '../flameCanvas';
import { ColorCache, type ViewContext } from '../context';

/** Colour of a frame: warm hash for Lua, theme-independent cool hues for native and callback roots. */
export function frameHsl(ctx: ViewContext, id: number): [number, number, number] {
  const f = ctx.profile.frames;
  const [h, s, l] = flameHsl(f.name[id]);
  switch (f.kind[id]) {
    case FrameKind.Native:
      return [200 + (h % 20), s - 20, l];
    case FrameKind.Callback:
      return [270 + (h % 20), s - 25, l + 5];
    default:
      return [h, s, l];
  }
}

/** A node's label: the function's name, and its current line when grouped by line ("tick :12"). */
export function nodeLabel(ctx: ViewContext, frame: number, line: number): string {
  const name = ctx.profile.frames.name[frame];
  return line > 0 ? `${name} :${line}` : name;
}

/** The line ctrl/cmd-click opens: the node's current line when known, else its frame's own line. */
export function sourceLine(ctx: ViewContext, frame: number, line: number): number {
  return line > 0 ? line : ctx.profile.frames.line[frame];
}

export class FlameView {
  readonly panel: HTMLElement;
  private readonly crumbs: HTMLElement;
  private readonly invert: HTMLButtonElement;
  readonly canvas: FlameCanvas;
  private tree: CallTree | null = null;
  private colors: ColorCache | null = null;
  private mask: Uint8Array | null = null;
  matches = 0;

  constructor(private readonly ctx: () => ViewContext, parent: HTMLElement) {
    this.panel = el('section', 'fg-panel fg-panel-flame', undefined, parent);
    this.panel.setAttribute('role', 'tabpanel');
    const row = el('div', 'fg-flame-bar', undefined, this.panel);
    this.invert = el('button', 'fg-button fg-invert', l10n.t('Inverted'), row);
    this.invert.type = 'button';
    this.invert.title = l10n.t('Bottom-up: the functions where time is spent at the top, who called them below');
    this.invert.addEventListener('click', () => {
      const c = this.ctx();
      c.state.inverted = !c.state.inverted;
      c.state.flameZoomPath = [];
      c.saveState();
      this.update();
    });
    this.crumbs = el('nav', 'fg-breadcrumb', undefined, row);
    this.crumbs.setAttribute('aria-label', l10n.t('Zoom path'));
    const host = el('div', 'fg-canvas-host', undefined, this.panel);
    this.canvas = new FlameCanvas(
      host,
      {
        domain: () => [0, this.tree ? this.tree.total[0] : 1],
        label: (n) => this.label(n),
        fill: (n) => this.fill(n),
        dimFill: (n) => {
          const f = this.tree ? this.tree.frame[n] : -1;
          return f >= 0 && this.colors ? this.colors.dim(f) : '#555';
        },
        tooltip: (n) => this.tooltip(n),
        openSource: (n) => {
          const t = this.tree;
          const f = t ? t.frame[n] : -1;
          if (t && f >= 0) this.ctx().openSource(this.ctx().profile.frames.file[f], sourceLine(this.ctx(), f, t.line[n]));
        },
        onZoom: (n) => this.onZoom(n),
      },
      readTheme(),
      l10n.t('Flame graph: arrows move, Enter zooms, Escape resets, Ctrl+Enter opens the source'),
    );
  }

  get callTree(): CallTree | null {
    return this.tree;
  }

  update(): void {
    const c = this.ctx();
    const opts = { ...c.filter, byLine: c.state.byLine === true };
    this.tree = c.state.inverted ? buildInvertedTree(c.profile, opts) : buildCallTree(c.profile, opts);
    this.invert.setAttribute('aria-pressed', String(c.state.inverted === true));
    this.colors = new ColorCache((id) => frameHsl(c, id));
    this.canvas.setTheme(c.theme);
    this.canvas.setTree(flameGraphSpans(this.tree), this.tree.parent);
    this.setSearch(c.query);
    const path = c.state.flameZoomPath;
    if (path.length > 0) {
      const node = this.nodeOfPath(path, c.state.byLine ? c.state.flameZoomLines : undefined);
      if (node > 0) void this.canvas.zoomTo(node, true);
    }
    this.renderCrumbs(-1);
  }

  setSearch(query: string): void {
    const c = this.ctx();
    this.mask = query.trim() ? matchFrames(c.profile.frames, query) : null;
    this.canvas.setMask(this.mask);
    this.matches = this.mask && this.tree ? countMatchingNodes(this.tree.frame, this.mask) : 0;
  }

  /** Zoom to the heaviest node whose frame matches the search mask (for `focus`). */
  zoomToHeaviestMatch(): void {
    const t = this.tree;
    const m = this.mask;
    if (!t || !m) return;
    let best = -1;
    for (let i = 1; i < t.length; i++) if (m[t.frame[i]] === 1 && (best < 0 || t.total[i] > t.total[best])) best = i;
    if (best > 0) void this.canvas.zoomTo(best);
  }

  /** The node a saved zoom path names: frames from the root, and their lines when grouped by line. */
  private nodeOfPath(path: number[], lines?: number[]): number {
    const t = this.tree;
    if (!t) return -1;
    let node = 0;
    for (let k = 0; k < path.length; k++) {
      const f = path[k];
      const ln = lines && lines.length === path.length ? lines[k] : -1;
      let found = -1;
      for (let j = node + 1; j < node + t.size[node]; j += t.size[j]) {
        if (t.frame[j] === f && (ln < 0 || t.line[j] === ln)) {
          found = j;
          break;
        }
      }
      if (found < 0) return node;
      node = found;
    }
    return node;
  }

  private label(n: number): string {
    const t = this.tree;
    if (!t) return '';
    if (n === 0) return l10n.t('all ({0})', formatCost(t.total[0], this.ctx().cost));
    return nodeLabel(this.ctx(), t.frame[n], t.line[n]);
  }

  private fill(n: number): string {
    const t = this.tree;
    if (!t || n === 0 || !this.colors) return this.ctx().theme.muted;
    return this.colors.fill(t.frame[n]);
  }

  tooltip(n: number): string[] {
    const t = this.tree;
    if (!t) return [];
    const c = this.ctx();
    const f = t.frame[n];
    const lines = [n === 0 ? l10n.t('all samples') : nodeLabel(c, f, t.line[n])];
    if (f >= 0 && c.profile.frames.file[f]) lines.push(`${c.profile.frames.file[f]}:${sourceLine(c, f, t.line[n])}`);
    lines.push(l10n.t('total: {0}', formatCost(t.total[n], c.cost)));
    lines.push(l10n.t('self: {0}', formatCost(t.self[n], c.cost)));
    lines.push(l10n.t('samples: {0}', formatCount(t.samples[n])));
    if (f >= 0) lines.push(l10n.t('Ctrl/Cmd-click: open source'));
    return lines;
  }

  private onZoom(n: number): void {
    const c = this.ctx();
    c.state.flameZoomPath = n > 0 && this.tree ? callTreePath(this.tree, n) : [];
    const lines: number[] = [];
    if (this.tree && c.state.byLine) for (let i = n; i > 0; i = this.tree.parent[i]) lines.unshift(this.tree.line[i]);
    c.state.flameZoomLines = lines;
    c.saveState();
    this.renderCrumbs(n);
  }

  private renderCrumbs(zoomed: number): void {
    clear(this.crumbs);
    const t = this.tree;
    if (!t) return;
    const node = zoomed >= 0 ? zoomed : this.canvas.zoomedNode;
    const chain: number[] = [];
    for (let i = node; i >= 0; i = t.parent[i]) chain.push(i);
    chain.reverse();
    if (chain.length === 0) chain.push(0);
    chain.forEach((id, k) => {
      if (k > 0) el('span', 'fg-crumb-sep', '›', this.crumbs);
      const b = el('button', 'fg-crumb', id === 0 ? l10n.t('all') : nodeLabel(this.ctx(), t.frame[id], t.line[id]), this.crumbs);
      b.type = 'button';
      b.addEventListener('click', () => void (id === 0 ? this.canvas.resetZoom() : this.canvas.zoomTo(id)));
    });
  }

  show(): void {
    this.canvas.requestRender();
  }
}
