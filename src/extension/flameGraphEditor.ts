// The flame graph custom editor: opens a capture or profile (loaded in a worker) in the webview and
// answers its messages (open source, state, errors), which are validated before use.
import * as vscode from 'vscode';
import type { Profile } from '../core/profile/types';
import { resolveScriptPath } from '../core/scriptPaths';
import { parseFromWebview, type PackedProfileMessage } from '../core/view/messages';
import { packForWebview } from './packForWebview';
import { showError } from './log';
import type { MeasuredRecord } from '../core/report/measured';
import { loadProfileAndMeasures, type LoadedProfile } from './profileLoader';
import { readSettings, resolvePathMappings } from './settings';
import { budgetForProfile, onDidChangeRefreshRate } from './frameBudget';
import { webviewHtml } from './webviewShell';

export const FLAME_GRAPH_VIEW_TYPE = 'uevrProfiler.flameGraph';
/**
 * The same editor offered under "Open With…" for other tools' profiles (.cpuprofile, .trace.json, …):
 * a second view type because a contribution's priority covers all its patterns, and only .uevrcap
 * files are ours to open by default (VS Code's own profile viewer keeps JavaScript profiles).
 */
export const PROFILE_FLAME_GRAPH_VIEW_TYPE = 'uevrProfiler.profileFlameGraph';

/**
 * A profile file opened in the flame graph editor. Read-only: captures are never edited in place.
 * The document opens at once and parses in a worker meanwhile, so the webview starts up in parallel
 * with the parse instead of after it.
 */
export class ProfileDocument implements vscode.CustomDocument {
  profile: Profile | undefined;
  /** Measured costs per line and function, for the editor annotations (after `measured`). */
  records: MeasuredRecord[] = [];
  /** The rate `records` were measured at (0 = unknown): recordsAtRate re-costs them for another rate. */
  recordsHz = 0;
  /** Resolves as soon as the profile is parsed (the flame graph needs no more). */
  readonly loaded: Promise<Profile>;
  /** Resolves when the measured costs are computed too. */
  readonly measured: Promise<MeasuredRecord[]>;
  private readonly cancel = new vscode.CancellationTokenSource();

  constructor(
    readonly uri: vscode.Uri,
    load: (token: vscode.CancellationToken, onProfile: (p: Profile) => void) => Promise<LoadedProfile>,
  ) {
    let gotProfile: (p: Profile) => void = () => undefined;
    const early = new Promise<Profile>((resolve) => (gotProfile = resolve));
    const all = load(this.cancel.token, (p) => {
      this.profile = p;
      gotProfile(p);
    });
    // Whichever comes first: the early profile, or the end of the load (with its error, if any).
    this.loaded = Promise.race([early, all.then((r) => r.profile)]).then((p) => (this.profile = p));
    this.measured = all.then((r) => {
      this.recordsHz = r.measuredAtHz ?? 0;
      return (this.records = r.records ?? []);
    });
    // Failures are reported where the document is shown; keep Node from calling them unhandled.
    this.loaded.catch(() => undefined);
    this.measured.catch(() => undefined);
  }

  dispose(): void {
    this.cancel.cancel();
    this.cancel.dispose();
  }
}

/** A document whose profile has loaded. */
export type LoadedProfileDocument = ProfileDocument & { profile: Profile };

/**
 * The "UEVR Flame Graph" custom editor for captures and importable profile formats. The profile is
 * parsed in a worker thread and posted to the webview by structured clone (typed arrays, no JSON).
 */
export class FlameGraphEditorProvider implements vscode.CustomReadonlyEditorProvider<ProfileDocument> {
  private readonly panels = new Map<vscode.WebviewPanel, ProfileDocument>();
  private active: ProfileDocument | undefined;
  private readonly onDidLoadEmitter = new vscode.EventEmitter<LoadedProfileDocument>();
  /** Fires when a profile has been loaded into an editor (the editor annotations listen). */
  readonly onDidLoadProfile = this.onDidLoadEmitter.event;
  private readonly rendered = new vscode.EventEmitter<ProfileDocument>();
  /** Fires when a flame graph has painted its first frame (tests and screenshots wait for it). */
  readonly onDidRender = this.rendered.event;
  private readonly paintWaiters = new WeakMap<ProfileDocument, () => void>();
  /** The document whose flame graph painted last. */
  lastRendered: vscode.Uri | undefined;
  /** The rate last sent to each open file's flame graph (fsPath → Hz), for the tests. */
  readonly postedRefreshRateHz = new Map<string, number>();

