// Line-level views of the flame-graph webview in headless Chromium (issue 12): grouping the flame
// graph and flame chart by function+line, the functions table expanded into lines, ctrl-click on a
// node or a line row posting the exact line, and the per-line diff. Skips like browser.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lineProfile, smallProfile } from '../../webview/fixtures';
import { browserUnavailable } from '../../webview/harness';
import { WebviewSession, pageText, clickFlame, dataset } from '../../webview/session';

// Page callbacks run inside Chromium; the Node tsconfig has no DOM types (`any` on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

const skip = browserUnavailable();

const crumbs = (page: { evaluate: <T>(f: () => T) => Promise<T> }): Promise<string[]> =>
  page.evaluate(() => (Array.from(document.querySelectorAll('.fg-crumb')) as Array<{ textContent: string }>).map((b) => b.textContent));

describe('flame-graph webview in headless Chromium: line-level views', { skip: skip ?? false }, () => {
  const s = new WebviewSession();
  before(() => s.start());
  after(() => s.stop());

  test('"By line" splits the flame graph and the flame chart by current line; off, they group by function', async () => {
    const page = await s.open(lineProfile(), 'by line');
    assert.equal(await page.evaluate(() => document.querySelector('.fg-by-line').getAttribute('aria-pressed')), 'false');
    // By function: tick is one node at depth 2 holding all 10 ms of the frame.
    await clickFlame(page, 0.1, 2);
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed !== '-1');
    assert.deepEqual(await crumbs(page), ['all', 'on_pre_engine_tick', 'tick']);
    const byFunction = await page.evaluate(() => window.__uevrFlame.flame.callTree.length);

    await page.click('.fg-by-line');
    await page.waitForFunction(() => document.querySelector('.fg-by-line').getAttribute('aria-pressed') === 'true');
    // tick :12 (6 of 10 ms) is the heaviest, leftmost child; then :13 (calls helper) and :14.
    const rows = await page.evaluate(() => {
      const app = window.__uevrFlame;
      const t = app.flame.callTree;
      const out: string[] = [];
      for (let i = 1; i < t.length; i++) out.push(`${'  '.repeat(t.depth[i] - 1)}${app.flame.tooltip(i)[0]} ${t.total[i]}`);
      return out;
    });
    assert.deepEqual(rows, ['on_pre_engine_tick 100', '  tick :12 60', '  tick :13 20', '    helper :31 20', '  tick :14 20']);
    assert.ok((await page.evaluate(() => window.__uevrFlame.flame.callTree.length)) > byFunction);
    await clickFlame(page, 0.1, 2);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.fg-crumb')).length === 3);
    assert.deepEqual(await crumbs(page), ['all', 'on_pre_engine_tick', 'tick :12']);
    await clickFlame(page, 0.1, 2, ['Control']);
    await page.waitForFunction(() => document.querySelector('.fg-status')?.textContent === 'mod.lua:12');

    // The chart: runs split where the line changes. By line: tick :12, :13 (→ helper :31) and :14 in
    // each of the 10 frames, under one callback run (a frame ends and the next begins in the same
    // callback): 1 + 4 × 10 runs. By function: tick is one run through all frames, helper one a frame.
    await page.click('button[data-tab="chart"]');
    await page.waitForFunction(() => Number(document.querySelector('.fg-panel-chart canvas')?.dataset.rects) > 0);
    assert.equal(await page.evaluate(() => window.__uevrFlame.chart.tree.length), 41);
    await page.click('.fg-by-line');
    await page.waitForFunction(() => document.querySelector('.fg-by-line').getAttribute('aria-pressed') === 'false');
    assert.equal(await page.evaluate(() => window.__uevrFlame.chart.tree.length), 12);
    // Not offered where it does not apply.
    await page.click('button[data-tab="sandwich"]');
    assert.equal(await page.evaluate(() => document.querySelector('.fg-by-line').hidden), true);
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('a profile without current lines cannot be grouped by line, and says why', async () => {
    const page = await s.open(smallProfile(), 'no lines');
    assert.equal(await page.evaluate(() => document.querySelector('.fg-by-line').disabled), true);
    assert.match(await page.evaluate(() => document.querySelector('.fg-by-line').title), /no current lines/);
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('the functions table expands a function into its lines with ms/frame and % of budget', async () => {
    const page = await s.open(lineProfile(), 'lines table');
    await page.click('button[data-tab="sandwich"]');
    await page.waitForSelector('.fg-table tbody tr');
    // Sorted by self: tick (8 ms/frame self) first.
    assert.equal(await page.evaluate(() => document.querySelector('.fg-table tbody tr .fg-fn-name')?.textContent), 'tick');
    await page.click('.fg-table tbody tr .fg-expand');
    await page.waitForFunction(() => document.querySelectorAll('.fg-line-row').length === 3);
    const lines = await page.evaluate(() =>
      (Array.from(document.querySelectorAll('.fg-line-row')) as Array<{ children: ArrayLike<{ textContent: string }> }>).map((tr) =>
        Array.from(tr.children).map((td) => td.textContent),
      ),
    );
    // name, self, total, self/frame, total/frame, % of budget (self), self samples
    assert.deepEqual(lines, [
      ['line 12', '60.0 ms', '60.0 ms', '6.00', '6.00', '54.0%', '60'],
      ['line 13', '0 ms', '20.0 ms', '0', '2.00', '0.0%', '0'],
      ['line 14', '20.0 ms', '20.0 ms', '2.00', '2.00', '18.0%', '20'],
    ]);
    assert.equal(await page.evaluate(() => document.querySelector('.fg-table tbody tr .fg-expand').getAttribute('aria-expanded')), 'true');
    // Keyboard: ArrowLeft on the function row collapses it.
    await page.focus('.fg-table tbody tr[data-fn]');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.querySelectorAll('.fg-line-row').length === 0);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('.fg-line-row').length === 3);
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('inside VS Code: "By line" is remembered, ctrl-click on a node or a line row posts the exact line', async () => {
    const { page, post } = await s.openVsCodeLike(lineProfile());
    await post();
    await page.click('.fg-by-line');
    await page.waitForFunction(() => document.querySelector('.fg-by-line').getAttribute('aria-pressed') === 'true');
    await clickFlame(page, 0.1, 2, ['Control']);
    await page.waitForFunction(() => window.__posted.some((m: { type: string }) => m.type === 'openSource'));
    assert.deepEqual(await page.evaluate(() => window.__posted.filter((m: { type: string }) => m.type === 'openSource')), [{ type: 'openSource', file: 'mod.lua', line: 12 }]);
    // Zoom into tick :14 (not the heaviest line of tick): the zoom survives a reload by line.
    await clickFlame(page, 0.9, 2);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.fg-crumb')).length === 3);
    assert.deepEqual(await crumbs(page), ['all', 'on_pre_engine_tick', 'tick :14']);
    await page.reload();
    await post();
    await page.waitForFunction(() => document.querySelector('.fg-by-line').getAttribute('aria-pressed') === 'true');
    assert.equal(await page.evaluate(() => window.__uevrFlame.flame.tooltip(2)[0]), 'tick :12');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.fg-crumb')).length === 3);
    assert.deepEqual(await crumbs(page), ['all', 'on_pre_engine_tick', 'tick :14']);

    await page.click('button[data-tab="sandwich"]');
    await page.click('.fg-table tbody tr .fg-expand');
    await page.waitForSelector('.fg-line-row[data-line="14"]');
    await page.click('.fg-line-row[data-line="14"]'); // a plain click opens nothing
    await page.click('.fg-line-row[data-line="14"]', { modifiers: ['Control'] });
    await page.waitForFunction(() => window.__posted.some((m: { type: string; line: number }) => m.type === 'openSource' && m.line === 14));
    assert.deepEqual(await page.evaluate(() => window.__posted.filter((m: { type: string }) => m.type === 'openSource').map((m: { line: number }) => m.line)), [14]);
    await page.focus('.fg-line-row[data-line="13"]');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => window.__posted.some((m: { type: string; line: number }) => m.type === 'openSource' && m.line === 13));
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('the diff of two captures lists the biggest changes per line', async () => {
    const page = await s.open(lineProfile('after', 1), 'compare lines', { before: lineProfile('before', 6) });
    await page.waitForSelector('.fg-panel-diff:not([hidden])');
    const t = await pageText(page);
    assert.ok(t.includes('Biggest changes per line (self)'), t);
    assert.ok(t.includes('line 12: 6.00 ms/frame → 1.00 ms/frame'), t);
    const rows = await page.evaluate(() => (Array.from(document.querySelectorAll('.fg-line-changes tbody tr')) as Array<{ innerText: string }>).map((r) => r.innerText.replace(/\s+/g, ' ')));
    assert.equal(rows.length, 1, 'only line 12 changed');
    assert.match(rows[0], /line 12: 6\.00 ms\/frame → 1\.00 ms\/frame tick mod\.lua total 6\.00 ms\/frame → 1\.00 ms\/frame −5\.00 ms\/frame/);
    assert.ok(Number(await dataset(page, '.fg-panel-diff canvas', 'rects')) > 0);
    assert.deepEqual(s.problems, []);
    await page.close();
  });
});
