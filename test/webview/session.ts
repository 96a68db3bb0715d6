// A headless-Chromium session for the webview tests: the built bundle, one browser, helpers to open
// the standalone export or a VS Code-like page, and a list of problems (page errors, console errors
// such as CSP violations, dialogs) that every test asserts is empty.
import type { Profile } from '../../src/core/profile';
import { inlineScriptText, renderStandaloneHtml } from '../../src/core/view/standaloneHtml';
import { buildFlamegraphBundle } from './bundle';
import { htmlFileUrl, launchChromium, type PwBrowser, type PwPage } from './harness';

// The page functions below run inside Chromium. The Node-side tsconfig has no DOM types, so they see
// the page through this module-local loose declaration (`any` on purpose: the browser run checks them).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

export const ROW_H = 18;
export const FLAME_CANVAS = '.fg-panel-flame canvas';

/** A Profile as JSON-safe values: typed arrays become { __typed, values } (revived in the page). */
export function toPlain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return { __typed: v.constructor.name, values: Array.from(v as unknown as ArrayLike<number>) };
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}

export class WebviewSession {
  readonly problems: string[] = [];
  private browser: PwBrowser | null = null;
  bundle: { js: string; css: string } = { js: '', css: '' };

  async start(): Promise<void> {
    this.bundle = await buildFlamegraphBundle();
    this.browser = await launchChromium();
  }

  async stop(): Promise<void> {
    await this.browser?.close();
  }

  private async newPage(): Promise<PwPage> {
    if (!this.browser) throw new Error('session not started');
    const page = await this.browser.newPage({ viewport: { width: 1000, height: 600 } });
    page.on('dialog', (d) => {
      this.problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => this.problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`console: ${m.text()}`);
    });
    // tsx's keepNames wraps inner functions of page callbacks in __name(): give the page an identity.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    return page;
  }

  /** The standalone HTML export of `profile` (a diff page when `before` is given), drawn. */
  async open(profile: Profile, title: string, opts: { before?: Profile } = {}): Promise<PwPage> {
    const html = renderStandaloneHtml(profile, { title, refreshRateHz: 90, before: opts.before }, this.bundle);
    const page = await this.newPage();
    await page.goto(htmlFileUrl(html));
    await page.waitForSelector('body[data-ready]', { state: 'attached' });
    await page.waitForFunction(() => Number(document.querySelector('.fg-panel:not([hidden]) canvas')?.dataset.rects ?? '0') > 0 || document.body.dataset.ready === 'empty');
    return page;
  }

  /**
   * A webview-like page: the bundle under a nonce CSP like the extension's, and a fake
   * acquireVsCodeApi whose state survives a reload (as VS Code's does when a panel is hidden/shown).
   * Messages the app posts collect in window.__posted. `l10nBundle` is the JSON text of a translation
   * bundle put into the page the way the extension does. Returns the page and `post`, which waits for
   * `ready` and posts the profile the way the extension does (typed arrays by structured clone).
   */
  async openVsCodeLike(profile: Profile, opts: { l10nBundle?: string } = {}): Promise<{ page: PwPage; post: () => Promise<void> }> {
    const nonce = 'vscodeTestNonce1';
    const html = [
      '<!DOCTYPE html><html><head><meta charset="utf-8">',
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'">`,
      `<style nonce="${nonce}">${this.bundle.css}</style></head><body><div id="app"></div>`,
      // The translation bundle as src/extension/webviewShell.ts writes it (JSON text, `<` escaped).
      opts.l10nBundle !== undefined ? `<script type="application/json" id="uevr-l10n">${opts.l10nBundle.replace(/</g, '\\u003c')}</script>` : '',
      `<script nonce="${nonce}">${inlineScriptText(this.bundle.js)}</script></body></html>`,
    ].join('');
    const page = await this.newPage();
    await page.addInitScript({
      content: `window.__posted = [];
        window.acquireVsCodeApi = () => ({
          postMessage: (m) => window.__posted.push(m),
          getState: () => { const s = sessionStorage.getItem('st'); return s ? JSON.parse(s) : undefined; },
          setState: (s) => sessionStorage.setItem('st', JSON.stringify(s)),
        });`,
    });
    const plain = toPlain(profile);
    const post = async (): Promise<void> => {
      await page.waitForFunction(() => window.__posted.some((m: { type: string }) => m.type === 'ready'));
      await page.evaluate((p: unknown) => {
        const revive = (v: any): any => {
          if (v && typeof v === 'object' && typeof v.__typed === 'string') return new window[v.__typed](v.values);
          if (Array.isArray(v)) return v.map(revive);
          if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
          return v;
        };
        window.postMessage({ type: 'profile', profile: revive(p), settings: { refreshRateHz: 90 }, title: 'in vscode' }, '*');
      }, plain);
      await page.waitForSelector('body[data-ready]', { state: 'attached' });
    };
    await page.goto(htmlFileUrl(html));
    return { page, post };
  }
}

export const pageText = (page: PwPage): Promise<string> => page.evaluate(() => document.body.innerText);

export const dataset = (page: PwPage, sel: string, key: string): Promise<string | undefined> =>
  page.evaluate(([s, k]) => document.querySelector(s)?.dataset[k], [sel, key] as [string, string]);

/** Client coordinates of a point in the flame graph's canvas (row = depth). */
export const flamePoint = (page: PwPage, xFrac: number, row: number): Promise<{ x: number; y: number }> =>
  page.evaluate(
    ([sel, f, r, h]) => {
      const b = document.querySelector(sel).getBoundingClientRect();
      return { x: b.left + b.width * f, y: b.top + r * h + h / 2 };
    },
    [FLAME_CANVAS, xFrac, row, ROW_H] as [string, number, number, number],
  );

/** Click a point of the flame graph with modifiers (Playwright's mouse.click has none). */
export async function clickFlame(page: PwPage, xFrac: number, row: number, modifiers: string[] = []): Promise<void> {
  const p = await flamePoint(page, xFrac, row);
  const box = await page.evaluate((sel: string) => document.querySelector(sel).getBoundingClientRect().toJSON(), FLAME_CANVAS);
  await page.click(FLAME_CANVAS, { position: { x: p.x - box.left, y: p.y - box.top }, modifiers });
}
