// The HTML shell of every webview of ours: strict CSP, nonce, the bundle from dist/webview, and the
// translation bundle for the webview's own UI text.
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
  // The webview has no vscode.l10n: the bundle of the display language (undefined for English) goes
  // into the page as a JSON data block, which webview/l10n.ts hands to @vscode/l10n before rendering.
  // A data block is never executed, so the CSP does not apply; `<` is escaped so no string in it can
  // close the element.
  const bundleJson = JSON.stringify(vscode.l10n.bundle ?? {}).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
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
<p class="uevr-loading">${escapeHtml(vscode.l10n.t('Loading {0}…', title))}</p>
<script type="application/json" id="uevr-l10n">${bundleJson}</script>
<script nonce="${nonce}" src="${js}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
