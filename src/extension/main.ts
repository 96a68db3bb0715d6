import * as vscode from 'vscode';
import { COMMANDS, registerCommands } from './commands';
import { DEBUG_TYPE, UevrConfigurationProvider } from './debug';
import { FlameGraphEditorProvider } from './flameGraphEditor';
import { readSettings, type Settings } from './settings';

/** What activate() returns: used by the integration tests, and by other extensions if they wish. */
export interface UevrProfilerApi {
  readonly log: vscode.LogOutputChannel;
  readonly flameGraphs: FlameGraphEditorProvider;
  readSettings(): Settings;
  readonly commands: readonly string[];
}

export async function activate(context: vscode.ExtensionContext): Promise<UevrProfilerApi> {
  const log = vscode.window.createOutputChannel('UEVR Profiler', { log: true });
  context.subscriptions.push(log);
  log.info(`UEVR Profiler ${context.extension.packageJSON.version} activating (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI)`);

  const flameGraphs = FlameGraphEditorProvider.register(context, log);
  context.subscriptions.push(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new UevrConfigurationProvider()));

  registerCommands(context, log, {});

  // Settings problems are reported once when they appear, not on every read.
  const reportSettings = (): void => {
    for (const p of readSettings().problems) {
      log.warn(p);
      void vscode.window.showWarningMessage(`UEVR Profiler: ${p}`);
    }
  };
  reportSettings();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('uevrProfiler')) reportSettings();
    }),
  );

  log.info('UEVR Profiler activated');
  return { log, flameGraphs, readSettings: () => readSettings(), commands: Object.values(COMMANDS) };
}

export function deactivate(): void {}
