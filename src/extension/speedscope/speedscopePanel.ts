// "Open in speedscope": a profile in the speedscope viewer bundled with the extension.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../log';
import { exportProfileFile } from '../profileLoader';
import { escapeHtml } from '../webviewShell';

/**
 * "Open in speedscope": the same profile in the speedscope viewer that ships in the extension
 * (node_modules/speedscope/dist/release copied to dist/speedscope), for people who know its views.
 * The profile is exported to speedscope's JSON format in the worker and handed to speedscope through
 * its `#profileURL=` parameter, pointing at a webview resource: no network, no remote content.
 */
export async function openInSpeedscope(context: vscode.ExtensionContext, source: vscode.Uri): Promise<vscode.WebviewPanel> {
  if (source.scheme !== 'file') throw new UserError(vscode.l10n.t('Only profiles on disk can be opened in speedscope.'));
  const folder = join(context.globalStorageUri.fsPath, 'speedscope');
  mkdirSync(folder, { recursive: true });
  const name = basename(source.fsPath);
  // A fresh file name per open: the webview may cache resource URLs.
  const out = join(folder, `${randomBytes(6).toString('hex')}-${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.speedscope.json`);
  await exportProfileFile(context.extensionUri, source, { format: 'speedscope', out });

  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist', 'speedscope');
  const panel = vscode.window.createWebviewPanel('uevrProfiler.speedscope', vscode.l10n.t('speedscope: {0}', name), vscode.ViewColumn.Active, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [dist, vscode.Uri.file(folder)],
  });
  const w = panel.webview;
  const nonce = randomBytes(16).toString('base64');
  const [cssFile, jsFile] = await findAssets(dist);
  const profileUrl = w.asWebviewUri(vscode.Uri.file(out)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // speedscope injects its component styles at run time (style elements without a nonce).
    `style-src ${w.cspSource} 'unsafe-inline'`,
    `img-src ${w.cspSource} data: blob:`,
    `font-src ${w.cspSource}`,
    `connect-src ${w.cspSource}`,
  ].join('; ');
  w.html = `<!DOCTYPE html>
<html lang="en"><head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>speedscope: ${escapeHtml(name)}</title>
${cssFile ? `<link rel="stylesheet" href="${escapeHtml(w.asWebviewUri(cssFile).toString())}">` : ''}
<script nonce="${nonce}">history.replaceState(null, '', '#profileURL=' + encodeURIComponent(${JSON.stringify(profileUrl).replace(/</g, '\\u003c')}) + '&title=' + encodeURIComponent(${JSON.stringify(name).replace(/</g, '\\u003c')}));</script>
</head><body>
<script nonce="${nonce}" src="${escapeHtml(w.asWebviewUri(jsFile).toString())}"></script>
</body></html>`;
  return panel;
}

/** speedscope's release bundle has content-hashed file names: find them rather than hard-coding. */
async function findAssets(dist: vscode.Uri): Promise<[vscode.Uri | undefined, vscode.Uri]> {
  const entries = await vscode.workspace.fs.readDirectory(dist);
  const css = entries.find(([n]) => /^speedscope-.*\.css$/.test(n));
  const js = entries.find(([n]) => /^speedscope-.*\.js$/.test(n));
  if (!js) throw new UserError(vscode.l10n.t('The bundled speedscope viewer is missing from the extension (dist/speedscope). Reinstall the extension.'));
  return [css ? vscode.Uri.joinPath(dist, css[0]) : undefined, vscode.Uri.joinPath(dist, js[0])];
}
