// The window's one attached UEVR session: connection, reconnection, captures to disk, status bar.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { describeFrameCost, formatMs, formatShare, resolveFrameBudget } from '../../core/budget';
import type { BudgetAlert } from '../../core/live/alerts';
import { recordCapture, type RecordResult } from '../../core/session/recorder';
import { ConnectError, SessionClient, TokenRefusedError } from '../../core/session/client';
import { defaultSessionsDir, listSessions, readDiscoveryFile, type DiscoveredSession } from '../../core/session/discovery';
import { UserError } from '../log';
import { currentSettings, onDidChangeSettings } from '../settings';
import { describeSamplingClamp } from '../../core/settings';
import { budgetForSession } from '../frameBudget';
import { LiveSession } from './liveSession';
import { SimulatorProcess, SimulatorStartError, type SimulatorOptions } from './simulatorProcess';

export type AttachTarget =
  | { kind: 'discovery'; file: string }
  | { kind: 'address'; host: string; port: number; token: string }
  | { kind: 'simulate'; scriptsDir: string; options?: SimulatorOptions };

export interface FinishedCapture {
  file: string;
  result: RecordResult;
  game: string;
  session: LiveSession;
}

function sessionsDir(): string {
  return currentSettings().sessionsDirectory || defaultSessionsDir();
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
}

/**
 * Owns the one attached session of this window: connects (live game, address, or a simulator child
 * process), reconnects when a game restarts, runs captures to disk, drives the status bar and alerts.
 */
export class SessionManager implements vscode.Disposable {
  private session: LiveSession | undefined;
  private sim: SimulatorProcess | undefined;
  private target: AttachTarget | undefined;
  /** The launch configuration's refreshRate of the current debug session: it wins over the setting, and survives settings changes and reattaches. */
  private launchHz: number | undefined;
  private captureAbort: AbortController | undefined;
  private capturePromise: Promise<FinishedCapture | undefined> | undefined;
  private userDetached = false;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<LiveSession | undefined>();
  /** Fires when a session is attached, changes state, or goes away. */
  readonly onDidChangeSession = this.changed.event;
  private readonly captured = new vscode.EventEmitter<FinishedCapture>();
  /** Fires when a capture file is complete (history, flame graph and annotations listen). */
  readonly onDidCapture = this.captured.event;
  private readonly output = new vscode.EventEmitter<string>();
  /** Log lines of the session, for the Debug Console. */
  readonly onOutput = this.output.event;
  private lastStatusUpdate = 0;
  /** The last budget alert's text (the integration tests read it). */
  lastAlert: string | undefined;

