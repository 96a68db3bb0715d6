// The differential flame graph of two profiles (model: diffProfiles). Node widths are before + after
// (so removed and added code both show, and children always fit inside their parent); colour is the
// change of self time: red got slower, blue got faster. Above it, a verdict and the biggest changes,
// per function and per line ("line 41: 1.20 → 0.050 ms/frame", model: diffLines).
import * as l10n from '@vscode/l10n';
import { biggestLineChanges, diffLines, diffProfiles, type LineDiff, type Profile, type ProfileDiff } from '../../../src/core/profile';
import { deltaHsl } from '../../../src/core/view/colors';
import { flameGraphSpans } from '../../../src/core/view/flameLayout';
import { formatMs, formatPercent } from '../../../src/core/view/format';
import { budgetMsAt } from '../../../src/core/budget';
import { matchFrames } from '../../../src/core/view/search';
import { readTheme } from '../theme';
import { clear, el } from '../dom';
import { FlameCanvas } from '../flameCanvas';
import type { ViewContext } from '../context';

export interface DiffInput {
  before: Profile;
  after: Profile;
  beforeLabel: string;
  afterLabel: string;
}

export class DiffView {
  readonly panel: HTMLElement;
  private readonly verdict: HTMLElement;
  private readonly changes: HTMLElement;
  readonly canvas: FlameCanvas;
  private diff: ProfileDiff | null = null;
  private lines: LineDiff | null = null;
  private input: DiffInput | null = null;
  private maxAbs = 0;
  private fills: string[] = [];
  private unit = (v: number): string => formatMs(v);

  constructor(private readonly ctx: () => ViewContext, parent: HTMLElement) {
    this.panel = el('section', 'fg-panel fg-panel-diff', undefined, parent);
    this.panel.setAttribute('role', 'tabpanel');
    this.verdict = el('div', 'fg-verdict', l10n.t('Compare two captures to see a differential flame graph.'), this.panel);
    this.changes = el('div', 'fg-changes', undefined, this.panel);
    const host = el('div', 'fg-canvas-host', undefined, this.panel);
    this.canvas = new FlameCanvas(
      host,
      {
        domain: () => [0, this.diff ? this.diff.tree.totalA[0] + this.diff.tree.totalB[0] : 1],
        label: (n) => (n === 0 ? l10n.t('all') : this.diff ? this.diff.functions.name[this.diff.tree.frame[n]] : ''),
        fill: (n) => this.fills[n] ?? '#888',
        dimFill: () => '#555',
        tooltip: (n) => this.tooltip(n),
        openSource: (n) => {
          const d = this.diff;
          if (!d || n === 0) return;
          this.ctx().openSource(d.functions.file[d.tree.frame[n]], 0);
        },
      },
      readTheme(),
      l10n.t('Differential flame graph: red is slower after, blue is faster'),
    );
  }

  get hasDiff(): boolean {
    return this.diff !== null;
  }

  setInput(input: DiffInput | null): void {
    this.input = input;
    this.diff = input ? diffProfiles(input.before, input.after) : null;
    this.lines = input ? diffLines(input.before, input.after) : null;
    this.update();
  }

  update(): void {
    const d = this.diff;
    clear(this.changes);
    if (!d || !this.input) {
      this.canvas.setTree(null, new Int32Array(0));
      return;
    }
    const c = this.ctx();
    const t = d.tree;
    const mpw = c.cost.msPerWeight;
    const unitName = d.normalisation === 'perFrame' ? 'ms/frame' : d.normalisation === 'perSecond' ? 'ms/s' : '%';
    this.unit =
      d.normalisation === 'share'
        ? (v) => formatPercent(100 * v)
        : (v) => `${formatMs(v * (mpw ?? 1))} ${mpw === null ? (d.normalisation === 'perFrame' ? 'samples/frame' : 'samples/s') : unitName}`;
    this.maxAbs = 0;
    for (let i = 1; i < t.length; i++) this.maxAbs = Math.max(this.maxAbs, Math.abs(t.deltaSelf[i]));
    this.fills = Array.from({ length: t.length }, (_, i) => {
      const [h, s, l] = deltaHsl(t.deltaSelf[i], this.maxAbs);
      return `hsl(${h} ${s}% ${l}%)`;
    });
    const before = t.totalA[0];
    const after = t.totalB[0];
    const pct = before > 0 ? (100 * (after - before)) / before : 0;
    const { beforeLabel, afterLabel } = this.input;
    let text = `${beforeLabel}: ${this.unit(before)} → ${afterLabel}: ${this.unit(after)} (${after >= before ? '+' : '−'}${this.unit(Math.abs(after - before))}, ${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%)`;
    if (d.normalisation === 'perFrame' && mpw !== null) {
      const v = (after - before) * mpw;
      text += v < 0 ? l10n.t(' · faster') : v > 0 ? l10n.t(' · slower') : l10n.t(' · unchanged');
      text += l10n.t(' · budget {0} ms', formatMs(budgetMsAt(c.settings.refreshRateHz)));
    }
    this.verdict.textContent = text;
    // Biggest changes by self time.
    const f = d.functions;
    const order = Array.from({ length: f.length }, (_, i) => i)
      .filter((i) => f.deltaSelf[i] !== 0)
      .sort((a, b) => Math.abs(f.deltaSelf[b]) - Math.abs(f.deltaSelf[a]) || a - b)
      .slice(0, 10);
    if (order.length > 0) {
      el('div', 'fg-detail-title', l10n.t('Biggest changes (self)'), this.changes);
      const table = el('table', 'fg-table fg-small', undefined, this.changes);
      const hr = el('tr', undefined, undefined, el('thead', undefined, undefined, table));
      for (const [i, h] of [l10n.t('Function'), l10n.t('Before'), l10n.t('After'), l10n.t('Δ self')].entries()) el('th', i === 0 ? undefined : 'fg-num', h, hr);
      const body = el('tbody', undefined, undefined, table);
      for (const i of order) {
        const tr = el('tr', f.deltaSelf[i] > 0 ? 'fg-worse' : 'fg-better', undefined, body);
        el('td', 'fg-fn', f.name[i], tr);
        el('td', 'fg-num', this.unit(f.selfA[i]), tr);
        el('td', 'fg-num', this.unit(f.selfB[i]), tr);
        el('td', 'fg-num', `${f.deltaSelf[i] > 0 ? '+' : '−'}${this.unit(Math.abs(f.deltaSelf[i]))}`, tr);
      }
    }
    this.renderLineChanges();
    this.canvas.setTheme(c.theme);
    this.canvas.setTree(flameGraphSpans({ ...t, total: sumArrays(t.totalA, t.totalB) }), t.parent);
    this.setSearch(c.query);
  }

