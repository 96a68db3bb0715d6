// The frame budget in force for what the extension shows: src/core/budget.ts's precedence (launch
// configuration, then the setting, then the rate the capture recorded or the session reported) fed
// with the current settings, and the one event that tells every surface the rate changed.
import * as vscode from 'vscode';
import { resolveFrameBudget, type FrameBudget } from '../core/budget';
import type { Profile } from '../core/profile/types';
import { currentSettings, onDidChangeSettings, readSettings } from './settings';

/** The rate a profile recorded (a capture's session header; 0 = unknown). */
export function recordedRate(profile: Profile | undefined): number {
  const hz = Number(profile?.meta.refreshRateHz);
  return Number.isFinite(hz) && hz > 0 ? hz : 0;
}

/** The budget for a profile shown in the editor: the setting when set, else the capture's own rate. */
export function budgetForProfile(profile: Profile | undefined, scope?: vscode.ConfigurationScope): FrameBudget {
  return resolveFrameBudget({ setting: readSettings(scope).refreshRate, recorded: recordedRate(profile) });
}

/** The budget for a live session: launch.json's refreshRate, else the setting, else what the session reports. */
export function budgetForSession(launchHz: number | undefined, reportedHz: number | undefined): FrameBudget {
  return resolveFrameBudget({ launch: launchHz, setting: currentSettings().refreshRate, recorded: reportedHz });
}

/** Fires when uevrProfiler.refreshRate changes; every surface that shows a budget listens. */
export function onDidChangeRefreshRate(listener: () => void): vscode.Disposable {
  return onDidChangeSettings((e) => {
    if (e.affects('refreshRate')) listener();
  });
}
