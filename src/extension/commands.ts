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

/** The open dialog's filters; a function because its names are shown (vscode.l10n needs the running extension). */
export function profileFileFilters(): Record<string, string[]> {
  return {
    [vscode.l10n.t('Profiles and captures')]: ['uevrcap', 'json', 'cpuprofile', 'heapprofile', 'folded', 'collapsed', 'txt', 'prof', 'pprof', 'gz', 'log', 'callgrind'],
    [vscode.l10n.t('All files')]: ['*'],
  };
}

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
    [COMMANDS.attach]: vscode.l10n.t('Attaching to a session'),
    [COMMANDS.startCapture]: vscode.l10n.t('Capturing'),
    [COMMANDS.stopCapture]: vscode.l10n.t('Capturing'),
    [COMMANDS.captureNextSeconds]: vscode.l10n.t('Capturing'),
    [COMMANDS.openCapture]: vscode.l10n.t('Opening captures'),
    [COMMANDS.openInSpeedscope]: vscode.l10n.t('Opening in speedscope'),
    [COMMANDS.compareCaptures]: vscode.l10n.t('Comparing captures'),
    [COMMANDS.installAgent]: vscode.l10n.t('Installing the in-game agent'),
    [COMMANDS.uninstallAgent]: vscode.l10n.t('Uninstalling the in-game agent'),
    [COMMANDS.analyzeWorkspace]: vscode.l10n.t('Analyzing the workspace'),
    [COMMANDS.clearCapture]: vscode.l10n.t('Loading captures into the editor'),
    [COMMANDS.exportProfile]: vscode.l10n.t('Exporting'),
    [COMMANDS.exportReport]: vscode.l10n.t('Exporting a report'),
    [COMMANDS.showLog]: vscode.l10n.t('The log'),
    [COMMANDS.capturesOpen]: vscode.l10n.t('Opening a capture'),
    [COMMANDS.capturesRename]: vscode.l10n.t('Renaming a capture'),
    [COMMANDS.capturesDelete]: vscode.l10n.t('Deleting a capture'),
    [COMMANDS.capturesExport]: vscode.l10n.t('Exporting a capture'),
    [COMMANDS.capturesReveal]: vscode.l10n.t('Revealing a capture'),
    [COMMANDS.capturesCompareWithPrevious]: vscode.l10n.t('Comparing captures'),
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
          await showError(log, vscode.l10n.t('{0} failed', features[id]), err);
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
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: profileFileFilters(), title: vscode.l10n.t('Open a UEVR capture or a profile') });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  await vscode.commands.executeCommand('vscode.openWith', uri, FLAME_GRAPH_VIEW_TYPE);
  return uri;
}
