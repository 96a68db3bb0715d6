// The flame-graph webview in real headless Chromium: the standalone HTML export of a small capture,
// checked through the DOM (text, data-* counters on the canvases) and real mouse and keyboard input.
// Skips with a reason when chromium or playwright-core is not installed on this machine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Profile } from '../../../src/core/profile';
import { inlineScriptText, renderStandaloneHtml } from '../../../src/core/view/standaloneHtml';
import { buildFlamegraphBundle } from '../../webview/bundle';
import { emptyProfile, foldedLikeProfile, HOSTILE_FILE, HOSTILE_NAME, smallProfile } from '../../webview/fixtures';
import { browserUnavailable, htmlFileUrl, launchChromium, type PwBrowser, type PwPage } from '../../webview/harness';

// The page functions below run inside Chromium. The Node-side tsconfig has no DOM types, so they see
// the page through this module-local loose declaration (`any` on purpose: the browser run checks them).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
declare const window: any;

/** A Profile as JSON-safe values: typed arrays become { __typed, values } (revived in the page). */
function toPlain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return { __typed: v.constructor.name, values: Array.from(v as unknown as ArrayLike<number>) };
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}

const skip = browserUnavailable();
const ROW_H = 18;

describe('flame-graph webview in headless Chromium', { skip: skip ?? false }, () => {
  let browser: PwBrowser;
  let bundle: { js: string; css: string };
  const problems: string[] = [];

  async function open(profile: Profile, title: string, opts: { before?: Profile } = {}): Promise<PwPage> {
    const html = renderStandaloneHtml(profile, { title, refreshRateHz: 90, before: opts.before }, bundle);
    const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(htmlFileUrl(html));
    await page.waitForSelector('body[data-ready]', { state: 'attached' });
    await page.waitForFunction(() => Number(document.querySelector('.fg-panel:not([hidden]) canvas')?.dataset.rects ?? '0') > 0 || document.body.dataset.ready === 'empty');
    return page;
  }

  const text = (page: PwPage): Promise<string> => page.evaluate(() => document.body.innerText);
  const dataset = (page: PwPage, sel: string, key: string): Promise<string | undefined> =>
    page.evaluate(([s, k]) => (document.querySelector(s))?.dataset[k], [sel, key] as [string, string]);
  const flameCanvas = '.fg-panel-flame canvas';
  /** Client coordinates of a point in the flame graph's canvas (row = depth). */
  const flamePoint = (page: PwPage, xFrac: number, row: number): Promise<{ x: number; y: number }> =>
    page.evaluate(
      ([sel, f, r, h]) => {
        const b = (document.querySelector(sel)).getBoundingClientRect();
        return { x: b.left + b.width * f, y: b.top + r * h + h / 2 };
      },
      [flameCanvas, xFrac, row, ROW_H] as [string, number, number, number],
    );

  before(async () => {
    bundle = await buildFlamegraphBundle();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('shows the title and the summary line as text, and hostile names only as text', async () => {
    const page = await open(smallProfile(), `capture ${HOSTILE_NAME}`);
    const t = await text(page);
    assert.ok(t.includes(`capture ${HOSTILE_NAME}`), t);
    assert.ok(t.includes('80 samples · 10 frames · scripts 7.40 ms/frame (66.6% of 11.1 ms at 90 Hz)'), t);
    await page.click('button[data-tab="sandwich"]');
    const table = await text(page);
    assert.ok(table.includes(HOSTILE_NAME) && table.includes(HOSTILE_FILE), table);
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, script:not([nonce]):not([type="application/json"])').length), 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('search highlights the matching nodes and counts them', async () => {
    const page = await open(smallProfile(), 'search');
    await page.fill('.fg-search', 'hands');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.fg-matches')?.textContent === '2 matches');
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.highlighted === '2');
    await page.fill('.fg-search', 'no such function');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.fg-matches')?.textContent === '0 matches');
    // Inverted: the heaviest leaf (find_component, 40 of 80 ms) is the first child of the root.
    await page.click('.fg-invert');
    await page.waitForFunction(() => document.querySelector('.fg-invert')?.getAttribute('aria-pressed') === 'true');
    const first = await page.evaluate(() => {
      const app = window.__uevrFlame;
      const t = app.flame.callTree;
      return [app.flame.tooltip(1)[0], t.total[1], t.depth[1]];
    });
    assert.deepEqual(first, ['find_component', 40, 1]);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('click zooms into a node, the breadcrumb follows, ctrl-click shows the source location', async () => {
    const page = await open(smallProfile(), 'zoom');
    const p = await flamePoint(page, 0.1, 3); // find_component (depth 3, leftmost)
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed !== '-1');
    const crumbs = await page.evaluate(() => (Array.from(document.querySelectorAll('.fg-crumb')) as Array<{ textContent: string }>).map((b) => b.textContent));
    assert.deepEqual(crumbs, ['all', 'on_pre_engine_tick', 'update_hands', 'find_component']);
    // mouse.click has no modifiers in Playwright; page.click takes them with an element-relative position.
    const box = await page.evaluate((sel) => {
      const b = (document.querySelector(sel)).getBoundingClientRect();
      return { left: b.left, top: b.top };
    }, flameCanvas);
    await page.click(flameCanvas, { position: { x: p.x - box.left, y: p.y - box.top }, modifiers: ['Control'] });
    await page.waitForFunction(() => document.querySelector('.fg-status')?.textContent === 'hands.lua:55');
    await page.click('.fg-crumb');
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed === '-1');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('keyboard: Tab-focusable canvas, arrows select, Enter zooms, Escape resets, / focuses search', async () => {
    const page = await open(smallProfile(), 'keys');
    assert.equal(await page.evaluate(() => document.querySelector('.fg-panel-flame canvas')?.getAttribute('tabindex')), '0');
    await page.focus(flameCanvas);
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.selected === '0');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.selected === '2');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed === '2');
    assert.ok((await text(page)).includes('update_hands'));
    await page.keyboard.press('ArrowRight'); // next sibling of update_hands
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.selected !== '2');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed === '-1');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'fg-search');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('frames timeline: picking a frame restricts the flame graph', async () => {
    const page = await open(smallProfile(), 'frames');
    await page.click('button[data-tab="frames"]');
    await page.waitForSelector('.fg-panel-frames:not([hidden])');
    const pos = await page.evaluate(() => {
      const b = (document.querySelector('.fg-panel-frames canvas')).getBoundingClientRect();
      return { x: b.left + b.width * 0.35, y: b.top + b.height / 2 }; // 4th of 10 frames: row 3 (#103)
    });
    await page.mouse.click(pos.x, pos.y);
    await page.waitForFunction(() => document.querySelector('.fg-selection')?.textContent?.startsWith('Selected frame #103'));
    await page.click('button[data-tab="sandwich"]');
    // One frame selected: find_component has 4 samples of 1 ms in it → 4.00 ms/frame.
    await page.waitForFunction(() => document.querySelector('.fg-table tbody tr td:nth-child(4)')?.textContent === '4.00');
    await page.click('button[data-tab="frames"]');
    await page.click('.fg-worst-n');
    await page.waitForFunction(() => document.querySelector('.fg-selection')?.textContent === 'Selected the 10 worst frames (11.8 ms on average)');
    await page.click('.fg-button:not([hidden]):last-of-type');
    await page.waitForFunction(() => document.querySelector('.fg-selection')?.textContent === '');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('functions table sorts by column; dragging across frames selects a range; the chart draws', async () => {
    const page = await open(smallProfile(), 'sort');
    await page.click('button[data-tab="sandwich"]');
    const firstRow = (): Promise<string> => page.evaluate(() => document.querySelector('.fg-table tbody tr .fg-fn-name')?.textContent ?? '');
    assert.equal(await firstRow(), 'find_component'); // default: self, descending
    await page.click('button.fg-sort[data-key="total"]');
    await page.waitForFunction(() => document.querySelector('.fg-table tbody tr .fg-fn-name')?.textContent === 'on_pre_engine_tick');
    await page.click('button.fg-sort[data-key="total"]');
    await page.waitForFunction(() => document.querySelector('th[aria-sort="ascending"] button')?.dataset.key === 'total');
    assert.notEqual(await firstRow(), 'on_pre_engine_tick');
    await page.click('button.fg-sort[data-key="name"]');
    // Name sorts A→Z first (punctuation before letters), then Z→A.
    await page.waitForFunction((n: string) => document.querySelector('.fg-table tbody tr .fg-fn-name')?.textContent === n, HOSTILE_NAME);
    await page.click('button.fg-sort[data-key="name"]');
    await page.waitForFunction(() => document.querySelector('.fg-table tbody tr .fg-fn-name')?.textContent === 'update_ui');
    await page.click('button[data-tab="frames"]');
    const box = await page.evaluate(() => document.querySelector('.fg-panel-frames canvas').getBoundingClientRect().toJSON());
    await page.mouse.move(box.x + box.width * 0.05, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector('.fg-selection')?.textContent === 'Selected frames #100–#104 (5)');
    await page.click('button[data-tab="chart"]');
    await page.waitForFunction(() => Number(document.querySelector('.fg-panel-chart canvas')?.dataset.rects) > 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('profiles without game frames and empty profiles', async () => {
    const folded = await open(foldedLikeProfile(), 'folded');
    assert.ok((await text(folded)).includes('3 samples · no game frames'));
    assert.equal(await folded.evaluate(() => (document.querySelector('button[data-tab="frames"]')).hidden), true);
    await folded.close();
    const empty = await open(emptyProfile(), 'empty one');
    assert.ok((await text(empty)).includes('This profile is empty'));
    await empty.close();
    assert.deepEqual(problems, []);
  });

  test('inside VS Code: ready/openSource messages, profile by postMessage, state kept across reloads, CSP clean', async () => {
    // A webview-like page: the bundle under a nonce CSP like the extension's, and a fake
    // acquireVsCodeApi whose state survives a reload (as VS Code's does when a panel is hidden/shown).
    const nonce = 'vscodeTestNonce1';
    const html = [
      '<!DOCTYPE html><html><head><meta charset="utf-8">',
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'">`,
      `<style nonce="${nonce}">${bundle.css}</style></head><body>`,
      `<script nonce="${nonce}">${inlineScriptText(bundle.js)}</script></body></html>`,
    ].join('');
    const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.addInitScript({
      // __name: tsx's keepNames wraps inner functions of the page callbacks below in __name().
      content: `window.__name = (f) => f;
        window.__posted = [];
        window.acquireVsCodeApi = () => ({
          postMessage: (m) => window.__posted.push(m),
          getState: () => { const s = sessionStorage.getItem('st'); return s ? JSON.parse(s) : undefined; },
          setState: (s) => sessionStorage.setItem('st', JSON.stringify(s)),
        });`,
    });
    const plain = toPlain(smallProfile());
    const post = async (): Promise<void> => {
      await page.waitForFunction(() => window.__posted.some((m: { type: string }) => m.type === 'ready'));
      await page.evaluate((p: unknown) => {
        const revive = (v: any): any => {
          if (v && typeof v === 'object' && typeof v.__typed === 'string') return new (window as any)[v.__typed](v.values);
          if (Array.isArray(v)) return v.map(revive);
          if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
          return v;
        };
        window.postMessage({ type: 'profile', profile: revive(p), settings: { refreshRateHz: 90, budgetMs: 1000 / 90 }, title: 'in vscode' }, '*');
      }, plain);
      await page.waitForSelector('body[data-ready]', { state: 'attached' });
    };
    await page.goto(htmlFileUrl(html));
    await post();
    assert.ok((await text(page)).includes('80 samples · 10 frames'));
    await page.waitForFunction(() => window.__posted.some((m: { type: string; ms: number }) => m.type === 'rendered' && m.ms >= 0));
    const p = await flamePoint(page, 0.1, 3);
    const box = await page.evaluate((sel: string) => document.querySelector(sel).getBoundingClientRect().toJSON(), flameCanvas);
    await page.click(flameCanvas, { position: { x: p.x - box.left, y: p.y - box.top }, modifiers: ['Control'] });
    await page.waitForFunction(() => window.__posted.some((m: { type: string }) => m.type === 'openSource'));
    assert.deepEqual(await page.evaluate(() => window.__posted.find((m: { type: string }) => m.type === 'openSource')), { type: 'openSource', file: 'hands.lua', line: 55 });
    await page.click('button[data-tab="sandwich"]');
    await page.fill('.fg-search', 'hands');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.fg-panel-sandwich .fg-note')?.textContent?.startsWith('2 functions matching'));
    await page.reload();
    await post();
    await page.waitForFunction(() => document.querySelector('button[data-tab="sandwich"]').getAttribute('aria-selected') === 'true', undefined, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => document.querySelector('.fg-search').value), 'hands');
    // settings: the refresh rate changes the budget everywhere.
    await page.evaluate(() => window.postMessage({ type: 'settings', settings: { refreshRateHz: 120, budgetMs: 1000 / 120 } }, '*'));
    await page.waitForFunction(() => document.querySelector('.fg-summary')?.textContent?.endsWith('(88.8% of 8.33 ms at 120 Hz)'));
    // focus: search for a function, switch to the flame graph, zoom to its heaviest node.
    await page.evaluate(() => window.postMessage({ type: 'focus', name: 'update_ui', tab: 'flame' }, '*'));
    await page.waitForFunction(
      () => document.querySelector('.fg-search').value === 'update_ui' && document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed !== '-1',
    );
    assert.ok((await page.evaluate(() => Array.from(document.querySelectorAll('.fg-crumb')).map((b: any) => b.textContent))).includes('update_ui'));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('diff view colours and summarises two captures', async () => {
    const before = smallProfile('before');
    const page = await open(smallProfile('after'), 'compare', { before });
    await page.waitForSelector('.fg-panel-diff:not([hidden])');
    const t = await text(page);
    assert.ok(t.includes('before: 8.00 ms/frame → after: 8.00 ms/frame'), t);
    assert.ok(Number(await dataset(page, '.fg-panel-diff canvas', 'rects')) > 0);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
