// The language server reads required modules and requirers from disk: a named pipe called *.lua
// there must not block it (a sync read of a pipe with no writer never returns). Run in a child
// process with a time limit, since a blocked thread cannot time itself out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

test('a required module or a requirer that is a named pipe does not block the language server', { skip: process.platform === 'win32' }, () => {
  const ws = mkdtempSync(join(tmpdir(), 'uevr-ws-pipes-'));
  mkdirSync(join(ws, 'libs'));
  execFileSync('mkfifo', [join(ws, 'libs', 'helpers.lua')]);
  execFileSync('mkfifo', [join(ws, 'other.lua')]);
  writeFileSync(join(ws, 'good.lua'), 'local M = {}\nreturn M\n');
  const script = `
    const { AnalyzerService } = require(${JSON.stringify(join(root, 'src/server/service.ts'))});
    const { pathToFileURL } = require('node:url');
    const s = new AnalyzerService();
    s.workspaceRoots.push(${JSON.stringify(ws)});
    const main = pathToFileURL(${JSON.stringify(join(ws, 'main.lua'))}).href;
    s.open(main, 'local lib = require("libs.helpers")\\nuevr.sdk.callbacks.on_pre_engine_tick(function() lib.slow() end)\\n', 1);
    s.findings(main);
    const good = pathToFileURL(${JSON.stringify(join(ws, 'good.lua'))}).href;
    s.open(good, 'local M = {}\\nreturn M\\n', 1);
    s.findings(good);
    console.log('done');`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
  assert.equal(r.error, undefined, `the service blocked: ${String(r.error)}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done/);
});
