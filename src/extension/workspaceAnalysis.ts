import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { analyze } from '../core/analyzer/analyze';
import type { Finding, RequireResolution } from '../core/analyzer/types';
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
 * "Analyze Workspace Scripts": runs the UEVR rules over every .lua file of the workspace and lists the
 * findings in the Problems panel. Files open in an editor are the language server's (it re-analyzes
 * them as they change), so they are left out here and dropped from this list when opened: nothing
 * is reported twice.
 */
export class WorkspaceAnalysis implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('uevr-workspace');
  /** How the last run resolved requires; set once the user has asked for a workspace analysis. */
  private lastResolve: ((name: string) => RequireResolution | undefined) | undefined;
  private readonly subs = [
    vscode.workspace.onDidOpenTextDocument((d) => this.collection.delete(d.uri)),
    // The language server drops a document's diagnostics when it closes: take the file back.
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (!this.lastResolve || d.languageId !== 'lua' || d.uri.scheme !== 'file') return;
      const findings = analyze(d.getText(), d.uri.toString(), { disabledRules: readSettings().disabledRules, resolveRequire: this.lastResolve });
      this.collection.set(d.uri, findings.map(toDiagnostic));
    }),
  ];

  async run(token?: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<WorkspaceAnalysisResult> {
    const settings = readSettings();
    const uris = await vscode.workspace.findFiles('**/*.lua', '{**/node_modules/**,**/.git/**}', 10_000);
    const texts = new Map<string, string>();
    for (const u of uris) {
      // Skip what cannot be read (a broken link) rather than failing the whole run.
      const text = await readFile(u.fsPath, 'utf8').catch(() => undefined);
      if (text !== undefined) texts.set(u.toString(), text);
    }
    const byName = new Map<string, string>();
    for (const u of texts.keys()) byName.set(u.split('/').pop()?.replace(/\.lua$/, '') ?? '', u);
    const resolveRequire = (name: string): RequireResolution | undefined => {
      const uri = byName.get(name.split(/[./]/).pop() ?? name);
      const text = uri ? texts.get(uri) : undefined;
      return uri && text !== undefined ? { uri, text } : undefined;
    };
    this.lastResolve = resolveRequire;
    // Documents VS Code has loaded are the language server's (it was told of them with didOpen).
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const result: WorkspaceAnalysisResult = { files: 0, findings: 0, byCode: {} };
    this.collection.clear();
    let done = 0;
    for (const [uri, text] of texts) {
      if (token?.isCancellationRequested) break;
      done++;
      const findings = analyze(text, uri, { disabledRules: settings.disabledRules, resolveRequire });
      result.files++;
      result.findings += findings.length;
      for (const f of findings) result.byCode[f.code] = (result.byCode[f.code] ?? 0) + 1;
      if (!open.has(uri)) this.collection.set(vscode.Uri.parse(uri), findings.map(toDiagnostic));
      if (done % 20 === 0) {
        progress?.report({ message: `${done} of ${texts.size} files`, increment: (20 / texts.size) * 100 });
        // Let the extension host breathe between batches: other extensions share its thread.
        await new Promise((r) => setImmediate(r));
      }
    }
    return result;
  }

  dispose(): void {
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
