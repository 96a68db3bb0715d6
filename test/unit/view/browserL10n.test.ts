// The flame-graph webview translated, in headless Chromium: the bundle the extension host puts into the
// page (here l10n/bundle.l10n.json pseudo-translated, every value in [brackets]) reaches the toolbar,
// the tabs, the search box, table headers and the messages the app words, under the webview's CSP;
// a malformed bundle leaves the view in English instead of breaking it. Skips like browser.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { smallProfile } from '../../webview/fixtures';
import { browserUnavailable } from '../../webview/harness';
import { WebviewSession } from '../../webview/session';

// Page callbacks run inside Chromium; the Node tsconfig has no DOM types (`any` on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const skip = browserUnavailable();
const english = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
/** Every string of the bundle wrapped in brackets: a translation whose reach is visible. */
const pseudo = JSON.stringify(Object.fromEntries(Object.entries(english).map(([k, v]) => [k, `[${v}]`])));

const toolbar = (page: { evaluate<R>(fn: () => R): Promise<R> }) =>
  page.evaluate(() => ({
    tabs: [...document.querySelectorAll('button.fg-tab')].map((b: { textContent: string }) => b.textContent),
    title: document.querySelector('.fg-title')?.textContent,
    buttons: [...document.querySelectorAll('.fg-bar button.fg-button')].map((b: { textContent: string }) => b.textContent),
    placeholder: document.querySelector('input.fg-search')?.placeholder,
    searchLabel: document.querySelector('input.fg-search')?.getAttribute('aria-label'),
    invert: document.querySelector('button.fg-invert')?.textContent,
  }));

describe('flame-graph webview translated through the page bundle (headless Chromium)', { skip: skip ?? false }, () => {
  const s = new WebviewSession();
  before(() => s.start());
  after(() => s.stop());

  test('a pseudo-translated bundle reaches the tabs, the toolbar, the search box, table headers and messages', async () => {
    const { page, post } = await s.openVsCodeLike(smallProfile(), { l10nBundle: pseudo });
    // Before the profile arrives: the loading line is the app's own, translated.
    await page.waitForFunction(() => document.querySelector('.fg-summary')?.textContent === '[Loading profile…]');
    await post();
    const t = await toolbar(page);
    assert.deepEqual(t.tabs, ['[Flame Graph]', '[Flame Chart]', '[Frames]', '[Functions]', '[Diff]']);
    assert.deepEqual(t.buttons, ['[Reset zoom]', '[By line]', '[All frames]']);
    assert.equal(t.placeholder, '[Search functions and files (/)]');
    assert.equal(t.searchLabel, '[Search functions and files]');
    assert.equal(t.invert, '[Inverted]');
    // The title is the profile's, not a UI string.
    assert.equal(t.title, 'in vscode');
    // Placeholders are filled after translation: the frames summary keeps its numbers.
    await page.click('button[data-tab="frames"]');
    await page.waitForFunction(() => /^\[\d+ frames · \d+ over the [\d.]+ ms budget/.test(document.querySelector('.fg-panel-frames .fg-note')?.textContent ?? ''));
    await page.click('button[data-tab="sandwich"]');
    await page.waitForSelector('button.fg-sort[data-key="self"]');
    const headers = await page.evaluate(() => [...document.querySelectorAll('button.fg-sort')].map((b: { textContent: string }) => b.textContent.replace(/ [▼▲]$/, '')));
    assert.deepEqual(headers, ['[Function]', '[Self]', '[Total]', '[Self ms/frame]', '[Total ms/frame]', '[% of budget]', '[Samples]']);
    assert.deepEqual(s.problems, []);
    await page.close();
  });

  test('without a bundle, or with a malformed one, the view is in English and works', async () => {
    for (const l10nBundle of [undefined, '{"Flame Graph": ', '[1,2', '"just a string"']) {
      const { page, post } = await s.openVsCodeLike(smallProfile(), l10nBundle === undefined ? {} : { l10nBundle });
      await post();
      const t = await toolbar(page);
      assert.deepEqual(t.tabs, ['Flame Graph', 'Flame Chart', 'Frames', 'Functions', 'Diff'], String(l10nBundle));
      assert.deepEqual(t.buttons, ['Reset zoom', 'By line', 'All frames']);
      assert.equal(t.placeholder, 'Search functions and files (/)');
      assert.ok(Number(await page.evaluate(() => document.querySelector('.fg-panel-flame canvas')?.dataset.rects)) > 0, 'the flame graph draws');
      await page.close();
    }
    assert.deepEqual(s.problems, []);
  });
});
