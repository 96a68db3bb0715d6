// The frame budget's owner: rates, the precedence, and the one ms formatter every surface uses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_REFRESH_RATE, budgetMs, budgetMsAt, describeBudget, describeFrameCost, formatMs, isRefreshRate, rateOrDefault, resolveFrameBudget,
} from '../../../src/core/budget';

test('frame budgets of the headset refresh rates', () => {
  assert.equal(budgetMs(90).toFixed(2), '11.11');
  assert.equal(budgetMs(72).toFixed(2), '13.89');
  assert.equal(budgetMs(120).toFixed(2), '8.33');
  assert.equal(budgetMs(144).toFixed(2), '6.94');
  assert.throws(() => budgetMs(0), /positive/);
  assert.throws(() => budgetMs(Number.NaN), /positive/);
  // An unknown rate (0) shows the default's budget where a number must be drawn.
  assert.equal(budgetMsAt(0), 1000 / DEFAULT_REFRESH_RATE);
  assert.equal(rateOrDefault(-5), DEFAULT_REFRESH_RATE);
});

test('cost wording used by diagnostics, hovers, line heat, reports and the live view', () => {
  assert.equal(describeFrameCost(1.9, 90), '1.90 ms/frame, 17% of the 11.1 ms budget at 90 Hz');
  assert.equal(describeFrameCost(0.05, 144), '0.050 ms/frame, 0.7% of the 6.94 ms budget at 144 Hz');
  assert.equal(describeFrameCost(1.9, 0), '1.90 ms/frame, 17% of the 11.1 ms budget at 90 Hz', 'unknown rate: the default');
  assert.equal(describeBudget(120), '8.33 ms at 120 Hz');
  assert.equal(formatMs(123.4), '123');
  assert.equal(formatMs(1234.4), '1,234');
  assert.equal(formatMs(0.0421), '0.042');
  assert.equal(formatMs(0), '0');
  assert.ok(isRefreshRate(80) && !isRefreshRate(60) && !isRefreshRate('90'));
});

test('the precedence: launch configuration, then the setting, then the recorded rate, then the default', () => {
  assert.deepEqual(resolveFrameBudget({ launch: 144, setting: 120, recorded: 72 }), { refreshRateHz: 144, budgetMs: 1000 / 144, source: 'launch' });
  assert.equal(resolveFrameBudget({ setting: 120, recorded: 72 }).source, 'setting');
  assert.equal(resolveFrameBudget({ recorded: 72 }).refreshRateHz, 72);
  assert.equal(resolveFrameBudget({ recorded: 72 }).source, 'recorded');
  // An agent that cannot know the headset's rate reports 0: that is "unknown", not a rate.
  assert.deepEqual(resolveFrameBudget({ recorded: 0 }), { refreshRateHz: DEFAULT_REFRESH_RATE, budgetMs: 1000 / DEFAULT_REFRESH_RATE, source: 'default' });
  assert.equal(resolveFrameBudget({ launch: Number.NaN, setting: -1, recorded: 80 }).refreshRateHz, 80, 'unusable candidates are skipped');
  assert.equal(resolveFrameBudget({}).source, 'default');
});

test('a rate no display runs at (a hostile capture header, session or LSP message) is unknown, not a budget of 1e303 ms', async () => {
  const { isKnownRate } = await import('../../../src/core/budget');
  const { rateIn } = await import('../../../src/core/lsp/messages');
  for (const hz of [1e-300, 5e-324, 0.5, 1e308, 1e6]) {
    assert.equal(isKnownRate(hz), false, String(hz));
    assert.deepEqual(resolveFrameBudget({ recorded: hz }), { refreshRateHz: DEFAULT_REFRESH_RATE, budgetMs: 1000 / DEFAULT_REFRESH_RATE, source: 'default' }, String(hz));
    assert.equal(rateIn({ refreshRateHz: hz }), undefined, String(hz));
    assert.equal(describeBudget(hz), '11.1 ms at 90 Hz', String(hz));
  }
  // The range the CLI's --hz accepts: any rate a headset, monitor or simulator runs at.
  for (const hz of [1, 24, 60, 90, 240, 1000]) assert.equal(isKnownRate(hz), true, String(hz));
});
