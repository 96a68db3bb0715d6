// Loads the extension's translation bundle into @vscode/l10n before a webview renders anything.
// The extension host writes vscode.l10n.bundle into the page as a JSON data block (webviewShell.ts);
// the webview has no vscode.l10n of its own, so every UI string of webview/** goes through
// l10n.t from @vscode/l10n, which answers from this bundle or falls back to the English key. The
// standalone HTML export has no bundle element and stays English.
import * as l10n from '@vscode/l10n';

/** Id of the <script type="application/json"> element that carries the bundle. */
export const L10N_ELEMENT_ID = 'uevr-l10n';

function configure(): void {
  const text = document.getElementById(L10N_ELEMENT_ID)?.textContent;
  if (!text) return;
  try {
    // (config parses the JSON text itself; it throws on a malformed bundle.)
    l10n.config({ contents: text });
  } catch {
    // A broken bundle must not cost the user the view: English it is.
  }
}

configure();
