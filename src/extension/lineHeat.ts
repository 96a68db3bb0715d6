// Line heat: the measured cost of each line as a background tint and an after-text in the editor.
import * as vscode from 'vscode';
import type { MeasuredRecord } from '../core/report/measured';
import { DEFAULT_REFRESH_RATE, budgetMsAt, describeFrameCost, formatMs, formatShare } from '../core/budget';
import { resolveScriptPath, type PathMapping } from '../core/scriptPaths';
import { resolvePathMappings } from './settings';

/** Heat levels by share of the frame budget (total ms per frame of the line). */
const LEVELS = [
  { minShare: 0.1, alpha: 0.34 },
  { minShare: 0.03, alpha: 0.24 },
  { minShare: 0.01, alpha: 0.15 },
  { minShare: 0.002, alpha: 0.08 },
];

/**
 * The hover of a heated line: total and self per frame with their share of the budget, calls per
 * frame when the capture knows them (callbacks), and the top callers. Names come from the capture
 * (untrusted): added as plain text, never as Markdown.
 */
function heatHover(r: MeasuredRecord, refreshRateHz: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const where = r.inFunction ? vscode.l10n.t('UEVR line {0} in {1}', r.line, r.inFunction) : vscode.l10n.t('UEVR line {0}', r.line);
  md.appendText(`${where}: ${vscode.l10n.t('total {0}', describeFrameCost(r.totalMsPerFrame, refreshRateHz))}`);
  md.appendMarkdown('  \n');
  md.appendText(vscode.l10n.t('self {0} ms/frame ({1} of budget)', formatMs(r.selfMsPerFrame), formatShare(r.selfMsPerFrame, refreshRateHz)));
  if (r.callsPerFrame !== null) {
    md.appendMarkdown('  \n');
    md.appendText(vscode.l10n.t('{0} calls per frame', r.callsPerFrame.toFixed(r.callsPerFrame >= 10 ? 0 : 1)));
  }
  if (r.topCallers.length > 0) {
    md.appendMarkdown('  \n');
    md.appendText(vscode.l10n.t('top callers: {0}', r.topCallers.slice(0, 5).map((c) => `${c.name} ${formatMs(c.msPerFrame)} ms`).join(', ')));
  }
  return md;
}

/**
 * Line heat from a loaded capture: a background tint by share of the frame budget, an overview-ruler
 * mark, and the line's ms/frame after the code. Lines are matched to workspace files through the
 * path mappings (the game reports its own paths).
 */
export class LineHeat implements vscode.Disposable {
  private readonly types = LEVELS.map((l) =>
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: `rgba(230, 80, 40, ${l.alpha})`,
      overviewRulerColor: `rgba(230, 80, 40, ${Math.min(1, l.alpha * 2.5)})`,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em' },
    }),
  );
  /** Workspace file path → its measured lines. */
  private byFile = new Map<string, MeasuredRecord[]>();
  /** The rate in force for the loaded capture (set by the owner of the budget, frameBudget.ts). */
  private refreshRateHz: number = DEFAULT_REFRESH_RATE;
  private readonly subs: vscode.Disposable[];

  constructor() {
    this.subs = [vscode.window.onDidChangeVisibleTextEditors(() => this.render())];
  }

  /** Number of lines with heat in the visible editors (for tests and the status). */
  decoratedLines = 0;

  /** Bumped by every load and clear: a load that finishes after a later one (or a clear) is dropped. */
  private loads = 0;

  async load(records: MeasuredRecord[], mappings: PathMapping[], refreshRateHz: number): Promise<void> {
    const mine = ++this.loads;
    const files = (await vscode.workspace.findFiles('**/*.lua', '**/node_modules/**', 5000)).map((u) => u.fsPath);
    if (mine !== this.loads) return;
    this.refreshRateHz = refreshRateHz;
    const maps = resolvePathMappings(mappings);
    const resolved = new Map<string, string | undefined>();
    this.byFile = new Map();
    for (const r of records) {
      if (r.functionName) continue; // functions get CodeLens from the language server
      let target = resolved.get(r.file);
      if (!resolved.has(r.file)) resolved.set(r.file, (target = resolveScriptPath(r.file, maps, files)));
      if (!target) continue;
      const list = this.byFile.get(target) ?? [];
      list.push(r);
      this.byFile.set(target, list);
    }
    this.render();
  }

  /** The hover texts of a file's heat in the visible editors, by 1-based line (what the tests read). */
  hoversIn(fsPath: string): Map<number, string> {
    return this.hovers.get(fsPath) ?? new Map();
  }

  private hovers = new Map<string, Map<number, string>>();

  /** The heat of a 1-based line of a workspace file, as drawn: its hover text and after-text (for tests). */
  heatAt(fsPath: string, line: number): { hover: string; after: string } | undefined {
    const r = (this.byFile.get(fsPath) ?? []).find((x) => x.line === line);
    if (!r || !(r.totalMsPerFrame / budgetMsAt(this.refreshRateHz) >= LEVELS[LEVELS.length - 1].minShare)) return undefined;
    return { hover: heatHover(r, this.refreshRateHz).value, after: vscode.l10n.t('{0} ms/frame', formatMs(r.totalMsPerFrame)) };
  }

  clear(): void {
    this.loads++;
    this.byFile.clear();
    this.render();
  }

  get files(): string[] {
    return [...this.byFile.keys()];
  }

  private render(): void {
    let count = 0;
    const budget = budgetMsAt(this.refreshRateHz);
    this.hovers.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      const records = this.byFile.get(editor.document.uri.fsPath) ?? [];
      const buckets: vscode.DecorationOptions[][] = LEVELS.map(() => []);
      for (const r of records) {
        const share = r.totalMsPerFrame / budget;
        const level = LEVELS.findIndex((l) => share >= l.minShare);
        if (level < 0 || r.line < 1 || r.line > editor.document.lineCount) continue;
        const range = editor.document.lineAt(r.line - 1).range;
        const hover = heatHover(r, this.refreshRateHz);
        const inFile = this.hovers.get(editor.document.uri.fsPath) ?? new Map<number, string>();
        inFile.set(r.line, hover.value);
        this.hovers.set(editor.document.uri.fsPath, inFile);
        buckets[level].push({
          range,
          hoverMessage: hover,
          renderOptions: { after: { contentText: vscode.l10n.t('{0} ms/frame', formatMs(r.totalMsPerFrame)) } },
        });
        count++;
      }
      this.types.forEach((t, i) => editor.setDecorations(t, buckets[i]));
    }
    this.decoratedLines = count;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const t of this.types) t.dispose();
  }
}
