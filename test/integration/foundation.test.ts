import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, EXTENSION_ID, screenshot, waitFor, waitForWebviewText, workspaceFile } from './helpers';

const manifest = JSON.parse(readFileSync(join(process.env.UEVR_PROFILER_REPO_ROOT ?? join(__dirname, '../../..'), 'package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }>; configuration: { properties: Record<string, unknown> } };
};

describe('foundation', () => {
  after(closeAllEditors);

  it('activates when a Lua file is opened', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension is installed');
    const doc = await vscode.workspace.openTextDocument(workspaceFile('scripts', 'camera_fix.lua'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'lua');
    await waitFor('the extension to activate', () => ext.isActive || undefined);
  });

  it('registers every contributed command', async () => {
    const api = await activateExtension();
    const all = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 10);
    for (const id of contributed) assert.ok(all.has(id), `${id} is registered`);
    assert.deepEqual([...api.commands].sort(), [...contributed].sort(), 'the extension implements exactly the contributed commands');
  });

  it('reads settings back, and falls back with a problem on a bad value', async () => {
    const api = await activateExtension();
    const cfg = vscode.workspace.getConfiguration('uevrProfiler');
    try {
      await cfg.update('refreshRate', 120, vscode.ConfigurationTarget.Workspace);
      await cfg.update('alerts.sustainedFrames', 45, vscode.ConfigurationTarget.Workspace);
      await cfg.update('pathMappings', [{ from: 'C:\\Game\\scripts', to: '${workspaceFolder}/scripts' }], vscode.ConfigurationTarget.Workspace);
      let s = api.readSettings();
      assert.equal(s.refreshRate, 120);
      assert.equal(s.alerts.sustainedFrames, 45);
      assert.deepEqual(s.pathMappings, [{ from: 'C:\\Game\\scripts', to: '${workspaceFolder}/scripts' }]);
      await cfg.update('refreshRate', 61, vscode.ConfigurationTarget.Workspace);
      s = api.readSettings();
      assert.equal(s.refreshRate, undefined, 'a bad value is not used: the capture\'s rate or the default applies');
      assert.match(s.problems.join('\n'), /refreshRate must be one of 72, 80, 90, 120, 144/);
    } finally {
      for (const k of ['refreshRate', 'alerts.sustainedFrames', 'pathMappings']) await cfg.update(k, undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(api.readSettings().refreshRate, undefined, 'not set: the capture\'s rate, else the default applies');
  });

  it('opens a profile in the flame graph editor and the webview renders it', async () => {
    const api = await activateExtension();
    const uri = workspaceFile('profiles', 'simple.speedscope.json');
    await vscode.commands.executeCommand('uevrProfiler.openCapture', uri);
    await waitFor('the profile to load', () => api.flameGraphs.activeDocument);
    const doc = api.flameGraphs.activeDocument;
    assert.ok(doc);
    assert.equal(doc.uri.fsPath, uri.fsPath);
    assert.ok(doc.profile.samples.length > 0, 'the profile has samples');
    const text = await waitForWebviewText('the flame graph to render', (t) => t.includes('simple.speedscope.json') && /samples/.test(t));
    if (text !== undefined) assert.match(text, /samples/);
    await screenshot('flamegraph-simple');
  });
});
