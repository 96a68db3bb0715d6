// The settings schema (src/core/settings.ts) is the one declaration of every setting: package.json
// must say exactly the same, and every value has one validation and one range.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SAMPLING_RATE, SETTINGS, checkSetting, defaultValues, packageJsonProperties, readSettingValues } from '../../../src/core/settings';

const root = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));

test("package.json's contributes.configuration is the schema, exactly", () => {
  assert.deepEqual(pkg.contributes.configuration.properties, packageJsonProperties());
});

test('every description key of the schema exists in package.nls.json', () => {
  for (const [key, s] of Object.entries(SETTINGS)) {
    assert.ok(nls[s.description], `${key}: ${s.description}`);
    for (const d of 'enumDescriptions' in s ? s.enumDescriptions : []) assert.ok(nls[d], `${key}: ${d}`);
  }
});

test('a bad value falls back to the default with one problem that says the range', () => {
  assert.deepEqual(checkSetting('sampling.rateHz', 2500), { value: 2500 });
  const r = checkSetting('sampling.rateHz', 50_000);
  assert.equal(r.value, SAMPLING_RATE.default);
  assert.equal(r.problem, 'uevrProfiler.sampling.rateHz must be a number from 100 to 10000 (got 50000); using 1000.');
  assert.match(checkSetting('refreshRate', 61).problem ?? '', /refreshRate must be one of 72, 80, 90, 120, 144 \(got 61\)/);
  assert.equal(checkSetting('simulator.engine', 'ue3').value, 'ue5');
  assert.equal(checkSetting('alerts.enabled', 'yes').value, true);
  const rules = checkSetting('analyzer.disabledRules', ['UEVR013', 'nope', 3]);
  assert.deepEqual(rules.value, ['UEVR013']);
  assert.match(rules.problem ?? '', /2 other entries are ignored/);
  assert.deepEqual(checkSetting('pathMappings', [{ from: 'C:\\g', to: '/ws' }, { from: '', to: 'x' }]).value, [{ from: 'C:\\g', to: '/ws' }]);
  assert.deepEqual(checkSetting('pathMappings', 'C:\\g').value, []);
  assert.deepEqual(checkSetting('capture.defaultSeconds', undefined), { value: 5 }, 'unset: the default, no problem');
});

test('reading all settings: defaults for unset keys, problems collected', () => {
  const { values, problems } = readSettingValues((k) => (k === 'alerts.sustainedFrames' ? 0 : k === 'refreshRate' ? 120 : undefined));
  assert.equal(values.refreshRate, 120);
  assert.equal(values['alerts.sustainedFrames'], 90);
  assert.equal(problems.length, 1);
  assert.deepEqual({ ...defaultValues(), refreshRate: 120 }, values);
});
