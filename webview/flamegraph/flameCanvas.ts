// An interactive canvas for a preorder span tree: the flame graph, the flame chart and the diff view
// all use it. Layout and culling are in src/core/view/flameLayout.ts; this file owns pixels, input
// and animation. Drawing is plain 2D canvas at devicePixelRatio: a viewport never shows more than a
// few rects per pixel column, so the cost is bounded by the screen, not the tree.
import { hitTest, layoutSpans, type FlameRects, type SpanTree, type Viewport } from '../../src/core/view/flameLayout';
import { scaleLinear } from 'd3-scale';
import { fitCanvas } from './dom';
import type { Theme } from './theme';

export const ROW_H = 18;

export interface FlameCanvasHooks {
  /** Full domain of the tree (what "reset" shows). */
  domain(): [number, number];
  label(node: number): string;
  fill(node: number): string;
  /** Dimmed fill used for non-matching nodes while a search is active. */
  dimFill(node: number): string;
  /** Draws on top of the rects (frame markers, budget line…), in CSS px. */
  overlay?(ctx: CanvasRenderingContext2D, vp: Viewport, height: number): void;
  tooltip(node: number): string[];
  openSource(node: number): void;
  /** The zoomed node changed (-1 = reset). */
  onZoom?(node: number): void;
  onSelect?(node: number): void;
}

export interface RenderStats {
  renders: number;
  lastMs: number;
  totalMs: number;
  maxMs: number;
}

