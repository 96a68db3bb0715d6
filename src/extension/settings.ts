// The extension's settings (uevrProfiler.*), read and validated in one place.
import * as vscode from 'vscode';
import { isRefreshRate, type RefreshRate } from '../core/budget';
import { SECTION, readSettingValues } from '../core/settings';
import type { PathMapping } from '../core/scriptPaths';

export interface Settings {
  /**
   * uevrProfiler.refreshRate when the user set it (any scope), else undefined: the rate recorded in a
   * capture or reported by a session then applies (src/core/budget.ts's resolveFrameBudget).
   */
  refreshRate: RefreshRate | undefined;
  samplingHz: number;
  pathMappings: PathMapping[];
  sessionsDirectory: string;
  alerts: { enabled: boolean; scriptsBudgetPercent: number; sustainedFrames: number };
  captureSeconds: number;
  disabledRules: string[];
  /** The simulated session's options (uevrProfiler.simulator.*); unset keys keep UEVR's defaults. */
  simulator: SimulatorSettings;
  /** Which Lua files are UEVR scripts (core/analyzer/scope.ts): uevrProfiler.analyzer.include / exclude. */
  analyzerScope: { include: string[]; exclude: string[] };
  /** Problems found while reading (a wrong type, out of range): shown once, defaults used instead. */
  problems: string[];
}

export interface SimulatorSettings {
  engine?: 'ue4' | 'ue5';
  gcHandler?: 'uevr' | 'lua';
  gcType?: 'step' | 'full';
  gcMode?: 'generational' | 'incremental';
  gcBudgetUs?: number;
  gcMinorMultiplier?: number;
  gcMajorMultiplier?: number;
}

/** The value the user set for a key in any scope (not the default), or undefined. */
function userValue(cfg: vscode.WorkspaceConfiguration, key: string): unknown {
  const i = cfg.inspect<unknown>(key);
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

/**
 * Reads and validates the settings through the one schema (src/core/settings.ts); a bad value never
 * throws, it falls back to the schema's default and is reported in `problems`.
 */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const rawRate = userValue(cfg, 'refreshRate');
  const { values: v, problems } = readSettingValues((key) => (key === 'refreshRate' ? rawRate : cfg.get<unknown>(key)));
  // Not set, or set to something unusable: the capture's or the session's rate applies (budget.ts).
  const refreshRate = rawRate !== undefined && isRefreshRate(rawRate) ? rawRate : undefined;
  return {
    refreshRate,
    samplingHz: v['sampling.rateHz'],
    pathMappings: v.pathMappings as PathMapping[],
    sessionsDirectory: v.sessionsDirectory,
    alerts: { enabled: v['alerts.enabled'], scriptsBudgetPercent: v['alerts.scriptsBudgetPercent'], sustainedFrames: v['alerts.sustainedFrames'] },
    captureSeconds: v['capture.defaultSeconds'],
    disabledRules: v['analyzer.disabledRules'] as string[],
    simulator: {
      engine: v['simulator.engine'],
      gcHandler: v['simulator.gcHandler'],
      gcType: v['simulator.gcType'],
      gcMode: v['simulator.gcMode'],
      gcBudgetUs: v['simulator.gcBudgetUs'],
      gcMinorMultiplier: v['simulator.gcMinorMultiplier'],
      gcMajorMultiplier: v['simulator.gcMajorMultiplier'],
    },
    analyzerScope: { include: v['analyzer.include'] as string[], exclude: v['analyzer.exclude'] as string[] },
    problems: problems.map((p) => (p.startsWith(`${SECTION}.refreshRate `) ? p.replace(/using \d+\.$/, "using the capture's rate or the default.") : p)),
  };
}

let snapshot: Settings | undefined;
const changed = new vscode.EventEmitter<SettingsChange>();
let watching: vscode.Disposable | undefined;

export interface SettingsChange {
  settings: Settings;
  /** Did this change touch `uevrProfiler.<key>` (or a section of it, e.g. "alerts")? */
  affects(key: string): boolean;
}

function watch(): void {
  watching ??= vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(SECTION)) return;
    snapshot = readSettings();
    changed.fire({ settings: snapshot, affects: (key) => e.affectsConfiguration(`${SECTION}.${key}`) });
  });
}

/** The window's settings (no resource scope): one snapshot, re-read only when they change. */
export function currentSettings(): Settings {
  watch();
  return (snapshot ??= readSettings());
}

/** Fires once per change of any uevrProfiler setting, with the new snapshot. */
export function onDidChangeSettings(listener: (e: SettingsChange) => unknown): vscode.Disposable {
  watch();
  return changed.event(listener);
}

/**
 * Path mappings with `${workspaceFolder}` replaced by the folder's path (the settings keep what the
 * user wrote; every consumer that resolves script paths wants the real folder).
 */
export function resolvePathMappings(mappings: readonly PathMapping[], folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? ''): PathMapping[] {
  return mappings.map((m) => ({ from: m.from, to: m.to.replace(/\$\{workspaceFolder\}/g, folder) }));
}
