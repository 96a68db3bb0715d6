// One attached session as the editor sees it (bounded series, alerts, log, the capture client).
import * as vscode from 'vscode';
import { BudgetAlerter, DEFAULT_ALERT_SETTINGS, type AlertSettings, type BudgetAlert } from '../../core/live/alerts';
import type { LiveSnapshot } from '../../core/live/messages';
import { CallbackSeries, Ring } from '../../core/live/ring';
import type { FramesEventBody, OutputEventBody } from '../../core/protocol/messages';
import type { CallbackInfo, ScriptError, ScriptReset, SessionInfo } from '../../core/protocol/types';
import type { SessionClient } from '../../core/session/client';

/** How many seconds of frames the live view keeps (bounded: memory stays flat over hours). */
const WINDOW_SECONDS = 10;
const MAX_LOG_LINES = 200;

export type LiveState = 'attached' | 'capturing' | 'disconnected';

function shortFile(file: string): string {
  return file.replace(/\\/g, '/').split('/').pop() ?? file;
}

/**
 * One attached session as the editor sees it: bounded series for the live view and the status bar,
 * budget alerts, the Debug Console log, and the client used for captures.
 */
export class LiveSession implements vscode.Disposable {
  readonly frameMs: Ring;
  readonly scriptsMs: Ring;
  readonly gcMs: Ring;
  readonly luaMemoryKb: Ring;
  readonly overheadMs: Ring;
  readonly perCallback: CallbackSeries;
  private readonly callbacks = new Map<number, CallbackInfo>();
  private readonly logLines: string[] = [];
  private readonly alerter: BudgetAlerter;
  private alertSettings: Partial<AlertSettings>;
  private readonly costs = new Map<string, number>();
  private readonly unsubscribe: Array<() => void> = [];
  state: LiveState = 'attached';
  framesSeen = 0;
  droppedFrames = 0;
  capture: { startedAt: number; plannedSeconds: number; samples: number } | undefined;
  generation = 0;

  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires on every batch of frames (a few times a second) and on state changes. */
  readonly onDidChange = this.changed.event;
  private readonly alerted = new vscode.EventEmitter<BudgetAlert>();
  readonly onAlert = this.alerted.event;
  private readonly output = new vscode.EventEmitter<OutputEventBody>();
  /** Errors raised before we attached (scripts that failed to load); the debug adapter prints them. */
  readonly startupErrors: string[] = [];
  /** Log lines for the Debug Console. */
  readonly onOutput = this.output.event;
  private readonly ended = new vscode.EventEmitter<string | undefined>();
  /** The connection ended: undefined when we closed it, else why. */
  readonly onEnded = this.ended.event;
  private readonly reset = new vscode.EventEmitter<ScriptReset>();
  readonly onScriptReset = this.reset.event;

  constructor(
    readonly client: SessionClient,
    readonly info: SessionInfo,
    readonly label: string,
    private refreshRateHz: number,
    alertSettings: Partial<AlertSettings>,
    callbacks: CallbackInfo[],
  ) {
    const capacity = WINDOW_SECONDS * 144;
    this.frameMs = new Ring(capacity);
    this.scriptsMs = new Ring(capacity);
    this.gcMs = new Ring(capacity);
    this.luaMemoryKb = new Ring(capacity);
    this.overheadMs = new Ring(capacity);
    this.perCallback = new CallbackSeries(capacity);
    this.alertSettings = { ...alertSettings };
    this.alerter = new BudgetAlerter({ ...alertSettings, refreshRateHz });
    for (const c of callbacks) this.callbacks.set(c.id, c);
    this.unsubscribe.push(
      client.on('frames', (b) => this.onFrames(b)),
      client.on('callbackRegistered', (b) => this.callbacks.set(b.callback.id, b.callback)),
      client.on('output', (b) => this.onLog(b)),
      client.on('scriptError', (e) => this.onScriptError(e)),
      client.on('scriptReset', (r) => {
        this.generation = r.generation;
        this.pushLog(`scripts reset (generation ${r.generation})`);
        this.reset.fire(r);
      }),
      client.onClose((err) => this.onClosed(err?.message)),
    );
  }

  get refreshRate(): number {
    return this.refreshRateHz;
  }

  configure(refreshRateHz: number, alertSettings: Partial<AlertSettings>): void {
    this.refreshRateHz = refreshRateHz;
    this.alertSettings = { ...alertSettings };
    this.alerter.configure({ ...alertSettings, refreshRateHz });
    this.changed.fire();
  }

