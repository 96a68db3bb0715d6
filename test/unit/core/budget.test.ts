import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetMs, describeFrameCost, formatMs, isRefreshRate } from '../../../src/core/budget';

test('frame budgets of the headset refresh rates', () => {
  assert.equal(budgetMs(90).toFixed(2), '11.11');
  assert.equal(budgetMs(72).toFixed(2), '13.89');
  assert.equal(budgetMs(120).toFixed(2), '8.33');
  assert.equal(budgetMs(144).toFixed(2), '6.94');
  assert.throws(() => budgetMs(0), /positive/);
  assert.throws(() => budgetMs(Number.NaN), /positive/);
});

test('cost wording used by diagnostics and reports', () => {
  assert.equal(describeFrameCost(1.9, 90), '1.90 ms/frame, 17% of the 11.1 ms budget at 90 Hz');
  assert.equal(describeFrameCost(0.05, 144), '0.050 ms/frame, 0.7% of the 6.94 ms budget at 144 Hz');
  assert.equal(formatMs(123.4), '123');
  assert.ok(isRefreshRate(80) && !isRefreshRate(60) && !isRefreshRate('90'));
});