  static register(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): FlameGraphEditorProvider {
    const provider = new FlameGraphEditorProvider(context, log);
    context.subscriptions.push(
      ...[FLAME_GRAPH_VIEW_TYPE, PROFILE_FLAME_GRAPH_VIEW_TYPE].map((viewType) =>
        vscode.window.registerCustomEditorProvider(viewType, provider, {
          // Keeping the webview alive when hidden costs memory but keeps zoom, search and the parsed
          // tree; rebuilding a 500k-node layout on every tab switch would be worse.
          webviewOptions: { retainContextWhenHidden: true, enableFindWidget: false },
          supportsMultipleEditorsPerDocument: true,
        }),
      ),
      provider.onDidLoadEmitter,
      provider.rendered,
    );
    return provider;
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The open document for a file, if a flame graph shows it (its profile may still be loading). */
  documentFor(uri: vscode.Uri): ProfileDocument | undefined {
    for (const d of this.panels.values()) if (d.uri.fsPath === uri.fsPath) return d;
    return undefined;
  }

  /** The focused flame graph editor's document, once its profile has loaded. */
  get activeDocument(): LoadedProfileDocument | undefined {
    return this.active?.profile ? (this.active as LoadedProfileDocument) : undefined;
  }

  openCustomDocument(uri: vscode.Uri): ProfileDocument {
    const started = Date.now();
    // Measure for the editor annotations once the flame graph has painted (or 3 s after the profile
    // arrived, if no editor paints it): first paint is what the user waits for.
    let painted: () => void = () => undefined;
    const paintedOrLate = new Promise<void>((resolve) => (painted = resolve));
    const doc = new ProfileDocument(uri, (token, onProfile) =>
      loadProfileAndMeasures(
        this.context.extensionUri,
        uri,
        readSettings(uri).refreshRate ?? 0,
        token,
        (profile) => {
          this.log.info(`opened ${uri.fsPath}: ${profile.samples.length} samples, ${profile.stacks.length} stacks (${profile.source}) in ${Date.now() - started} ms`);
          setTimeout(painted, 3000);
          onProfile(profile);
        },
        paintedOrLate,
      ),
    );
    this.paintWaiters.set(doc, painted);
    // The editor annotations want the measured costs: announce the document once they are ready.
    // A load that fails is reported by resolveCustomEditor (notification, editor closed); this derived
    // promise needs its own rejection handler or Node reports that failure again as unhandled.
    doc.measured.then(() => {
      this.log.debug(`${uri.fsPath}: measured costs ready ${Date.now() - started} ms after opening`);
      this.onDidLoadEmitter.fire(doc as LoadedProfileDocument);
    }, () => undefined);
    return doc;
  }

  async resolveCustomEditor(doc: ProfileDocument, panel: vscode.WebviewPanel): Promise<void> {
    const distUri = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [distUri] };
    const title = doc.uri.path.split('/').pop() ?? 'profile';
    panel.webview.html = webviewHtml(panel.webview, this.context.extensionUri, 'flamegraph', title);
    this.panels.set(panel, doc);
    this.active = doc;

    const opened = Date.now();
    // A file that is not a profile: close the editor and say why (once, from the load).
    doc.loaded.catch(async (err: unknown) => {
      if (err instanceof vscode.CancellationError) return;
      panel.dispose();
      await showError(this.log, vscode.l10n.t('Could not open {0}', title), err);
    });
    const postProfile = async (): Promise<void> => {
      const ready = Date.now();
      this.log.debug(`${title}: webview ready ${ready - opened} ms after the editor opened`);
      const profile = await doc.loaded.catch(() => undefined);
      if (!profile) return;
      const t = Date.now();
      const { header, data, rawBytes } = await packForWebview(profile);
      const refreshRateHz = budgetForProfile(profile, doc.uri).refreshRateHz;
      this.postedRefreshRateHz.set(doc.uri.fsPath, refreshRateHz);
      const message: PackedProfileMessage = { type: 'profilePacked', title, header, data, settings: { refreshRateHz } };
      this.log.debug(`${title}: posting ${(rawBytes / 1e6).toFixed(1)} MB as ${(data.length / 1e6).toFixed(1)} MB (packed in ${Date.now() - t} ms)`);
      void panel.webview.postMessage(message).then(() => this.log.debug(`${title}: profile delivered to the webview in ${Date.now() - t} ms`));
    };
    panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.active = doc;
    });
    panel.onDidDispose(() => {
      this.panels.delete(panel);
      if (this.active === doc && ![...this.panels.values()].includes(doc)) this.active = undefined;
    });
    const cfg = onDidChangeRefreshRate(() => {
      const refreshRateHz = budgetForProfile(doc.profile, doc.uri).refreshRateHz;
      this.postedRefreshRateHz.set(doc.uri.fsPath, refreshRateHz);
      void panel.webview.postMessage({ type: 'settings', settings: { refreshRateHz } });
    });
    panel.onDidDispose(() => cfg.dispose());
    panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      // The webview renders untrusted profile strings: treat what it sends as untrusted too.
      const msg = parseFromWebview(raw);
      if (!msg) return;
      if (msg.type === 'ready') void postProfile();
      else if (msg.type === 'openSource') await this.openSource(msg.file, msg.line);
      else if (msg.type === 'rendered') {
        this.paintWaiters.get(doc)?.();
        this.lastRendered = doc.uri;
        this.rendered.fire(doc);
        this.log.debug(`${title}: first paint ${Date.now() - opened} ms after the editor opened (${Math.round(msg.ms)} ms in the webview)`);
      } else if (msg.type === 'error') this.log.warn(`flame graph: ${msg.message}`);
    });
  }

  /** Jumps to a script line named by a profile (mapped through the path mappings). */
  async openSource(reportedFile: string, line: number): Promise<boolean> {
    try {
      const settings = readSettings();
      const files = await vscode.workspace.findFiles('**/*.lua', '**/node_modules/**', 5000);
      const target = resolveScriptPath(reportedFile, resolvePathMappings(settings.pathMappings), files.map((f) => f.fsPath));
      if (!target) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t('"{0}" is not a file of this workspace. Open the folder with your mod scripts, or add a uevrProfiler.pathMappings entry.', reportedFile),
        );
        return false;
      }
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(target), { preview: true, viewColumn: vscode.ViewColumn.Beside });
      const pos = new vscode.Position(Math.max(0, line - 1), 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return true;
    } catch (err) {
      await showError(this.log, vscode.l10n.t('Could not open the source'), err);
      return false;
    }
  }
}
