// No silent failure in VS Code: when scripts fail to load in the simulated session, the Debug Console
// shows each error (file:line: message) and a notification says how many failed, with "Show errors".
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, waitFor, waitForWebviewText } from './helpers';

describe('simulated session: scripts that fail to load', function () {
  this.timeout(120_000);
  const dapOutput: string[] = [];
  let tracker: vscode.Disposable;
  let dir = '';

  before(() => {
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('uevr', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type?: string; event?: string; body?: { output?: string } }) => {
          if (m.type === 'event' && m.event === 'output' && m.body?.output) dapOutput.push(m.body.output);
        },
      }),
    });
    dir = mkdtempSync(join(tmpdir(), 'uevr-load-errors-'));
    writeFileSync(join(dir, 'a_broken.lua'), 'local u = require("libs/missing_lib")\nuevr.sdk.callbacks.on_frame(function() end)\n');
    writeFileSync(join(dir, 'b_broken.lua'), 'local x = nil\nlocal y = x.field\n');
    writeFileSync(join(dir, 'c_fine.lua'), 'uevr.sdk.callbacks.on_frame(function() end)\n');
  });
  after(async () => {
    tracker.dispose();
    await vscode.debug.stopDebugging();
    await vscode.commands.executeCommand('notifications.clearAll');
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the errors in the Debug Console and notifies "2 scripts failed to load" with Show errors', async () => {
    const api = await activateExtension();
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      type: 'uevr',
      request: 'attach',
      name: 'Simulate broken scripts',
      session: 'simulate',
      scriptsFolder: dir,
      engine: 'ue4',
    });
    assert.ok(ok, 'the debug session starts');
    await waitFor('the session to attach', () => (api.sessions.current?.label.includes(dir) ? api.sessions.current : undefined), 60_000);
    const missing = await waitFor('the require error in the Debug Console', () => dapOutput.find((o) => /a_broken\.lua:1: module 'libs\/missing_lib' not found/.test(o)));
    assert.match(missing, /^Lua error: /);
    await waitFor('the runtime error in the Debug Console', () => dapOutput.find((o) => /b_broken\.lua:2: attempt to index a nil value \(local 'x'\)/.test(o)));
    const note = await waitForWebviewText('the notification', (t) => /UEVR: 2 scripts failed to load \(of 3\)\./.test(t), 30_000);
    if (note !== undefined) assert.match(note, /Show errors/);
  });
});
