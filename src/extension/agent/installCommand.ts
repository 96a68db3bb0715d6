// "UEVR: Install Profiler Agent into a Game…" and its uninstall counterpart: VS Code glue over
// src/core/agent/install.ts (quick pick of game profiles, asking before replacing a user's file).
import * as vscode from 'vscode';
import {
  type GameProfile,
  findPayload,
  installAgent,
  listGameProfiles,
  planInstall,
  uevrRoot,
  uninstallAgent,
} from '../../core/agent/install';
import { UserError, showError } from '../log';

interface ProfileItem extends vscode.QuickPickItem {
  profile: GameProfile;
}

/** `emptyMessage` words the error when no profile fits, given UEVR's folder (already through vscode.l10n). */
async function pickProfile(title: string, filter: (p: GameProfile) => boolean, emptyMessage: (root: string) => string): Promise<GameProfile | undefined> {
  const root = uevrRoot();
  const profiles = listGameProfiles(root).filter(filter);
  if (profiles.length === 0) throw new UserError(emptyMessage(root));
  const items: ProfileItem[] = profiles.map((p) => ({
    label: p.global ? vscode.l10n.t('UEVR (global: every game)') : p.name,
    description: p.installed ? vscode.l10n.t('agent installed') : undefined,
    detail: p.dir,
    profile: p,
  }));
  return (await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Game profile (a folder under UEVR\'s UnrealVRMod folder)') }))?.profile;
}

/** What an install did (the command's return value, for automation and tests). */
export interface InstallOutcome {
  dir: string;
  written: string[];
  unchanged: string[];
  backedUp: string[];
}

/**
 * Installs the plugin DLL and the Lua agent into a game profile the user picks — or, for automation,
 * into the profile whose folder or name is `game` (no questions unless a file of the user's differs).
 */
export async function installAgentCommand(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, game?: string): Promise<InstallOutcome | undefined> {
  try {
    if (!vscode.workspace.isTrusted) {
      throw new UserError(vscode.l10n.t('Installing the profiler agent copies a native plugin into a game: trust this workspace first (Manage Workspace Trust).'));
    }
    const payload = findPayload(context.extensionPath);
    if (typeof payload === 'string') throw new UserError(vscode.l10n.t('Cannot install the profiler agent: {0}.', payload));
    const profile = game
      ? findProfile(game)
      : await pickProfile(
          vscode.l10n.t('Install the UEVR Profiler agent into…'),
          () => true,
          (root) => vscode.l10n.t('No UEVR game profiles found in {0}. Inject UEVR into the game once (it creates the profile folder), or set UEVR_PROFILER_UEVR_DIR.', root),
        );
    if (!profile) return undefined;
    let replace = false;
    const conflicts = planInstall(profile.dir, payload).filter((a) => a.kind === 'conflict' && !a.ours);
    if (conflicts.length) {
      const names = conflicts.map((c) => c.to).join(', ');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} already exists and differs from the profiler\'s file. Replace it? Your file is kept as a backup and put back on uninstall.', names),
        { modal: true },
        vscode.l10n.t('Replace'),
      );
      if (answer !== vscode.l10n.t('Replace')) return undefined;
      replace = true;
    }
    const r = installAgent(profile.dir, payload, { replace });
    log.info(`installed the agent into ${profile.dir}: written ${r.written.join(', ') || 'nothing'}; unchanged ${r.unchanged.join(', ') || 'nothing'}; backed up ${r.backedUp.join(', ') || 'nothing'}`);
    const what = r.written.length ? vscode.l10n.t('Installed {0}', r.written.join(', ')) : vscode.l10n.t('The agent was already installed');
    // Not awaited: the notification stays until the user acts, and the command is done.
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t(
          'UEVR Profiler: {0} in {1}{2}. Start the game with UEVR (a build with plugin API 2.39+), then attach.',
          what,
          profile.name,
          r.backedUp.length ? vscode.l10n.t(' (your {0} kept as backup)', r.backedUp.join(', ')) : '',
        ),
        vscode.l10n.t('Open Folder'),
        vscode.l10n.t('Uninstall'),
      )
      .then(async (picked) => {
        if (picked === vscode.l10n.t('Open Folder')) await vscode.env.openExternal(vscode.Uri.file(profile.dir));
        if (picked === vscode.l10n.t('Uninstall')) await uninstallFrom(profile, log);
      });
    return { dir: profile.dir, written: r.written, unchanged: r.unchanged, backedUp: r.backedUp };
  } catch (e) {
    await showError(log, vscode.l10n.t('Installing the profiler agent'), e);
    return undefined;
  }
}

/** The game profile whose folder path or name is `game`. */
function findProfile(game: string): GameProfile {
  const root = uevrRoot();
  const hit = listGameProfiles(root).find((p) => p.dir === game || p.name.toLowerCase() === game.toLowerCase());
  if (!hit) throw new UserError(vscode.l10n.t('No UEVR game profile "{0}" in {1}.', game, root));
  return hit;
}

/** Removes what the installer put into a game profile (only files it wrote and the user did not change). */
export async function uninstallAgentCommand(_context: vscode.ExtensionContext, log: vscode.LogOutputChannel, game?: string): Promise<void> {
  try {
    // Uninstall deletes files in a game's folder on the word of a manifest on disk: the same trust as install.
    if (!vscode.workspace.isTrusted) {
      throw new UserError(vscode.l10n.t('Uninstalling the profiler agent deletes files in a game profile: trust this workspace first (Manage Workspace Trust).'));
    }
    const profile = game
      ? findProfile(game)
      : await pickProfile(vscode.l10n.t('Uninstall the UEVR Profiler agent from…'), (p) => p.installed, (root) =>
          vscode.l10n.t('The profiler agent is not installed in any game profile under {0}.', root),
        );
    if (profile) await uninstallFrom(profile, log);
  } catch (e) {
    await showError(log, vscode.l10n.t('Uninstalling the profiler agent'), e);
  }
}

async function uninstallFrom(profile: GameProfile, log: vscode.LogOutputChannel): Promise<void> {
  const u = uninstallAgent(profile.dir);
  log.info(`uninstalled the agent from ${profile.dir}: removed ${u.removed.join(', ') || 'nothing'}; kept ${u.kept.join(', ') || 'nothing'}; restored ${u.restored.join(', ') || 'nothing'}; refused ${u.refused.join('; ') || 'nothing'}`);
  const parts = [u.removed.length ? vscode.l10n.t('removed {0}', u.removed.join(', ')) : vscode.l10n.t('removed nothing')];
  if (u.kept.length) parts.push(vscode.l10n.t('kept {0} (changed since install)', u.kept.join(', ')));
  if (u.restored.length) parts.push(vscode.l10n.t('restored your {0}', u.restored.join(', ')));
  if (u.refused.length) parts.push(vscode.l10n.t('left alone {0}', u.refused.join('; ')));
  void vscode.window.showInformationMessage(vscode.l10n.t('UEVR Profiler: {0}: {1}. A running game keeps the plugin loaded until it exits.', profile.name, parts.join('; ')));
}
