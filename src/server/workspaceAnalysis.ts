// "Analyze Workspace Scripts" in the language server: the one analyzer host. The client names the
// workspace's .lua files (it knows VS Code's excludes); the server reads them, keeps the UEVR scripts
// (and the libraries they require; a Neovim config or a LÖVE game gets nothing), analyses them as one
// set (UEVR runs a game's scripts in one Lua state: globals are shared, requires resolve between them)
// and publishes the findings of the files that are not open. An open file is the server's own live
// analysis; when it closes, its workspace findings come back.
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { readRegularTextFile } from '../core/io/safeRead';
import { analyzeFiles } from '../core/analyzer/analyze';
import { MarkerProbe, selectUevrScripts, type ScopeSettings } from '../core/analyzer/scope';
import type { Finding, Severity } from '../core/analyzer/types';
import type { AnalyzeWorkspaceResult } from '../core/lsp/messages';

/** Files bigger than this are skipped (a script is never this big). */
const MAX_FILE_BYTES = 5_000_000;
const MAX_FILES = 10_000;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface WorkspaceSettingsSource {
  /** The scope settings (which files are UEVR scripts) of a file's workspace folder. */
  scope(uri: string): ScopeSettings;
  /** The workspace folder of a file (files of one folder are selected together, with its scope). */
  folderOf?(uri: string): string;
  /** The rules disabled for a file (its folder's value). */
  disabledRules(uri: string): string[];
  roots(): string[];
}

export class WorkspaceAnalysis {
  /** The last run's diagnostics by uri (every analysed file, open or not). */
  private diagnostics = new Map<string, Diagnostic[]>();

  constructor(private readonly settings: WorkspaceSettingsSource) {}

  /** Reads and analyses the named files; returns what to publish per uri (all analysed files) and the counts. */
  async run(uris: readonly string[], isCancelled: () => boolean = () => false): Promise<{ publish: Map<string, Diagnostic[]>; result: AnalyzeWorkspaceResult }> {
    const files: Array<{ uri: string; text: string; path: string }> = [];
    // The request comes over the wire: a file named twice is read, analysed and counted once.
    for (const uri of [...new Set(uris)].slice(0, MAX_FILES)) {
      if (isCancelled()) break;
      let path: string;
      try {
        path = fileURLToPath(uri);
      } catch {
        continue; // not a file: nothing to read
      }
      // Skip what cannot be read (a broken link, a pipe or device named *.lua, a huge file) rather
      // than failing (or hanging) the whole run.
      const text = await readRegularTextFile(path, { maxBytes: MAX_FILE_BYTES }).catch(() => undefined);
      // The editor drops a UTF-8 byte-order mark from the text it shows: positions must not count it.
      if (text !== undefined) files.push({ uri, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path });
    }
    // analyzer.include/exclude are resource settings: each folder's files are selected with its own
    // values (a script's required libraries are found within its folder).
    const byFolder = new Map<string, typeof files>();
    for (const f of files) {
      const folder = this.settings.folderOf?.(f.uri) ?? '';
      const list = byFolder.get(folder) ?? [];
      list.push(f);
      byFolder.set(folder, list);
    }
    const probe = new MarkerProbe();
    const scripts = [...byFolder.values()].flatMap((group) => selectUevrScripts(group, this.settings.scope(group[0].uri), this.settings.roots(), probe));
    const byUri = analyzeFiles(scripts.map((f) => ({ uri: f.uri, text: f.text })), { disabledRules: [] });
    const result: AnalyzeWorkspaceResult = { files: scripts.length, findings: 0, byCode: {} };
    const previous = this.diagnostics;
    this.diagnostics = new Map();
    for (const [uri, all] of byUri) {
      // analyzer.disabledRules is a resource setting: each file follows its own folder's value.
      const disabled = this.settings.disabledRules(uri);
      const findings = all.filter((f) => !disabled.includes(f.code));
      result.findings += findings.length;
      for (const f of findings) result.byCode[f.code] = (result.byCode[f.code] ?? 0) + 1;
      this.diagnostics.set(uri, findings.map(toDiagnostic));
    }
    // Files of the previous run that are no longer scripts (or gone) are cleared.
    const publish = new Map(this.diagnostics);
    for (const uri of previous.keys()) if (!publish.has(uri)) publish.set(uri, []);
    return { publish, result };
  }

  /** The workspace findings of a file (after it closed in the editor), or undefined when the last run did not analyse it. */
  diagnosticsOf(uri: string): Diagnostic[] | undefined {
    return this.diagnostics.get(uri);
  }

  /** Drops a file's workspace findings (it was edited in the editor: they describe text that is gone). */
  forget(uri: string): void {
    this.diagnostics.delete(uri);
  }
}

function toDiagnostic(f: Finding): Diagnostic {
  return { range: f.range, severity: SEVERITY[f.severity], code: f.code, source: 'uevr', message: f.message };
}
