import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCallTree } from '../../../src/core/profile';
import { deltaHsl, flameHsl, hashString, hslCss } from '../../../src/core/view/colors';
import { costContext, formatCost, formatMs, formatPercent, summaryLine } from '../../../src/core/view/format';
import { settingsForRefreshRate } from '../../../src/core/view/messages';
import { countMatchingNodes, matchedWeight, matchFrames } from '../../../src/core/view/search';
import { flameGraphSpans } from '../../../src/core/view/flameLayout';
import { emptyProfile, foldedLikeProfile, HOSTILE_NAME, smallProfile } from '../../webview/fixtures';

describe('search', () => {
  test('matches names and files case-insensitively', () => {
    const p = smallProfile();
    const m = matchFrames(p.frames, 'HANDS');
    const names = p.frames.name.filter((_, i) => m[i] === 1).sort();
    assert.deepEqual(names, ['find_component', 'update_hands']);
    assert.equal(matchFrames(p.frames, '   ').filter((x) => x).length, 0);
    assert.equal(matchFrames(p.frames, '<script>').filter((x) => x).length, 1);
  });

  test('counts matching nodes and does not double-count nested matches', () => {
    const p = smallProfile();
    const tree = buildCallTree(p);
    const m = matchFrames(p.frames, 'hands');
    assert.equal(countMatchingNodes(tree.frame, m), 2);
    const s = flameGraphSpans(tree);
    assert.equal(matchedWeight(tree.frame, tree.size, s.width, m), 60); // update_hands contains find_component
  });

  test('regex-looking queries are plain text', () => {
    const p = smallProfile();
    assert.equal(matchFrames(p.frames, '.*').filter((x) => x).length, 0);
    assert.equal(matchFrames(p.frames, HOSTILE_NAME).filter((x) => x).length, 1);
  });
});

describe('colours', () => {
  test('FNV-1a hash has the reference values', () => {
    assert.equal(hashString(''), 0x811c9dc5);
    assert.equal(hashString('a'), 0xe40c292c);
    assert.equal(hashString('foobar'), 0xbf9cf968);
  });

  test('flame colours are stable, warm, and from a 60-colour palette', () => {
    const c = flameHsl('update_hands');
    assert.deepEqual(c, flameHsl('update_hands'));
    for (const name of ['a', 'b', 'update_ui', HOSTILE_NAME, '']) {
      const [h, s, l] = flameHsl(name);
      assert.ok(h % 5 === 0 && h >= 0 && h <= 45, `hue ${h}`);
      assert.ok([65, 75, 85].includes(s) && [50, 58].includes(l), name);
    }
    assert.equal(hslCss([10, 70, 55]), 'hsl(10 70% 55%)');
    const distinct = new Set(Array.from({ length: 5000 }, (_, i) => hslCss(flameHsl(`fn_${i}`))));
    assert.equal(distinct.size, 60);
    // hashString('a') = 0xe40c292c: hue (0xe40c292c % 10) * 5, sat 65 + ((h >>> 8) % 3) * 10, light 50 + ((h >>> 16) % 2) * 8.
    assert.deepEqual(flameHsl('a'), [0, 85, 50]); // 3826002220 % 10 = 0; 14945321 % 3 = 2; 58380 % 2 = 0
  });

  test('diff colours: red slower, blue faster, grey unchanged', () => {
    assert.deepEqual(deltaHsl(1, 1), [0, 90, 50]);
    assert.deepEqual(deltaHsl(-0.5, 1), [215, 69, 58]); // t = sqrt(0.5)
    assert.deepEqual(deltaHsl(0.25, 1), [0, 55, 64]); // t = 0.5
    assert.deepEqual(deltaHsl(0, 1), [0, 0, 70]);
    assert.deepEqual(deltaHsl(5, 0), [0, 0, 70]);
    assert.deepEqual(deltaHsl(NaN, 1), [0, 0, 70]);
    assert.deepEqual(deltaHsl(10, 1), [0, 90, 50]); // clamped
  });
});

describe('formatting', () => {
  const s90 = settingsForRefreshRate(90);

  test('numbers', () => {
    assert.equal(formatMs(0), '0');
    assert.equal(formatMs(0.01234), '0.012');
    assert.equal(formatMs(1.844), '1.84');
    assert.equal(formatMs(12.34), '12.3');
    assert.equal(formatMs(1234.4), '1,234');
    assert.equal(formatPercent(16.62), '16.6%');
    assert.equal(formatPercent(4.2), '4.20%');
    assert.equal(formatPercent(Infinity), '–');
  });

  test('summary line with game frames', () => {
    assert.equal(summaryLine(smallProfile(), s90), '80 samples · 10 frames · scripts 7.40 ms/frame (66.6% of 11.1 ms at 90 Hz)');
    assert.equal(summaryLine(smallProfile(), settingsForRefreshRate(120)), '80 samples · 10 frames · scripts 7.40 ms/frame (88.8% of 8.33 ms at 120 Hz)');
  });

  test('summary line without game frames or time', () => {
    assert.equal(summaryLine(foldedLikeProfile(), s90), '3 samples · no game frames (budget 11.1 ms at 90 Hz)');
    assert.equal(summaryLine(emptyProfile(), s90), '0 samples · no game frames (budget 11.1 ms at 90 Hz)');
  });

  test('cost: per frame and % of budget with frames, else % of total', () => {
    const c = costContext(smallProfile(), s90);
    assert.equal(formatCost(40, c), '4.00 ms/frame (36.0% of budget)');
    const c5 = costContext(smallProfile(), s90, 5);
    assert.equal(formatCost(40, c5), '8.00 ms/frame (72.0% of budget)');
    const f = costContext(foldedLikeProfile(), s90);
    assert.equal(formatCost(30, f), '30 samples (60.0% of total)');
    const noFrames = { ...c, frames: 0 };
    assert.equal(formatCost(8, noFrames), '8.00 ms (10.0% of total)');
  });

  test('invalid refresh rates fall back to 90 Hz', () => {
    assert.equal(settingsForRefreshRate(0).refreshRateHz, 90);
    assert.equal(settingsForRefreshRate(NaN).refreshRateHz, 90);
    assert.deepEqual(settingsForRefreshRate(144), { refreshRateHz: 144 }, 'only the Hz crosses; the view works out the budget');
  });
});
