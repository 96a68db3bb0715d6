// "Analyze Workspace Scripts": asks the language server (the one analyzer host) to analyse the
// workspace's UEVR scripts; it publishes the findings into the Problems panel. Here: which files
// (VS Code's search, with its excludes), progress and cancellation.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ANALYZE_WORKSPACE, type AnalyzeWorkspaceParams, type AnalyzeWorkspaceResult } from '../core/lsp/messages';
import { UserError } from './log';

export type WorkspaceAnalysisResult = AnalyzeWorkspaceResult;

export class WorkspaceAnalysis {
  constructor(private readonly client: Promise<LanguageClient | undefined>) {}

  async run(token?: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<WorkspaceAnalysisResult> {
    const client = await this.client;
    if (!client) throw new UserError(vscode.l10n.t('The UEVR language server is not running; see the UEVR Profiler log.'));
    const uris = await vscode.workspace.findFiles('**/*.lua', '{**/node_modules/**,**/.git/**}', 10_000, token);
    progress?.report({ message: vscode.l10n.t('{0} files', uris.length), increment: 20 });
    const params: AnalyzeWorkspaceParams = { files: uris.map((u) => u.toString()) };
    return client.sendRequest<AnalyzeWorkspaceResult>(ANALYZE_WORKSPACE, params, token);
  }
}
