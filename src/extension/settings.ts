// The extension's settings (uevrProfiler.*), read and validated in one place.
import * as vscode from 'vscode';
import { isRefreshRate, type RefreshRate } from '../core/budget';
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

const SECTION = 'uevrProfiler';

export interface SimulatorSettings {
  engine?: 'ue4' | 'ue5';
  gcHandler?: 'uevr' | 'lua';
  gcType?: 'step' | 'full';
  gcMode?: 'generational' | 'incremental';
  gcBudgetUs?: number;
  gcMinorMultiplier?: number;
  gcMajorMultiplier?: number;
}

/** uevrProfiler.simulator.*: UEVR's engine generation and its Lua GC options (UEVR menu > Lua). */
function readSimulator(cfg: vscode.WorkspaceConfiguration, problems: string[]): SimulatorSettings {
  const out: SimulatorSettings = {};
  const choice = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = cfg.get<unknown>(`simulator.${key}`);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    problems.push(`${SECTION}.simulator.${key} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)}); using UEVR's default.`);
    return undefined;
  };
  const range = (key: string, min: number, max: number): number | undefined => {
    const v = cfg.get<unknown>(`simulator.${key}`);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) return v;
    problems.push(`${SECTION}.simulator.${key} must be a number from ${min} to ${max} (got ${JSON.stringify(v)}); using UEVR's default.`);
    return undefined;
  };
  const engine = choice('engine', ['ue4', 'ue5'] as const);
  const gcHandler = choice('gcHandler', ['uevr', 'lua'] as const);
  const gcType = choice('gcType', ['step', 'full'] as const);
  const gcMode = choice('gcMode', ['generational', 'incremental'] as const);
  const gcBudgetUs = range('gcBudgetUs', 0, 2000);
  const gcMinorMultiplier = range('gcMinorMultiplier', 1, 200);
  const gcMajorMultiplier = range('gcMajorMultiplier', 1, 1000);
  if (engine) out.engine = engine;
  if (gcHandler) out.gcHandler = gcHandler;
  if (gcType) out.gcType = gcType;
  if (gcMode) out.gcMode = gcMode;
  if (gcBudgetUs !== undefined) out.gcBudgetUs = gcBudgetUs;
  if (gcMinorMultiplier !== undefined) out.gcMinorMultiplier = gcMinorMultiplier;
  if (gcMajorMultiplier !== undefined) out.gcMajorMultiplier = gcMajorMultiplier;
  return out;
}

function num(cfg: vscode.WorkspaceConfiguration, key: string, def: number, min: number, max: number, problems: string[]): number {
  const v = cfg.get<unknown>(key, def);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    problems.push(`${SECTION}.${key} must be a number from ${min} to ${max} (got ${JSON.stringify(v)}); using ${def}.`);
    return def;
  }
  return v;
}

/** Reads and validates the settings; a bad value never throws, it falls back and is reported. */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const problems: string[] = [];

  let refreshRate: RefreshRate | undefined;
  const rrSet = cfg.inspect<unknown>('refreshRate');
  const rr = rrSet?.workspaceFolderValue ?? rrSet?.workspaceValue ?? rrSet?.globalValue;
  if (isRefreshRate(rr)) refreshRate = rr;
  else if (rr !== undefined) problems.push(`${SECTION}.refreshRate must be one of 72, 80, 90, 120, 144 (got ${JSON.stringify(rr)}); using the capture's rate or the default.`);

  const rawMappings = cfg.get<unknown>('pathMappings', []);
  const pathMappings: PathMapping[] = [];
  if (Array.isArray(rawMappings)) {
    rawMappings.forEach((m: unknown, i) => {
      const rec = m as Record<string, unknown> | null;
      if (rec && typeof rec.from === 'string' && typeof rec.to === 'string' && rec.from && rec.to) {
        pathMappings.push({ from: rec.from, to: rec.to });
      } else {
        problems.push(`${SECTION}.pathMappings[${i}] needs a non-empty "from" and "to"; it is ignored.`);
      }
    });
  } else {
    problems.push(`${SECTION}.pathMappings must be a list of {"from", "to"}; it is ignored.`);
  }

  const rawRules = cfg.get<unknown>('analyzer.disabledRules', []);
  const disabledRules = Array.isArray(rawRules) ? rawRules.filter((r): r is string => typeof r === 'string' && /^UEVR\d{3}$/.test(r)) : [];
  if (!Array.isArray(rawRules) || disabledRules.length !== rawRules.length) {
    problems.push(`${SECTION}.analyzer.disabledRules must list rule codes like "UEVR013"; other entries are ignored.`);
  }

  const globs = (key: string): string[] => {
    const v = cfg.get<unknown>(key, []);
    const ok = Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string' && g.length > 0) : [];
    if (!Array.isArray(v) || ok.length !== v.length) problems.push(`${SECTION}.${key} must be a list of glob strings; other entries are ignored.`);
    return ok;
  };
  const analyzerScope = { include: globs('analyzer.include'), exclude: globs('analyzer.exclude') };

  const sessionsDirectory = cfg.get<unknown>('sessionsDirectory', '');
  return {
    refreshRate,
    samplingHz: num(cfg, 'sampling.rateHz', 1000, 100, 10000, problems),
    pathMappings,
    sessionsDirectory: typeof sessionsDirectory === 'string' ? sessionsDirectory : '',
    alerts: {
      enabled: cfg.get<unknown>('alerts.enabled', true) !== false,
      scriptsBudgetPercent: num(cfg, 'alerts.scriptsBudgetPercent', 20, 1, 100, problems),
      sustainedFrames: num(cfg, 'alerts.sustainedFrames', 90, 1, 1_000_000, problems),
    },
    captureSeconds: num(cfg, 'capture.defaultSeconds', 5, 1, 600, problems),
    disabledRules,
    simulator: readSimulator(cfg, problems),
    analyzerScope,
    problems,
  };
}

/**
 * Path mappings with `${workspaceFolder}` replaced by the folder's path (the settings keep what the
 * user wrote; every consumer that resolves script paths wants the real folder).
 */
export function resolvePathMappings(mappings: readonly PathMapping[], folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? ''): PathMapping[] {
  return mappings.map((m) => ({ from: m.from, to: m.to.replace(/\$\{workspaceFolder\}/g, folder) }));
}