export class FlameCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLDivElement;
  private tree: SpanTree | null = null;
  private parent: Int32Array = new Int32Array(0);
  private mask: Uint8Array | null = null;
  private theme: Theme;
  private x0 = 0;
  private x1 = 1;
  private firstDepth = 0;
  private rects: FlameRects | null = null;
  private selected = -1;
  private zoomed = -1;
  private anim = 0;
  private drag: { x: number; y: number; x0: number; x1: number; depth: number; moved: boolean } | null = null;
  private pending = false;
  /** True while the view moves (zoom animation, drag, wheel): frames then draw at a coarser level of detail. */
  private moving = false;
  private settleTimer = 0;
  readonly stats: RenderStats = { renders: 0, lastMs: 0, totalMs: 0, maxMs: 0 };

  constructor(
    private readonly host: HTMLElement,
    private readonly hooks: FlameCanvasHooks,
    theme: Theme,
    ariaLabel: string,
  ) {
    this.theme = theme;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'fg-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', ariaLabel);
    host.appendChild(this.canvas);
    this.tip = document.createElement('div');
    this.tip.className = 'fg-tooltip';
    this.tip.hidden = true;
    host.appendChild(this.tip);
    this.bindInput();
    new ResizeObserver(() => this.requestRender()).observe(host);
  }

  setTheme(t: Theme): void {
    this.theme = t;
    this.requestRender();
  }

  setTree(tree: SpanTree | null, parent: Int32Array, keepView = false): void {
    this.tree = tree;
    this.parent = parent;
    this.selected = -1;
    if (!keepView) {
      this.zoomed = -1;
      [this.x0, this.x1] = this.hooks.domain();
      this.firstDepth = 0;
    }
    this.requestRender();
  }

  setMask(mask: Uint8Array | null): void {
    this.mask = mask && mask.some((v) => v === 1) ? mask : null;
    this.requestRender();
  }

  get zoomedNode(): number {
    return this.zoomed;
  }
  get selectedNode(): number {
    return this.selected;
  }
  get viewRange(): [number, number] {
    return [this.x0, this.x1];
  }

  setViewRange(x0: number, x1: number): void {
    if (x1 > x0) {
      this.x0 = x0;
      this.x1 = x1;
      this.requestRender();
    }
  }

  /** Zoom so `node` fills the width (animated unless `instant`). */
  zoomTo(node: number, instant = false): Promise<void> {
    const t = this.tree;
    if (!t || node < 0 || node >= t.length) return this.resetZoom(instant);
    this.zoomed = node;
    this.selected = node;
    this.hooks.onZoom?.(node);
    const s = t.start[node];
    const w = t.width[node] > 0 ? t.width[node] : 1;
    this.ensureRowVisible(t.depth[node]);
    return this.animateTo(s, s + w, instant);
  }

  resetZoom(instant = false): Promise<void> {
    this.zoomed = -1;
    this.hooks.onZoom?.(-1);
    this.firstDepth = 0;
    const [a, b] = this.hooks.domain();
    return this.animateTo(a, b, instant);
  }

  select(node: number): void {
    this.selected = node;
    if (this.tree && node >= 0) this.ensureRowVisible(this.tree.depth[node]);
    this.hooks.onSelect?.(node);
    this.requestRender();
  }

  private ensureRowVisible(depth: number): void {
    const rows = this.rowCount();
    if (depth < this.firstDepth) this.firstDepth = depth;
    else if (depth >= this.firstDepth + rows) this.firstDepth = depth - rows + 1;
  }

  private rowCount(): number {
    return Math.max(1, Math.floor(this.host.clientHeight / ROW_H));
  }

  private animateTo(a: number, b: number, instant: boolean): Promise<void> {
    cancelAnimationFrame(this.anim);
    if (instant) {
      this.x0 = a;
      this.x1 = b;
      this.render();
      return Promise.resolve();
    }
    const [sa, sb] = [this.x0, this.x1];
    const t0 = performance.now();
    const DURATION = 250;
    return new Promise((resolve) => {
      const step = (): void => {
        const k = Math.min(1, (performance.now() - t0) / DURATION);
        const e = k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2; // ease in-out
        this.x0 = sa + (a - sa) * e;
        this.x1 = sb + (b - sb) * e;
        this.moving = k < 1;
        this.render();
        if (k < 1) this.anim = requestAnimationFrame(step);
        else resolve();
      };
      this.anim = requestAnimationFrame(step);
    });
  }

  /** Mark the view as moving; a full-detail frame follows once input stops for 150 ms. */
  private markMoving(): void {
    this.moving = true;
    clearTimeout(this.settleTimer);
    this.settleTimer = window.setTimeout(() => {
      this.moving = false;
      this.requestRender();
    }, 150);
  }

  requestRender(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  render(): void {
    const t0 = performance.now();
    const width = this.host.clientWidth;
    const height = this.host.clientHeight;
    if (width <= 0 || height <= 0) return;
    const ctx = fitCanvas(this.canvas, width, height);
    const th = this.theme;
    ctx.fillStyle = th.background;
    ctx.fillRect(0, 0, width, height);
    const tree = this.tree;
    if (!tree || tree.length === 0) {
      this.rects = null;
      this.canvas.dataset.rects = '0';
      return;
    }
    // While moving, nodes under 1 px merge (about half the rects of a 500k-node tree are 0.5–1 px);
    // the frame drawn when the motion settles shows everything down to 0.5 px.
    const vp: Viewport = { x0: this.x0, x1: this.x1, widthPx: width, firstDepth: this.firstDepth, rows: Math.ceil(height / ROW_H), minPx: this.moving ? 1 : 0.5 };
    const rects = layoutSpans(tree, vp);
    this.rects = rects;
    ctx.font = th.font;
    ctx.textBaseline = 'middle';
    const charW = ctx.measureText('abcdefghij').width / 10 || 6.5;
    const mask = this.mask;
    let highlighted = 0;
    const textRuns: number[] = [];
    // Batch by fill colour: switching fillStyle (a CSS colour parse) per rect costs more than the rect.
    const buckets = new Map<string, number[]>();
    const merged: number[] = [];
    for (let k = 0; k < rects.count; k++) {
      const nd = rects.node[k];
      if (nd < 0) {
        merged.push(k);
        continue;
      }
      const f = tree.frame[nd];
      const hit = mask !== null && f >= 0 && mask[f] === 1;
      if (hit) highlighted++;
      const style = mask !== null && !hit ? this.hooks.dimFill(nd) : this.hooks.fill(nd);
      let b = buckets.get(style);
      if (!b) buckets.set(style, (b = []));
      b.push(k);
      if (rects.w[k] > 3 * charW + 6) textRuns.push(k);
    }
    for (const [style, ks] of buckets) {
      ctx.fillStyle = style;
      for (const k of ks) {
        const w = rects.w[k];
        ctx.fillRect(rects.x[k], rects.row[k] * ROW_H, w > 1.5 ? w - 0.5 : w, ROW_H - 1);
      }
    }
    if (merged.length > 0) {
      ctx.fillStyle = th.muted;
      ctx.globalAlpha = 0.45;
      for (const k of merged) ctx.fillRect(rects.x[k], rects.row[k] * ROW_H, rects.w[k], ROW_H - 1);
      ctx.globalAlpha = 1;
    }
    ctx.fillStyle = '#111';
    for (const k of textRuns) {
      const nd = rects.node[k];
      const x = rects.x[k];
      const w = rects.w[k];
      const maxChars = Math.floor((w - 6) / charW);
      let s = this.hooks.label(nd);
      if (s.length > maxChars) s = maxChars > 1 ? `${s.slice(0, maxChars - 1)}…` : '';
      if (s) ctx.fillText(s, x + 3, rects.row[k] * ROW_H + ROW_H / 2);
    }
    if (mask !== null) {
      ctx.strokeStyle = th.focus;
      ctx.lineWidth = 1;
      for (let k = 0; k < rects.count; k++) {
        const nd = rects.node[k];
        if (nd >= 0 && rects.w[k] >= 3 && mask[tree.frame[nd]] === 1) ctx.strokeRect(rects.x[k] + 0.5, rects.row[k] * ROW_H + 0.5, rects.w[k] - 1, ROW_H - 2);
      }
    }
    if (this.selected >= 0) {
      for (let k = 0; k < rects.count; k++) {
        if (rects.node[k] === this.selected) {
          ctx.strokeStyle = th.focus;
          ctx.lineWidth = 2;
          ctx.strokeRect(rects.x[k] + 1, rects.row[k] * ROW_H + 1, Math.max(1, rects.w[k] - 2), ROW_H - 3);
        }
      }
    }
    this.hooks.overlay?.(ctx, vp, height);
    const ms = performance.now() - t0;
    this.stats.renders++;
    this.stats.lastMs = ms;
    this.stats.totalMs += ms;
    if (ms > this.stats.maxMs) this.stats.maxMs = ms;
    this.canvas.dataset.rects = String(rects.count);
    if (this.stats.renders === 1 && rects.count > 0) {
      // Lets the render benchmark read "time to first flame graph" from the page's own clock.
      performance.mark(`uevr-first-paint:${this.canvas.getAttribute('aria-label')?.split(':')[0] ?? ''}`);
    }
    this.canvas.dataset.highlighted = String(highlighted);
    this.canvas.dataset.zoomed = String(this.zoomed);
    this.canvas.dataset.selected = String(this.selected);
  }

  /** Node under a mouse event, or -1. */
  private nodeAt(ev: MouseEvent): number {
    if (!this.rects) return -1;
    const r = this.canvas.getBoundingClientRect();
    const k = hitTest(this.rects, ev.clientX - r.left, Math.floor((ev.clientY - r.top) / ROW_H));
    return k >= 0 ? this.rects.node[k] : -1;
  }

  private showTip(node: number, ev: MouseEvent): void {
    if (node < 0) {
      this.tip.hidden = true;
      return;
    }
    const lines = this.hooks.tooltip(node);
    while (this.tip.firstChild) this.tip.removeChild(this.tip.firstChild);
    lines.forEach((line, i) => {
      const d = document.createElement('div');
      d.className = i === 0 ? 'fg-tip-title' : 'fg-tip-line';
      d.textContent = line;
      this.tip.appendChild(d);
    });
    this.tip.hidden = false;
    const r = this.host.getBoundingClientRect();
    const x = ev.clientX - r.left + 14;
    const y = ev.clientY - r.top + 14;
    const maxX = this.host.clientWidth - this.tip.offsetWidth - 4;
    this.tip.style.left = `${Math.max(0, Math.min(x, maxX))}px`;
    this.tip.style.top = `${y + this.tip.offsetHeight > this.host.clientHeight ? Math.max(0, y - this.tip.offsetHeight - 20) : y}px`;
  }

  private bindInput(): void {
    const c = this.canvas;
    c.addEventListener('mousemove', (ev) => {
      if (this.drag) {
        const dx = ev.clientX - this.drag.x;
        const dy = ev.clientY - this.drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
        if (this.drag.moved) {
          const per = (this.drag.x1 - this.drag.x0) / Math.max(1, this.host.clientWidth);
          this.x0 = this.drag.x0 - dx * per;
          this.x1 = this.drag.x1 - dx * per;
          this.firstDepth = Math.max(0, this.drag.depth - Math.round(dy / ROW_H));
          this.tip.hidden = true;
          this.markMoving();
          this.requestRender();
          return;
        }
      }
      this.showTip(this.nodeAt(ev), ev);
    });
    c.addEventListener('mouseleave', () => {
      this.tip.hidden = true;
    });
    c.addEventListener('mousedown', (ev) => {
      if (ev.button !== 0) return;
      this.drag = { x: ev.clientX, y: ev.clientY, x0: this.x0, x1: this.x1, depth: this.firstDepth, moved: false };
    });
    window.addEventListener('mouseup', () => {
      setTimeout(() => {
        this.drag = null;
      }, 0);
    });
    c.addEventListener('click', (ev) => {
      if (this.drag?.moved) return;
      const node = this.nodeAt(ev);
      if (node < 0) return;
      if (ev.ctrlKey || ev.metaKey) {
        this.select(node);
        this.hooks.openSource(node);
        return;
      }
      this.select(node);
      void this.zoomTo(node);
    });
    c.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        const r = c.getBoundingClientRect();
        const x = scaleLinear().domain([this.x0, this.x1]).range([0, Math.max(1, r.width)]);
        const at = x.invert(ev.clientX - r.left);
        const fx = (at - this.x0) / (this.x1 - this.x0);
        const span = this.x1 - this.x0;
        const [d0, d1] = this.hooks.domain();
        if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
          const d = (ev.shiftKey ? ev.deltaY : ev.deltaX) * (span / Math.max(1, r.width));
          this.x0 += d;
          this.x1 += d;
        } else {
          const k = Math.exp(ev.deltaY * 0.002);
          const newSpan = Math.min(d1 - d0, Math.max((d1 - d0) * 1e-9, span * k));
          this.x0 = Math.max(d0, at - fx * newSpan);
          this.x1 = Math.min(d1, this.x0 + newSpan);
          this.x0 = this.x1 - newSpan;
        }
        this.markMoving();
        this.requestRender();
      },
      { passive: false },
    );
    c.addEventListener('keydown', (ev) => this.onKey(ev));
    c.addEventListener('focus', () => {
      if (this.selected < 0 && this.tree && this.tree.length > 0) this.select(this.zoomed >= 0 ? this.zoomed : 0);
    });
  }

  private onKey(ev: KeyboardEvent): void {
    const t = this.tree;
    if (!t || t.length === 0) return;
    let s = this.selected >= 0 ? this.selected : 0;
    const sibling = (dir: 1 | -1): number => {
      const p = this.parent[s];
      const first = p >= 0 ? p + 1 : 0;
      const end = p >= 0 ? p + t.size[p] : t.length;
      if (dir === 1) return s + t.size[s] < end ? s + t.size[s] : s;
      let prev = -1;
      for (let i = first; i < s; i += t.size[i]) prev = i;
      return prev >= 0 ? prev : s;
    };
    switch (ev.key) {
      case 'ArrowUp':
        if (this.parent[s] >= 0) s = this.parent[s];
        break;
      case 'ArrowDown':
        if (t.size[s] > 1) s = s + 1;
        break;
      case 'ArrowLeft':
        s = sibling(-1);
        break;
      case 'ArrowRight':
        s = sibling(1);
        break;
      case 'Enter':
        if (ev.ctrlKey || ev.metaKey) this.hooks.openSource(s);
        else void this.zoomTo(s);
        ev.preventDefault();
        return;
      case 'Escape':
        void this.resetZoom();
        ev.preventDefault();
        return;
      default:
        return;
    }
    ev.preventDefault();
    this.select(s);
    // Keep the selection on screen when it leaves the zoomed range.
    if (t.start[s] < this.x0 || t.start[s] + t.width[s] > this.x1) void this.zoomTo(s);
  }
}