  /**
   * The lines whose self time changed most: "line 41: 1.20 → 0.05 ms/frame". Ctrl/Cmd-click (or
   * Ctrl+Enter) opens the line. Only lines of source files.
   */
  private renderLineChanges(): void {
    const c = this.ctx();
    const d = this.lines;
    if (!d) return;
    const rows = biggestLineChanges(d, 10);
    if (rows.length === 0) return;
    // diffLines gives shares in percent; this.unit formats them from fractions, like the function diff.
    const unit = (v: number): string => this.unit(d.normalisation === 'share' ? v / 100 : v);
    el('div', 'fg-detail-title', l10n.t('Biggest changes per line (self)'), this.changes);
    const table = el('table', 'fg-table fg-small fg-line-changes', undefined, this.changes);
    const hr = el('tr', undefined, undefined, el('thead', undefined, undefined, table));
    for (const [i, h] of [l10n.t('Line'), l10n.t('Function'), l10n.t('Before → after'), l10n.t('Δ self')].entries()) el('th', i < 2 ? undefined : 'fg-num', h, hr);
    const body = el('tbody', undefined, undefined, table);
    for (const i of rows) {
      const file = d.file[i];
      const line = d.line[i];
      const delta = d.deltaSelf[i];
      const tr = el('tr', delta > 0 ? 'fg-worse' : 'fg-better', undefined, body);
      tr.tabIndex = 0;
      tr.title = l10n.t('{0}:{1} — Ctrl/Cmd-click: open this line', file, line);
      el('td', 'fg-fn', l10n.t('line {0}: {1} → {2}', line, unit(d.selfA[i]), unit(d.selfB[i])), tr);
      el('td', 'fg-fn', `${d.function[i]} ${baseName(file)}`, tr);
      el('td', 'fg-num', l10n.t('total {0} → {1}', unit(d.totalA[i]), unit(d.totalB[i])), tr);
      el('td', 'fg-num', `${delta > 0 ? '+' : '−'}${unit(Math.abs(delta))}`, tr);
      const open = (): void => c.openSource(file, line);
      tr.addEventListener('click', (ev) => {
        if (ev.ctrlKey || ev.metaKey) open();
      });
      tr.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) open();
      });
    }
  }

  setSearch(query: string): void {
    if (!this.diff) return;
    this.canvas.setMask(query.trim() ? matchFrames(this.diff.functions, query) : null);
  }

  show(): void {
    this.canvas.requestRender();
  }

  private tooltip(n: number): string[] {
    const d = this.diff;
    if (!d) return [];
    const t = d.tree;
    const lines = [n === 0 ? l10n.t('all') : d.functions.name[t.frame[n]]];
    if (n > 0 && d.functions.file[t.frame[n]]) lines.push(d.functions.file[t.frame[n]]);
    lines.push(l10n.t('self: {0} → {1} (Δ {2})', this.unit(t.selfA[n]), this.unit(t.selfB[n]), `${t.deltaSelf[n] >= 0 ? '+' : '−'}${this.unit(Math.abs(t.deltaSelf[n]))}`));
    lines.push(l10n.t('total: {0} → {1} (Δ {2})', this.unit(t.totalA[n]), this.unit(t.totalB[n]), `${t.deltaTotal[n] >= 0 ? '+' : '−'}${this.unit(Math.abs(t.deltaTotal[n]))}`));
    return lines;
  }
}

function baseName(file: string): string {
  return file.replace(/\\/g, '/').split('/').pop() ?? file;
}

function sumArrays(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}
