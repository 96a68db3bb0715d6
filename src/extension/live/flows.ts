// The attach and capture flows behind the commands: attach starts a UEVR debug session (the debug
// adapter then drives the session manager) and waits for the session; "capture the next seconds"
// attaches when needed and runs a capture with a cancellable progress notification.
import * as vscode from 'vscode';
import { DEBUG_TYPE, type UevrAttachConfiguration } from '../debug';
import { UserError } from '../log';
import { resolveAttachTarget } from './picker';
import type { SessionManager } from './sessionManager';

export interface LiveFlows {
  /** Picks (or takes) a target and starts the debug session; resolves with the session's label, or undefined. */
  attach(config?: Partial<UevrAttachConfiguration>): Promise<string | undefined>;
  /** Captures `seconds` into `capturesFolder`, attaching first if needed; resolves with the file. */
  captureFor(seconds: number): Promise<string | undefined>;
}

export function liveFlows(sessions: SessionManager, capturesFolder: string): LiveFlows {
  const attach = async (config?: Partial<UevrAttachConfiguration>): Promise<string | undefined> => {
    const target = await resolveAttachTarget(sessions, config ?? {});
    if (!target) return undefined;
    const debugConfig: UevrAttachConfiguration =
      target.kind === 'simulate'
        ? { type: DEBUG_TYPE, request: 'attach', name: vscode.l10n.t('UEVR: simulated session'), session: 'simulate', scriptsFolder: target.scriptsDir }
        : target.kind === 'discovery'
          ? { type: DEBUG_TYPE, request: 'attach', name: 'UEVR', session: target.file }
          : { type: DEBUG_TYPE, request: 'attach', name: 'UEVR', host: target.host, port: target.port, token: target.token };
    const attached = new Promise<string | undefined>((resolve) => {
      const sub = sessions.onDidChangeSession((s) => {
        if (s) {
          sub.dispose();
          resolve(s.label);
        }
      });
      setTimeout(() => {
        sub.dispose();
        resolve(sessions.current?.label);
      }, 60_000);
    });
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], debugConfig);
    if (!started) throw new UserError(vscode.l10n.t('Could not start the UEVR debug session; see the UEVR Profiler log.'), [vscode.l10n.t('Show Log')]);
    return attached;
  };

  const captureFor = async (seconds: number): Promise<string | undefined> => {
    if (!sessions.current) {
      const label = await attach();
      if (!label) return undefined;
    }
    const done = sessions.startCapture(seconds, capturesFolder);
    const finished = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Capturing {0} s of {1}', seconds, sessions.current?.info.game ?? vscode.l10n.t('the game')), cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => void sessions.stopCapture().catch(() => undefined));
        const started = Date.now();
        const tick = setInterval(() => progress.report({ increment: (100 * 0.5) / seconds, message: `${((Date.now() - started) / 1000).toFixed(0)} s` }), 500);
        try {
          return await done;
        } finally {
          clearInterval(tick);
        }
      },
    );
    return finished?.file;
  };
  return { attach, captureFor };
}
