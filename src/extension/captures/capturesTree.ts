// The "UEVR Captures" tree view: this workspace's capture history.
import * as vscode from 'vscode';
import { formatMs } from '../../core/budget';
import type { CaptureEntry, CaptureStore } from '../../core/history/captureStore';

export const CAPTURES_VIEW_ID = 'uevrProfiler.captures';

/** The "UEVR Captures" tree: this workspace's capture history, newest first. */
export class CapturesTreeProvider implements vscode.TreeDataProvider<CaptureEntry> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(readonly store: CaptureStore) {}

  refresh(): void {
    this.changed.fire();
  }

  getChildren(element?: CaptureEntry): CaptureEntry[] {
    return element ? [] : this.store.list();
  }

  getTreeItem(e: CaptureEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.None);
    const when = new Date(e.date);
    const cost = e.scriptsMsPerFrame !== undefined ? ` · ${vscode.l10n.t('{0} ms/frame', formatMs(e.scriptsMsPerFrame))}` : '';
    item.description = `${e.game} · ${e.seconds > 0 ? `${e.seconds.toFixed(1)} s` : ''}${cost}`;
    item.tooltip = new vscode.MarkdownString(
      [`**${escapeMd(e.name)}**`, `${escapeMd(e.game)} · ${when.toLocaleString()}`, vscode.l10n.t('{0} frames · {1} samples · {2} s', e.frames, e.samples, e.seconds.toFixed(1)), cost ? vscode.l10n.t('scripts{0}', cost) : '', `\`${escapeMd(e.file)}\``]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon('flame');
    item.contextValue = 'uevrCapture';
    item.resourceUri = vscode.Uri.file(e.file);
    item.command = { command: 'uevrProfiler.captures.open', title: vscode.l10n.t('Open'), arguments: [e] };
    return item;
  }

  getParent(): undefined {
    return undefined;
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
