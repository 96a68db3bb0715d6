// Entry of the flame-graph webview bundle (dist/webview/flamegraph.js + .css). Runs inside VS Code's
// webview or in the standalone HTML export (host.ts picks the right host).
import './styles.css';

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
  const root = document.createElement('div');
  root.className = 'fg-app';
  document.body.appendChild(root);
  const app = new App(host, root);
  window.__uevrFlame = app;
  host.listen((msg) => app.handle(msg));
  window.addEventListener('error', (e) => host.post({ type: 'error', message: String(e.message) }));
  host.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
