// The compare panel: two captures as a differential flame graph, with the verdict in ms per frame.
import * as vscode from 'vscode';
import type { Profile } from '../../core/profile/types';
import { compareProfiles, type Comparison } from '../../core/report/compare';
import { parseFromWebview, type PackedDiffMessage } from '../../core/view/messages';
import { packForWebview } from '../packForWebview';
import { budgetForProfile, onDidChangeRefreshRate } from '../frameBudget';
import { webviewHtml } from '../webviewShell';

export interface OpenComparison {
  panel: vscode.WebviewPanel;
  comparison: Comparison;
  /** The rate last sent to the panel (the integration tests check a rate change reaches it). */
  readonly postedRefreshRateHz: number;
}

/**
 * Opens the differential flame graph of two profiles (after − before, in ms per frame) and returns
 * the numeric comparison, whose verdict is also the panel's heading.
 */
export function openComparison(extensionUri: vscode.Uri, before: { profile: Profile; label: string }, after: { profile: Profile; label: string }, onOpenSource: (file: string, line: number) => void): OpenComparison {
  let posted = 0;
  const hz = (): number => (posted = budgetForProfile(after.profile).refreshRateHz);
  const comparison = compareProfiles(before.profile, after.profile, hz());
  const panel = vscode.window.createWebviewPanel('uevrProfiler.compare', vscode.l10n.t('Compare: {0} → {1}', before.label, after.label), vscode.ViewColumn.Active, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  });
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'flamegraph', vscode.l10n.t('Compare captures'));
  panel.webview.onDidReceiveMessage((raw: unknown) => {
    const msg = parseFromWebview(raw);
    if (msg?.type === 'ready') {
      void Promise.all([packForWebview(before.profile), packForWebview(after.profile)]).then(([b, a]) => {
        const diff: PackedDiffMessage = {
          type: 'diffPacked',
          before: { header: b.header, data: b.data },
          after: { header: a.header, data: a.data },
          settings: { refreshRateHz: hz() },
          title: comparison.verdict,
          beforeLabel: before.label,
          afterLabel: after.label,
        };
        return panel.webview.postMessage(diff);
      });
    } else if (msg?.type === 'openSource') {
      onOpenSource(msg.file, msg.line);
    }
  });
  // A rate change reaches the open panel like every other surface.
  const sub = onDidChangeRefreshRate(() => void panel.webview.postMessage({ type: 'settings', settings: { refreshRateHz: hz() } }));
  panel.onDidDispose(() => sub.dispose());
  return { panel, comparison, get postedRefreshRateHz() { return posted; } };
}
