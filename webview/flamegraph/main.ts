// Entry of the flame-graph webview bundle (dist/webview/flamegraph.js + .css). Runs inside VS Code's
// webview or in the standalone HTML export (host.ts picks the right host).
import './styles.css';
// First: the translation bundle is loaded before any module below words its UI.
import '../l10n';

import { App } from './app';
import { createHost } from './host';

declare global {
  interface Window {
    /** Handle for the browser tests and the render benchmark (not used by the product itself). */
    __uevrFlame?: App;
  }
}

performance.mark('uevr-script-start');

function start(): void {
  const host = createHost();
  // Mount into the extension shell's #app when there is one (its loading note hides once #app has
  // content); the standalone page has no shell, so the app goes straight into <body>.
  const root = document.createElement('div');
  root.className = 'fg-app';
  (document.getElementById('app') ?? document.body).appendChild(root);
  const app = new App(host, root);
  window.__uevrFlame = app;
  host.listen((msg) => app.handle(msg));
  window.addEventListener('error', (e) => host.post({ type: 'error', message: String(e.message) }));
  host.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
