import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isKnownRequest, validateArguments, validateMessage, PROTOCOL_VERSION } from '../../../src/core/protocol/messages';

describe('protocol messages', () => {
  test('version is 1', () => assert.equal(PROTOCOL_VERSION, 1));

  test('accepts well-formed envelopes', () => {
    assert.equal(typeof validateMessage({ seq: 1, type: 'request', command: 'initialize', arguments: {} }), 'object');
    assert.equal(typeof validateMessage({ seq: 2, type: 'response', request_seq: 1, success: true, command: 'x' }), 'object');
    assert.equal(typeof validateMessage({ seq: 3, type: 'event', event: 'frames', body: {} }), 'object');
  });

  for (const [name, v, re] of [
    ['missing seq', { type: 'request', command: 'x' }, /seq/],
    ['negative seq', { seq: -1, type: 'request', command: 'x' }, /seq/],
    ['string seq', { seq: '1', type: 'request', command: 'x' }, /seq/],
    ['float seq', { seq: 1.5, type: 'request', command: 'x' }, /seq/],
    ['unknown type', { seq: 1, type: 'hello' }, /type/],
    ['command not string', { seq: 1, type: 'request', command: 5 }, /command/],
    ['empty command', { seq: 1, type: 'request', command: '' }, /command/],
    ['huge command', { seq: 1, type: 'request', command: 'x'.repeat(1000) }, /command/],
    ['arguments array', { seq: 1, type: 'request', command: 'x', arguments: [] }, /arguments/],
    ['response without success', { seq: 1, type: 'response', request_seq: 1, command: 'x' }, /success/],
    ['event without name', { seq: 1, type: 'event' }, /event/],
  ] as const) {
    test(`rejects ${name}`, () => {
      const r = validateMessage(v as Record<string, unknown>);
      assert.equal(typeof r, 'string');
      assert.match(r as string, re);
    });
  }

  test('argument rules', () => {
    assert.ok(isKnownRequest('attach'));
    assert.ok(!isKnownRequest('launch'));
    assert.ok(!isKnownRequest('__proto__'));
    assert.match(validateArguments('attach', {})!, /missing argument "token"/);
    assert.match(validateArguments('attach', { token: 5 })!, /must be a string/);
    assert.equal(validateArguments('attach', { token: 'abc', extra: 1 }), undefined);
    assert.match(validateArguments('startCapture', { samplingHz: -1 })!, /samplingHz/);
    assert.match(validateArguments('startCapture', { samplingHz: Infinity })!, /samplingHz/);
    assert.match(validateArguments('configureSampling', {})!, /missing/);
    assert.equal(validateArguments('startCapture', undefined), undefined);
  });
});
