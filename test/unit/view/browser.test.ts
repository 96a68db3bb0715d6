// The flame-graph webview in real headless Chromium: the standalone HTML export of a small capture,
// checked through the DOM (text, data-* counters on the canvases) and real mouse and keyboard input.
// Skips with a reason when chromium or playwright-core is not installed on this machine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HOSTILE_FILE, HOSTILE_NAME, smallProfile } from '../../webview/fixtures';
import { browserUnavailable } from '../../webview/harness';
import { WebviewSession, pageText, flamePoint, clickFlame, FLAME_CANVAS } from '../../webview/session';

// Page callbacks run inside Chromium; the Node tsconfig has no DOM types (`any` on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

const skip = browserUnavailable();

describe('flame-graph webview in headless Chromium: text, search, zoom, keyboard, frames', { skip: skip ?? false }, () => {
  const s = new WebviewSession();
  before(() => s.start());
  after(() => s.stop());

  test('shows the title and the summary line as text, and hostile names only as text', async () => {
    const page = await s.open(smallProfile(), `capture ${HOSTILE_NAME}`);
    const t = await pageText(page);
    assert.ok(t.includes(`capture ${HOSTILE_NAME}`), t);
    assert.ok(t.includes('80 samples · 10 frames · scripts 7.40 ms/frame (66.6% of 11.1 ms at 90 Hz)'), t);
    await page.click('button[data-tab="sandwich"]');
    const table = await pageText(page);
    assert.ok(table.includes(HOSTILE_NAME) && table.includes(HOSTILE_FILE), table);
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, script:not([nonce]):not([type="application/json"])').length), 0);
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('search highlights the matching nodes and counts them', async () => {
    const page = await s.open(smallProfile(), 'search');
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
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('click zooms into a node, the breadcrumb follows, ctrl-click shows the source location', async () => {
    const page = await s.open(smallProfile(), 'zoom');
    const p = await flamePoint(page, 0.1, 3); // find_component (depth 3, leftmost)
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed !== '-1');
    const crumbs = await page.evaluate(() => (Array.from(document.querySelectorAll('.fg-crumb')) as Array<{ textContent: string }>).map((b) => b.textContent));
    assert.deepEqual(crumbs, ['all', 'on_pre_engine_tick', 'update_hands', 'find_component']);
    await clickFlame(page, 0.1, 3, ['Control']);
    await page.waitForFunction(() => document.querySelector('.fg-status')?.textContent === 'hands.lua:55');
    await page.click('.fg-crumb');
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed === '-1');
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('keyboard: Tab-focusable canvas, arrows select, Enter zooms, Escape resets, / focuses search', async () => {
    const page = await s.open(smallProfile(), 'keys');
    assert.equal(await page.evaluate(() => document.querySelector('.fg-panel-flame canvas')?.getAttribute('tabindex')), '0');
    await page.focus(FLAME_CANVAS);
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.selected === '0');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.selected === '2');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed === '2');
    assert.ok((await pageText(page)).includes('update_hands'));
    await page.keyboard.press('ArrowRight'); // next sibling of update_hands
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.selected !== '2');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('.fg-panel-flame canvas')?.dataset.zoomed === '-1');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'fg-search');
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('frames timeline: picking a frame restricts the flame graph', async () => {
    const page = await s.open(smallProfile(), 'frames');
    await page.click('button[data-tab="frames"]');
    await page.waitForSelector('.fg-panel-frames:not([hidden])');
    const pos = await page.evaluate(() => {
      const b = document.querySelector('.fg-panel-frames canvas').getBoundingClientRect();
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
    assert.deepEqual(s.problems, []);
    await page.close();
  });
});
