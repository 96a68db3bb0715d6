// The CLI behaves like the command-line tools CI scripts expect: --version, usage errors on stderr
// with exit 2 from the one argument parser, `-` for stdout, and SARIF 2.1.0 that validates against
// the OASIS schema (the copy Microsoft ships in @microsoft/jest-sarif, MIT) with a real validator.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { cliHarness } from './harness';

const { dir, run } = cliHarness();
const require_ = createRequire(__filename);
const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));

function validateSarif(log: unknown): string[] {
  const schema = require_('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  // unicodeRegExp off: the schema's language pattern has a stray ']' that only non-unicode RegExps accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** A mod folder with known findings: a config write and an object lookup in the tick, in a subfolder too. */
function mods(): string {
  const d = mkdtempSync(join(tmpdir(), 'uevr-conv-'));
  const hot = 'uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)\n  vr.set_mod_value("VR_AimMethod", "2")\n  local a = uevr.api:find_uobject("Class /Script/Engine.Actor")\nend)\n';
  writeFileSync(join(d, 'mod.lua'), hot);
  writeFileSync(join(d, 'with space é.lua'), hot);
  writeFileSync(join(d, 'broken.lua'), 'local x = (\n');
  return d;
}

describe('uevr-prof conventions', () => {
  test('--version prints the package version and exits 0', async () => {
    const r = await run('--version');
    assert.equal(r.code, 0);
    assert.equal(r.out, `${pkg.version}\n`);
    assert.equal(r.err, '');
  });

  test('a usage error goes to stderr, one line, exit 2, nothing on stdout — analyze included', async () => {
    for (const argv of [
      ['analyze'],
      ['analyze', dir, '--frobnicate'],
      ['analyze', dir, '--fail-on', 'fatal'],
      ['analyze', dir, '--format', 'xml'],
      ['analyze', dir, '--json', '--format', 'sarif'],
      ['report'],
      ['convert', 'x.uevrcap', '--to', 'nope', '--out', '-'],
    ]) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.out, '', argv.join(' '));
      assert.equal(r.err.trim().split('\n').length, 1, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, /^uevr-prof: (analyze|report|convert): /, argv.join(' '));
    }
    // The shared parser's wording: the same for analyze as for the other commands.
    assert.match((await run('analyze', dir, '--frobnicate')).err, /Unknown option '--frobnicate'/);
    assert.match((await run('report', 'x', '--frobnicate')).err, /Unknown option '--frobnicate'/);
  });

  test('every command parses with the one parser: an unknown option reads the same and exits 2', async () => {
    const { commands } = await import('../../../src/cli/main');
    assert.ok(commands.size >= 7);
    for (const name of commands.keys()) {
      const r = await run(name, '--no-such-option');
      assert.equal(r.code, 2, name);
      assert.equal(r.out, '', name);
      assert.equal(r.err, `uevr-prof: ${name}: Unknown option '--no-such-option'\n`, name);
    }
  });

  test('analyze --format sarif is valid SARIF 2.1.0 with every finding, relative paths and rule metadata', async () => {
    const d = mods();
    const json = await run('analyze', d, '--json');
    const records = JSON.parse(json.out) as Array<{ code: string; line: number; column: number; file: string }>;
    assert.ok(records.length >= 5, json.out);
    const io = cliHarness().memIO();
    io.cwd = d;
    const { main } = await import('../../../src/cli/main');
    const code = await main(['analyze', '.', '--format', 'sarif'], io);
    assert.equal(code, 0, io.err);
    const log = JSON.parse(io.out);
    assert.deepEqual(validateSarif(log), []);
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0];
    assert.equal(run0.tool.driver.name, 'uevr-prof');
    assert.equal(run0.tool.driver.version, pkg.version);
    assert.equal(run0.results.length, records.length, 'every finding is a result');
    const ids = run0.tool.driver.rules.map((r: { id: string }) => r.id);
    assert.ok(ids.includes('UEVR001') && ids.includes('syntax'));
    for (const r of run0.results) assert.equal(ids[r.ruleIndex], r.ruleId);
    const uris = new Set(run0.results.map((r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }> }) => r.locations[0].physicalLocation.artifactLocation.uri));
    assert.deepEqual([...uris].sort(), ['broken.lua', 'mod.lua', 'with%20space%20%C3%A9.lua']);
    assert.ok(run0.results.every((r: { locations: Array<{ physicalLocation: { artifactLocation: { uriBaseId: string } } }> }) => r.locations[0].physicalLocation.artifactLocation.uriBaseId === 'SRCROOT'));
    assert.equal(run0.originalUriBaseIds.SRCROOT.uri, `file://${d}/`);
    const first = records.find((x) => x.file.endsWith('mod.lua'))!;
    const same = run0.results.find((r: { ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }) =>
      r.ruleId === first.code && r.locations[0].physicalLocation.artifactLocation.uri === 'mod.lua' && r.locations[0].physicalLocation.region.startLine === first.line);
    assert.ok(same, 'the JSON finding is in the SARIF at the same place');
    assert.equal(same.locations[0].physicalLocation.region.startColumn, first.column);
    assert.equal(run0.results.find((r: { ruleId: string }) => r.ruleId === 'syntax').level, 'error');
  });

  test('the validator rejects a broken log (so the check above can fail)', () => {
    assert.notDeepEqual(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] }), []);
    assert.notDeepEqual(validateSarif({ version: '2.0.0', runs: [] }), []);
  });

  test('analyze --format sarif --out FILE writes the file; --fail-on still sets the exit code', async () => {
    const d = mods();
    const out = join(d, 'reports', 'uevr.sarif');
    const r = await run('analyze', d, '--format', 'sarif', '--out', out, '--fail-on', 'warning');
    assert.equal(r.code, 1, r.err);
    assert.equal(r.out, '');
    assert.deepEqual(validateSarif(JSON.parse(readFileSync(out, 'utf8'))), []);
    const clean = mkdtempSync(join(tmpdir(), 'uevr-clean-'));
    writeFileSync(join(clean, 'ok.lua'), 'local M = {}\nreturn M\n');
    const ok = await run('analyze', clean, '--format', 'sarif', '--fail-on', 'hint');
    assert.equal(ok.code, 0, ok.err);
    assert.equal(JSON.parse(ok.out).runs[0].results.length, 0);
  });

  test('capture --out - writes the capture itself to stdout, the progress to stderr', async () => {
    const d = mkdtempSync(join(tmpdir(), 'uevr-pipe-'));
    writeFileSync(join(d, 'busy.lua'), 'uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)\n  local t = {}\n  for i = 1, 20000 do t[i] = i * 2 end\nend)\n');
    const io = cliHarness().memIO();
    const chunks: Uint8Array[] = [];
    io.stdoutBytes = (b) => void chunks.push(b);
    io.cwd = d;
    const { main } = await import('../../../src/cli/main');
    const code = await main(['capture', '--sim', '.', '--seconds', '0.5', '--out', '-'], io);
    assert.equal(code, 0, io.err);
    assert.equal(io.out, '', 'no path printed: stdout is the capture');
    const bytes = Buffer.concat(chunks);
    assert.equal(bytes.subarray(0, 9).toString('latin1'), 'UEVRCAP v');
    assert.ok(Number(/wrote (\d+) frames/.exec(io.err)?.[1]) > 0, io.err);
    const { readCapture } = await import('../../../src/core/capture');
    assert.ok(readCapture(bytes, 'stdout.uevrcap').samples.length > 0, 'the piped capture reads back with its samples');
  });

  test('--out - writes to stdout (analyze text and json, convert)', async () => {
    const d = mods();
    const text = await run('analyze', d, '--out', '-');
    assert.match(text.out, /UEVR001/);
    const json = await run('analyze', d, '--format', 'json', '--out', '-');
    assert.ok(Array.isArray(JSON.parse(json.out)));
    const folded = join(d, 'p.folded');
    writeFileSync(folded, 'main;tick;heavy 30\nmain;tick 10\n');
    const conv = await run('convert', folded, '--to', 'speedscope', '--out', '-');
    assert.equal(conv.code, 0, conv.err);
    assert.match(JSON.parse(conv.out).$schema, /speedscope/);
  });
});
