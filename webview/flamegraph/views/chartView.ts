// The flame chart: samples in time order (runs of equal stacks merged, see src/core/view/timeOrder),
// with game-frame boundaries and, per frame, the point where the frame budget runs out.
import * as l10n from '@vscode/l10n';
import { scaleLinear } from 'd3-scale';
import { sampleRanges } from '../../../src/core/profile';
import { parentsFromSizes, type Viewport } from '../../../src/core/view/flameLayout';
import { formatMs } from '../../../src/core/view/format';
import { budgetMsAt } from '../../../src/core/budget';
import { buildTimeOrder, hasTimestamps, type TimeOrderTree } from '../../../src/core/view/timeOrder';
import { readTheme } from '../theme';
import { el } from '../dom';
import { FlameCanvas } from '../flameCanvas';
import { ColorCache, type ViewContext } from '../context';
import { matchFrames } from '../../../src/core/view/search';
import { frameHsl, nodeLabel, sourceLine } from './flameView';

/** Most runs the chart builds at once (≈ 48 bytes each); beyond it the user picks a frame range. */
const MAX_RUNS = 2_000_000;

export class ChartView {
  readonly panel: HTMLElement;
  private readonly note: HTMLElement;
  readonly canvas: FlameCanvas;
  private tree: TimeOrderTree | null = null;
  private colors: ColorCache | null = null;
  private domain: [number, number] = [0, 1];
  private built = false;
  private timed = false;

  constructor(private readonly ctx: () => ViewContext, parent: HTMLElement) {
    this.panel = el('section', 'fg-panel fg-panel-chart', undefined, parent);
    this.panel.setAttribute('role', 'tabpanel');
    this.note = el('div', 'fg-note', '', this.panel);
    const host = el('div', 'fg-canvas-host', undefined, this.panel);
    this.canvas = new FlameCanvas(
      host,
      {
        domain: () => this.domain,
        label: (n) => (this.tree ? nodeLabel(this.ctx(), this.tree.frame[n], this.tree.line[n]) : ''),
        fill: (n) => (this.tree && this.colors ? this.colors.fill(this.tree.frame[n]) : '#888'),
        dimFill: (n) => (this.tree && this.colors ? this.colors.dim(this.tree.frame[n]) : '#555'),
        tooltip: (n) => this.tooltip(n),
        openSource: (n) => {
          if (!this.tree) return;
          const f = this.tree.frame[n];
          this.ctx().openSource(this.ctx().profile.frames.file[f], sourceLine(this.ctx(), f, this.tree.line[n]));
        },
        overlay: (g, vp, h) => this.overlay(g, vp, h),
        onZoom: () => {
          const c = this.ctx();
          c.state.chartRange = this.canvas.viewRange;
          c.saveState();
        },
      },
      readTheme(),
      l10n.t('Flame chart in time order: arrows move, Enter zooms, Escape resets, Ctrl+Enter opens the source'),
    );
  }

  /** Data changed: rebuild lazily the next time the chart is shown. */
  update(): void {
    this.built = false;
    if (!this.panel.hidden) this.build();
  }

  show(): void {
    if (!this.built) this.build();
    this.canvas.requestRender();
  }

  setSearch(query: string): void {
    this.canvas.setMask(query.trim() ? matchFrames(this.ctx().profile.frames, query) : null);
  }

  private build(): void {
    const c = this.ctx();
    this.built = true;
    const ranges = sampleRanges(c.profile, c.filter);
    const from = ranges.length > 0 ? ranges[0][0] : 0;
    const to = ranges.length > 0 ? ranges[ranges.length - 1][1] : 0;
    this.timed = hasTimestamps(c.profile);
    const tree = buildTimeOrder(c.profile, from, to, MAX_RUNS, ranges, c.state.byLine === true);
    this.tree = tree;
    this.colors = new ColorCache((id) => frameHsl(c, id));
    let d0 = Infinity;
    let d1 = -Infinity;
    for (let i = 0; i < tree.length; i += tree.size[i]) {
      d0 = Math.min(d0, tree.start[i]);
      d1 = Math.max(d1, tree.start[i] + tree.width[i]);
    }
    this.domain = tree.length > 0 && d1 > d0 ? [d0, d1] : [0, 1];
    this.note.textContent = tree.truncated
      ? l10n.t(
          'Showing samples {0}–{1} of {2}: select a range of frames in the Frames tab to see the rest in time order.',
          tree.from.toLocaleString('en-US'),
          tree.to.toLocaleString('en-US'),
          (to - from).toLocaleString('en-US'),
        )
      : this.timed
        ? ''
        : l10n.t('This profile has no timestamps: the horizontal axis is cumulative weight in sample order.');
    this.note.hidden = this.note.textContent === '';
    this.canvas.setTheme(c.theme);
    this.canvas.setTree(tree, parentsFromSizes(tree.size, tree.depth));
    const r = c.state.chartRange;
    if (r && r[1] > r[0] && r[0] >= this.domain[0] && r[1] <= this.domain[1]) this.canvas.setViewRange(r[0], r[1]);
    this.setSearch(c.query);
  }

