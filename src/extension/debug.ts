// The `uevr` debug type's configuration: defaults for F5 without a launch.json, and validation in words.
import * as vscode from 'vscode';
import type { SimulatorSettings } from './settings';

/** The `uevr` debug type: an attach configuration for a live or simulated UEVR session. */
export const DEBUG_TYPE = 'uevr';

/** launch.json's `uevr` attach configuration; the simulator attributes (for session 'simulate') override uevrProfiler.simulator.*. */
export interface UevrAttachConfiguration extends vscode.DebugConfiguration, SimulatorSettings {
  session?: string;
  host?: string;
  port?: number;
  token?: string;
  scriptsFolder?: string;
  refreshRate?: number;
}

/**
 * Fills in a configuration when the user presses F5 without a launch.json, and validates the one
 * they wrote so mistakes are reported in words before anything connects.
 */
export class UevrConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (!config.type && !config.request && !config.name) {
      return { type: DEBUG_TYPE, request: 'attach', name: vscode.l10n.t('Attach to UEVR game'), session: 'pick' };
    }
    const c = config as UevrAttachConfiguration;
    if (c.request !== 'attach') {
      void vscode.window.showErrorMessage(vscode.l10n.t('UEVR Profiler only attaches to a running game: set "request": "attach" in "{0}".', c.name));
      return undefined;
    }
    if (c.port !== undefined && (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535)) {
      void vscode.window.showErrorMessage(vscode.l10n.t('"port" in "{0}" must be a whole number from 1 to 65535.', c.name));
      return undefined;
    }
    const bad = simulatorAttributeProblem(c);
    if (bad) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} in "{1}".', bad, c.name));
      return undefined;
    }
    if (c.host !== undefined && !['127.0.0.1', 'localhost', '::1'].includes(c.host)) {
      void vscode.window.showErrorMessage(vscode.l10n.t('UEVR sessions listen on loopback only: "host" in "{0}" must be 127.0.0.1.', c.name));
      return undefined;
    }
    return c;
  }
}

/** The simulator attributes of a launch configuration, checked against UEVR's choices and slider ranges. */
function simulatorAttributeProblem(c: UevrAttachConfiguration): string | null {
  const choices: Array<[keyof UevrAttachConfiguration, readonly string[]]> = [
    ['engine', ['ue4', 'ue5']],
    ['gcHandler', ['uevr', 'lua']],
    ['gcType', ['step', 'full']],
    ['gcMode', ['generational', 'incremental']],
  ];
  for (const [k, allowed] of choices) {
    const v = c[k];
    if (v !== undefined && !allowed.includes(v as string)) return `"${String(k)}" must be ${allowed.map((a) => `"${a}"`).join(' or ')}`;
  }
  const ranges: Array<[keyof UevrAttachConfiguration, number, number]> = [
    ['gcBudgetUs', 0, 2000],
    ['gcMinorMultiplier', 1, 200],
    ['gcMajorMultiplier', 1, 1000],
  ];
  for (const [k, lo, hi] of ranges) {
    const v = c[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)) return `"${String(k)}" must be a number from ${lo} to ${hi}`;
  }
  return null;
}
