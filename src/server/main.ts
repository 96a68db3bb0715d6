// The UEVR language server (bundled to dist/server.js). Transport (stdio / IPC / socket) is whatever the
// client started it with: vscode-languageserver reads it from the command line.
// Analysis is debounced per document and runs off the request path: a keystroke never waits for it.
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

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = new AnalyzerService();
/** "Analyze Workspace Scripts": the files that are not open get their findings from here. */
const workspace = new WorkspaceAnalysis({
  scope: () => service.settings,
  disabledRules: () => service.settings.disabledRules,
  roots: () => service.workspaceRoots,
});
const timers = new Map<string, NodeJS.Timeout>();
let canRefreshLenses = false;

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
  for (const f of params.workspaceFolders ?? []) {
    try {
      service.workspaceRoots.push(fileURLToPath(f.uri));
    } catch {
      // non-file workspace folder: nothing to resolve from disk
    }
  }
  canRefreshLenses = !!params.capabilities.workspace?.codeLens?.refreshSupport;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'uevr-profiler-analyzer', version: '0.1.0' },
  };
});

connection.onDidChangeConfiguration((p) => {
  service.setSettings(settingsFrom(p.settings));
  republishAll();
});

documents.onDidOpen((e) => {
  service.open(e.document.uri, e.document.getText(), e.document.version);
  schedule(e.document.uri);
});
documents.onDidChangeContent((e) => schedule(e.document.uri));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  service.close(e.document.uri);
  // Back to the workspace run's findings (if it analysed this file), else nothing.
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: workspace.diagnosticsOf(e.document.uri) ?? [] });
});

/** Requests read the latest text (an edit may still be inside its debounce window). */
function sync(uri: string): void {
  const d = documents.get(uri);
  if (d && service.version(uri) !== d.version) service.open(uri, d.getText(), d.version);
}

/** A failing request answers "nothing" and logs why, instead of an error popup per keystroke. */
function guarded<T>(what: string, fallback: T, f: () => T): T {
  try {
    return f();
  } catch (e) {
    connection.console.error(`uevr: ${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return fallback;
  }
}

connection.onCodeAction((p) => guarded('code actions', [], () => {
  sync(p.textDocument.uri);
  return service.codeActions(p.textDocument.uri, p.range, p.context.only);
}));
connection.onHover((p) => guarded('hover', null, () => {
  sync(p.textDocument.uri);
  return service.hover(p.textDocument.uri, p.position);
}));
connection.onCodeLens((p) => guarded('code lens', [], () => {
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
  const { publish, result } = await workspace.run(files, () => token.isCancellationRequested);
  // Open documents are the live analysis's: their diagnostics stay as published.
  for (const [uri, diagnostics] of publish) if (!documents.get(uri)) connection.sendDiagnostics({ uri, diagnostics });
  return result;
});

documents.listen(connection);
connection.listen();
