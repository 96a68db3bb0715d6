// The standalone flame-graph page: one HTML file that works offline with no network access. It inlines
// the built webview bundle (dist/webview/flamegraph.js + .css, read by the caller) and the profile,
// under a CSP that allows only this page's own nonce'd script and style. Every profile string is
// untrusted: the profile travels as JSON inside <script type="application/json">, with '<', '>', '&'
// and the JS line separators written as \u escapes so no name can close the element or open a tag.
import type { Profile } from '../profile/types';
import { encodeProfile, type EmbeddedPayload } from './embed';
import { settingsForRefreshRate } from './messages';

export interface StandaloneOptions {
  title: string;
  refreshRateHz: number;
  /** For a diff page: the profile the main argument is compared against (shown as "before"). */
  before?: Profile;
  beforeLabel?: string;
  afterLabel?: string;
  /** Nonce for the CSP; random when omitted (tests pass one to get stable output). */
  nonce?: string;
}

export interface WebviewBundle {
  js: string;
  css: string;
}

/** JSON that is safe inside a <script> element: no '<', '>', '&', U+2028 or U+2029 left raw. */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text that is safe as HTML element content or a double-quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Our own bundle inlined in <script>: '</script' and '<!--' would end or confuse the element even
 * inside JS strings, so they are broken up. esbuild already escapes '</script' in strings; this also
 * covers comments and template literals. '<\/' and '<\!--' mean the same inside JS strings.
 */
export function inlineScriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function inlineStyleText(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

function randomNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  const rnd = globalThis.crypto?.getRandomValues ? globalThis.crypto.getRandomValues(new Uint8Array(32)) : null;
  for (let i = 0; i < 32; i++) s += chars[(rnd ? rnd[i] : Math.floor(Math.random() * 256)) % chars.length];
  return s;
}

/** One self-contained HTML page showing `profile` (or the diff `opts.before` → `profile`). */
export function renderStandaloneHtml(profile: Profile, opts: StandaloneOptions, bundle: WebviewBundle): string {
  const nonce = opts.nonce && /^[A-Za-z0-9+/=]{8,}$/.test(opts.nonce) ? opts.nonce : randomNonce();
  const payload: EmbeddedPayload = {
    v: 1,
    title: opts.title,
    settings: settingsForRefreshRate(opts.refreshRateHz),
  };
  if (opts.before) {
    payload.before = encodeProfile(opts.before);
    payload.after = encodeProfile(profile);
    payload.beforeLabel = opts.beforeLabel;
    payload.afterLabel = opts.afterLabel;
  } else {
    payload.profile = encodeProfile(profile);
  }
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    'font-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(opts.title)} — UEVR Flame Graph</title>`,
    `<style nonce="${nonce}">${inlineStyleText(bundle.css)}</style>`,
    '</head>',
    '<body class="uevr-standalone">',
    `<script type="application/json" id="uevr-profile-data">${jsonForScriptElement(payload)}</script>`,
    `<script nonce="${nonce}">${inlineScriptText(bundle.js)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
