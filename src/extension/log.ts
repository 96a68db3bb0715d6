// The extension's log channel, and user-facing errors shown as a sentence (the stack goes to the log).
import * as vscode from 'vscode';

/**
 * User-facing errors: a sentence saying what went wrong and what to do, never a stack trace.
 * The full error (with stack) goes to the "UEVR Profiler" log for bug reports.
 */
export class UserError extends Error {
  constructor(message: string, readonly actions: string[] = []) {
    super(message);
    this.name = 'UserError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err).split('\n')[0];
}

/** Shows an error without a stack trace and logs the details; resolves to the action picked, if any. */
export async function showError(log: vscode.LogOutputChannel, context: string, err: unknown): Promise<string | undefined> {
  log.error(`${context}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const actions = err instanceof UserError ? err.actions : [];
  const text = err instanceof UserError ? err.message : `${context}: ${errorMessage(err)}`;
  const picked = await vscode.window.showErrorMessage(text, ...actions, vscode.l10n.t('Show Log'));
  if (picked === vscode.l10n.t('Show Log')) log.show(true);
  return picked;
}
