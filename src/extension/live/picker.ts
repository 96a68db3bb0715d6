// Chooses what to attach to (a discovered live session, an address, or the simulator) from a launch
// configuration, asking with a quick pick when it does not say.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { UevrAttachConfiguration } from '../debug';
import { UserError } from '../log';
import type { AttachTarget, SessionManager } from './sessionManager';
import type { SimulatorOptions } from './simulatorProcess';
import { currentSettings } from '../settings';

function age(startedAt: unknown): string {
  const t = typeof startedAt === 'number' ? startedAt : typeof startedAt === 'string' ? Date.parse(startedAt) : Number.NaN;
  if (!Number.isFinite(t)) return '';
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/** The workspace folder to simulate: the configured one, else the first folder that has .lua files. */
async function defaultScriptsFolder(): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const lua = await vscode.workspace.findFiles('**/*.lua', '**/node_modules/**', 1);
  if (lua[0]) return vscode.Uri.joinPath(lua[0], '..').fsPath;
  return folders[0]?.uri.fsPath;
}

/** The simulator's options: launch.json attributes first, then the uevrProfiler.simulator.* settings. */
function simulatorOptions(config: Partial<UevrAttachConfiguration>): SimulatorOptions {
  const s = currentSettings().simulator;
  const pick = <K extends keyof SimulatorOptions>(k: K): SimulatorOptions[K] => (config[k] as SimulatorOptions[K] | undefined) ?? s[k];
  const o: SimulatorOptions = {};
  for (const k of ['engine', 'gcHandler', 'gcType', 'gcMode', 'gcBudgetUs', 'gcMinorMultiplier', 'gcMajorMultiplier'] as const) {
    const v = pick(k);
    if (v !== undefined) (o as Record<string, unknown>)[k] = v;
  }
  return o;
}

function simulateTarget(scriptsDir: string | undefined, config: Partial<UevrAttachConfiguration> = {}): AttachTarget {
  if (!vscode.workspace.isTrusted) {
    throw new UserError(vscode.l10n.t('Running the workspace\'s scripts in the simulated session needs a trusted workspace (Workspaces: Manage Workspace Trust).'));
  }
  if (!scriptsDir || !existsSync(scriptsDir)) {
    throw new UserError(vscode.l10n.t('The scripts folder for the simulated session does not exist: {0}. Open your mod\'s folder, or set "scriptsFolder".', scriptsDir ?? '(none)'));
  }
  return { kind: 'simulate', scriptsDir, options: simulatorOptions(config) };
}

/** Turns a launch configuration (or nothing) into an attach target; asks with a quick pick when needed. */
export async function resolveAttachTarget(manager: SessionManager, config: Partial<UevrAttachConfiguration> = {}): Promise<AttachTarget | undefined> {
  if (config.session === 'simulate') return simulateTarget(config.scriptsFolder ?? (await defaultScriptsFolder()), config);
  if (config.port !== undefined) {
    if (!config.token) throw new UserError(vscode.l10n.t('"port" needs the session\'s "token" too (from its discovery file).'));
    return { kind: 'address', host: config.host ?? '127.0.0.1', port: config.port, token: config.token };
  }
  if (config.session && config.session !== 'pick') return { kind: 'discovery', file: config.session };

  type Item = vscode.QuickPickItem & { target?: AttachTarget | 'simulate' };
  const sessions = manager.listSessions();
  const items: Item[] = sessions.map((s) => ({
    label: `$(vm-running) ${s.game}`,
    description: vscode.l10n.t('pid {0} · port {1}', s.pid, s.port),
    detail: age((s as { startedAt?: unknown }).startedAt) ? vscode.l10n.t('started {0}', age((s as { startedAt?: unknown }).startedAt)) : undefined,
    target: { kind: 'discovery', file: s.file },
  }));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: vscode.l10n.t("$(beaker) Start a simulated session with this workspace's scripts"), target: 'simulate' });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Attach to a UEVR session'),
    placeHolder: sessions.length ? vscode.l10n.t('Pick a running game') : vscode.l10n.t('No UEVR session is running. Start the game with the profiler agent installed, or simulate.'),
    matchOnDescription: true,
  });
  if (!picked?.target) return undefined;
  return picked.target === 'simulate' ? simulateTarget(await defaultScriptsFolder()) : picked.target;
}
