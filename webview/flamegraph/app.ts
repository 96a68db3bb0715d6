// The flame-graph webview app: header (title, summary, tabs, search), one panel per view, status line.
// It receives `profile` / `diff` / `settings` / `focus` messages, keeps the view state across
// hide/show through the host's setState, and never puts profile text into markup (textContent only).
import * as l10n from '@vscode/l10n';
import type { Profile, SampleFilter } from '../../src/core/profile';
import { buildCallTree, worstGameFrames } from '../../src/core/profile';
import { costContext, formatCount, formatMs, summaryLine, totalWeight } from '../../src/core/view/format';
import { DEFAULT_VIEW_STATE, type ToWebviewMessage, type ViewSettings, type ViewState, type ViewTab } from '../../src/core/view/messages';
import { el } from './dom';
import type { Host } from './host';
import { readTheme } from './theme';
import type { ViewContext } from './context';
import { ChartView } from './views/chartView';
import { DiffView } from './views/diffView';
import { FlameView } from './views/flameView';
import { FramesView } from './views/framesView';
import { SandwichView } from './views/sandwichView';

/** The tabs; a function because their names are translated (webview/l10n.ts loads the bundle first). */
const TABS = (): Array<{ id: ViewTab; label: string }> => [
  { id: 'flame', label: l10n.t('Flame Graph') },
  { id: 'chart', label: l10n.t('Flame Chart') },
  { id: 'frames', label: l10n.t('Frames') },
  { id: 'sandwich', label: l10n.t('Functions') },
  { id: 'diff', label: l10n.t('Diff') },
];

/** Whether any stack knows its current line (captures of format version 3 and later). */
function hasCurrentLines(profile: Profile): boolean {
  const line = profile.stacks.line;
  for (let i = 0; i < profile.stacks.length; i++) if (line[i] > 0) return true;
  return false;
}

export class App {
  private readonly titleEl: HTMLElement;
  private readonly summaryEl: HTMLElement;
  private readonly selectionEl: HTMLElement;
  private readonly clearSelection: HTMLButtonElement;
  private readonly byLineButton: HTMLButtonElement;
  private readonly search: HTMLInputElement;
  private readonly matchesEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly emptyEl: HTMLElement;
  private readonly main: HTMLElement;
  private readonly tabButtons = new Map<ViewTab, HTMLButtonElement>();
  readonly flame: FlameView;
  readonly chart: ChartView;
  readonly frames: FramesView;
  readonly sandwich: SandwichView;
  readonly diff: DiffView;
  private ctx: ViewContext | null = null;
  private state: ViewState;
  private searchTimer = 0;