  silenceAlerts(): void {
    this.alerter.silence();
  }

  callbackLabel(id: number, eye: number): string {
    const c = this.callbacks.get(id);
    const base = c ? `${c.name} (${shortFile(c.file)}:${c.line})` : vscode.l10n.t('callback {0}', id);
    return eye === 0 ? vscode.l10n.t('{0} left eye', base) : eye === 1 ? vscode.l10n.t('{0} right eye', base) : base;
  }

  private onFrames(body: FramesEventBody): void {
    this.droppedFrames += body.dropped;
    for (const f of body.frames) {
      this.framesSeen++;
      this.frameMs.push(f.frameMs);
      this.scriptsMs.push(f.scriptsMs);
      this.gcMs.push(f.gcMs);
      this.luaMemoryKb.push(f.luaMemoryKb);
      this.overheadMs.push(f.overheadMs);
      this.costs.clear();
      for (const c of f.callbacks) {
        const key = `${c.id}:${c.eye}`;
        this.costs.set(key, (this.costs.get(key) ?? 0) + c.ms);
      }
      this.perCallback.pushFrame(this.costs);
      const alert = this.alerter.push({ time: f.start, frameMs: f.frameMs, scriptsMs: f.scriptsMs });
      if (alert) this.alerted.fire(alert);
    }
    this.changed.fire();
  }

  private onLog(b: OutputEventBody): void {
    const text = b.output.replace(/\n$/, '');
    this.pushLog(text);
    this.output.fire(b);
  }

  private onScriptError(e: ScriptError): void {
    const text = vscode.l10n.t('Lua error: {0}:{1}: {2}', e.file, e.line, e.message);
    this.pushLog(text);
    this.output.fire({ category: 'stderr', output: `${text}\n`, source: { path: e.file }, line: e.line });
  }

  pushLog(text: string): void {
    this.logLines.push(text);
    if (this.logLines.length > MAX_LOG_LINES) this.logLines.splice(0, this.logLines.length - MAX_LOG_LINES);
  }

  private onClosed(reason: string | undefined): void {
    if (this.state === 'disconnected') return;
    this.state = 'disconnected';
    this.changed.fire();
    this.ended.fire(reason);
  }

  /** Mean scripts ms per frame over the last second (what the status bar shows). */
  recentScriptsMs(): number {
    const n = Math.min(this.scriptsMs.length, Math.max(1, Math.round(this.refreshRateHz)));
    let s = 0;
    for (let i = this.scriptsMs.length - n; i < this.scriptsMs.length; i++) s += this.scriptsMs.at(i);
    return n > 0 ? s / n : 0;
  }

  snapshot(): LiveSnapshot {
    const keep = Math.min(this.frameMs.length, WINDOW_SECONDS * Math.round(this.refreshRateHz));
    const tail = (r: Ring): Float64Array => {
      const a = r.toArray();
      return a.subarray(a.length - Math.min(keep, a.length));
    };
    const callbacks = this.perCallback.keys().map((key) => {
      const [id, eye] = key.split(':').map(Number);
      return { key, label: this.callbackLabel(id, eye), ms: tail(this.perCallback.get(key) as Ring) };
    });
    const other = tail(this.perCallback.otherSeries());
    if (other.some((v) => v > 0)) callbacks.push({ key: 'other', label: vscode.l10n.t('other callbacks'), ms: other });
    return {
      type: 'snapshot',
      session: this.label,
      state: this.state,
      refreshRateHz: this.refreshRateHz,
      alerts: {
        scriptsBudgetPercent: this.alertSettings.scriptsBudgetPercent ?? DEFAULT_ALERT_SETTINGS.scriptsBudgetPercent,
        sustainedFrames: this.alertSettings.sustainedFrames ?? DEFAULT_ALERT_SETTINGS.sustainedFrames,
      },
      frameMs: tail(this.frameMs),
      scriptsMs: tail(this.scriptsMs),
      gcMs: tail(this.gcMs),
      luaMemoryKb: tail(this.luaMemoryKb),
      overheadMs: tail(this.overheadMs),
      callbacks,
      log: this.logLines.slice(-30),
      ...(this.capture
        ? { capture: { seconds: (Date.now() - this.capture.startedAt) / 1000, plannedSeconds: this.capture.plannedSeconds, samples: this.capture.samples } }
        : {}),
    };
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.changed.dispose();
    this.alerted.dispose();
    this.output.dispose();
    this.ended.dispose();
    this.reset.dispose();
  }
}
