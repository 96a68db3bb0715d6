// Budget alerts while attached: a single slow frame is normal (loading, GC), a sustained run of frames
// over the threshold is what makes a VR player sick. So an alert needs `sustainedFrames` consecutive
// frames over the line, fires once per run, is rate-limited, and can be silenced for the session.
import { DEFAULT_REFRESH_RATE, budgetMs } from '../budget';
import { SETTINGS } from '../settings';

export interface AlertSettings {
  enabled: boolean;
  refreshRateHz: number;
  /** Scripts' time per frame above this share of the budget (percent) counts as over. */
  scriptsBudgetPercent: number;
  /** A whole frame longer than the budget times this factor counts as over (1 = the budget). */
  frameBudgetFactor: number;
  sustainedFrames: number;
  /** At most one alert per this many ms of session time. */
  minIntervalMs: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  enabled: true,
  refreshRateHz: DEFAULT_REFRESH_RATE,
  // The settings schema's defaults (src/core/settings.ts): one default per value.
  scriptsBudgetPercent: SETTINGS['alerts.scriptsBudgetPercent'].default,
  frameBudgetFactor: 1,
  sustainedFrames: SETTINGS['alerts.sustainedFrames'].default,
  minIntervalMs: 60_000,
};

export interface BudgetAlert {
  kind: 'scripts' | 'frame';
  /** Session time of the frame that completed the run. */
  time: number;
  frames: number;
  /** Mean over the run: scripts ms/frame for 'scripts', frame ms for 'frame'. */
  meanMs: number;
  budgetMs: number;
  /** meanMs as a share of the budget, percent. */
  sharePercent: number;
}

export interface FrameSample {
  time: number;
  frameMs: number;
  scriptsMs: number;
}

interface Run {
  frames: number;
  sum: number;
  fired: boolean;
}

export class BudgetAlerter {
  private settings: AlertSettings;
  private scripts: Run = { frames: 0, sum: 0, fired: false };
  private frame: Run = { frames: 0, sum: 0, fired: false };
  private lastAlertAt = Number.NEGATIVE_INFINITY;
  private silenced = false;

  constructor(settings: Partial<AlertSettings> = {}) {
    this.settings = { ...DEFAULT_ALERT_SETTINGS, ...settings };
  }

  configure(settings: Partial<AlertSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  /** Silences alerts for the rest of this session (the user said "don't show again"). */
  silence(): void {
    this.silenced = true;
  }

  get isSilenced(): boolean {
    return this.silenced;
  }

  /** Feeds one frame; returns an alert when one is due. Scripts alerts win over frame alerts. */
  push(f: FrameSample): BudgetAlert | undefined {
    const s = this.settings;
    const budget = budgetMs(s.refreshRateHz);
    const scriptsOver = f.scriptsMs > (budget * s.scriptsBudgetPercent) / 100;
    const frameOver = f.frameMs > budget * s.frameBudgetFactor;
    const a = this.advance(this.scripts, scriptsOver, f.scriptsMs, 'scripts', f.time, budget);
    const b = this.advance(this.frame, frameOver, f.frameMs, 'frame', f.time, budget);
    return a ?? b;
  }

  private advance(run: Run, over: boolean, value: number, kind: BudgetAlert['kind'], time: number, budget: number): BudgetAlert | undefined {
    if (!over) {
      run.frames = 0;
      run.sum = 0;
      run.fired = false;
      return undefined;
    }
    run.frames++;
    run.sum += value;
    const s = this.settings;
    if (run.fired || run.frames < s.sustainedFrames || !s.enabled || this.silenced) return undefined;
    if (time - this.lastAlertAt < s.minIntervalMs) return undefined;
    run.fired = true;
    this.lastAlertAt = time;
    const meanMs = run.sum / run.frames;
    return { kind, time, frames: run.frames, meanMs, budgetMs: budget, sharePercent: (meanMs / budget) * 100 };
  }
}
