// UEVR scripts only: the analyzer speaks about a Lua file only when it is a UEVR script (API use, a UEVR
// scripts folder, a marker, the include setting, or required by one); exclude wins. Other Lua (Neovim
// config, LÖVE, Luau) gets nothing: no rule findings, no syntax errors, no hovers, no code actions.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { globToRegExp, MarkerProbe, scopeSettingsFrom, selectUevrScripts, uevrScriptScope, usesUevrApi } from '../../../src/core/analyzer/scope';
import { AnalyzerService } from '../../../src/server/service';

const NEOVIM = 'local opt = vim.opt\nopt.number = true\nvim.api.nvim_create_autocmd("BufWritePre", { callback = function() print("x") end })\nfor i = 1, 10 do local t = {} end\n';
const LOVE = 'function love.update(dt)\n  for i = 1, 100 do local p = { x = i } print(p.x .. "!") end\nend\n';
const LUAU = 'local x: number = 5\nfor i = 1, 3 do\n  if i == 2 then continue end\nend\n';
const MOD = 'local api = uevr.api\nuevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)\n  local c = api:find_uobject("Class /Script/Engine.Pawn")\n  print("tick")\nend)\n';
const LIB_NO_API = 'local M = {}\nfunction M.tick() local t = {1, 2} return t[1] end\nlocal broken = = 1\nreturn M\n';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'uevr-scope-'));
}

describe('which files are UEVR scripts', () => {
  test('API use: uevr.*, UEVR_ globals, callback registration; not vim.api or love', () => {
    assert.ok(usesUevrApi(MOD));
    assert.ok(usesUevrApi('local h = UEVR_UObjectHook.get_first_object_by_class(c)'));
    assert.ok(usesUevrApi('callbacks.on_pre_engine_tick(f)'));
    assert.ok(usesUevrApi('registerPreEngineTickCallback(function() end)'));
    for (const other of [NEOVIM, LOVE, LUAU, '-- uevr is great\nlocal uevrish = 1\n']) assert.ok(!usesUevrApi(other), other);
  });

  test('folders: UnrealVRMod/<game>/scripts (any depth), a .uevrprof marker or the agent beside it or above', () => {
    const probe = new MarkerProbe(0);
    assert.equal(uevrScriptScope({ path: '/home/u/AppData/Roaming/UnrealVRMod/Game/scripts/libs/util.lua', text: LIB_NO_API }, { include: [], exclude: [] }), 'folder');
    assert.equal(uevrScriptScope({ path: 'C:\\Users\\u\\AppData\\Roaming\\UnrealVRMod\\Game\\scripts\\m.lua', text: LIB_NO_API }, { include: [], exclude: [] }), 'folder');
    const root = tmp();
    mkdirSync(join(root, 'mod', 'libs'), { recursive: true });
    mkdirSync(join(root, 'nvim'));
    writeFileSync(join(root, 'mod', '.uevrprof'), '');
    assert.equal(uevrScriptScope({ path: join(root, 'mod', 'libs', 'u.lua'), text: LIB_NO_API }, { include: [], exclude: [] }, [root], probe), 'folder');
    assert.equal(uevrScriptScope({ path: join(root, 'nvim', 'init.lua'), text: NEOVIM }, { include: [], exclude: [] }, [root], probe), 'none');
    const agentDir = tmp();
    writeFileSync(join(agentDir, '!uevr-profiler-agent.lua'), '');
    assert.equal(uevrScriptScope({ path: join(agentDir, 'x.lua'), text: LIB_NO_API }, { include: [], exclude: [] }, [agentDir], probe), 'folder');
  });

  test('include adds files, exclude wins over everything', () => {
    const s = { include: ['tools/uevr/**'], exclude: ['**/vendor/**', 'scratch.lua'] };
    assert.equal(uevrScriptScope({ path: '/ws/tools/uevr/a.lua', text: LIB_NO_API }, s, ['/ws']), 'include');
    assert.equal(uevrScriptScope({ path: '/ws/vendor/UnrealVRMod/G/scripts/a.lua', text: MOD }, s, ['/ws']), 'excluded');
    assert.equal(uevrScriptScope({ path: '/ws/scratch.lua', text: MOD }, s, ['/ws']), 'excluded');
    assert.equal(uevrScriptScope({ path: '/ws/other/scratch.lua', text: MOD }, s, ['/ws']), 'excluded', 'a bare name matches in any folder');
    assert.equal(uevrScriptScope({ path: '/ws/m.lua', text: MOD }, s, ['/ws']), 'api');
    assert.ok(globToRegExp('*.lua').test('/a/b/c.lua'));
    assert.ok(!globToRegExp('/abs/*.lua').test('/abs/sub/c.lua'));
    assert.ok(globToRegExp('/abs/**/*.lua').test('/abs/sub/c.lua'));
  });

  test('settings over the wire: only strings count, hostile shapes are ignored', () => {
    assert.deepEqual(scopeSettingsFrom({ include: ['a', 3, null, ''], exclude: 'b' }), { include: ['a'] });
    assert.deepEqual(scopeSettingsFrom(null), {});
    assert.deepEqual(scopeSettingsFrom({ include: Array(500).fill('x') }).include?.length, 200);
    assert.ok(globToRegExp('((((((a+)+)+)+)+)+.lua').test('/((((((a+)+)+)+)+)+.lua'), 'regex characters are literal');
  });
});

