// The language server's logic without the connection: documents in, diagnostics / code actions / hover /
// CodeLens out. main.ts wires it to LSP; the tests drive it directly.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeAction, CodeActionKind, DiagnosticSeverity, MarkupKind,
  type CodeLens, type Diagnostic, type Hover, type Position, type Range,
} from 'vscode-languageserver';
import { readSmallRegularFileSync } from '../core/io/safeRead';
import { DEFAULT_REFRESH_RATE, isKnownRate } from '../core/budget';
import { analyze, analyzeFiles, fixAll, fixKeepsSyntax } from '../core/analyzer/analyze';
import { API_COSTS, RULE_BY_CODE } from '../core/analyzer/catalog';
import {
  applyMeasured, byLine, hotspotFindings, lensTitle, measuredHover, recordMatchesUri,
  type MeasuredRecord, type PathMapping,
} from '../core/analyzer/measured';
import type { Finding, Severity } from '../core/analyzer/types';
import { DEFAULT_SCOPE, MarkerProbe, inScope, uevrScriptScope, usesUevrApi, type ScopeReason, type ScopeSettings } from '../core/analyzer/scope';
import { parse } from '../core/lua/parser';
import { LineIndex } from '../core/lua/positions';
import type { FunctionExpr } from '../core/lua/ast';
import { walk } from '../core/analyzer/syntax';

export const FIX_ALL_KIND = 'source.fixAll.uevr';
/** Files bigger than this are not read from disk to resolve `require` (a script is never this big). */
const MAX_REQUIRE_BYTES = 2_000_000;
/** Bounds of the workspace scan for files that require an open module. */
const MAX_WORKSPACE_FILES = 2_000;
const MAX_REQUIRERS = 20;
const LIST_TTL_MS = 5_000;

export interface ServiceSettings extends ScopeSettings {
  disabledRules: string[];
  pathMappings: PathMapping[];
}