  private tooltip(n: number): string[] {
    const t = this.tree;
    if (!t) return [];
    const c = this.ctx();
    const f = t.frame[n];
    const lines = [nodeLabel(c, f, t.line[n])];
    if (c.profile.frames.file[f]) lines.push(`${c.profile.frames.file[f]}:${sourceLine(c, f, t.line[n])}`);
    if (this.timed) {
      lines.push(l10n.t('at {0} ms for {1} ms ({2}% of budget)', formatMs(t.start[n]), formatMs(t.width[n]), ((100 * t.width[n]) / budgetMsAt(c.settings.refreshRateHz)).toFixed(1)));
    } else lines.push(l10n.t('weight {0}', formatMs(t.width[n])));
    lines.push(l10n.t('Ctrl/Cmd-click: open source'));
    return lines;
  }

  /** Time ticks along the bottom edge (d3's "nice" ticks for the visible range). */
  private drawAxis(g: CanvasRenderingContext2D, vp: Viewport, height: number): void {
    const th = this.ctx().theme;
    const x = scaleLinear().domain([vp.x0, vp.x1]).range([0, vp.widthPx]);
    g.save();
    g.font = th.font;
    g.textBaseline = 'bottom';
    g.fillStyle = th.background;
    g.globalAlpha = 0.85;
    g.fillRect(0, height - 14, vp.widthPx, 14);
    g.globalAlpha = 1;
    g.fillStyle = th.foreground;
    g.strokeStyle = th.muted;
    const unit = this.timed ? ' ms' : '';
    for (const t of x.ticks(Math.max(2, Math.floor(vp.widthPx / 110)))) {
      const px = Math.round(x(t)) + 0.5;
      g.beginPath();
      g.moveTo(px, height - 14);
      g.lineTo(px, height - 10);
      g.stroke();
      g.fillText(`${formatMs(t)}${unit}`, px + 2, height - 1);
    }
    g.restore();
  }

  /** Game-frame boundaries, and a red mark where each frame's budget ends when the frame overran it. */
  private overlay(g: CanvasRenderingContext2D, vp: Viewport, height: number): void {
    this.drawAxis(g, vp, height);
    const c = this.ctx();
    const gf = c.profile.gameFrames;
    if (!gf || !this.timed || gf.length === 0) return;
    const scale = vp.widthPx / (vp.x1 - vp.x0);
    const budget = budgetMsAt(c.settings.refreshRateHz);
    if (budget * scale < 4) return; // too dense to mean anything: the Frames tab shows them instead
    g.save();
    g.lineWidth = 1;
    for (let i = 0; i < gf.length; i++) {
      const s = gf.start[i];
      if (s + gf.duration[i] < vp.x0) continue;
      if (s > vp.x1) break;
      const x = (s - vp.x0) * scale;
      g.strokeStyle = c.theme.foreground;
      g.globalAlpha = 0.35;
      g.beginPath();
      g.moveTo(Math.round(x) + 0.5, 0);
      g.lineTo(Math.round(x) + 0.5, height);
      g.stroke();
      const xb = (s + budget - vp.x0) * scale;
      g.globalAlpha = 0.9;
      g.strokeStyle = gf.duration[i] > budget ? c.theme.red : c.theme.green;
      g.setLineDash([4, 3]);
      g.beginPath();
      g.moveTo(Math.round(xb) + 0.5, 0);
      g.lineTo(Math.round(xb) + 0.5, height);
      g.stroke();
      g.setLineDash([]);
      if (gf.duration[i] > budget) {
        g.fillStyle = c.theme.red;
        g.globalAlpha = 0.8;
        g.fillRect(xb, 0, (s + gf.duration[i] - (s + budget)) * scale, 3);
      }
    }
    g.restore();
  }
}
