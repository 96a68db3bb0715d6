// The extension's entry point: activate() wires the editors, views, commands, language client and
// live sessions together; the work itself lives in src/core.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CaptureStore } from '../core/history/captureStore';
import { CaptureCommands } from './captures/captureCommands';
import { CAPTURES_VIEW_ID, CapturesTreeProvider } from './captures/capturesTree';
import { COMMANDS, registerCommands } from './commands';
import { DEBUG_TYPE, UevrConfigurationProvider, type UevrAttachConfiguration } from './debug';
import { FLAME_GRAPH_VIEW_TYPE, FlameGraphEditorProvider, type LoadedProfileDocument } from './flameGraphEditor';
import { UevrDebugAdapterFactory } from './live/debugAdapter';
import { LiveViewProvider, LIVE_VIEW_ID } from './live/liveViewProvider';
import { resolveAttachTarget } from './live/picker';
import { liveFlows } from './live/flows';
import { SessionManager, type FinishedCapture } from './live/sessionManager';
import { openInSpeedscope } from './speedscope/speedscopePanel';
import { installAgentCommand, uninstallAgentCommand } from './agent/installCommand';
import { LineHeat } from './lineHeat';
import { WorkspaceAnalysis } from './workspaceAnalysis';
import { UserError } from './log';
import { clearCapture as clearServerCapture, sendCapture, startLanguageClient } from './lsp/client';
import { budgetForProfile, onDidChangeRefreshRate } from './frameBudget';
import type { FrameBudget } from '../core/budget';
import { recordsAtRate } from '../core/report/measured';
import { currentSettings, onDidChangeSettings, readSettings, type Settings } from './settings';
import { tickOpenFolderStep } from './walkthroughContext';

/** What activate() returns: used by the integration tests, and by other extensions if they wish. */
export interface UevrProfilerApi {
  readonly log: vscode.LogOutputChannel;
  readonly flameGraphs: FlameGraphEditorProvider;
  readonly sessions: SessionManager;
  readonly captures: CaptureCommands;
  readonly captureStore: CaptureStore;
  readonly liveView: LiveViewProvider;
  readonly lineHeat: LineHeat;
  /** The capture whose measured costs the editor shows, if any. */
  loadedCapture(): string | undefined;
  /** Resolves once the language server is running (undefined if it could not start). */
  readonly languageClient: Promise<unknown>;
  readSettings(): Settings;
  readonly commands: readonly string[];
}

