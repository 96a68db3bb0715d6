import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';

const repo = process.env.UEVR_PROFILER_REPO_ROOT ?? join(__dirname, '../../..');
const uevrDir = process.env.UEVR_PROFILER_UEVR_DIR ?? '';

describe('installing the in-game agent', () => {
  it('installs the plugin and the Lua agent into a game profile, and uninstalls only what it installed', async function () {
    if (!existsSync(join(repo, 'dist/agent/uevr_profiler.dll'))) {
      // The DLL comes from `npm run build:agent` (mingw-w64); CI builds it before the tests.
      this.skip();
    }
    await activateExtension();
    const game = join(uevrDir, 'TestGame');
    const result = (await vscode.commands.executeCommand('uevrProfiler.installAgent', 'TestGame')) as { dir: string; written: string[] } | undefined;
    assert.ok(result, 'the install ran');
    assert.equal(result.dir, game);
    assert.ok(existsSync(join(game, 'plugins', 'uevr_profiler.dll')), readdirSync(join(game, 'plugins')).join(', '));
    const scripts = readdirSync(join(game, 'scripts'));
    assert.ok(scripts.some((f) => f.startsWith('!') && f.endsWith('.lua')), `the agent sorts first: ${scripts.join(', ')}`);
    await vscode.commands.executeCommand('uevrProfiler.uninstallAgent', 'TestGame');
    assert.ok(!existsSync(join(game, 'plugins', 'uevr_profiler.dll')));
    assert.ok(!readdirSync(join(game, 'scripts')).some((f) => f.endsWith('.lua')));
  });
});
