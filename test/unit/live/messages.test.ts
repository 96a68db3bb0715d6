// The live view's messages to the host: only its declared messages, only its allow-listed commands.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIVE_VIEW_COMMANDS, parseFromLiveView } from '../../../src/core/live/messages';

describe('parseFromLiveView (command allow-list)', () => {
  test('the buttons the live view has are accepted', () => {
    assert.deepEqual(parseFromLiveView({ type: 'ready' }), { type: 'ready' });
    for (const command of LIVE_VIEW_COMMANDS) assert.deepEqual(parseFromLiveView({ type: 'command', command }), { type: 'command', command });
    assert.deepEqual([...LIVE_VIEW_COMMANDS].sort(), ['attach', 'captureNextSeconds', 'startCapture', 'stopCapture']);
  });

  test('any other command, or any other shape, is dropped', () => {
    for (const v of [
      { type: 'command', command: 'installAgent' },
      { type: 'command', command: 'uninstallAgent' },
      { type: 'command', command: '../workbench.action.terminal.new' },
      { type: 'command', command: 'attach.evil' },
      { type: 'command', command: 'ATTACH' },
      { type: 'command', command: ['attach'] },
      { type: 'command', command: { toString: () => 'attach' } },
      { type: 'command' },
      { type: 'eval', command: 'attach' },
      null, 'ready', [], 42,
    ]) {
      assert.equal(parseFromLiveView(v), undefined, JSON.stringify(v) ?? String(v));
    }
  });
});
