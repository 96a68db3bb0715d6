import * as vscode from 'vscode';

/** The `uevr` debug type: an attach configuration for a live or simulated UEVR session. */
export const DEBUG_TYPE = 'uevr';

export interface UevrAttachConfiguration extends vscode.DebugConfiguration {
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
    if (c.host !== undefined && !['127.0.0.1', 'localhost', '::1'].includes(c.host)) {
      void vscode.window.showErrorMessage(vscode.l10n.t('UEVR sessions listen on loopback only: "host" in "{0}" must be 127.0.0.1.', c.name));
      return undefined;
    }
    return c;
  }
}
