// Ticks the "Get started" walkthrough's first step (open your mod's scripts) when a folder is open.
//
// Why not `onContext:workspaceFolderCount > 0` in package.json: VS Code 1.100's walkthrough service
// (src/vs/workbench/contrib/welcomeGettingStarted/browser/gettingStartedService.ts, registerDoneListeners)
// records an onContext completion event that already holds when the walkthrough is registered as "seen
// this session" without progressing the step, and progressByEvent ignores events already seen. A folder
// is open before the walkthrough registers (a folder change reloads the window), so that step never
// ticked. The context key below is false at registration and turns true afterwards, which VS Code does
// see as a change. Registration waits up to 5 s for an experiment lookup (the Promise.race in
// registerExtensionWalkthroughContributions) and runs after extension points are read, which is before
// activation: setting the key SETTLE_MS after activation is after registration.
import * as vscode from 'vscode';

export const FOLDER_OPEN_CONTEXT = 'uevrProfiler.folderOpen';
const SETTLE_MS = 8_000;

export function tickOpenFolderStep(context: vscode.ExtensionContext): void {
  const update = (): void => {
    void vscode.commands.executeCommand('setContext', FOLDER_OPEN_CONTEXT, (vscode.workspace.workspaceFolders?.length ?? 0) > 0);
  };
  const timer = setTimeout(() => {
    update();
    context.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders(update));
  }, SETTLE_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
}
