// toSarif's file locations: inside the analysis root a path is relative to %SRCROOT% (what code
// scanning matches against the repository), outside it an absolute file URI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { toSarif, type SarifFinding } from '../../../src/core/analyzer/sarif';

const root = join(process.platform === 'win32' ? 'C:\\' : '/', 'repo');
const finding = (file: string): SarifFinding => ({ file, line: 1, column: 1, endLine: 1, endColumn: 2, code: 'UEVR001', severity: 'warning', message: 'm', fixable: false });
const location = (file: string) => toSarif([finding(file)], { toolName: 't', toolVersion: '1', rootDir: root, rules: [] }).runs[0]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation!;

test('a file under a folder whose name starts with two dots is inside the root', () => {
  assert.deepEqual(location(join(root, '..data', 'mod.lua')), { uri: '..data/mod.lua', uriBaseId: 'SRCROOT' });
  assert.deepEqual(location(join(root, '..mod.lua')), { uri: '..mod.lua', uriBaseId: 'SRCROOT' });
  assert.deepEqual(location(join(root, 'scripts', 'a b.lua')), { uri: 'scripts/a%20b.lua', uriBaseId: 'SRCROOT' });
});

test('a file outside the root is an absolute file URI', () => {
  const outside = location(join(root, '..', 'other', 'mod.lua'));
  assert.equal(outside.uriBaseId, undefined);
  assert.match(String(outside.uri), /^file:\/\/.*\/other\/mod\.lua$/);
});
