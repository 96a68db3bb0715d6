// Frames timeline: one bar per game frame (frame time, with the scripts' share) against the budget
// line. Click picks a frame, drag brushes a range; the flame graph, chart and table then cover only
// those frames. Thousands of frames fold into one bar per pixel column (the worst frame in it).
import * as l10n from '@vscode/l10n';
import { scaleLinear } from 'd3-scale';
import { worstGameFrames } from '../../../src/core/profile';
import { formatCount, formatMs, formatPercent } from '../../../src/core/view/format';
import { budgetMsAt } from '../../../src/core/budget';
import { clear, el, fitCanvas } from '../dom';
import type { ViewContext } from '../context';

export class FramesView {
  readonly panel: HTMLElement;
  private readonly info: HTMLElement;
  private readonly worst: HTMLElement;
  private readonly host: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLDivElement;
  private brush: { a: number; b: number } | null = null;
  private cursor = -1;

  constructor(private readonly ctx: () => ViewContext, parent: HTMLElement) {
    this.panel = el('section', 'fg-panel fg-panel-frames', undefined, parent);
    this.panel.setAttribute('role', 'tabpanel');
    this.info = el('div', 'fg-note', '', this.panel);
    this.worst = el('div', 'fg-worst', undefined, this.panel);
    this.host = el('div', 'fg-canvas-host fg-frames-host', undefined, this.panel);
    this.canvas = el('canvas', 'fg-canvas', undefined, this.host);
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', l10n.t('Frame times against the budget: click or drag to select frames, arrows move, Escape selects all'));
    this.tip = el('div', 'fg-tooltip', undefined, this.host);
    this.tip.hidden = true;
    this.bind();
    new ResizeObserver(() => this.render()).observe(this.host);
  }

  private count(): number {
    return this.ctx().profile.gameFrames?.length ?? 0;
  }

  update(): void {
    const c = this.ctx();
    const gf = c.profile.gameFrames;
    clear(this.worst);
    if (!gf || gf.length === 0) {
      this.info.textContent = l10n.t('This profile has no game frames (imports from other tools usually do not): the frames timeline needs a UEVR capture.');
      this.render();
      return;
    }
    let over = 0;
    for (let i = 0; i < gf.length; i++) if (gf.duration[i] > budgetMsAt(c.settings.refreshRateHz)) over++;
    this.info.textContent = l10n.t(
      '{0} frames · {1} over the {2} ms budget ({3}) · click a frame or drag across frames to restrict the other views',
      formatCount(gf.length),
      formatCount(over),
      formatMs(budgetMsAt(c.settings.refreshRateHz)),
      formatPercent((100 * over) / gf.length),
    );
    el('span', 'fg-worst-label', l10n.t('Worst frames:'), this.worst);
    const n = Math.min(10, gf.length);
    const together = el('button', 'fg-chip fg-worst-n', l10n.t('All {0} worst together', n), this.worst);
    together.type = 'button';
    together.addEventListener('click', () => c.selectWorstFrames(n));
    for (const row of worstGameFrames(c.profile, 5)) {
      const b = el('button', 'fg-chip', `#${gf.index[row]} ${formatMs(gf.duration[row])} ms`, this.worst);
      b.type = 'button';
      b.addEventListener('click', () => c.selectFrames([row, row]));
    }
    this.render();
  }

  show(): void {
    this.render();
  }

  private scales(width: number, height: number) {
    const c = this.ctx();
    const gf = c.profile.gameFrames;
    const n = this.count();
    let max = budgetMsAt(c.settings.refreshRateHz) * 1.5;
    if (gf) for (let i = 0; i < gf.length; i++) if (gf.duration[i] > max) max = gf.duration[i];
    return {
      x: scaleLinear().domain([0, Math.max(1, n)]).range([0, width]),
      y: scaleLinear().domain([0, max * 1.05]).range([height - 14, 4]),
    };
  }

