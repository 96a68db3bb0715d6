// "Analyze Workspace Scripts" in the language server (src/server/workspaceAnalysis.ts): real files on
// disk, read and analysed as one set; other Lua and unreadable entries get nothing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { WorkspaceAnalysis } from '../../../src/server/workspaceAnalysis';
import { DEFAULT_SCOPE } from '../../../src/core/analyzer/scope';

test('UEVR scripts and the libraries they require are analysed as one set; a Neovim config, a directory and a non-file URI are not', async () => {
  const root = mkdtempSync(join(tmpdir(), 'uevr-ws-'));
  mkdirSync(join(root, 'scripts', 'libs'), { recursive: true });
  mkdirSync(join(root, 'nvim'));
  mkdirSync(join(root, 'odd.lua'));
  // The library's function runs every frame only because the mod calls it from a callback.
  writeFileSync(join(root, 'scripts', 'libs', 'util.lua'), 'local M = {}\nfunction M.tick()\n  local c = uevr.api:find_uobject("Class /Script/Engine.Pawn")\nend\nreturn M\n');
  writeFileSync(join(root, 'scripts', 'mod.lua'), 'local util = require("libs.util")\nuevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  util.tick()\nend)\n');
  writeFileSync(join(root, 'nvim', 'init.lua'), 'vim.opt.number = true\nfor i = 1, 10 do print(i) end\n');
  const uri = (...p: string[]): string => pathToFileURL(join(root, ...p)).toString();
  let disabled: string[] = [];
  const ws = new WorkspaceAnalysis({ scope: () => DEFAULT_SCOPE, disabledRules: () => disabled, roots: () => [root] });
  try {
    const files = [uri('scripts', 'mod.lua'), uri('scripts', 'libs', 'util.lua'), uri('nvim', 'init.lua'), uri('odd.lua'), 'untitled:Untitled-1'];
    const { publish, result } = await ws.run(files);
    assert.equal(result.files, 2, JSON.stringify(result));
    assert.ok((result.byCode.UEVR003 ?? 0) >= 1, `find_uobject every frame in the library: ${JSON.stringify(result.byCode)}`);
    assert.ok(publish.get(uri('scripts', 'libs', 'util.lua'))?.some((d) => d.code === 'UEVR003' && d.source === 'uevr'));
    assert.equal(publish.has(uri('nvim', 'init.lua')), false);
    assert.deepEqual(ws.diagnosticsOf(uri('nvim', 'init.lua')), undefined);
    // A rule disabled for the file's folder is not reported; a file that is gone is cleared.
    disabled = ['UEVR003'];
    rmSync(join(root, 'scripts', 'libs', 'util.lua'));
    const again = await ws.run(files);
    assert.equal(again.result.byCode.UEVR003, undefined);
    assert.deepEqual(again.publish.get(uri('scripts', 'libs', 'util.lua')), [], 'cleared');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('each workspace folder\'s files are selected with that folder\'s include/exclude', async () => {
  const root = mkdtempSync(join(tmpdir(), 'uevr-ws2-'));
  // Two folders with the same plain Lua file (no UEVR API, not in a scripts folder): folder a
  // includes it by pattern, folder b does not.
  for (const f of ['a', 'b']) {
    mkdirSync(join(root, f, 'tools'), { recursive: true });
    writeFileSync(join(root, f, 'tools', 'helper.lua'), 'local t = {}\nfor i = 1, 10 do t[#t + 1] = i end\nreturn t\n');
  }
  const uri = (...p: string[]): string => pathToFileURL(join(root, ...p)).toString();
  const folderOf = (u: string): string => (u.includes('/a/') ? 'a' : 'b');
  const ws = new WorkspaceAnalysis({
    scope: (u) => (folderOf(u) === 'a' ? { ...DEFAULT_SCOPE, include: ['**/tools/*.lua'] } : DEFAULT_SCOPE),
    disabledRules: () => [],
    roots: () => [join(root, 'a'), join(root, 'b')],
    folderOf,
  });
  try {
    const { result, publish } = await ws.run([uri('a', 'tools', 'helper.lua'), uri('b', 'tools', 'helper.lua')]);
    assert.equal(result.files, 1, JSON.stringify(result));
    assert.ok(publish.has(uri('a', 'tools', 'helper.lua')));
    assert.equal(publish.has(uri('b', 'tools', 'helper.lua')), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a file named twice in the request is read and counted once', async () => {
  const root = mkdtempSync(join(tmpdir(), 'uevr-ws-'));
  mkdirSync(join(root, 'scripts'));
  writeFileSync(join(root, 'scripts', 'mod.lua'), 'uevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  local c = uevr.api:find_uobject("Class /Script/Engine.Pawn")\nend)\n');
  const u = pathToFileURL(join(root, 'scripts', 'mod.lua')).toString();
  const ws = new WorkspaceAnalysis({ scope: () => DEFAULT_SCOPE, disabledRules: () => [], roots: () => [root] });
  try {
    const once = await ws.run([u]);
    const thrice = await ws.run([u, u, u]);
    assert.deepEqual(thrice.result, once.result);
    assert.equal(thrice.result.files, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a file with a UTF-8 byte-order mark gets its findings where the editor shows them (the editor drops the mark)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'uevr-ws-'));
  mkdirSync(join(root, 'scripts'));
  const text = 'uevr.sdk.callbacks.on_pre_engine_tick(function(e, d) local c = uevr.api:find_uobject("Class /Script/Engine.Pawn") end)\n';
  writeFileSync(join(root, 'scripts', 'plain.lua'), text);
  writeFileSync(join(root, 'scripts', 'bom.lua'), '\ufeff' + text);
  const uri = (name: string): string => pathToFileURL(join(root, 'scripts', name)).toString();
  const ws = new WorkspaceAnalysis({ scope: () => DEFAULT_SCOPE, disabledRules: () => [], roots: () => [root] });
  try {
    const { publish } = await ws.run([uri('plain.lua'), uri('bom.lua')]);
    const ranges = (name: string) => (publish.get(uri(name)) ?? []).map((d) => [d.code, d.range]);
    assert.ok(ranges('plain.lua').length > 0, 'find_uobject every frame is a finding');
    assert.deepEqual(ranges('bom.lua'), ranges('plain.lua'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