interface DocState {
  uri: string;
  text: string;
  version: number;
  findings: Finding[] | null;
  lines: LineIndex;
  /** Is this document a UEVR script (analyzer/scope.ts)? Decided with its findings. */
  scope: ScopeReason | null;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export class AnalyzerService {
  private docs = new Map<string, DocState>();
  private records: MeasuredRecord[] = [];
  /** The rate in force for the loaded capture (the client resolves the precedence and sends it). */
  private refreshRateHz: number = DEFAULT_REFRESH_RATE;
  /** The window-wide settings (initialization options, pushed configuration): what a folder does not override. */
  settings: ServiceSettings = { disabledRules: [], pathMappings: [], ...DEFAULT_SCOPE };
  /**
   * Per workspace folder settings (key: folderOf), pulled by the connection with workspace/configuration.
   * A multi-root workspace can disable a rule or map paths in one folder only.
   */
  private folderSettings = new Map<string, Partial<ServiceSettings>>();
  workspaceRoots: string[] = [];
  private probe = new MarkerProbe();

  open(uri: string, text: string, version: number): void {
    this.docs.set(uri, { uri, text, version, findings: null, lines: new LineIndex(text), scope: null });
  }

  /**
   * Why the analyzer applies to this document, or 'none'/'excluded' when it does not: then it gets no
   * diagnostics (not even syntax errors), hovers, code actions or lenses. A library counts when a
   * workspace file that requires it is a UEVR script.
   */
  scope(uri: string): ScopeReason {
    const d = this.docs.get(uri);
    if (!d) return 'none';
    if (d.scope) return d.scope;
    let path: string | null = null;
    if (uri.startsWith('file:')) {
      try {
        path = fileURLToPath(uri);
      } catch {
        path = null;
      }
    }
    d.scope = uevrScriptScope({
      path, text: d.text,
      requiredByUevrScript: () => this.requirersOf(uri).some((r) => {
        let rp: string | null = null;
        try {
          rp = fileURLToPath(r.uri);
        } catch {
          return usesUevrApi(r.text);
        }
        return inScope(uevrScriptScope({ path: rp, text: r.text }, this.settingsFor(r.uri), this.workspaceRoots, this.probe));
      }),
    }, this.settingsFor(uri), this.workspaceRoots, this.probe);
    return d.scope;
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  uris(): string[] {
    return [...this.docs.keys()];
  }

  version(uri: string): number | undefined {
    return this.docs.get(uri)?.version;
  }

  setSettings(s: Partial<ServiceSettings>): void {
    this.settings = { ...this.settings, ...s };
    this.invalidate(() => true);
  }

  /**
   * The workspace folder a document belongs to: the path of the innermost workspace root holding it, or
   * '' (untitled documents, files outside every folder). Settings are kept per folder under this key.
   */
  folderOf(uri: string): string {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      return '';
    }
    const fold = (p: string): string => (process.platform === 'win32' ? p.toLowerCase() : p);
    const p = fold(path);
    let best = '';
    for (const r of this.workspaceRoots) {
      const root = fold(r).replace(/[\\/]+$/, '');
      if ((p === root || p.startsWith(root + sep) || p.startsWith(root + '/')) && r.length > best.length) best = r;
    }
    return best;
  }

  /** A folder's own settings (undefined: it has none, the window-wide ones apply). Re-analyses its documents. */
  setFolderSettings(folder: string, s: Partial<ServiceSettings> | undefined): void {
    if (s) this.folderSettings.set(folder, s);
    else this.folderSettings.delete(folder);
    // A library's scope depends on its requirers' settings, which may live in another folder: re-decide all scopes.
    for (const d of this.docs.values()) d.scope = null;
    this.invalidate((uri) => this.folderOf(uri) === folder);
  }

  /** The settings that apply to a document: its folder's, over the window-wide ones. */
  settingsFor(uri: string): ServiceSettings {
    const own = this.folderSettings.get(this.folderOf(uri));
    return own ? { ...this.settings, ...own } : this.settings;
  }

  private invalidate(which: (uri: string) => boolean): void {
    for (const d of this.docs.values()) {
      if (!which(d.uri)) continue;
      d.findings = null;
      d.scope = null;
    }
  }

  /** A new rate in force: measured findings, hovers and CodeLens re-word their costs against its budget. */
  setRefreshRate(hz: number | undefined): void {
    const next = isKnownRate(hz) ? hz : DEFAULT_REFRESH_RATE;
    if (next === this.refreshRateHz) return;
    this.refreshRateHz = next;
    for (const d of this.docs.values()) d.findings = null;
  }

  get budgetRefreshRateHz(): number {
    return this.refreshRateHz;
  }

  loadCapture(records: MeasuredRecord[], refreshRateHz?: number): void {
    this.refreshRateHz = isKnownRate(refreshRateHz) ? refreshRateHz : DEFAULT_REFRESH_RATE;
    // Records come over the wire from the extension: keep well-formed ones, coerce numbers, never throw.
    const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
    // null (or anything not a number) means "not measured": calls of sampled functions, p95 without frames.
    const opt = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : null);
    this.records = (Array.isArray(records) ? records : [])
      .filter((r) => r && typeof r === 'object' && typeof r.file === 'string' && Number.isInteger(r.line) && r.line > 0)
      .map((r) => ({
        ...r,
        selfMsPerFrame: num(r.selfMsPerFrame), totalMsPerFrame: num(r.totalMsPerFrame), callsPerFrame: opt(r.callsPerFrame),
        p95Ms: opt(r.p95Ms),
        topCallers: Array.isArray(r.topCallers) ? r.topCallers.filter((c) => c && typeof c.name === 'string').map((c) => ({ name: c.name, msPerFrame: num(c.msPerFrame) })) : [],
        functionName: typeof r.functionName === 'string' ? r.functionName : undefined,
        inFunction: typeof r.inFunction === 'string' ? r.inFunction : undefined,
      }));
    for (const d of this.docs.values()) d.findings = null;
  }