  render(): void {
    const width = this.host.clientWidth;
    const height = this.host.clientHeight;
    if (width <= 0 || height <= 0) return;
    const g = fitCanvas(this.canvas, width, height);
    const c = this.ctx();
    const th = c.theme;
    g.fillStyle = th.background;
    g.fillRect(0, 0, width, height);
    const gf = c.profile.gameFrames;
    const n = this.count();
    if (!gf || n === 0) return;
    const { x, y } = this.scales(width, height);
    const budget = budgetMsAt(c.settings.refreshRateHz);
    const base = y(0);
    // One bar per pixel column at most: the worst frame of the column is what matters.
    const cols = Math.min(n, Math.floor(width));
    const per = n / cols;
    const bw = Math.max(1, width / cols - (n <= width / 3 ? 1 : 0));
    for (let col = 0; col < cols; col++) {
      const a = Math.floor(col * per);
      const b = Math.max(a + 1, Math.floor((col + 1) * per));
      let worst = a;
      for (let i = a + 1; i < b; i++) if (gf.duration[i] > gf.duration[worst]) worst = i;
      const px = x(a);
      const d = gf.duration[worst];
      g.fillStyle = d > budget ? th.red : th.blue;
      g.globalAlpha = 0.55;
      g.fillRect(px, y(d), bw, base - y(d));
      g.globalAlpha = 1;
      g.fillStyle = th.orange;
      const sm = gf.scriptsMs[worst] || 0;
      g.fillRect(px, y(sm), bw, base - y(sm));
    }
    const sel = this.brush ? [Math.min(this.brush.a, this.brush.b), Math.max(this.brush.a, this.brush.b)] : c.frameRange;
    g.fillStyle = th.focus;
    g.globalAlpha = 0.25;
    if (sel) g.fillRect(x(sel[0]), 0, Math.max(2, x(sel[1] + 1) - x(sel[0])), base);
    else if (c.frameRows) for (const row of c.frameRows) g.fillRect(x(row), 0, Math.max(2, x(row + 1) - x(row)), base);
    g.globalAlpha = 1;
    g.strokeStyle = th.red;
    g.setLineDash([5, 4]);
    g.beginPath();
    g.moveTo(0, Math.round(y(budget)) + 0.5);
    g.lineTo(width, Math.round(y(budget)) + 0.5);
    g.stroke();
    g.setLineDash([]);
    g.font = th.font;
    g.fillStyle = th.foreground;
    g.textBaseline = 'bottom';
    g.fillText(l10n.t('budget {0} ms ({1} Hz)', formatMs(budget), c.settings.refreshRateHz), 4, y(budget) - 2);
    g.textBaseline = 'top';
    g.fillText(l10n.t('frame #{0}', gf.index[0]), 2, base + 1);
    const last = `#${gf.index[n - 1]}`;
    g.fillText(last, width - g.measureText(last).width - 2, base + 1);
    if (this.cursor >= 0 && this.cursor < n) {
      g.strokeStyle = th.focus;
      g.strokeRect(x(this.cursor) + 0.5, 0.5, Math.max(2, x(this.cursor + 1) - x(this.cursor)), base - 1);
    }
  }

  private frameAt(ev: MouseEvent): number {
    const r = this.canvas.getBoundingClientRect();
    const { x } = this.scales(r.width, r.height);
    const n = this.count();
    return Math.max(0, Math.min(n - 1, Math.floor(x.invert(ev.clientX - r.left))));
  }

  private bind(): void {
    this.canvas.addEventListener('mousedown', (ev) => {
      if (this.count() === 0 || ev.button !== 0) return;
      const f = this.frameAt(ev);
      this.brush = { a: f, b: f };
      this.render();
    });
    this.canvas.addEventListener('mousemove', (ev) => {
      if (this.count() === 0) return;
      const f = this.frameAt(ev);
      if (this.brush) {
        this.brush.b = f;
        this.render();
      }
      this.showTip(f, ev);
    });
    this.canvas.addEventListener('mouseleave', () => {
      this.tip.hidden = true;
    });
    window.addEventListener('mouseup', () => {
      if (!this.brush) return;
      const a = Math.min(this.brush.a, this.brush.b);
      const b = Math.max(this.brush.a, this.brush.b);
      this.brush = null;
      this.cursor = a;
      this.ctx().selectFrames([a, b]);
    });
    this.canvas.addEventListener('keydown', (ev) => {
      const n = this.count();
      if (n === 0) return;
      const c = this.ctx();
      const cur = c.frameRange;
      if (ev.key === 'Escape') {
        c.selectFrames(null);
      } else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
        const d = ev.key === 'ArrowLeft' ? -1 : 1;
        this.cursor = Math.max(0, Math.min(n - 1, (this.cursor >= 0 ? this.cursor : 0) + d));
        if (ev.shiftKey && cur) c.selectFrames([Math.min(cur[0], this.cursor), Math.max(cur[0], this.cursor)]);
        else c.selectFrames([this.cursor, this.cursor]);
      } else return;
      ev.preventDefault();
    });
  }

  private showTip(f: number, ev: MouseEvent): void {
    const c = this.ctx();
    const gf = c.profile.gameFrames;
    if (!gf) return;
    clear(this.tip);
    el('div', 'fg-tip-title', l10n.t('frame #{0}', gf.index[f]), this.tip);
    el('div', 'fg-tip-line', l10n.t('frame time {0} ms ({1} of budget)', formatMs(gf.duration[f]), formatPercent((100 * gf.duration[f]) / budgetMsAt(c.settings.refreshRateHz))), this.tip);
    el('div', 'fg-tip-line', l10n.t('scripts {0} ms ({1} of budget)', formatMs(gf.scriptsMs[f]), formatPercent((100 * gf.scriptsMs[f]) / budgetMsAt(c.settings.refreshRateHz))), this.tip);
    if (Number.isFinite(gf.gcMs[f])) el('div', 'fg-tip-line', l10n.t('Lua GC {0} ms', formatMs(gf.gcMs[f])), this.tip);
    if (Number.isFinite(gf.luaMemoryKb[f])) el('div', 'fg-tip-line', l10n.t('Lua memory {0} KiB', formatCount(gf.luaMemoryKb[f])), this.tip);
    this.tip.hidden = false;
    const r = this.host.getBoundingClientRect();
    this.tip.style.left = `${Math.max(0, Math.min(ev.clientX - r.left + 12, this.host.clientWidth - this.tip.offsetWidth - 4))}px`;
    this.tip.style.top = `${Math.max(0, ev.clientY - r.top + 12)}px`;
  }
}
