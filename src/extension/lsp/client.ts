// Starts the UEVR language server (dist/server.js) and exposes the capture notifications. The extension's
// activate() calls startLanguageClient once and keeps the client for sendCapture/clearCapture.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { MeasuredRecord } from '../../core/report/measured';
import type { PathMapping } from '../../core/scriptPaths';
import { CLEAR_CAPTURE, LOAD_CAPTURE, type LoadCaptureParams } from '../../core/lsp/messages';
import { currentSettings, resolvePathMappings } from '../settings';

export async function startLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const settings = currentSettings();
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'lua' },
      { scheme: 'untitled', language: 'lua' },
    ],
    // The server asks for the `uevrProfiler` section of each open file's workspace folder (workspace/configuration
    // with the file as scopeUri: the client answers it from workspace.getConfiguration(undefined, file), so
    // folder values of analyzer.disabledRules/include/exclude and pathMappings apply per folder). This makes the
    // client send didChangeConfiguration when the section changes in any scope; the server then asks again.
    // The initialization options below are the window's values, for the moment before the first answer.
    synchronize: { configurationSection: 'uevrProfiler' },
    initializationOptions: {
      uevrProfiler: {
        analyzer: { disabledRules: settings.disabledRules, include: settings.analyzerScope.include, exclude: settings.analyzerScope.exclude },
        pathMappings: settings.pathMappings,
      },
    },
    outputChannel: log,
    traceOutputChannel: log,
  };
  const client = new LanguageClient('uevrProfiler', 'UEVR Analyzer', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client.stop() });
  log.info('UEVR language server started');
  return client;
}

/** Loads measured costs into the editor: re-ranked findings, hotspots, hover and CodeLens, against the budget at `refreshRateHz`. */
export async function sendCapture(client: LanguageClient, records: MeasuredRecord[], refreshRateHz: number, pathMappings?: PathMapping[]): Promise<void> {
  const maps = resolvePathMappings(pathMappings ?? currentSettings().pathMappings);
  const params: LoadCaptureParams = { records, pathMappings: maps, refreshRateHz };
  await client.sendNotification(LOAD_CAPTURE, params);
}

/** Removes every measured annotation (diagnostics, hover numbers, CodeLens). */
export async function clearCapture(client: LanguageClient): Promise<void> {
  await client.sendNotification(CLEAR_CAPTURE);
}