  /** The status bar item's text and tooltip (the integration tests read them). */
  get statusBar(): { text: string; tooltip: string } {
    return { text: this.status.text, tooltip: typeof this.status.tooltip === 'string' ? this.status.tooltip : (this.status.tooltip?.value ?? '') };
  }

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.status = vscode.window.createStatusBarItem('uevrProfiler.status', vscode.StatusBarAlignment.Left, 50);
    this.status.name = vscode.l10n.t('UEVR Profiler');
    this.status.command = 'uevrProfiler.liveView.focus';
    this.disposables.push(
      this.status,
      this.changed,
      this.captured,
      this.output,
      // The rate (launch.json's stays in force) and the alert settings reach the session, the live view and the status bar at once.
      onDidChangeSettings(({ settings }) => {
        if (!this.session) return;
        this.session.configure(budgetForSession(this.launchHz, this.session.info.refreshRateHz).refreshRateHz, { ...settings.alerts });
        this.updateStatus(true);
      }),
    );
  }

  get current(): LiveSession | undefined {
    return this.session;
  }

  get isCapturing(): boolean {
    return this.captureAbort !== undefined;
  }

  /** Live sessions announced in the sessions folder (stale files are skipped). */
  listSessions(): DiscoveredSession[] {
    const r = listSessions(sessionsDir());
    for (const s of r.ignored) this.log.debug(`skipped session file ${s.file}: ${s.reason}`);
    return r.sessions;
  }

  /**
   * Attaches to a session. `launchHz` is the launch configuration's refreshRate (launch.json): it wins
   * over the setting and over the rate the session reports (src/core/budget.ts's precedence).
   */
  async attach(target: AttachTarget, launchHz?: number): Promise<LiveSession> {
    // Replacing a session is not "no session": listeners (the debug adapter) only hear of the new one.
    await this.detach(false);
    this.userDetached = false;
    this.launchHz = launchHz;
    // The simulator runs at the rate in force; it reports that rate back like a game would.
    const simHz = resolveFrameBudget({ launch: launchHz, setting: currentSettings().refreshRate }).refreshRateHz;
    let client: SessionClient;
    let label: string;
    try {
      if (target.kind === 'simulate') {
        this.sim = await SimulatorProcess.start(this.context.asAbsolutePath('dist/cli.js'), target.scriptsDir, simHz, (line) => this.log.info(`[sim] ${line}`), undefined, target.options);
        const s = this.sim.session;
        client = await SessionClient.open(s.host, s.port, s.token);
        label = vscode.l10n.t('Simulated UEVR session · {0}', target.scriptsDir);
      } else if (target.kind === 'discovery') {
        const s = readDiscoveryFile(target.file);
        client = await SessionClient.open(s.host, s.port, s.token);
        label = vscode.l10n.t('{0} · pid {1}', s.game, s.pid);
      } else {
        client = await SessionClient.open(target.host, target.port, target.token);
        label = `${target.host}:${target.port}`;
      }
    } catch (err) {
      this.sim?.stop();
      this.sim = undefined;
      throw this.explain(err);
    }
    const info = await client.request('sessionInfo', {});
    if (target.kind !== 'simulate') label = vscode.l10n.t('{0} · pid {1}', info.session.game, info.session.pid);
    const settings = currentSettings();
    const budget = budgetForSession(launchHz, info.session.refreshRateHz);
    const session = new LiveSession(client, info.session, label, budget.refreshRateHz, { ...settings.alerts }, info.callbacks);
    this.session = session;
    this.target = target;
    session.onDidChange(() => this.onSessionChange(session));
    session.onAlert((a) => void this.showAlert(session, a));
    session.onOutput((o) => this.output.fire(o.output.endsWith('\n') ? o.output : `${o.output}\n`));
    session.onEnded((reason) => void this.onEnded(session, reason));
    this.log.info(`attached to ${label} (${info.session.kind}, protocol ${info.protocol}; ${budget.refreshRateHz} Hz from the ${budget.source}, the session reports ${info.session.refreshRateHz || 'no rate'})`);
    if (this.sim) this.reportLoadErrors(this.sim, session);
    this.updateStatus(true);
    this.changed.fire(session);
    return session;
  }

  async detach(announce = true): Promise<void> {
    this.userDetached = true;
    const s = this.session;
    if (this.captureAbort) {
      this.captureAbort.abort();
      await this.capturePromise?.catch(() => undefined);
    }
    this.session = undefined;
    this.target = undefined;
    if (s) {
      await s.client.disconnect();
      s.dispose();
    }
    this.sim?.stop();
    this.sim = undefined;
    if (announce) {
      this.updateStatus(true);
      this.changed.fire(undefined);
    }
  }

  /**
   * Records a capture of `seconds` (0 = until stopCapture) into the captures folder. Resolves when the
   * file is complete; the result is also announced through onDidCapture.
   */
  startCapture(seconds: number, folder: string): Promise<FinishedCapture | undefined> {
    const session = this.session;
    if (!session || session.state === 'disconnected') {
      return Promise.reject(new UserError(vscode.l10n.t('Not attached to a UEVR session. Attach first (UEVR: Attach to Session).'), [vscode.l10n.t('Attach')]));
    }
    if (this.captureAbort) return Promise.reject(new UserError(vscode.l10n.t('A capture is already running. Stop it first.')));
    mkdirSync(folder, { recursive: true });
    const safeGame = session.info.game.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40) || 'game';
    const file = join(folder, `${safeGame}_${stamp()}.uevrcap`);
    const abort = new AbortController();
    this.captureAbort = abort;
    session.capture = { startedAt: Date.now(), plannedSeconds: seconds, samples: 0 };
    session.state = 'capturing';
    void vscode.commands.executeCommand('setContext', 'uevrProfiler.capturing', true);
    this.changed.fire(session);
    const settings = currentSettings();
    this.capturePromise = (async () => {
      try {
        const result = await recordCapture(session.client, file, {
          // "Until stopped" is a capture of up to 24 hours that the user aborts.
          seconds: seconds > 0 ? seconds : 24 * 3600,
          samplingHz: settings.samplingHz,
          // The agent clamps the rate to what it can do: say so instead of recording silently at another rate.
          onSampling: (actual) => {
            const clamp = describeSamplingClamp(settings.samplingHz, actual);
            if (!clamp) return;
            this.log.info(`capture ${file}: ${clamp}`);
            void vscode.window.showInformationMessage(vscode.l10n.t('UEVR: {0}', clamp));
          },
          signal: abort.signal,
          tool: `uevr-profiler-vscode ${this.context.extension.packageJSON.version}`,
          onProgress: (p: { samples: number }) => {
            if (session.capture) session.capture.samples = p.samples;
          },
        });
        this.log.info(`capture ${file}: ${result.frames} frames, ${result.samples} samples, ${result.seconds.toFixed(1)} s (${result.reason})`);
        const finished: FinishedCapture = { file, result, game: session.info.game, session };
        this.captured.fire(finished);
        return finished;
      } finally {
        this.captureAbort = undefined;
        session.capture = undefined;
        if (session.state === 'capturing') session.state = 'attached';
        void vscode.commands.executeCommand('setContext', 'uevrProfiler.capturing', false);
        this.changed.fire(this.session);
      }
    })();
    return this.capturePromise;
  }

  /** Ends the running capture; resolves with it once the file is closed. */
  async stopCapture(): Promise<FinishedCapture | undefined> {
    if (!this.captureAbort) throw new UserError(vscode.l10n.t('No capture is running.'));
    this.captureAbort.abort();
    return this.capturePromise;
  }

  private onSessionChange(session: LiveSession): void {
    if (session !== this.session) return;
    this.updateStatus(false);
    this.changed.fire(session);
  }

  private updateStatus(force: boolean): void {
    const s = this.session;
    if (!s) {
      this.status.hide();
      return;
    }
    const now = Date.now();
    if (!force && now - this.lastStatusUpdate < 250) return;
    this.lastStatusUpdate = now;
    if (s.state === 'disconnected') {
      this.status.text = vscode.l10n.t('$(debug-disconnect) UEVR disconnected');
      this.status.tooltip = vscode.l10n.t('{0}: the connection was lost', s.label);
    } else {
      const ms = s.recentScriptsMs();
      const icon = s.state === 'capturing' ? '$(record)' : '$(pulse)';
      this.status.text = vscode.l10n.t('{0} UEVR {1} ms ({2})', icon, formatMs(ms), formatShare(ms, s.refreshRate));
      this.status.tooltip = vscode.l10n.t('{0}\nScripts: {1}\nClick to open the live view', s.label, describeFrameCost(ms, s.refreshRate));
    }
    this.status.show();
  }

  /**
   * Scripts that failed to load in the simulated session: their errors go to the Debug Console (they
   * happened before we attached) and a notification says how many, so a mod never fails silently.
   */
  private reportLoadErrors(sim: SimulatorProcess, session: LiveSession): void {
    for (const e of sim.loadErrors) {
      const text = `Lua error: ${e.file}:${e.line}: ${e.message}`;
      session.startupErrors.push(text);
      session.pushLog(text);
    }
    const f = sim.loadFailure;
    if (!f) return;
    const showErrors = vscode.l10n.t('Show errors');
    const message =
      f.failed === 1
        ? f.scripts
          ? vscode.l10n.t('UEVR: 1 script failed to load (of {0}).', f.scripts)
          : vscode.l10n.t('UEVR: 1 script failed to load.')
        : f.scripts
          ? vscode.l10n.t('UEVR: {0} scripts failed to load (of {1}).', f.failed, f.scripts)
          : vscode.l10n.t('UEVR: {0} scripts failed to load.', f.failed);
    void vscode.window
      .showErrorMessage(message, showErrors)
      .then((pick) => {
        if (pick === showErrors) void vscode.commands.executeCommand('workbench.debug.action.focusRepl');
      });
  }

  private async showAlert(session: LiveSession, a: BudgetAlert): Promise<void> {
    const what =
      a.kind === 'scripts'
        ? vscode.l10n.t('Scripts took {0} for {1} frames in a row.', describeFrameCost(a.meanMs, session.refreshRate), a.frames)
        : vscode.l10n.t('Frames took {0} ms (budget {1} ms at {2} Hz) for {3} frames in a row.', formatMs(a.meanMs), formatMs(a.budgetMs), session.refreshRate, a.frames);
    this.log.warn(`alert: ${what}`);
    this.lastAlert = what;
    const pick = await vscode.window.showWarningMessage(vscode.l10n.t('UEVR: {0}', what), vscode.l10n.t('Capture now'), vscode.l10n.t('Open live view'), vscode.l10n.t('Don\'t alert again this session'));
    if (pick === vscode.l10n.t('Capture now')) void vscode.commands.executeCommand('uevrProfiler.captureNextSeconds');
    else if (pick === vscode.l10n.t('Open live view')) void vscode.commands.executeCommand('uevrProfiler.liveView.focus');
    else if (pick === vscode.l10n.t('Don\'t alert again this session')) session.silenceAlerts();
  }

  private async onEnded(session: LiveSession, reason: string | undefined): Promise<void> {
    if (session !== this.session || this.userDetached) return;
    this.updateStatus(true);
    const target = this.target;
    this.log.warn(`connection to ${session.label} lost: ${reason ?? 'closed'}`);
    // A game restart announces a new session (new pid, port, token): follow it for a while.
    if (target?.kind === 'discovery') {
      const end = Date.now() + 60_000;
      while (Date.now() < end && !this.userDetached && this.session === session) {
        const next = this.listSessions().find((s) => s.game === session.info.game && s.pid !== session.info.pid);
        if (next) {
          this.log.info(`${session.info.game} restarted (pid ${next.pid}): reattaching`);
          try {
            await this.attach({ kind: 'discovery', file: next.file }, this.launchHz);
            void vscode.window.showInformationMessage(vscode.l10n.t('UEVR: reattached to {0} (pid {1}).', next.game, next.pid));
            return;
          } catch (err) {
            this.log.warn(`reattach failed: ${String(err)}`);
          }
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (this.session === session && !this.userDetached) {
      // Give up: nothing is attached any more (the debug session ends, the status bar goes away).
      this.session = undefined;
      this.target = undefined;
      session.dispose();
      this.sim?.stop();
      this.sim = undefined;
      this.updateStatus(true);
      this.changed.fire(undefined);
      const pick = await vscode.window.showErrorMessage(
        vscode.l10n.t('UEVR: lost the connection to {0} ({1}). Captures already recorded are saved. Attach again when the game is running.', session.label, reason ?? 'closed'),
        vscode.l10n.t('Attach'),
      );
      if (pick === vscode.l10n.t('Attach')) void vscode.commands.executeCommand('uevrProfiler.attach');
    }
  }

  /** Turns connection errors into sentences that say what to do. */
  private explain(err: unknown): unknown {
    if (err instanceof TokenRefusedError) {
      return new UserError(vscode.l10n.t('The UEVR session refused the token: the discovery file is stale or belongs to another session. Pick the session again from the list.'), [vscode.l10n.t('Attach')]);
    }
    if (err instanceof ConnectError) {
      return new UserError(vscode.l10n.t('Could not connect to the UEVR session ({0}). Is the game still running with the profiler agent? Pick a live session, or start a simulated one.', err.message), [vscode.l10n.t('Attach')]);
    }
    if (err instanceof SimulatorStartError) {
      // "Show Log" is added by showError; the log has the simulator's whole output ([sim] lines).
      if (err.reason === 'exited') {
        return new UserError(vscode.l10n.t('The simulated session stopped before it started (exit {0}): {1}', String(err.exitCode), err.lastOutput.join(' | ') || vscode.l10n.t('no output')));
      }
      return new UserError(vscode.l10n.t('The simulated session did not start within {0} s.', err.timeoutMs / 1000));
    }
    return err;
  }

  dispose(): void {
    void this.detach();
    for (const d of this.disposables) d.dispose();
  }
}
