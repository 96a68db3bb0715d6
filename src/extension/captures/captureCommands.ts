// The capture history's commands (open, rename, delete, export, reveal, compare) and a capture's
// shareable report (Markdown or HTML) with the analyzer's findings for the scripts it ran.
import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { readRegularTextFile } from '../../core/io/safeRead';
import { EXPORT_FORMATS, exportFileExtension, type ExportFormat } from '../../core/formats';
import type { CaptureEntry, CaptureStore } from '../../core/history/captureStore';
import type { Profile } from '../../core/profile/types';
import { analyzeFiles } from '../../core/analyzer/analyze';
import { renderHtmlReport, renderMarkdownReport, type ReportFinding } from '../../core/report/render';
import { summarizeProfile } from '../../core/report/summary';
import { resolveScriptPath } from '../../core/scriptPaths';
import { openComparison, type OpenComparison } from '../compare/comparePanel';
import { FLAME_GRAPH_VIEW_TYPE, type FlameGraphEditorProvider } from '../flameGraphEditor';
import { UserError } from '../log';
import { exportProfileFile, loadProfileFile } from '../profileLoader';
import { currentSettings, resolvePathMappings } from '../settings';
import { budgetForProfile } from '../frameBudget';
import type { CapturesTreeProvider } from './capturesTree';

type Target = CaptureEntry | vscode.Uri | string | undefined;

