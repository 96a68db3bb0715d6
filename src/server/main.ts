// The UEVR language server (bundled to dist/server.js). Transport (stdio / IPC / socket) is whatever the
// client started it with: vscode-languageserver reads it from the command line.
// Analysis is debounced per document and runs off the request path: a keystroke never waits for it.
// Settings: a client that can answer workspace/configuration (VS Code, Neovim, Helix) is asked for the
// `uevrProfiler` section of each document's workspace folder, so a multi-root workspace gets each folder's
// values; the initialization options and pushed settings are what applies where it answers nothing.
import {
  CodeActionKind, CodeLensRefreshRequest, ProposedFeatures, TextDocumentSyncKind, TextDocuments, createConnection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { AnalyzerService, FIX_ALL_KIND, type ServiceSettings } from './service';
import type { MeasuredRecord } from '../core/report/measured';
import type { PathMapping } from '../core/scriptPaths';
import { scopeSettingsFrom } from '../core/analyzer/scope';
import { ANALYZE_WORKSPACE, CLEAR_CAPTURE, LOAD_CAPTURE, SET_FRAME_BUDGET, rateIn } from '../core/lsp/messages';
import { WorkspaceAnalysis } from './workspaceAnalysis';
import { checkSetting } from '../core/settings';
const DEBOUNCE_MS = 200;
/** How long an analysis waits for the client's workspace/configuration answer before going on without it. */
const PULL_TIMEOUT_MS = 3_000;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = new AnalyzerService();
/** "Analyze Workspace Scripts": the files that are not open get their findings from here. */
const workspace = new WorkspaceAnalysis({
  scope: (uri) => service.settingsFor(uri),
  disabledRules: (uri) => service.settingsFor(uri).disabledRules,
  folderOf: (uri) => service.folderOf(uri),
  roots: () => service.workspaceRoots,
});
const timers = new Map<string, NodeJS.Timeout>();
let canRefreshLenses = false;
/** Does the client answer workspace/configuration? Then settings are pulled per workspace folder. */
let canPullSettings = false;
let canWatchFolders = false;
/** Pulls in flight or done, per folder (service.folderOf); cleared when the configuration changes. */
const pulled = new Map<string, Promise<void>>();

function settingsFrom(raw: unknown): Partial<ServiceSettings> {
  // Settings arrive as JSON from the client: check the shape instead of trusting it.
  const out: Partial<ServiceSettings> = {};
  const root = (raw && typeof raw === 'object' ? (raw as Record<string, unknown>).uevrProfiler ?? raw : {}) as Record<string, unknown>;
  const analyzer = root.analyzer as Record<string, unknown> | undefined;
  // Validated by the one settings schema (src/core/settings.ts), as the extension does: bad entries are dropped.
  const dr = analyzer?.disabledRules ?? root.disabledRules;
  if (Array.isArray(dr)) out.disabledRules = checkSetting('analyzer.disabledRules', dr).value as string[];
  Object.assign(out, scopeSettingsFrom(analyzer));
  const pm = root.pathMappings;
  if (Array.isArray(pm)) out.pathMappings = checkSetting('pathMappings', pm).value as PathMapping[];
  return out;
}

/**
 * Lets pending messages (a newer edit, a hover) run before the next step of an analysis. A short timer, not
 * setImmediate: vscode-jsonrpc dispatches a message read in the poll phase from its own setImmediate, which
 * would queue behind ours; a timer lets the loop read and dispatch first.
 */
const yieldToLoop = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/**
 * Analyses one document version in steps (sync the text, analyse, publish), yielding to the event loop
 * between them and abandoning the run as soon as the document moved past `version`: a stale analysis
 * never publishes, and requests and newer edits are served between the steps.
 */
async function analyseAndPublish(uri: string, version: number): Promise<void> {
  const current = (): boolean => documents.get(uri)?.version === version;
  try {
    await folderSettings(uri);
    await yieldToLoop();
    if (!current()) return;
    const d = documents.get(uri);
    if (d && service.version(uri) !== d.version) service.open(uri, d.getText(), d.version);
    await yieldToLoop();
    if (!current() || service.version(uri) !== version) return;
    const diagnostics = service.diagnostics(uri);
    await yieldToLoop();
    // The findings belong to `version` only if no request re-synced a newer text meanwhile.
    if (!current() || service.version(uri) !== version) return;
    connection.sendDiagnostics({ uri, version, diagnostics });
  } catch (e) {
    connection.console.error(`uevr: analysis of ${uri} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function schedule(uri: string): void {
  clearTimeout(timers.get(uri));
  timers.set(uri, setTimeout(() => {
    timers.delete(uri);
    const d = documents.get(uri);
    if (!d) return;
    void analyseAndPublish(uri, d.version);
  }, DEBOUNCE_MS));
}

function republishAll(): void {
  for (const uri of service.uris()) schedule(uri);
  if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
}

connection.onInitialize((params): InitializeResult => {
  service.setSettings(settingsFrom(params.initializationOptions));
  service.workspaceRoots = rootsOf(params.workspaceFolders ?? []);
  canRefreshLenses = !!params.capabilities.workspace?.codeLens?.refreshSupport;
  canPullSettings = !!params.capabilities.workspace?.configuration;
  canWatchFolders = !!params.capabilities.workspace?.workspaceFolders;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'uevr-profiler-analyzer', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (!canWatchFolders) return;
  // A folder added to (or removed from) a multi-root workspace: new roots, and its settings are pulled anew.
  connection.workspace.onDidChangeWorkspaceFolders((e) => {
    const removed = new Set(rootsOf(e.removed));
    service.workspaceRoots = [...service.workspaceRoots.filter((r) => !removed.has(r)), ...rootsOf(e.added).filter((r) => !service.workspaceRoots.includes(r))];
    forgetPulledSettings();
    republishAll();
  });
});

connection.onDidChangeConfiguration((p) => {
  // A client that pulls may send no settings here (LSP's pull model): then only the folders are re-read.
  service.setSettings(settingsFrom(p.settings));
  forgetPulledSettings();
  republishAll();
});

function rootsOf(folders: ReadonlyArray<{ uri: string }>): string[] {
  const out: string[] = [];
  for (const f of folders) {
    try {
      out.push(fileURLToPath(f.uri));
    } catch {
      // non-file workspace folder: nothing to resolve from disk
    }
  }
  return out;
}

function forgetPulledSettings(): void {
  pulled.clear();
}

function republishFolder(folder: string): void {
  for (const uri of service.uris()) if (service.folderOf(uri) === folder) schedule(uri);
}

/**
 * Makes the service hold the settings of this document's folder, asking the client once per folder
 * (scopeUri = the document: the client finds its folder). A client that answers null for the section
 * (Neovim when the user gave only init_options) leaves the window-wide settings in force.
 */
async function folderSettings(uri: string): Promise<void> {
  if (!canPullSettings) return;
  for (let attempt = 0; attempt < 5; attempt++) {
    const folder = service.folderOf(uri);
    let p = pulled.get(folder);
    if (!p) {
      let late = false;
      const answer = connection.workspace.getConfiguration({ scopeUri: uri, section: 'uevrProfiler' }).then(
        (value: unknown) => {
          // Dropped when the configuration changed while the answer was on its way: it may be stale.
          if (pulled.get(folder) !== mine) return;
          service.setFolderSettings(folder, value && typeof value === 'object' ? settingsFrom(value) : undefined);
          if (late) republishFolder(folder);
        },
        (e: unknown) => {
          connection.console.error(`uevr: workspace/configuration for ${uri} failed (the window-wide settings apply): ${e instanceof Error ? e.message : String(e)}`);
          if (pulled.get(folder) === mine) service.setFolderSettings(folder, undefined);
        },
      );
      // A client that never answers must not stop the analysis: after a while the window-wide settings
      // apply, and the folder's documents are analysed again if its answer comes later.
      const mine: Promise<void> = Promise.race([answer, new Promise<void>((r) => setTimeout(() => {
        late = true;
        r();
      }, PULL_TIMEOUT_MS).unref())]);
      p = mine;
      pulled.set(folder, p);
    }
    await p;
    // Still the current answer: the service holds it. Else the configuration changed meanwhile: ask again.
    if (pulled.get(folder) === p) return;
  }
}

/** The version each open document had when it opened: a different one at close means it was edited. */
const openedAt = new Map<string, number>();

documents.onDidOpen((e) => {
  openedAt.set(e.document.uri, e.document.version);
  service.open(e.document.uri, e.document.getText(), e.document.version);
  schedule(e.document.uri);
});
documents.onDidChangeContent((e) => schedule(e.document.uri));
documents.onDidClose((e) => {
  const uri = e.document.uri;
  clearTimeout(timers.get(uri));
  service.close(uri);
  // Back to the workspace run's findings (if it analysed this file), else nothing. A file edited while
  // open has other text now (a fixed issue would come back): its workspace findings wait for the next run.
  if (openedAt.get(uri) !== e.document.version) workspace.forget(uri);
  openedAt.delete(uri);
  connection.sendDiagnostics({ uri, diagnostics: workspace.diagnosticsOf(uri) ?? [] });
});

/** Requests read the latest text (an edit may still be inside its debounce window). */
function sync(uri: string): void {
  const d = documents.get(uri);
  if (d && service.version(uri) !== d.version) service.open(uri, d.getText(), d.version);
}

/**
 * A failing request answers "nothing" and logs why, instead of an error popup per keystroke. The
 * document's folder settings are in place before it runs.
 */
async function guarded<T>(what: string, uri: string, fallback: T, f: () => T): Promise<T> {
  try {
    await folderSettings(uri);
    return f();
  } catch (e) {
    connection.console.error(`uevr: ${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return fallback;
  }
}

connection.onCodeAction((p) => guarded('code actions', p.textDocument.uri, [], () => {
  sync(p.textDocument.uri);
  return service.codeActions(p.textDocument.uri, p.range, p.context.only);
}));
connection.onHover((p) => guarded('hover', p.textDocument.uri, null, () => {
  sync(p.textDocument.uri);
  return service.hover(p.textDocument.uri, p.position);
}));
connection.onCodeLens((p) => guarded('code lens', p.textDocument.uri, [], () => {
  sync(p.textDocument.uri);
  return service.codeLenses(p.textDocument.uri);
}));

connection.onNotification(LOAD_CAPTURE, (p: { records?: unknown; pathMappings?: unknown }) => {
  const records = Array.isArray(p?.records) ? (p.records as MeasuredRecord[]) : [];
  if (Array.isArray(p?.pathMappings)) service.setSettings(settingsFrom({ pathMappings: p.pathMappings }));
  service.loadCapture(records, rateIn(p));
  republishAll();
});
connection.onNotification(SET_FRAME_BUDGET, (p: unknown) => {
  service.setRefreshRate(rateIn(p));
  republishAll();
});
connection.onNotification(CLEAR_CAPTURE, () => {
  service.clearCapture();
  republishAll();
});

connection.onRequest(ANALYZE_WORKSPACE, async (p: unknown, token) => {
  const raw = p && typeof p === 'object' ? (p as Record<string, unknown>).files : undefined;
  const files = Array.isArray(raw) ? raw.filter((f): f is string => typeof f === 'string') : [];
  // Each folder's own settings (include/exclude/disabledRules), pulled as for an open document.
  const firstOfFolder = new Map<string, string>();
  for (const uri of files) if (!firstOfFolder.has(service.folderOf(uri))) firstOfFolder.set(service.folderOf(uri), uri);
  await Promise.all([...firstOfFolder.values()].map((uri) => folderSettings(uri)));
  const { publish, result } = await workspace.run(files, () => token.isCancellationRequested);
  // Open documents are the live analysis's: their diagnostics stay as published.
  for (const [uri, diagnostics] of publish) if (!documents.get(uri)) connection.sendDiagnostics({ uri, diagnostics });
  return result;
});

documents.listen(connection);
connection.listen();
