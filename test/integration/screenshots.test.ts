// The README's screenshots (run by test/screenshots.mjs, never by npm test): each view of the product
// on the example mods, after it has painted.
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, screenshot, waitFor, waitForWebviewText, workspaceFile } from './helpers';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (process.env.UEVR_SCREENSHOTS === '1') {
  describe('screenshots', function () {
    this.timeout(300_000);

    before(async () => {
      await activateExtension();
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('workbench.action.closePanel');
    });

    it('flame graph of a capture, with the mod beside it annotated', async () => {
      const api = await activateExtension();
      const capture = workspaceFile('captures', 'example-mods.uevrcap');
      await vscode.commands.executeCommand('uevrProfiler.openCapture', capture);
      await waitFor('the capture to paint', () => (api.flameGraphs.lastRendered?.fsPath === capture.fsPath ? true : undefined));
      await settle(1500);
      const mod = await vscode.workspace.openTextDocument(workspaceFile('scripts', 'hud_tweaks.lua'));
      await vscode.window.showTextDocument(mod, vscode.ViewColumn.Beside);
      await waitFor('line heat', () => (api.lineHeat.decoratedLines > 0 ? true : undefined));
      await settle(2500);
      await vscode.commands.executeCommand('notifications.clearAll');
      await screenshot('capture-and-editor');
    });

    it('the editor with measured costs, diagnostics and a hover', async () => {
      await closeAllEditors();
      const mod = await vscode.workspace.openTextDocument(workspaceFile('scripts', 'hud_tweaks.lua'));
      const editor = await vscode.window.showTextDocument(mod);
      await settle(2500);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await settle(1000);
      editor.selection = new vscode.Selection(16, 20, 16, 20);
      await vscode.commands.executeCommand('editor.action.showHover');
      await settle(1500);
      await screenshot('editor');
      await vscode.commands.executeCommand('workbench.action.closePanel');
    });

    it('the live view while attached to the simulated session', async () => {
      const api = await activateExtension();
      await closeAllEditors();
      await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], { type: 'uevr', request: 'attach', name: 'Simulate UEVR', session: 'simulate', scriptsFolder: workspaceFile('scripts').fsPath });
      await waitFor('frames', () => ((api.sessions.current?.framesSeen ?? 0) > 300 ? true : undefined), 120_000);
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('uevrProfiler.liveView.focus');
      for (const v of ['workbench.debug.variablesView', 'workbench.debug.watchExpressionsView', 'workbench.debug.callStackView', 'workbench.debug.breakPointsView']) {
        await vscode.commands.executeCommand(`${v}.removeView`).then(undefined, () => undefined);
      }
      await waitForWebviewText('the live view', (t) => /scripts \d/.test(t));
      await vscode.commands.executeCommand('uevrProfiler.exportReport', workspaceFile('captures', 'example-mods.uevrcap'), 'html', workspaceFile('captures', 'report.html').fsPath);
      await vscode.commands.executeCommand('vscode.open', workspaceFile('scripts', 'camera_fix.lua'));
      await settle(3000);
      await vscode.commands.executeCommand('notifications.clearAll');
      await screenshot('live-view');
      await vscode.debug.stopDebugging();
    });
  });
}
