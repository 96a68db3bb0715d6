// The HTML shell of every webview of ours: strict CSP, nonce, the bundle from dist/webview.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The HTML shell every webview of ours uses: a strict Content-Security-Policy (no remote content, no
 * inline script except the nonce'd bundle, no eval), the bundle and its stylesheet from dist/webview,
 * and nothing taken from a profile — profile strings reach the page only as data in messages and
 * are set with textContent by the webview code.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const js = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.css`));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}" nonce="${nonce}">
<style nonce="${nonce}">#app:not(:empty) ~ .uevr-loading, body:has(> :is(div, main, section):not(#app)) .uevr-loading { display: none; } .uevr-loading { opacity: .7; padding: 8px; }</style>
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app" data-bundle="${escapeHtml(bundle)}"></div>
<p class="uevr-loading">Loading ${escapeHtml(title)}…</p>
<script nonce="${nonce}" src="${js}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