export async function activate(context: vscode.ExtensionContext): Promise<UevrProfilerApi> {
  const log = mirrorLog(vscode.window.createOutputChannel('UEVR Profiler', { log: true }));
  context.subscriptions.push(log);
  log.info(`UEVR Profiler ${context.extension.packageJSON.version} activating (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI)`);

  const flameGraphs = FlameGraphEditorProvider.register(context, log);
  tickOpenFolderStep(context);

  // The language server (diagnostics, quick fixes, hovers) and the measured costs of the last loaded
  // profile: line heat here, re-ranked findings, hotspots, hover and CodeLens in the server.
  const languageClient = startLanguageClient(context, log).catch((err: unknown) => {
    log.error(`the UEVR language server did not start: ${String(err)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('UEVR Profiler: the script analyzer did not start; diagnostics and quick fixes are off. See the log.'), vscode.l10n.t('Show Log')).then((a) => {
      if (a) log.show(true);
    });
    return undefined;
  });
  const lineHeat = new LineHeat();
  const workspaceAnalysis = new WorkspaceAnalysis(languageClient);
  context.subscriptions.push(lineHeat);
  let loadedCapture: string | undefined;
  let loadedDoc: LoadedProfileDocument | undefined;
  let pushes = 0;
  // The loaded capture's measured costs at the rate in force, into line heat and the server. The rate is
  // read when pushing and only the latest push reaches the server, so a rate change while a capture loads
  // is not undone by the load's older rate; a profile without game frames is re-costed for the new rate
  // (its ms per frame are per 1/Hz of its duration).
  const pushMeasured = async (doc: LoadedProfileDocument): Promise<FrameBudget> => {
    const mine = ++pushes;
    const s = readSettings(doc.uri);
    const budget = budgetForProfile(doc.profile, doc.uri);
    const records = recordsAtRate(doc.records, doc.profile, doc.recordsHz, budget.refreshRateHz);
    await lineHeat.load(records, s.pathMappings, budget.refreshRateHz);
    const client = await languageClient;
    if (client && mine === pushes && loadedDoc === doc) await sendCapture(client, records, budget.refreshRateHz, s.pathMappings);
    return budget;
  };
  context.subscriptions.push(
    flameGraphs.onDidLoadProfile(async (doc) => {
      loadedCapture = doc.uri.fsPath;
      loadedDoc = doc;
      const budget = await pushMeasured(doc);
      log.info(`measured costs of ${doc.uri.fsPath} loaded into the editor (${doc.records.length} lines and functions, ${lineHeat.files.length} workspace files; ${budget.refreshRateHz} Hz from the ${budget.source})`);
    }),
    // A rate change reaches the editor's measured costs at once (the flame graph, live view and
    // compare panel listen themselves): line heat here, hovers, diagnostics and CodeLens in the server.
    onDidChangeRefreshRate(async () => {
      if (loadedDoc) await pushMeasured(loadedDoc);
    }),
  );

  // Live sessions: the manager, the debug type that drives it, the live view and the status bar.
  const sessions = new SessionManager(context, log);
  context.subscriptions.push(
    sessions,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new UevrConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new UevrDebugAdapterFactory(sessions, (config) => resolveAttachTarget(sessions, config))),
    sessions.onDidChangeSession((s) => void vscode.commands.executeCommand('setContext', 'uevrProfiler.attached', !!s && s.state !== 'disconnected')),
  );
  const liveView = new LiveViewProvider(context.extensionUri, sessions);
  context.subscriptions.push(liveView, vscode.window.registerWebviewViewProvider(LIVE_VIEW_ID, liveView));

  // Capture history, kept per workspace.
  const capturesFolder = join((context.storageUri ?? context.globalStorageUri).fsPath, 'captures');
  const captureStore = new CaptureStore(capturesFolder);
  const capturesTree = new CapturesTreeProvider(captureStore);
  const captures = new CaptureCommands(context.extensionUri, captureStore, capturesTree, flameGraphs);
  context.subscriptions.push(vscode.window.createTreeView(CAPTURES_VIEW_ID, { treeDataProvider: capturesTree, canSelectMany: true, showCollapseAll: false }));

  // A finished capture: into the history, open in the flame graph, and offer a before/after
  // comparison when the scripts were reset since the previous capture.
  context.subscriptions.push(
    sessions.onDidCapture(async (c: FinishedCapture) => {
      try {
        const uri = vscode.Uri.file(c.file);
        await vscode.commands.executeCommand('vscode.openWith', uri, FLAME_GRAPH_VIEW_TYPE);
        // The editor is parsing the capture already: the history waits for that parse, not a second one.
        const profile = await flameGraphs.documentFor(uri)?.loaded;
        const entry = await captures.record(c.file, c.game, c.session.generation, profile);
        const prev = captureStore.previous(entry.id);
        if (prev && prev.game === entry.game && prev.generation !== undefined && entry.generation !== undefined && prev.generation < entry.generation) {
          const pick = await vscode.window.showInformationMessage(vscode.l10n.t('UEVR: the scripts were reset since the previous capture. Compare before and after?'), vscode.l10n.t('Compare'));
          if (pick === vscode.l10n.t('Compare')) await captures.compare(entry);
        }
      } catch (err) {
        log.error(`after capture ${c.file}: ${String(err)}`);
      }
    }),
  );

  const { attach, captureFor } = liveFlows(sessions, capturesFolder);

  registerCommands(context, log, {
    [COMMANDS.attach]: (arg?: unknown) => attach(arg && typeof arg === 'object' ? (arg as Partial<UevrAttachConfiguration>) : undefined),
    [COMMANDS.startCapture]: async () => {
      if (!sessions.current) throw new UserError(vscode.l10n.t('Not attached to a UEVR session. Attach first.'), [vscode.l10n.t('Attach')]);
      void sessions.startCapture(0, capturesFolder).catch((err) => log.error(`capture: ${String(err)}`));
      return true;
    },
    [COMMANDS.stopCapture]: async () => (await sessions.stopCapture())?.file,
    [COMMANDS.captureNextSeconds]: (arg?: unknown) => captureFor(typeof arg === 'number' && arg > 0 ? arg : currentSettings().captureSeconds),
    [COMMANDS.compareCaptures]: (a?: unknown, b?: unknown) => captures.compare(a as never, b as never),
    [COMMANDS.exportProfile]: (arg?: unknown, format?: unknown, out?: unknown) => captures.export(arg as never, format as never, typeof out === 'string' ? out : undefined),
    [COMMANDS.openInSpeedscope]: async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : flameGraphs.activeDocument?.uri;
      if (!uri) throw new UserError(vscode.l10n.t('Open a capture or profile in the UEVR Flame Graph first, then run "Open in speedscope".'));
      return openInSpeedscope(context, uri);
    },
    [COMMANDS.exportReport]: (arg?: unknown, format?: unknown, out?: unknown) =>
      captures.exportReport(arg as never, format === 'html' || format === 'markdown' ? format : undefined, typeof out === 'string' ? out : undefined),
    [COMMANDS.installAgent]: (game?: unknown) => installAgentCommand(context, log, typeof game === 'string' ? game : undefined),
    [COMMANDS.uninstallAgent]: (game?: unknown) => uninstallAgentCommand(context, log, typeof game === 'string' ? game : undefined),
    [COMMANDS.analyzeWorkspace]: () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('UEVR: analyzing workspace scripts'), cancellable: true }, async (progress, token) => {
        const r = await workspaceAnalysis.run(token, progress);
        const top = Object.entries(r.byCode)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([c, n]) => `${c} ×${n}`)
          .join(', ');
        void vscode.window.showInformationMessage(vscode.l10n.t('UEVR: {0} findings in {1} scripts{2}. See the Problems panel.', r.findings, r.files, top ? ` (${top})` : ''));
        return r;
      }),
    [COMMANDS.clearCapture]: async () => {
      loadedCapture = undefined;
      loadedDoc = undefined;
      pushes++;
      lineHeat.clear();
      const client = await languageClient;
      if (client) await clearServerCapture(client);
      return true;
    },
    [COMMANDS.capturesOpen]: (e?: unknown) => captures.open(e as never),
    [COMMANDS.capturesRename]: (e?: unknown) => captures.rename(e as never),
    [COMMANDS.capturesDelete]: (e?: unknown) => captures.delete(e as never),
    [COMMANDS.capturesExport]: (e?: unknown) => captures.export(e as never),
    [COMMANDS.capturesReveal]: (e?: unknown) => captures.reveal(e as never),
    [COMMANDS.capturesCompareWithPrevious]: (e?: unknown) => captures.compare(e as never),
  });

  // Settings problems are reported once when they appear, not on every read.
  const reportSettings = (s: Settings): void => {
    for (const p of s.problems) {
      log.warn(p);
      void vscode.window.showWarningMessage(vscode.l10n.t('UEVR Profiler: {0}', p));
    }
  };
  reportSettings(currentSettings());
  context.subscriptions.push(onDidChangeSettings((e) => reportSettings(e.settings)));

  log.info('UEVR Profiler activated');
  return {
    log,
    flameGraphs,
    sessions,
    captures,
    captureStore,
    liveView,
    lineHeat,
    loadedCapture: () => loadedCapture,
    languageClient,
    readSettings: () => readSettings(),
    commands: Object.values(COMMANDS),
  };
}

export function deactivate(): void {}

/**
 * With UEVR_PROFILER_LOG_TO_CONSOLE=1 (the integration tests) every log line also goes to the
 * extension host's console, so a failing test run shows what the extension did.
 */
function mirrorLog(log: vscode.LogOutputChannel): vscode.LogOutputChannel {
  if (process.env.UEVR_PROFILER_LOG_TO_CONSOLE !== '1') return log;
  for (const level of ['trace', 'debug', 'info', 'warn', 'error'] as const) {
    const original = log[level].bind(log) as (message: string | Error, ...args: unknown[]) => void;
    (log as unknown as Record<string, unknown>)[level] = (message: string | Error, ...args: unknown[]) => {
      console.log(`[uevr-profiler ${level}] ${message instanceof Error ? (message.stack ?? message.message) : message}`);
      original(message, ...args);
    };
  }
  return log;
}
