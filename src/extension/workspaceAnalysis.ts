// "Analyze Workspace Scripts": the UEVR rules over the workspace's .lua files, into the Problems panel.
import { readRegularTextFile } from '../core/io/safeRead';
import * as vscode from 'vscode';
import { analyzeFiles } from '../core/analyzer/analyze';
import { MarkerProbe, selectUevrScripts } from '../core/analyzer/scope';
import type { Finding } from '../core/analyzer/types';
import { readSettings } from './settings';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export interface WorkspaceAnalysisResult {
  files: number;
  findings: number;
  byCode: Record<string, number>;
}

/**
 * "Analyze Workspace Scripts": runs the UEVR rules over the UEVR scripts of the workspace (and the
 * libraries they require; other Lua, a Neovim config or a LÖVE game, gets nothing) as one set
 * (UEVR runs a game's scripts in one Lua state: globals are shared and requires resolve between
 * them) and lists the findings in the Problems panel. Files open in an editor are the language
 * server's (it re-analyzes them as they change), so they are left out here and dropped from this
 * list when opened: nothing is reported twice. When one closes, the server drops its diagnostics,
 * so the set is analyzed again (debounced) to take the file back.
 */
export class WorkspaceAnalysis implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('uevr-workspace');
  /** The texts of the last run, by uri; set once the user has asked for a workspace analysis. */
  private texts: Map<string, string> | undefined;
  private rerun: NodeJS.Timeout | undefined;
  private readonly subs = [
    vscode.workspace.onDidOpenTextDocument((d) => this.collection.delete(d.uri)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (!this.texts || d.languageId !== 'lua' || d.uri.scheme !== 'file') return;
      this.texts.set(d.uri.toString(), d.getText());
      clearTimeout(this.rerun);
      this.rerun = setTimeout(() => this.publish(), 500);
    }),
  ];

  async run(token?: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<WorkspaceAnalysisResult> {
    const uris = await vscode.workspace.findFiles('**/*.lua', '{**/node_modules/**,**/.git/**}', 10_000);
    const texts = new Map<string, string>();
    for (const u of uris) {
      if (token?.isCancellationRequested) break;
      // Skip what cannot be read (a broken link, a pipe or device named *.lua, a huge file) rather
      // than failing (or hanging) the whole run.
      const text = await readRegularTextFile(u.fsPath, { maxBytes: 5_000_000 }).catch(() => undefined);
      if (text !== undefined) texts.set(u.toString(), text);
    }
    progress?.report({ message: vscode.l10n.t('{0} files read', texts.size), increment: 50 });
    this.texts = texts;
    return this.publish();
  }

  private publish(): WorkspaceAnalysisResult {
    const all = this.texts ?? new Map<string, string>();
    const settings = readSettings();
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const scripts = selectUevrScripts([...all].map(([uri, text]) => ({ uri, text, path: vscode.Uri.parse(uri).fsPath })), settings.analyzerScope, roots, new MarkerProbe());
    const texts = new Map(scripts.map((f) => [f.uri, f.text] as const));
    const byUri = analyzeFiles([...texts].map(([uri, text]) => ({ uri, text })), { disabledRules: settings.disabledRules });
    // Documents VS Code has loaded are the language server's (it was told of them with didOpen).
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const result: WorkspaceAnalysisResult = { files: texts.size, findings: 0, byCode: {} };
    this.collection.clear();
    for (const [uri, all] of byUri) {
      // analyzer.disabledRules is a resource setting: each file follows its own folder's value.
      const disabled = readSettings(vscode.Uri.parse(uri)).disabledRules;
      const findings = all.filter((f) => !disabled.includes(f.code));
      result.findings += findings.length;
      for (const f of findings) result.byCode[f.code] = (result.byCode[f.code] ?? 0) + 1;
      if (!open.has(uri)) this.collection.set(vscode.Uri.parse(uri), findings.map(toDiagnostic));
    }
    return result;
  }

  dispose(): void {
    clearTimeout(this.rerun);
    this.collection.dispose();
    for (const s of this.subs) s.dispose();
  }
}

function toDiagnostic(f: Finding): vscode.Diagnostic {
  const r = f.range;
  const d = new vscode.Diagnostic(new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), f.message, SEVERITY[f.severity]);
  d.code = f.code;
  d.source = 'uevr';
  return d;
}
