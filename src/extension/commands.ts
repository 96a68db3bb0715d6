// The command ids the manifest contributes, their registration with one error handling, and the
// file filters of the open dialogs.
import * as vscode from 'vscode';
import { FLAME_GRAPH_VIEW_TYPE } from './flameGraphEditor';
import { showError } from './log';

/** Every command the manifest contributes, so tests and activation can check they all exist. */
export const COMMANDS = {
  attach: 'uevrProfiler.attach',
  startCapture: 'uevrProfiler.startCapture',
  stopCapture: 'uevrProfiler.stopCapture',
  captureNextSeconds: 'uevrProfiler.captureNextSeconds',
  openCapture: 'uevrProfiler.openCapture',
  openInSpeedscope: 'uevrProfiler.openInSpeedscope',
  compareCaptures: 'uevrProfiler.compareCaptures',
  installAgent: 'uevrProfiler.installAgent',
  uninstallAgent: 'uevrProfiler.uninstallAgent',
  analyzeWorkspace: 'uevrProfiler.analyzeWorkspace',
  clearCapture: 'uevrProfiler.clearCapture',
  exportProfile: 'uevrProfiler.exportProfile',
  exportReport: 'uevrProfiler.exportReport',
  showLog: 'uevrProfiler.showLog',
  capturesOpen: 'uevrProfiler.captures.open',
  capturesRename: 'uevrProfiler.captures.rename',
  capturesDelete: 'uevrProfiler.captures.delete',
  capturesExport: 'uevrProfiler.captures.export',
  capturesReveal: 'uevrProfiler.captures.reveal',
  capturesCompareWithPrevious: 'uevrProfiler.captures.compareWithPrevious',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** What a command that is not built yet answers (and tells the user). */
export interface NotAvailable {
  available: false;
  feature: string;
}

export const PROFILE_FILE_FILTERS: Record<string, string[]> = {
  'Profiles and captures': ['uevrcap', 'json', 'cpuprofile', 'heapprofile', 'folded', 'collapsed', 'txt', 'prof', 'pprof', 'gz', 'log', 'callgrind'],
  'All files': ['*'],
};

type Handler = (...args: unknown[]) => unknown;

/**
 * Registers all commands. `handlers` supplies the ones that other parts of the extension implement;
 * any command without a handler says plainly that it is not available in this version, instead of
 * failing with "command not found".
 */
export function registerCommands(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, handlers: Partial<Record<CommandId, Handler>>): void {
  const builtin: Partial<Record<CommandId, Handler>> = {
    [COMMANDS.showLog]: () => log.show(true),
    [COMMANDS.openCapture]: (arg?: unknown) => openCapture(arg),
  };
  const features: Record<CommandId, string> = {
    [COMMANDS.attach]: 'Attaching to a session',
    [COMMANDS.startCapture]: 'Capturing',
    [COMMANDS.stopCapture]: 'Capturing',
    [COMMANDS.captureNextSeconds]: 'Capturing',
    [COMMANDS.openCapture]: 'Opening captures',
    [COMMANDS.openInSpeedscope]: 'Opening in speedscope',
    [COMMANDS.compareCaptures]: 'Comparing captures',
    [COMMANDS.installAgent]: 'Installing the in-game agent',
    [COMMANDS.uninstallAgent]: 'Uninstalling the in-game agent',
    [COMMANDS.analyzeWorkspace]: 'Analyzing the workspace',
    [COMMANDS.clearCapture]: 'Loading captures into the editor',
    [COMMANDS.exportProfile]: 'Exporting',
    [COMMANDS.exportReport]: 'Exporting a report',
    [COMMANDS.showLog]: 'The log',
    [COMMANDS.capturesOpen]: 'Opening a capture',
    [COMMANDS.capturesRename]: 'Renaming a capture',
    [COMMANDS.capturesDelete]: 'Deleting a capture',
    [COMMANDS.capturesExport]: 'Exporting a capture',
    [COMMANDS.capturesReveal]: 'Revealing a capture',
    [COMMANDS.capturesCompareWithPrevious]: 'Comparing captures',
  };
  for (const id of Object.values(COMMANDS)) {
    const handler = handlers[id] ?? builtin[id];
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        if (!handler) {
          const result: NotAvailable = { available: false, feature: features[id] };
          void vscode.window.showInformationMessage(vscode.l10n.t('UEVR Profiler: {0} is not available in this version yet.', features[id]));
          return result;
        }
        try {
          return await handler(...args);
        } catch (err) {
          if (err instanceof vscode.CancellationError) return undefined;
          await showError(log, `${features[id]} failed`, err);
          return undefined;
        }
      }),
    );
  }
}

/** Opens a profile file (from the explorer's context menu, an argument, or a file dialog) in the flame graph. */
async function openCapture(arg?: unknown): Promise<vscode.Uri | undefined> {
  let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: PROFILE_FILE_FILTERS, title: vscode.l10n.t('Open a UEVR capture or a profile') });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  await vscode.commands.executeCommand('vscode.openWith', uri, FLAME_GRAPH_VIEW_TYPE);
  return uri;
}
