import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHtmlReport, renderMarkdownReport } from '../../../src/core/report/render';
import type { ProfileSummary } from '../../../src/core/report/summary';

const evil = '</td><script>alert(1)</script>|**x**';
const summary: ProfileSummary = {
  name: `Game ${evil}`,
  source: 'uevrcap',
  truncated: false,
  functionsOmitted: 0,
  lines: [],
  linesOmitted: 0,
  notes: [],
  frames: 900,
  seconds: 10,
  refreshRateHz: 90,
  budgetMs: 1000 / 90,
  basis: 'frames',
  scriptsMsPerFrame: 2.41,
  frameMsMean: 10.2,
  frameMsP95: 12.5,
  gcMsPerFrame: 0.3,
  overheadMsPerFrame: 0.02,
  samples: 24000,
  callbacks: [{ name: 'on_pre_engine_tick', file: 'C:\\mods\\scripts\\camera.lua', line: 27, msPerFrame: 1.9, callsPerFrame: 1, p95Ms: 2.6 }, { name: evil, file: 'x.lua', line: 1, msPerFrame: 0.5, perEye: [0.25, 0.25], callsPerFrame: 2, p95Ms: 0.6 }],
  functions: [{ name: 'api:find_uobject', file: '', line: 0, native: true, selfMsPerFrame: 1.2, totalMsPerFrame: 1.2, samples: 9000 }],
};
const findings = [{ file: '/w/camera.lua', line: 12, code: 'UEVR003', severity: 'warning', message: `find_uobject("${evil}") every frame` }];

test('markdown report: numbers against the budget, escaped names', () => {
  const md = renderMarkdownReport({ summary, findings, generator: 'UEVR Profiler test', date: '2026-11-26' });
  assert.match(md, /\*\*Scripts:\*\* 2\.41 ms\/frame, 22% of the 11\.1 ms budget at 90 Hz/);
  assert.match(md, /\| on\\_pre\\_engine\\_tick \| 1\.90 \| 17% \| 1\.0 \| 2\.60 \| camera\.lua:27 \|/);
  assert.match(md, /\(L 0\.25 \/ R 0\.25\)/);
  assert.match(md, /UEVR003/);
  assert.ok(!md.includes('<script>'), 'no raw HTML from names');
  // A pipe in a name cannot open a new table column: the hostile callback's row has the 7 cells of the header.
  const row = md.split('\n').find((l) => l.includes('alert(1)') && l.startsWith('| '));
  assert.ok(row);
  assert.equal(row.split(/(?<!\\)\|/).length - 2, 6);
});

test('html report: self-contained, no script, escaped', () => {
  const page = renderHtmlReport({ summary, findings, generator: 'UEVR Profiler test', date: '2026-11-26' });
  assert.match(page, /default-src 'none'/);
  assert.ok(!/<script/i.test(page), 'no script element at all, even from hostile names');
  assert.match(page, /&#60;\/td&#62;&#60;script&#62;/);
  assert.match(page, /<svg[^>]+role="img"/);
  assert.match(page, /1\.90 ms · 17%/);
  assert.ok(!/https?:\/\//.test(page.replaceAll('http://www.w3.org/2000/svg', '')), 'no network references');
});
