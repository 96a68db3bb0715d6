// More of the flame-graph webview in headless Chromium (split from browser.test.ts so the two files run
// in parallel): the functions table, the frames brush, the chart, empty profiles, the diff page, and the
// app inside a VS Code-like host (messages, state across reloads, CSP). Skips like browser.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyProfile, foldedLikeProfile, HOSTILE_NAME, smallProfile } from '../../webview/fixtures';
import { browserUnavailable } from '../../webview/harness';
import { WebviewSession, pageText, dataset, clickFlame } from '../../webview/session';

// Page callbacks run inside Chromium; the Node tsconfig has no DOM types (`any` on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

const skip = browserUnavailable();

describe('flame-graph webview in headless Chromium: table, chart, diff, VS Code host', { skip: skip ?? false }, () => {
  const s = new WebviewSession();
  before(() => s.start());
  after(() => s.stop());

  test('functions table sorts by column; dragging across frames selects a range; the chart draws', async () => {
    const page = await s.open(smallProfile(), 'sort');
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
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('profiles without game frames and empty profiles', async () => {
    const folded = await s.open(foldedLikeProfile(), 'folded');
    assert.ok((await pageText(folded)).includes('3 samples · no game frames'));
    assert.equal(await folded.evaluate(() => document.querySelector('button[data-tab="frames"]').hidden), true);
    await folded.close();
    const empty = await s.open(emptyProfile(), 'empty one');
    assert.ok((await pageText(empty)).includes('This profile is empty'));
    await empty.close();
    assert.deepEqual(s.problems, []);
  });

  test('inside VS Code: ready/openSource messages, profile by postMessage, state kept across reloads, CSP clean', async () => {
    const { page, post } = await s.openVsCodeLike(smallProfile());
    await post();
    assert.ok((await pageText(page)).includes('80 samples · 10 frames'));
    await page.waitForFunction(() => window.__posted.some((m: { type: string; ms: number }) => m.type === 'rendered' && m.ms >= 0));
    await clickFlame(page, 0.1, 3, ['Control']);
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
    await page.evaluate(() => window.postMessage({ type: 'settings', settings: { refreshRateHz: 120 } }, '*'));
    await page.waitForFunction(() => document.querySelector('.fg-summary')?.textContent?.endsWith('(88.8% of 8.33 ms at 120 Hz)'));
    // focus: search for a function, switch to the flame graph, zoom to its heaviest node.
    await page.evaluate(() => window.postMessage({ type: 'focus', name: 'update_ui', tab: 'flame' }, '*'));
    await page.waitForFunction(
      () => document.querySelector('.fg-search').value === 'update_ui' && document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed !== '-1',
    );
    assert.ok((await page.evaluate(() => Array.from(document.querySelectorAll('.fg-crumb')).map((b: any) => b.textContent))).includes('update_ui'));
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('diff view colours and summarises two captures', async () => {
    const before = smallProfile('before');
    const page = await s.open(smallProfile('after'), 'compare', { before });
    await page.waitForSelector('.fg-panel-diff:not([hidden])');
    const t = await pageText(page);
    assert.ok(t.includes('before: 8.00 ms/frame → after: 8.00 ms/frame'), t);
    assert.ok(Number(await dataset(page, '.fg-panel-diff canvas', 'rects')) > 0);
    assert.deepEqual(s.problems, []);
    await page.close();
  });
});