describe('Analyze Workspace Scripts picks the UEVR scripts and what they require', () => {
  test('transitive requires join, unrelated Lua and excluded files do not', () => {
    const files = [
      { path: '/ws/mods/main.lua', text: 'local u = require("libs.util")\n' + MOD },
      { path: '/ws/mods/libs/util.lua', text: 'local m = require("libs.math2")\nreturn {}' },
      { path: '/ws/mods/libs/math2.lua', text: 'return { add = function(a, b) return a + b end }' },
      { path: '/ws/mods/libs/unused.lua', text: 'return {}' },
      { path: '/ws/nvim/init.lua', text: NEOVIM },
      { path: '/ws/love/main.lua', text: 'local u = require("libs.util")\n' + LOVE },
      { path: '/ws/vendor/thing.lua', text: MOD },
    ];
    const pick = (exclude: string[]): string[] => selectUevrScripts(files, { include: [], exclude }, ['/ws']).map((f) => f.path);
    assert.deepEqual(pick([]), ['/ws/mods/main.lua', '/ws/mods/libs/util.lua', '/ws/mods/libs/math2.lua', '/ws/vendor/thing.lua']);
    assert.deepEqual(pick(['vendor/**', '**/math2.lua']), ['/ws/mods/main.lua', '/ws/mods/libs/util.lua'], 'exclude wins, also for a required library');
  });
});

describe('the language server applies to UEVR scripts only', () => {
  test('Neovim, LÖVE and Luau files get no findings, no syntax errors, no hover, no actions', () => {
    const s = new AnalyzerService();
    const docs = { nvim: [NEOVIM, 'file:///home/u/.config/nvim/init.lua'], love: [LOVE, 'file:///games/love/main.lua'], luau: [LUAU, 'file:///rbx/src/x.lua'] };
    for (const [text, uri] of Object.values(docs)) {
      s.open(uri, text, 1);
      assert.deepEqual(s.findings(uri), [], uri);
      assert.deepEqual(s.diagnostics(uri), []);
      assert.equal(s.hover(uri, { line: 2, character: 10 }), null);
      assert.deepEqual(s.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }), []);
    }
    s.open('file:///ws/mod.lua', MOD, 1);
    assert.deepEqual(s.findings('file:///ws/mod.lua').map((f) => f.code).sort(), ['UEVR003', 'UEVR011']);
    s.open('untitled:Untitled-1', MOD, 1);
    assert.equal(s.findings('untitled:Untitled-1').length, 2, 'an untitled UEVR script is judged by its text');
  });

  test('a library without API use is analysed when a UEVR script requires it, with its syntax errors', () => {
    const root = tmp();
    mkdirSync(join(root, 'libs'));
    writeFileSync(join(root, 'main.lua'), 'local lib = require("libs.util")\nuevr.sdk.callbacks.on_pre_engine_tick(function() lib.tick() end)\n');
    writeFileSync(join(root, 'libs', 'util.lua'), LIB_NO_API);
    writeFileSync(join(root, 'libs', 'unused.lua'), LIB_NO_API);
    const s = new AnalyzerService();
    s.workspaceRoots.push(root);
    const used = pathToFileURL(join(root, 'libs', 'util.lua')).href;
    const unused = pathToFileURL(join(root, 'libs', 'unused.lua')).href;
    s.open(used, LIB_NO_API, 1);
    s.open(unused, LIB_NO_API, 1);
    assert.equal(s.scope(used), 'required');
    assert.deepEqual(s.findings(used).map((f) => f.code).sort(), ['UEVR007', 'syntax']);
    assert.equal(s.scope(unused), 'none');
    assert.deepEqual(s.findings(unused), []);
    s.setSettings({ exclude: ['libs/util.lua'] });
    assert.deepEqual(s.findings(used), [], 'exclude wins');
    s.setSettings({ exclude: [], include: ['libs/*.lua'] });
    assert.equal(s.scope(unused), 'include');
  });
});

describe('scope over LSP', () => {
  let proc: ChildProcess | undefined;
  let conn: MessageConnection | undefined;
  after(() => {
    conn?.dispose();
    proc?.kill();
  });

  test('a Neovim config gets an empty diagnostics list; include from the client settings brings it in', async () => {
    const root = join(__dirname, '../../..');
    proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server/main.ts'), '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const diags: { uri: string; diagnostics: { code: string }[] }[] = [];
    let notify: (() => void) | null = null;
    conn.onNotification('textDocument/publishDiagnostics', (p) => {
      diags.push(p);
      notify?.();
    });
    conn.listen();
    const next = (): Promise<void> => new Promise((r) => { notify = r; });
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await conn.sendNotification('initialized', {});
    const uri = 'file:///home/u/.config/nvim/lua/plugins.lua';
    let got = next();
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text: LUAU } });
    await got;
    assert.deepEqual(diags[diags.length - 1].diagnostics, []);
    got = next();
    await conn.sendNotification('workspace/didChangeConfiguration', { settings: { uevrProfiler: { analyzer: { include: ['**/nvim/lua/*.lua'] } } } });
    await got;
    assert.ok(diags[diags.length - 1].diagnostics.some((x) => x.code === 'syntax'), 'now a UEVR script: Luau syntax is an error');
    await conn.sendRequest('shutdown');
  });
});