/** Capture history actions: open, rename, delete, export, reveal, compare. */
export class CaptureCommands {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: CaptureStore,
    private readonly tree: CapturesTreeProvider,
    private readonly flameGraphs: FlameGraphEditorProvider,
  ) {}

  /** Adds a finished capture file to the history, with its summary numbers. */
  async record(file: string, game: string, generation: number | undefined, profile?: Profile): Promise<CaptureEntry> {
    const p = profile ?? (await loadProfileFile(this.extensionUri, vscode.Uri.file(file)));
    const s = summarizeProfile(p, { refreshRateHz: budgetForProfile(p).refreshRateHz, top: 1 });
    const started = typeof p.meta.startedAt === 'string' ? p.meta.startedAt : new Date().toISOString();
    const entry = this.store.add({ file, game, date: started, seconds: s.seconds, frames: s.frames, samples: s.samples, scriptsMsPerFrame: s.scriptsMsPerFrame, generation });
    this.tree.refresh();
    return entry;
  }

  private entryOf(t: Target): CaptureEntry | undefined {
    if (!t) return undefined;
    if (typeof t === 'object' && 'id' in t) return t;
    const file = typeof t === 'string' ? t : t.fsPath;
    return this.store.list().find((e) => e.file === file);
  }

  private async pick(title: string, exclude?: string): Promise<CaptureEntry | undefined> {
    const items = this.store
      .list()
      .filter((e) => e.id !== exclude)
      .map((e) => ({ label: e.name, description: `${e.game} · ${new Date(e.date).toLocaleString()}`, entry: e }));
    if (items.length === 0) throw new UserError(vscode.l10n.t('There are no captures in this workspace yet. Attach to a session and capture first.'));
    return (await vscode.window.showQuickPick(items, { title }))?.entry;
  }

  async open(t: Target): Promise<void> {
    const e = this.entryOf(t) ?? (await this.pick(vscode.l10n.t('Open a capture')));
    if (e) await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(e.file), FLAME_GRAPH_VIEW_TYPE);
  }

  async rename(t: Target): Promise<CaptureEntry | undefined> {
    const e = this.entryOf(t) ?? (await this.pick(vscode.l10n.t('Rename a capture')));
    if (!e) return undefined;
    const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Rename capture'), value: e.name, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A name cannot be empty')) });
    if (name === undefined) return undefined;
    const renamed = this.store.rename(e.id, name);
    this.tree.refresh();
    return renamed;
  }

  async delete(t: Target, confirm = true): Promise<boolean> {
    const e = this.entryOf(t) ?? (await this.pick(vscode.l10n.t('Delete a capture')));
    if (!e) return false;
    if (confirm) {
      const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the capture "{0}"? Its file is removed from disk.', e.name), { modal: true }, vscode.l10n.t('Delete'));
      if (ok !== vscode.l10n.t('Delete')) return false;
    }
    this.store.delete(e.id);
    this.tree.refresh();
    return true;
  }

  async reveal(t: Target): Promise<void> {
    const e = this.entryOf(t) ?? (await this.pick(vscode.l10n.t('Reveal a capture')));
    if (e) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(e.file));
  }

  /** Exports a capture (or any profile file) to another format; `format`/`out` skip the questions. */
  async export(t: Target, format?: ExportFormat | 'html', out?: string): Promise<string | undefined> {
    const e = this.entryOf(t);
    const file = e?.file ?? (typeof t === 'string' ? t : t instanceof vscode.Uri ? t.fsPath : this.flameGraphs.activeDocument?.uri.fsPath);
    const source = file ?? (await this.pick(vscode.l10n.t('Export a capture')))?.file;
    if (!source) return undefined;
    if (!format) {
      const labels: Record<ExportFormat | 'html', string> = {
        speedscope: vscode.l10n.t('speedscope JSON (speedscope.app)'),
        chrome: vscode.l10n.t('Chrome trace (Perfetto, chrome://tracing)'),
        folded: vscode.l10n.t('Folded stacks (flamegraph.pl, inferno)'),
        cpuprofile: vscode.l10n.t('V8 .cpuprofile (Chrome DevTools, VS Code)'),
        html: vscode.l10n.t('Standalone HTML flame graph (opens offline)'),
      };
      const picked = await vscode.window.showQuickPick(
        [...EXPORT_FORMATS, 'html' as const].map((f) => ({ label: labels[f], format: f })),
        { title: vscode.l10n.t('Export {0}', basename(source)) },
      );
      if (!picked) return undefined;
      format = picked.format;
    }
    const ext = format === 'html' ? '.html' : exportFileExtension(format);
    if (!out) {
      const stem = basename(source).replace(/\.(uevrcap|json|cpuprofile|folded|collapsed|txt)$/i, '').replace(/\.speedscope$/, '');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? dirname(source);
      const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(join(folder, `${stem}${ext}`)), title: vscode.l10n.t('Export profile') });
      if (!uri) return undefined;
      out = uri.fsPath;
    }
    await exportProfileFile(this.extensionUri, vscode.Uri.file(source), { format, out, title: e?.name ?? basename(source), refreshRateHz: currentSettings().refreshRate });
    if (!existsSync(out)) throw new UserError(vscode.l10n.t('The export did not write {0}.', out));
    void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} to {1}.', basename(source), basename(out)), vscode.l10n.t('Reveal')).then((a) => {
      if (a === vscode.l10n.t('Reveal')) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(out as string));
    });
    return out;
  }

  /**
   * Writes a shareable report (Markdown or HTML) of a capture: summary, hotspots, charts, and the
   * analyzer's findings in the workspace scripts that the capture ran.
   */
  async exportReport(t: Target, format?: 'markdown' | 'html', out?: string): Promise<string | undefined> {
    const e = this.entryOf(t);
    const source = e?.file ?? (typeof t === 'string' ? t : t instanceof vscode.Uri ? t.fsPath : this.flameGraphs.activeDocument?.uri.fsPath) ?? (await this.pick(vscode.l10n.t('Report on a capture')))?.file;
    if (!source) return undefined;
    if (!format) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'Markdown', description: vscode.l10n.t('for a mod page, a forum post or a GitHub issue'), format: 'markdown' as const },
          { label: 'HTML', description: vscode.l10n.t('one self-contained page with charts'), format: 'html' as const },
        ],
        { title: vscode.l10n.t('Report format') },
      );
      if (!picked) return undefined;
      format = picked.format;
    }
    if (!out) {
      const stem = basename(source).replace(/\.[^.]+$/, '');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? dirname(source);
      const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(join(folder, `${stem}-report.${format === 'html' ? 'html' : 'md'}`)), title: vscode.l10n.t('Save report') });
      if (!uri) return undefined;
      out = uri.fsPath;
    }
    const settings = currentSettings();
    const doc = this.flameGraphs.activeDocument;
    const profile = doc?.uri.fsPath === source ? doc.profile : await loadProfileFile(this.extensionUri, vscode.Uri.file(source));
    const summary = summarizeProfile(profile, { refreshRateHz: budgetForProfile(profile).refreshRateHz });
    const findings = await this.findingsFor(profile, resolvePathMappings(settings.pathMappings), settings.disabledRules);
    const input = { summary, findings, generator: `UEVR Profiler ${vscode.extensions.getExtension('uevr-profiler.uevr-profiler')?.packageJSON.version ?? ''}`.trim() };
    writeFileSync(out, format === 'html' ? renderHtmlReport(input) : renderMarkdownReport(input));
    void vscode.window.showInformationMessage(vscode.l10n.t('Wrote the report {0}.', basename(out)), vscode.l10n.t('Open')).then((a) => {
      if (a === vscode.l10n.t('Open')) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(out as string));
    });
    return out;
  }

  /** Analyzer findings in the workspace files a profile's frames point at. */
  private async findingsFor(profile: Profile, mappings: { from: string; to: string }[], disabledRules: string[]): Promise<ReportFinding[]> {
    const workspaceLua = (await vscode.workspace.findFiles('**/*.lua', '**/node_modules/**', 5000)).map((u) => u.fsPath);
    const files = new Set<string>();
    for (const f of new Set(profile.frames.file)) {
      const hit = f ? resolveScriptPath(f, mappings, workspaceLua) : undefined;
      if (hit && existsSync(hit)) files.add(hit);
    }
    const out: ReportFinding[] = [];
    // Analyzed together, as UEVR runs them in one Lua state.
    // Regular files only, bounded, not on this thread: a *.lua pipe must not freeze the extension host.
    const inputs: { uri: string; text: string }[] = [];
    for (const file of files) {
      const text = await readRegularTextFile(file, { maxBytes: 5_000_000 }).catch(() => undefined);
      if (text !== undefined) inputs.push({ uri: vscode.Uri.file(file).toString(), text });
    }
    const byUri = analyzeFiles(inputs, { disabledRules });
    for (const [uri, findings] of byUri) {
      const file = vscode.Uri.parse(uri).fsPath;
      for (const f of findings) out.push({ file, line: f.range.start.line + 1, code: f.code, severity: f.severity, message: f.message });
    }
    const rank: Record<string, number> = { error: 0, warning: 1, information: 2, hint: 3 };
    return out.sort((a, b) => (rank[a.severity] ?? 9) - (rank[b.severity] ?? 9));
  }

  /**
   * Compares two captures. With one argument, compares it with the capture before it; with none,
   * asks for both (or uses the two selected in the tree).
   */
  async compare(a?: Target, b?: Target | Target[]): Promise<OpenComparison | undefined> {
    // The tree passes (clicked, selected[]) for multi-select.
    if (Array.isArray(b)) {
      const sel = b.map((x) => this.entryOf(x)).filter((x): x is CaptureEntry => !!x);
      if (sel.length === 2) [a, b] = [sel[0], sel[1]];
      else b = undefined;
    }
    let before: string | undefined;
    let after: string | undefined;
    const fileOf = (t: Target): string | undefined => this.entryOf(t)?.file ?? (typeof t === 'string' ? t : t instanceof vscode.Uri ? t.fsPath : undefined);
    if (a && b) {
      [before, after] = [fileOf(a), fileOf(b)];
      // Older first, so the delta reads as "what the change did".
      const ea = this.entryOf(a);
      const eb = this.entryOf(b as Target);
      if (ea && eb && ea.date > eb.date) [before, after] = [after, before];
    } else if (a) {
      const e = this.entryOf(a);
      const prev = e && this.store.previous(e.id);
      if (!e || !prev) throw new UserError(vscode.l10n.t('There is no earlier capture to compare this one with.'));
      [before, after] = [prev.file, e.file];
    } else {
      const first = await this.pick(vscode.l10n.t('Compare: the capture BEFORE the change'));
      if (!first) return undefined;
      const second = await this.pick(vscode.l10n.t('Compare: the capture AFTER the change'), first.id);
      if (!second) return undefined;
      [before, after] = [first.file, second.file];
    }
    if (!before || !after) throw new UserError(vscode.l10n.t('Pick two captures to compare.'));
    const [pb, pa] = [await loadProfileFile(this.extensionUri, vscode.Uri.file(before)), await loadProfileFile(this.extensionUri, vscode.Uri.file(after))];
    const label = (f: string): string => this.entryOf(f)?.name ?? basename(f);
    const opened = openComparison(this.extensionUri, { profile: pb, label: label(before) }, { profile: pa, label: label(after) }, (file, line) => void this.flameGraphs.openSource(file, line));
    void vscode.window.showInformationMessage(vscode.l10n.t('UEVR: {0}', opened.comparison.verdict));
    return opened;
  }
}
