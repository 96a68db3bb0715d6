// The functions table ("sandwich"): self and total per function, in ms per frame and % of budget
// when the profile has game frames; sortable, filtered by the search box. Selecting a function
// shows who calls it and what it calls (model: functionStats, callersAndCallees). A function row
// expands into its lines (functionLineStats: the sampled current lines, or the frames' own lines in
// captures without them); ctrl/cmd-click or Ctrl+Enter on a line row opens that exact line.
import * as l10n from '@vscode/l10n';
import { callersAndCallees, functionLineStats, functionStats, type FunctionStats, type Profile } from '../../../src/core/profile';
import { formatCost, formatCount, formatMs, formatPercent, perFrameMs } from '../../../src/core/view/format';
import type { SandwichSortKey } from '../../../src/core/view/messages';
import { clear, el } from '../dom';
import type { ViewContext } from '../context';

/** Rows rendered at most; the rest is one click of sorting or filtering away. */
const MAX_ROWS = 500;

/** The columns; a function because their headers are translated (webview/l10n.ts loads the bundle first). */
const COLUMNS = (): Array<{ key: SandwichSortKey; label: string; numeric: boolean }> => [
  { key: 'name', label: l10n.t('Function'), numeric: false },
  { key: 'self', label: l10n.t('Self'), numeric: true },
  { key: 'total', label: l10n.t('Total'), numeric: true },
  { key: 'selfPerFrame', label: l10n.t('Self ms/frame'), numeric: true },
  { key: 'totalPerFrame', label: l10n.t('Total ms/frame'), numeric: true },
  { key: 'budget', label: l10n.t('% of budget'), numeric: true },
  { key: 'samples', label: l10n.t('Samples'), numeric: true },
];

export class SandwichView {
  readonly panel: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly detail: HTMLElement;
  private readonly count: HTMLElement;
  private stats: FunctionStats | null = null;
  /** Functions (FunctionTable rows) expanded into their lines; kept while the profile is shown. */
  private readonly expanded = new Set<number>();
  private expandedFor: Profile | null = null;

  constructor(private readonly ctx: () => ViewContext, parent: HTMLElement) {
    this.panel = el('section', 'fg-panel fg-panel-sandwich', undefined, parent);
    this.panel.setAttribute('role', 'tabpanel');
    this.count = el('div', 'fg-note', '', this.panel);
    const wrap = el('div', 'fg-table-wrap', undefined, this.panel);
    this.table = el('table', 'fg-table', undefined, wrap);
    this.detail = el('div', 'fg-sandwich-detail', undefined, this.panel);
  }

  /** Data changed: recompute when the table is next shown (functionStats is a pass over all stacks). */
  update(): void {
    // Function ids belong to one profile: a new profile starts collapsed.
    const profile = this.ctx().profile;
    if (profile !== this.expandedFor) {
      this.expanded.clear();
      this.expandedFor = profile;
    }
    this.stats = null;
    if (!this.panel.hidden) this.render();
  }

  show(): void {
    this.render();
  }

  private value(fn: number, key: SandwichSortKey): number {
    const s = this.stats as FunctionStats;
    const cost = this.ctx().cost;
    switch (key) {
      case 'self':
        return s.self[fn];
      case 'total':
        return s.total[fn];
      case 'selfPerFrame':
      case 'budget':
        return perFrameMs(s.self[fn], cost) || s.self[fn];
      case 'totalPerFrame':
        return perFrameMs(s.total[fn], cost) || s.total[fn];
      case 'samples':
        return s.totalSamples[fn];
      default:
        return 0;
    }
  }