  clearCapture(): void {
    this.loadCapture([]);
  }

  get hasCapture(): boolean {
    return this.records.length > 0;
  }

  private recordsFor(uri: string): MeasuredRecord[] {
    if (this.records.length === 0) return [];
    // ${workspaceFolder} is the document's own folder (the first one for a file outside every folder).
    const root = this.folderOf(uri) || (this.workspaceRoots[0] ?? '');
    const maps = this.settingsFor(uri).pathMappings.map((m) => ({ from: m.from, to: m.to.replace(/\$\{workspaceFolder\}/g, root) }));
    const others = this.uris().filter((u) => u !== uri);
    return this.records.filter((r) => recordMatchesUri(r.file, uri, maps, others));
  }

  /** Resolves require("a.b") to an open document or a file next to the requiring one / in a workspace root. */
  private resolveRequire = (name: string, fromUri: string): { uri: string; text: string } | undefined => {
    if (!/^[\w.\-/]+$/.test(name)) return undefined;
    const rel = name.replace(/\./g, '/') + '.lua';
    const dirs: string[] = [];
    if (fromUri.startsWith('file:')) {
      try {
        dirs.push(dirname(fileURLToPath(fromUri)));
      } catch {
        // not a local file
      }
    }
    dirs.push(...this.workspaceRoots);
    for (const d of dirs) {
      for (const p of [join(d, rel), join(d, 'scripts', rel)]) {
        const uri = pathToFileURL(p).href;
        const open = this.docs.get(uri);
        if (open) return { uri, text: open.text };
        try {
          // Regular files only (a pipe named *.lua would block the server forever), bounded.
          if (existsSync(p)) return { uri, text: readSmallRegularFileSync(p, MAX_REQUIRE_BYTES).toString('utf8') };
        } catch {
          // unreadable: treat as absent
        }
      }
    }
    return undefined;
  };

  // ---- workspace files that require a document (hot-path inference in the reverse direction) ----
  private fileCache = new Map<string, { mtimeMs: number; size: number; text: string }>();
  private listCache: { at: number; files: string[] } | null = null;

