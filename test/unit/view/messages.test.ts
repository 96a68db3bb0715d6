import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromWebview } from '../../../src/core/view/messages';

describe('parseFromWebview (the host must not trust the webview)', () => {
  test('accepts the five message kinds', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'openSource', file: 'a.lua', line: 12 }), { type: 'openSource', file: 'a.lua', line: 12 });
    assert.deepEqual(parseFromWebview({ type: 'error', message: 'boom' }), { type: 'error', message: 'boom' });
    assert.equal(parseFromWebview({ type: 'state', state: { tab: 'flame' } })?.type, 'state');
    assert.deepEqual(parseFromWebview({ type: 'rendered', ms: 812.5 }), { type: 'rendered', ms: 812.5 });
    assert.deepEqual(parseFromWebview({ type: 'rendered', ms: -1 }), { type: 'rendered', ms: 0 });
  });

  test('rejects or sanitises hostile input', () => {
    for (const v of [null, undefined, 1, 'ready', [], { type: 'eval' }, { type: 'openSource' }, { type: 'openSource', file: '' }, { type: 'openSource', file: 'x'.repeat(5000) }, { type: 'state' }, { type: 'state', state: null }]) {
      assert.equal(parseFromWebview(v), undefined, JSON.stringify(v) ?? String(v));
    }
    assert.deepEqual(parseFromWebview({ type: 'openSource', file: 'a.lua', line: -3 }), { type: 'openSource', file: 'a.lua', line: 0 });
    assert.deepEqual(parseFromWebview({ type: 'openSource', file: 'a.lua', line: 1.5 }), { type: 'openSource', file: 'a.lua', line: 0 });
    assert.equal((parseFromWebview({ type: 'error', message: 'x'.repeat(10_000) }) as { message: string }).message.length, 2000);
    assert.deepEqual(parseFromWebview({ type: 'error', message: { toString: 1 } }), { type: 'error', message: 'unknown error' });
  });
});