  constructor(private readonly host: Host, root: HTMLElement) {
    const saved = host.getState();
    this.state = { ...DEFAULT_VIEW_STATE, ...(saved ?? {}) };
    const header = el('header', 'fg-header', undefined, root);
    this.titleEl = el('h1', 'fg-title', l10n.t('UEVR Flame Graph'), header);
    this.summaryEl = el('div', 'fg-summary', l10n.t('Loading profile…'), header);
    const bar = el('div', 'fg-bar', undefined, header);
    const tabs = el('div', 'fg-tabs', undefined, bar);
    tabs.setAttribute('role', 'tablist');
    for (const t of TABS()) {
      const b = el('button', 'fg-tab', t.label, tabs);
      b.type = 'button';
      b.setAttribute('role', 'tab');
      b.dataset.tab = t.id;
      b.addEventListener('click', () => this.setTab(t.id));
      this.tabButtons.set(t.id, b);
    }
    // Roving tab index: Tab reaches the selected tab, arrows move between the visible tabs.
    tabs.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight' && ev.key !== 'Home' && ev.key !== 'End') return;
      const visible = TABS().map((t) => t.id).filter((id) => !this.tabButtons.get(id)?.hidden);
      const at = visible.indexOf(this.state.tab);
      const next =
        ev.key === 'Home' ? 0 : ev.key === 'End' ? visible.length - 1 : (at + (ev.key === 'ArrowRight' ? 1 : -1) + visible.length) % visible.length;
      this.setTab(visible[next]);
      this.tabButtons.get(visible[next])?.focus();
      ev.preventDefault();
    });
    this.search = el('input', 'fg-search', undefined, bar);
    this.search.type = 'search';
    this.search.placeholder = l10n.t('Search functions and files (/)');
    this.search.setAttribute('aria-label', l10n.t('Search functions and files'));
    this.search.value = this.state.search;
    this.matchesEl = el('span', 'fg-matches', '', bar);
    this.matchesEl.setAttribute('aria-live', 'polite');
    const reset = el('button', 'fg-button', l10n.t('Reset zoom'), bar);
    reset.type = 'button';
    reset.addEventListener('click', () => this.resetZoom());
    // Group the flame graph and flame chart by function (default) or by function and current line.
    this.byLineButton = el('button', 'fg-button fg-by-line', l10n.t('By line'), bar);
    this.byLineButton.type = 'button';
    this.byLineButton.setAttribute('aria-pressed', String(this.state.byLine === true));
    this.byLineButton.addEventListener('click', () => this.setByLine(this.state.byLine !== true));
    this.selectionEl = el('span', 'fg-selection', '', bar);
    this.clearSelection = el('button', 'fg-button', l10n.t('All frames'), bar);
    this.clearSelection.type = 'button';
    this.clearSelection.hidden = true;
    this.clearSelection.addEventListener('click', () => this.selectFrames(null));

    this.main = el('main', 'fg-main', undefined, root);
    this.emptyEl = el('div', 'fg-empty', '', this.main);
    this.emptyEl.hidden = true;
    const getCtx = (): ViewContext => this.ctx as ViewContext;
    this.flame = new FlameView(getCtx, this.main);
    this.chart = new ChartView(getCtx, this.main);
    this.frames = new FramesView(getCtx, this.main);
    this.sandwich = new SandwichView(getCtx, this.main);
    this.diff = new DiffView(getCtx, this.main);
    this.statusEl = el('footer', 'fg-status', '', root);
    this.statusEl.setAttribute('aria-live', 'polite');
    this.showPanels(false);

    this.search.addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => this.applySearch(this.search.value), 120);
    });
    this.search.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        clearTimeout(this.searchTimer);
        this.applySearch(this.search.value);
      } else if (ev.key === 'Escape') {
        this.search.value = '';
        this.applySearch('');
        this.search.blur();
      }
    });
    window.addEventListener('keydown', (ev) => {
      const target = ev.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA');
      if (ev.key === '/' && !typing) {
        ev.preventDefault();
        this.search.focus();
        this.search.select();
      }
    });
    // Theme changes in VS Code swap the body's classes; re-read the colours then.
    new MutationObserver(() => this.retheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  handle(msg: ToWebviewMessage): void {
    const received = performance.now();
    try {
      switch (msg.type) {
        case 'profile':
          this.diff.setInput(null);
          this.load(msg.profile, msg.title, msg.settings, false);
          this.postRendered(received);
          break;
        case 'diff':
          this.load(msg.after, msg.title, msg.settings, true);
          this.diff.setInput({ before: msg.before, after: msg.after, beforeLabel: msg.beforeLabel ?? 'before', afterLabel: msg.afterLabel ?? 'after' });
          this.setTab('diff');
          this.postRendered(received);
          break;
        case 'settings':
          if (this.ctx) {
            this.ctx.settings = msg.settings;
            this.refresh();
          }
          break;
        case 'focus':
          this.focusFunction(msg.name, msg.tab === 'chart' || msg.tab === 'sandwich' ? msg.tab : 'flame');
          break;
        default:
          break;
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.status(l10n.t('Error: {0}', message));
      this.host.post({ type: 'error', message });
    }
  }

  private load(profile: Profile, title: string, settings: ViewSettings, isDiff: boolean): void {
    const app = this;
    const gfCount = profile.gameFrames?.length ?? 0;
    const range = this.state.frameRange && this.state.frameRange[1] < gfCount ? this.state.frameRange : null;
    const rows = !range && this.state.frameRows && this.state.frameRows.every((r) => r >= 0 && r < gfCount) ? this.state.frameRows : null;
    this.ctx = {
      profile,
      title,
      settings,
      filter: undefined,
      frameRange: range,
      cost: costContext(profile, settings),
      theme: readTheme(),
      host: this.host,
      state: this.state,
      query: this.state.search,
      saveState: () => app.saveState(),
      status: (t) => app.status(t),
      openSource: (file, line) => app.openSource(file, line),
      focusFunction: (name, tab) => app.focusFunction(name, tab),
      selectFrames: (r) => app.selectFrames(r),
      selectWorstFrames: (n) => app.selectWorstFrames(n),
      frameRows: null,
    };
    this.titleEl.textContent = title || profile.name || l10n.t('Profile');
    const lines = hasCurrentLines(profile);
    this.byLineButton.disabled = !lines;
    // Without current lines, grouping by line draws the same tree: show the toggle as off.
    this.byLineButton.setAttribute('aria-pressed', String(lines && this.state.byLine === true));
    this.byLineButton.title = lines
      ? l10n.t('Group frames by function and the line they were executing ("tick :12"), or by function')
      : l10n.t('This profile records no current lines (captures before format version 3 and most imports): frames group by function');
    this.tabButtons.get('diff')!.hidden = !isDiff;
    this.tabButtons.get('frames')!.hidden = gfCount === 0;
    const empty = profile.samples.length === 0 || !(totalWeight(profile) > 0);
    if (empty) {
      this.summaryEl.textContent = summaryLine(profile, settings);
      this.emptyEl.textContent = l10n.t('This profile is empty: it has no samples with weight, so there is nothing to draw.');
      this.emptyEl.hidden = false;
      this.showPanels(false);
      this.matchesEl.textContent = '';
      document.body.dataset.ready = 'empty';
      return;
    }
    this.emptyEl.hidden = true;
    performance.mark('uevr-tree-built');
    this.ctx.frameRows = rows && rows.length > 0 ? rows : null;
    this.applyRange(range);
    performance.mark('uevr-views-updated');
    let tab = this.state.tab;
    if (this.tabButtons.get(tab)?.hidden) tab = 'flame';
    this.setTab(tab);
    document.body.dataset.ready = 'true';
  }

  /** Recompute everything that depends on the selection or settings. */
  private refresh(): void {
    const c = this.ctx;
    if (!c) return;
    const gf = c.profile.gameFrames;
    const r = c.frameRange;
    let filter: SampleFilter | undefined;
    let frames = gf?.length ?? 0;
    const rows = c.frameRows;
    if (r && gf) {
      filter = { range: [gf.start[r[0]], gf.start[r[1]] + gf.duration[r[1]]] };
      frames = r[1] - r[0] + 1;
    } else if (rows && gf) {
      filter = { gameFrames: rows };
      frames = rows.length;
    }
    c.filter = filter;
    c.cost = costContext(c.profile, c.settings, frames);
    c.cost.totalWeight = buildCallTree(c.profile, filter).total[0];
    this.summaryEl.textContent = summaryLine(c.profile, c.settings);
    if (r && gf) {
      this.selectionEl.textContent =
        r[0] === r[1]
          ? l10n.t('Selected frame #{0} ({1} ms)', gf.index[r[0]], formatMs(gf.duration[r[0]]))
          : l10n.t('Selected frames #{0}–#{1} ({2})', gf.index[r[0]], gf.index[r[1]], formatCount(frames));
      this.clearSelection.hidden = false;
    } else if (rows && gf) {
      let sum = 0;
      for (const row of rows) sum += gf.duration[row];
      this.selectionEl.textContent = l10n.t('Selected the {0} worst frames ({1} ms on average)', formatCount(rows.length), formatMs(sum / rows.length));
      this.clearSelection.hidden = false;
    } else {
      this.selectionEl.textContent = '';
      this.clearSelection.hidden = true;
    }
    this.flame.update();
    this.chart.update();
    this.frames.update();
    this.sandwich.update();
    if (this.diff.hasDiff) this.diff.update();
    this.updateMatches();
  }

  private applyRange(range: [number, number] | null): void {
    if (!this.ctx) return;
    this.ctx.frameRange = range;
    if (range) this.ctx.frameRows = null;
    this.state.frameRange = range;
    this.state.frameRows = this.ctx.frameRows;
    this.refresh();
  }

  selectFrames(range: [number, number] | null): void {
    if (!this.ctx) return;
    this.state.flameZoomPath = [];
    this.state.chartRange = null;
    this.ctx.frameRows = null;
    this.applyRange(range);
    this.saveState();
  }

  selectWorstFrames(n: number): void {
    if (!this.ctx) return;
    const rows = Array.from(worstGameFrames(this.ctx.profile, n)).sort((a, b) => a - b);
    this.state.flameZoomPath = [];
    this.state.chartRange = null;
    this.ctx.frameRows = rows.length > 0 ? rows : null;
    this.applyRange(null);
    this.saveState();
  }

  /** Group the flame graph and flame chart by function+line (true) or by function; remembered in the state. */
  setByLine(on: boolean): void {
    this.state.byLine = on;
    this.state.flameZoomPath = [];
    this.state.chartRange = null;
    this.byLineButton.setAttribute('aria-pressed', String(on));
    this.saveState();
    if (!this.ctx || !this.emptyEl.hidden) return;
    this.flame.update();
    this.chart.update();
    this.updateMatches();
  }

  setTab(tab: ViewTab): void {
    this.state.tab = tab;
    this.byLineButton.hidden = tab !== 'flame' && tab !== 'chart';
    for (const [id, b] of this.tabButtons) {
      b.setAttribute('aria-selected', String(id === tab));
      b.tabIndex = id === tab ? 0 : -1;
    }
    document.body.dataset.tab = tab;
    this.showPanels(this.ctx !== null && this.emptyEl.hidden);
    this.saveState();
  }

  private showPanels(visible: boolean): void {
    const panels: Array<[ViewTab, { panel: HTMLElement; show(): void }]> = [
      ['flame', this.flame],
      ['chart', this.chart],
      ['frames', this.frames],
      ['sandwich', this.sandwich],
      ['diff', this.diff],
    ];
    for (const [id, v] of panels) {
      v.panel.hidden = !visible || id !== this.state.tab;
      if (!v.panel.hidden) v.show();
    }
  }

  private applySearch(q: string): void {
    this.state.search = q;
    if (this.ctx) {
      this.ctx.query = q;
      this.flame.setSearch(q);
      this.chart.setSearch(q);
      this.diff.setSearch(q);
      this.sandwich.render();
      this.updateMatches();
    }
    this.saveState();
  }

  private updateMatches(): void {
    const q = this.ctx?.query.trim() ?? '';
    this.matchesEl.textContent = q ? (this.flame.matches === 1 ? l10n.t('1 match') : l10n.t('{0} matches', formatCount(this.flame.matches))) : '';
  }

  private resetZoom(): void {
    if (this.state.tab === 'chart') void this.chart.canvas.resetZoom();
    else if (this.state.tab === 'diff') void this.diff.canvas.resetZoom();
    else void this.flame.canvas.resetZoom();
  }

  focusFunction(name: string, tab: 'flame' | 'chart' | 'sandwich' = 'flame'): void {
    this.search.value = name;
    this.applySearch(name);
    this.setTab(tab);
    if (tab === 'flame') this.flame.zoomToHeaviestMatch();
  }

  /** Tell the host when the first frame after a load is on screen: the canvases draw in the next
   *  animation frame, so the one after it has been presented. */
  private postRendered(received: number): void {
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const ms = performance.now() - received;
        document.body.dataset.renderedMs = ms.toFixed(0);
        this.host.post({ type: 'rendered', ms });
      }),
    );
  }

  private openSource(file: string, line: number): void {
    if (!file) {
      this.status(l10n.t('This frame has no source file.'));
      return;
    }
    this.status(`${file}:${line}`);
    if (!this.host.standalone) this.host.post({ type: 'openSource', file, line });
  }

  private status(text: string): void {
    this.statusEl.textContent = text;
  }

  private saveState(): void {
    this.host.setState(this.state);
  }

  private retheme(): void {
    if (!this.ctx) return;
    this.ctx.theme = readTheme();
    this.flame.canvas.setTheme(this.ctx.theme);
    this.chart.canvas.setTheme(this.ctx.theme);
    this.diff.canvas.setTheme(this.ctx.theme);
    this.frames.render();
  }
}