  render(): void {
    clear(this.table);
    if (this.panel.hidden) return;
    const c = this.ctx();
    if (!this.stats) this.stats = functionStats(c.profile, c.filter);
    const s = this.stats;
    const q = c.query.trim().toLowerCase();
    const fns = s.functions;
    let rows: number[] = [];
    for (let i = 0; i < fns.length; i++) {
      if (s.total[i] <= 0 && s.self[i] <= 0) continue;
      if (q && !fns.name[i].toLowerCase().includes(q) && !fns.file[i].toLowerCase().includes(q)) continue;
      rows.push(i);
    }
    const { sortKey, sortDescending } = c.state;
    const dir = sortDescending ? -1 : 1;
    if (sortKey === 'name') rows.sort((a, b) => dir * fns.name[a].localeCompare(fns.name[b]) || a - b);
    else rows.sort((a, b) => dir * (this.value(a, sortKey) - this.value(b, sortKey)) || a - b);
    const shown = rows.length;
    rows = rows.slice(0, MAX_ROWS);
    this.count.textContent =
      (q ? l10n.t('{0} functions matching “{1}”', formatCount(shown), c.query.trim()) : l10n.t('{0} functions', formatCount(shown))) +
      (shown > MAX_ROWS ? l10n.t(' · showing the first {0}', MAX_ROWS) : '');

    const head = el('thead', undefined, undefined, this.table);
    const hr = el('tr', undefined, undefined, head);
    for (const col of COLUMNS()) {
      const th = el('th', col.numeric ? 'fg-num' : undefined, undefined, hr);
      th.setAttribute('aria-sort', sortKey === col.key ? (sortDescending ? 'descending' : 'ascending') : 'none');
      const b = el('button', 'fg-sort', col.label + (sortKey === col.key ? (sortDescending ? ' ▼' : ' ▲') : ''), th);
      b.type = 'button';
      b.dataset.key = col.key;
      b.addEventListener('click', () => {
        if (c.state.sortKey === col.key) c.state.sortDescending = !c.state.sortDescending;
        else {
          c.state.sortKey = col.key;
          c.state.sortDescending = col.key !== 'name';
        }
        c.saveState();
        this.render();
      });
    }
    const body = el('tbody', undefined, undefined, this.table);
    const cost = c.cost;
    const perFrame = cost.frames > 0 && cost.msPerWeight !== null;
    const selfShare = (w: number): string =>
      perFrame ? formatPercent((100 * perFrameMs(w, cost)) / cost.budgetMs) : formatPercent((100 * w) / (s.weight || 1));
    for (const fn of rows) {
      const open = this.expanded.has(fn);
      const tr = el('tr', fn === c.state.sandwichFrame ? 'fg-selected' : undefined, undefined, body);
      tr.tabIndex = 0;
      tr.dataset.fn = String(fn);
      const name = el('td', 'fg-fn', undefined, tr);
      const toggle = el('button', 'fg-expand', open ? '▾' : '▸', name);
      toggle.type = 'button';
      toggle.tabIndex = -1;
      toggle.setAttribute('aria-expanded', String(open));
      toggle.setAttribute('aria-label', open ? l10n.t('Collapse the lines of {0}', fns.name[fn]) : l10n.t('Expand the lines of {0}', fns.name[fn]));
      toggle.title = open ? l10n.t('Hide the lines') : l10n.t('Show the lines of this function');
      toggle.addEventListener('click', (ev) => {
        ev.stopPropagation();
        this.setExpanded(fn, !open);
      });
      el('span', 'fg-fn-name', fns.name[fn], name);
      if (fns.file[fn]) el('span', 'fg-fn-loc', ` ${fns.file[fn]}:${fns.line[fn]}`, name);
      el('td', 'fg-num', this.weightText(s.self[fn]), tr);
      el('td', 'fg-num', this.weightText(s.total[fn]), tr);
      el('td', 'fg-num', perFrame ? formatMs(perFrameMs(s.self[fn], cost)) : '–', tr);
      el('td', 'fg-num', perFrame ? formatMs(perFrameMs(s.total[fn], cost)) : '–', tr);
      el('td', 'fg-num', selfShare(s.self[fn]), tr);
      el('td', 'fg-num', formatCount(s.totalSamples[fn]), tr);
      const pick = (open: boolean): void => {
        if (open && fns.file[fn]) c.openSource(fns.file[fn], fns.line[fn]);
        c.state.sandwichFrame = fn;
        c.saveState();
        this.render();
      };
      tr.addEventListener('click', (ev) => pick(ev.ctrlKey || ev.metaKey));
      tr.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') pick(ev.ctrlKey || ev.metaKey);
        else if (ev.key === 'ArrowRight' && !open) this.setExpanded(fn, true);
        else if (ev.key === 'ArrowLeft' && open) this.setExpanded(fn, false);
        else if (ev.key === 'ArrowDown') (tr.nextElementSibling as HTMLElement | null)?.focus();
        else if (ev.key === 'ArrowUp') (tr.previousElementSibling as HTMLElement | null)?.focus();
        else return;
        ev.preventDefault();
      });
      if (open) this.renderLines(body, fn, selfShare, perFrame);
    }
    this.renderDetail();
  }

  private setExpanded(fn: number, open: boolean): void {
    if (open) this.expanded.add(fn);
    else this.expanded.delete(fn);
    this.render();
    (this.table.querySelector(`tr[data-fn="${fn}"]`) as HTMLElement | null)?.focus();
  }

  /** The rows of one function's lines under its row: self/total, per frame, share of the budget. */
  private renderLines(body: HTMLElement, fn: number, share: (w: number) => string, perFrame: boolean): void {
    const c = this.ctx();
    const cost = c.cost;
    const fns = (this.stats as FunctionStats).functions;
    const rows = functionLineStats(c.profile, fn, c.filter);
    for (let i = 0; i < rows.length; i++) {
      const line = rows.line[i];
      if (rows.self[i] <= 0 && rows.total[i] <= 0) continue;
      const tr = el('tr', 'fg-line-row', undefined, body);
      tr.tabIndex = 0;
      tr.dataset.line = String(line);
      tr.title = fns.file[fn] && line > 0 ? l10n.t('Ctrl/Cmd-click or Ctrl+Enter: open this line') : '';
      el('td', 'fg-fn fg-line-name', line > 0 ? l10n.t('line {0}', line) : l10n.t('unknown line'), tr);
      el('td', 'fg-num', this.weightText(rows.self[i]), tr);
      el('td', 'fg-num', this.weightText(rows.total[i]), tr);
      el('td', 'fg-num', perFrame ? formatMs(perFrameMs(rows.self[i], cost)) : '–', tr);
      el('td', 'fg-num', perFrame ? formatMs(perFrameMs(rows.total[i], cost)) : '–', tr);
      el('td', 'fg-num', share(rows.self[i]), tr);
      el('td', 'fg-num', formatCount(rows.selfSamples[i]), tr);
      const open = (): void => {
        if (fns.file[fn] && line > 0) c.openSource(fns.file[fn], line);
      };
      tr.addEventListener('click', (ev) => {
        if (ev.ctrlKey || ev.metaKey) open();
      });
      tr.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) open();
        else if (ev.key === 'ArrowDown') (tr.nextElementSibling as HTMLElement | null)?.focus();
        else if (ev.key === 'ArrowUp') (tr.previousElementSibling as HTMLElement | null)?.focus();
        else return;
        ev.preventDefault();
      });
    }
  }

  private weightText(w: number): string {
    const cost = this.ctx().cost;
    return cost.msPerWeight !== null ? `${formatMs(w * cost.msPerWeight)} ms` : formatCount(w);
  }

  private renderDetail(): void {
    clear(this.detail);
    const s = this.stats;
    const c = this.ctx();
    const fn = c.state.sandwichFrame;
    if (!s || fn < 0 || fn >= s.functions.length) return;
    const sw = callersAndCallees(c.profile, fn, c.filter);
    const fns = s.functions;
    const head = el('div', 'fg-detail-head', undefined, this.detail);
    el('strong', undefined, fns.name[fn], head);
    el('span', undefined, l10n.t(' · self {0} · total {1}', formatCost(sw.self, c.cost), formatCost(sw.total, c.cost)), head);
    const show = el('button', 'fg-chip', l10n.t('Show in flame graph'), head);
    show.type = 'button';
    show.addEventListener('click', () => c.focusFunction(fns.name[fn], 'flame'));
    const lists = el('div', 'fg-detail-lists', undefined, this.detail);
    for (const [label, list] of [
      [l10n.t('Callers'), sw.callers],
      [l10n.t('Callees'), sw.callees],
    ] as const) {
      const box = el('div', 'fg-detail-list', undefined, lists);
      el('div', 'fg-detail-title', `${label} (${list.length})`, box);
      const t = el('table', 'fg-table fg-small', undefined, box);
      const body = el('tbody', undefined, undefined, t);
      for (const row of list.slice(0, 50)) {
        const tr = el('tr', undefined, undefined, body);
        tr.tabIndex = 0;
        el('td', 'fg-fn', row.fn < 0 ? l10n.t('(root)') : fns.name[row.fn], tr);
        el('td', 'fg-num', formatCost(row.total, c.cost), tr);
        if (row.fn >= 0) {
          const go = (): void => {
            c.state.sandwichFrame = row.fn;
            c.saveState();
            this.render();
          };
          tr.addEventListener('click', go);
          tr.addEventListener('keydown', (ev) => {
            if (ev.key === 'Enter') go();
          });
        }
      }
    }
  }
}