  /** *.lua files under the workspace roots (bounded; refreshed every few seconds). */
  private workspaceLuaFiles(): string[] {
    const now = Date.now();
    if (this.listCache && now - this.listCache.at < LIST_TTL_MS) return this.listCache.files;
    const files: string[] = [];
    const visit = (dir: string, depth: number): void => {
      if (depth > 6 || files.length >= MAX_WORKSPACE_FILES) return;
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const n of names) {
        if (n.startsWith('.') || n === 'node_modules' || files.length >= MAX_WORKSPACE_FILES) continue;
        const p = join(dir, n);
        try {
          const st = statSync(p);
          if (st.isDirectory()) visit(p, depth + 1);
          else if (n.endsWith('.lua') && st.size <= MAX_REQUIRE_BYTES) files.push(p);
        } catch {
          // vanished or unreadable
        }
      }
    };
    for (const r of this.workspaceRoots) visit(r, 0);
    this.listCache = { at: now, files };
    return files;
  }

  private readCached(p: string): string | undefined {
    try {
      const st = statSync(p);
      const c = this.fileCache.get(p);
      if (c && c.mtimeMs === st.mtimeMs && c.size === st.size) return c.text;
      const text = readSmallRegularFileSync(p, MAX_REQUIRE_BYTES).toString('utf8');
      this.fileCache.set(p, { mtimeMs: st.mtimeMs, size: st.size, text });
      return text;
    } catch {
      return undefined;
    }
  }

  private requirerPaths = new Map<string, { at: number; paths: string[] }>();

  /** Workspace files that `require` this document's module (open documents win over disk). */
  private requirersOf(uri: string): { uri: string; text: string }[] {
    if (!uri.startsWith('file:') || this.workspaceRoots.length === 0) return [];
    // The scan reads every workspace script: done at most every few seconds per document, not per keystroke.
    const known = this.requirerPaths.get(uri);
    if (known && Date.now() - known.at < LIST_TTL_MS) {
      return known.paths.flatMap((p) => {
        const u = pathToFileURL(p).href;
        const text = this.docs.get(u)?.text ?? this.readCached(p);
        return text === undefined ? [] : [{ uri: u, text }];
      });
    }
    let self: string;
    try {
      self = fileURLToPath(uri);
    } catch {
      return [];
    }
    const base = basename(self, '.lua').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`require\\s*\\(?\\s*["']([^"']*[./])?${base}["']`);
    const out: { uri: string; text: string }[] = [];
    for (const p of this.workspaceLuaFiles()) {
      if (p === self || out.length >= MAX_REQUIRERS) continue;
      const u = pathToFileURL(p).href;
      const text = this.docs.get(u)?.text ?? this.readCached(p);
      if (text !== undefined && re.test(text)) out.push({ uri: u, text });
    }
    this.requirerPaths.set(uri, { at: Date.now(), paths: out.map((x) => fileURLToPath(x.uri)) });
    return out;
  }

  findings(uri: string): Finding[] {
    const d = this.docs.get(uri);
    if (!d) return [];
    if (!inScope(this.scope(uri))) return [];
    if (!d.findings) {
      const { disabledRules } = this.settingsFor(uri);
      const requirers = this.requirersOf(uri);
      let f = requirers.length
        // A module used by other scripts: analyse it with them, so functions they call every frame are hot.
        ? analyzeFiles([{ uri, text: d.text }, ...requirers], { disabledRules, resolveRequire: this.resolveRequire }).get(uri) ?? []
        : analyze(d.text, uri, { disabledRules, resolveRequire: this.resolveRequire, incremental: true });
      const recs = this.recordsFor(uri);
      if (recs.length) {
        f = applyMeasured(f, recs, this.refreshRateHz);
        const hs = hotspotFindings(recs, (l) => d.lines.range(d.lines.starts[l] ?? d.text.length, (d.lines.starts[l] ?? d.text.length) + d.lines.lineText(l).length), this.refreshRateHz);
        f = [...f, ...hs.filter((h) => !disabledRules.includes(h.code))];
      }
      d.findings = f;
    }
    return d.findings;
  }

  diagnostics(uri: string): Diagnostic[] {
    return this.findings(uri).map((f) => ({
      range: f.range,
      severity: SEVERITY[f.severity],
      code: f.code,
      source: 'uevr',
      message: f.message,
    }));
  }

  codeActions(uri: string, range: Range, only?: string[]): CodeAction[] {
    const d = this.docs.get(uri);
    if (!d) return [];
    const out: CodeAction[] = [];
    const wantQuick = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k === CodeActionKind.QuickFix);
    const wantFixAll = !only || only.some((k) => FIX_ALL_KIND.startsWith(k));
    if (wantQuick) {
      const diags = this.diagnostics(uri);
      this.findings(uri).forEach((f, i) => {
        if (!overlaps(f.range, range)) return;
        f.fixes.forEach((fix, k) => {
          // Checked here, lazily, instead of for every finding at analysis time: cheap per request.
          if (!fixKeepsSyntax(d.text, fix)) return;
          const title = fix.kind === 'safe' ? fix.title : `${fix.title} (suggestion: ${fix.reason ?? 'review the change'})`;
          const a = CodeAction.create(title, { changes: { [uri]: fix.edits } }, CodeActionKind.QuickFix);
          a.diagnostics = [diags[i]];
          a.isPreferred = fix.kind === 'safe' && k === f.fixes.findIndex((x) => x.kind === 'safe');
          out.push(a);
        });
      });
    }
    if (wantFixAll && this.findings(uri).some((f) => f.fixes.some((x) => x.kind === 'safe'))) {
      const r = fixAll(d.text, uri, { disabledRules: this.settingsFor(uri).disabledRules });
      if (r.applied > 0 && r.text !== d.text) {
        const end = d.lines.position(d.text.length);
        out.push(CodeAction.create('Fix all safe UEVR issues in file',
          { changes: { [uri]: [{ range: { start: { line: 0, character: 0 }, end }, newText: r.text }] } }, FIX_ALL_KIND));
      }
    }
    return out;
  }

  hover(uri: string, pos: Position): Hover | null {
    const d = this.docs.get(uri);
    if (!d || !inScope(this.scope(uri))) return null;
    const onLine = this.findings(uri).filter((f) => f.range.start.line <= pos.line && pos.line <= f.range.end.line);
    const rec = byLine(this.recordsFor(uri)).get(pos.line + 1);
    const parts: string[] = [];
    if (rec) parts.push(measuredHover(rec, onLine, this.refreshRateHz));
    // UEVR API call under the cursor: its cost.
    const lineText = d.lines.lineText(pos.line);
    const word = wordAt(lineText, pos.character);
    if (word && API_COSTS[word]) parts.push(`**${word}** (UEVR API): ${API_COSTS[word]}`);
    if (!rec) {
      for (const f of onLine) if (f.code !== 'syntax' && f.code !== 'UEVR100') parts.push(`**${f.code}** ${RULE_BY_CODE.get(f.code)?.title ?? ''}: cost: ${RULE_BY_CODE.get(f.code)?.cost ?? 'measured'}`);
    }
    if (parts.length === 0) return null;
    return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') } };
  }

  /** A CodeLens per measured function: function records when the capture has them, else line sums. */
  codeLenses(uri: string): CodeLens[] {
    const d = this.docs.get(uri);
    if (!d || !inScope(this.scope(uri))) return [];
    const recs = this.recordsFor(uri);
    if (recs.length === 0) return [];
    const lenses: CodeLens[] = [];
    const fnRecs = recs.filter((r) => r.functionName);
    const lens = (line0: number, title: string): CodeLens => ({
      range: { start: { line: line0, character: 0 }, end: { line: line0, character: 0 } },
      command: { title, command: '' },
    });
    if (fnRecs.length) {
      for (const r of fnRecs) lenses.push(lens(Math.max(0, r.line - 1), lensTitle(r.selfMsPerFrame, r.totalMsPerFrame, r.callsPerFrame, this.refreshRateHz)));
      return lenses;
    }
    // Sum line self times into the innermost function holding each line.
    const chunk = parse(d.text);
    const fns: FunctionExpr[] = [];
    walk(chunk.body, (n) => { if (n.kind === 'Function') fns.push(n); });
    const span = fns.map((f) => ({ f, a: d.lines.lineOf(f.start) + 1, b: d.lines.lineOf(f.end) + 1, self: 0, total: 0, calls: null as number | null }));
    for (const r of byLine(recs).values()) {
      let best: (typeof span)[number] | undefined;
      for (const s of span) if (s.a <= r.line && r.line <= s.b && (!best || s.b - s.a < best.b - best.a)) best = s;
      if (!best) continue;
      best.self += r.selfMsPerFrame;
      best.total = Math.max(best.total, r.totalMsPerFrame, best.self);
      if (r.line === best.a) best.calls = r.callsPerFrame;
    }
    for (const s of span) if (s.self > 0 || s.total > 0) lenses.push(lens(s.a - 1, lensTitle(s.self, s.total, s.calls, this.refreshRateHz)));
    return lenses;
  }
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Position, q: Position): boolean => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function wordAt(line: string, ch: number): string | null {
  const re = /[A-Za-z_][A-Za-z0-9_]*/g;
  for (let m = re.exec(line); m; m = re.exec(line)) if (m.index <= ch && ch <= m.index + m[0].length) return m[0];
  return null;
}
