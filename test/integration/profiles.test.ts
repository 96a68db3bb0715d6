import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, screenshot, waitFor, waitForWebviewText, workspaceFile } from './helpers';

/** Opens a profile with the extension's command and waits until the flame graph shows it. */
async function open(name: string): Promise<{ samples: number; text: string | undefined }> {
  const api = await activateExtension();
  const uri = workspaceFile('profiles', name);
  await vscode.commands.executeCommand('uevrProfiler.openCapture', uri);
  const doc = await waitFor(`${name} to load`, () => (api.flameGraphs.activeDocument?.uri.fsPath === uri.fsPath ? api.flameGraphs.activeDocument : undefined));
  const text = await waitForWebviewText(`${name} to render`, (t) => t.includes(name) && /samples/.test(t));
  return { samples: doc.profile.samples.length, text };
}

describe('profiles in the flame graph editor', function () {
  this.timeout(120_000);
  afterEach(closeAllEditors);

  it('opens a V8 .cpuprofile', async () => {
    const r = await open('camera.cpuprofile');
    assert.equal(r.samples, 10);
  });

  it('opens folded stacks', async () => {
    const r = await open('camera.folded');
    assert.ok(r.samples >= 4);
  });

  it('opens a Chrome trace (detected from content, not the .json name)', async () => {
    const r = await open('camera.trace.json');
    assert.ok(r.samples > 0);
    await screenshot('chrome-trace');
  });

  it('opens a profile with hostile function names, keeping them verbatim (their escaping is asserted in test/unit/view)', async () => {
    const r = await open('hostile.folded');
    assert.ok(r.samples > 0);
    const api = await activateExtension();
    const names = api.flameGraphs.activeDocument?.profile.frames.name ?? [];
    assert.ok(names.includes('<img src=x onerror=alert(1)>'), names.join(' | '));
  });

  it('opens the profile in the bundled speedscope viewer', async () => {
    await open('simple.speedscope.json');
    const panel = (await vscode.commands.executeCommand('uevrProfiler.openInSpeedscope')) as vscode.WebviewPanel | undefined;
    assert.ok(panel, 'a speedscope panel opens');
    const text = await waitForWebviewText('speedscope to show the profile', (t) => /Left Heavy/i.test(t) && /Sandwich/i.test(t) && !/Drag and drop/i.test(t), 45_000);
    if (text !== undefined) assert.match(text, /simple/);
    await screenshot('speedscope');
  });

  it('ctrl-click opens the source line through a ${workspaceFolder} path mapping', async () => {
    const api = await activateExtension();
    const cfg = vscode.workspace.getConfiguration('uevrProfiler');
    try {
      await cfg.update('pathMappings', [{ from: 'C:\\Users\\me\\AppData\\Roaming\\UnrealVRMod\\Game\\scripts', to: '${workspaceFolder}/scripts' }], vscode.ConfigurationTarget.Workspace);
      const opened = await api.flameGraphs.openSource('C:\\Users\\me\\AppData\\Roaming\\UnrealVRMod\\Game\\scripts\\camera_fix.lua', 11);
      assert.ok(opened);
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.fsPath, workspaceFile('scripts', 'camera_fix.lua').fsPath);
      assert.equal(editor?.selection.active.line, 10);
    } finally {
      await cfg.update('pathMappings', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('says clearly when a file is not a profile', async () => {
    const api = await activateExtension();
    // The failure is shown to the user; no promise of the editor may be left rejected without a handler.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await vscode.commands.executeCommand('uevrProfiler.openCapture', workspaceFile('scripts', 'camera_fix.lua'));
      // The notification names the file and the problem, in one line, without a stack trace.
      const shown = await waitForWebviewText('the error notification', (t) => /Could not open camera_fix\.lua: .+/.test(t));
      if (shown !== undefined) assert.ok(!/\bat .+:\d+:\d+/.test(shown.match(/Could not open camera_fix\.lua: [^\n]*/)?.[0] ?? ''), 'no stack trace');
      assert.equal(api.flameGraphs.activeDocument, undefined, 'no profile is shown for a Lua file');
      await waitFor('the flame graph editor to close itself', () => !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === 'camera_fix.lua' && t.input instanceof vscode.TabInputCustom)));
      // Node reports an unhandled rejection after the microtask queue drains: give it a moment.
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(unhandled.map(String), [], 'no unhandled rejection');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
