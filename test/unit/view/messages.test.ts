import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VIEW_STATE, parseFromWebview, parseViewState } from '../../../src/core/view/messages';

describe('parseFromWebview (the host must not trust the webview)', () => {
  test('accepts the five message kinds in their declared shapes', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'openSource', file: 'a.lua', line: 12 }), { type: 'openSource', file: 'a.lua', line: 12 });
    assert.deepEqual(parseFromWebview({ type: 'error', message: 'boom' }), { type: 'error', message: 'boom' });
    assert.deepEqual(parseFromWebview({ type: 'state', state: DEFAULT_VIEW_STATE }), { type: 'state', state: DEFAULT_VIEW_STATE });
    assert.deepEqual(parseFromWebview({ type: 'rendered', ms: 812.5 }), { type: 'rendered', ms: 812.5 });
  });

  test('a message that does not match its shape is dropped, not coerced', () => {
    for (const v of [
      null, undefined, 1, 'ready', [], { type: 'eval' }, { type: 'openSource' }, { type: 'openSource', file: '' },
      { type: 'openSource', file: 'x'.repeat(5000), line: 1 }, { type: 'openSource', file: 'a.lua' }, { type: 'openSource', file: 'a.lua', line: 1.5 },
      { type: 'openSource', file: 'a.lua', line: '3' }, { type: 'openSource', file: 'a\0.lua', line: 3 }, { type: 'openSource', file: ['a.lua'], line: 3 },
      { type: 'state' }, { type: 'state', state: null }, { type: 'state', state: { tab: 'flame' } },
      { type: 'error' }, { type: 'error', message: { toString: 1 } }, { type: 'rendered', ms: -1 }, { type: 'rendered', ms: NaN }, { type: 'rendered' },
      { type: 'command', command: 'workbench.action.terminal.new' },
    ]) {
      assert.equal(parseFromWebview(v), undefined, JSON.stringify(v) ?? String(v));
    }
    // An unknown line (-1 in some profiles) opens the file at its top.
    assert.deepEqual(parseFromWebview({ type: 'openSource', file: 'a.lua', line: -1 }), { type: 'openSource', file: 'a.lua', line: 0 });
    // Only declared fields are copied; an error text is one bounded line.
    assert.deepEqual(parseFromWebview({ type: 'ready', extra: { evil: true } }), { type: 'ready' });
    const e = parseFromWebview({ type: 'error', message: 'a\nFAKE LOG LINE\r\n' + 'x'.repeat(10_000) }) as { message: string };
    assert.ok(e.message.length <= 2000);
    assert.ok(!/[\r\n]/.test(e.message));
  });

  test('view state: every field is checked', () => {
    const ok = { ...DEFAULT_VIEW_STATE, chartRange: [1, 2], frameRange: [0, 5], frameRows: [1, 2], inverted: true };
    assert.deepEqual(parseViewState(ok), ok);
    for (const bad of [
      { tab: 'evil' }, { search: 1 }, { search: 'x'.repeat(2000) }, { flameZoomPath: 'a' }, { flameZoomPath: [1.5] }, { flameZoomPath: new Array(20_000).fill(0) },
      { chartRange: [1] }, { chartRange: [1, 'a'] }, { frameRange: [-1, 2] }, { frameRows: [{}] }, { sortKey: 'x' }, { sortDescending: 'yes' },
      { sandwichFrame: -2 }, { inverted: 1 },
    ]) {
      assert.equal(parseViewState({ ...DEFAULT_VIEW_STATE, ...bad }), undefined, JSON.stringify(bad).slice(0, 80));
    }
  });
});
