import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, screenshot, waitFor, workspaceFile } from './helpers';

async function diagnosticsOf(uri: vscode.Uri, code: string): Promise<vscode.Diagnostic[]> {
  return waitFor(`a ${code} diagnostic`, () => {
    const d = vscode.languages.getDiagnostics(uri).filter((x) => String(typeof x.code === 'object' ? x.code.value : x.code) === code);
    return d.length ? d : undefined;
  }, 30_000);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

describe('the UEVR analyzer in the editor', function () {
  this.timeout(120_000);
  after(async () => {
    await vscode.commands.executeCommand('uevrProfiler.clearCapture');
    await closeAllEditors();
  });

  it('reports set_mod_value called every frame (UEVR001) in a mod file', async () => {
    await activateExtension();
    const uri = workspaceFile('scripts', 'camera_fix.lua');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const [d] = await diagnosticsOf(uri, 'UEVR001');
    assert.equal(d.range.start.line + 1, 18, 'on the set_mod_value line');
    assert.match(d.message, /set_mod_value/);
    assert.equal(d.source, 'uevr');
  });

  it('applies a quick fix through the code-action API, and the finding goes away', async () => {
    const uri = workspaceFile('scripts', 'camera_fix.lua');
    const doc = await vscode.workspace.openTextDocument(uri);
    const before = doc.getText();
    const [d] = await diagnosticsOf(uri, 'UEVR003');
    // The last argument asks VS Code to resolve the actions' edits (the server computes them lazily).
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value, 10)) ?? [];
    const fix = actions.find((a) => a.edit && /once at file scope/.test(a.title));
    assert.ok(fix, `a quick fix for UEVR003 among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit as vscode.WorkspaceEdit));
    assert.notEqual(doc.getText(), before);
    await waitFor('UEVR003 to disappear after the fix', () => (vscode.languages.getDiagnostics(uri).some((x) => String(typeof x.code === 'object' ? x.code.value : x.code) === 'UEVR003') ? undefined : true));
    // Put the file back for the tests that follow.
    const all = new vscode.WorkspaceEdit();
    all.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), before);
    await vscode.workspace.applyEdit(all);
    await doc.save();
  });

  it('analyzes every script of the workspace into the Problems panel', async () => {
    await closeAllEditors();
    const r = (await vscode.commands.executeCommand('uevrProfiler.analyzeWorkspace')) as { files: number; findings: number; byCode: Record<string, number> };
    assert.ok(r.files >= 1 && r.findings >= 1, JSON.stringify(r));
    assert.ok(r.byCode.UEVR001 >= 1);
    const uri = workspaceFile('scripts', 'camera_fix.lua');
    assert.ok(vscode.languages.getDiagnostics(uri).some((d) => d.code === 'UEVR001'), 'listed for a file that is not open');
  });

  it('says nothing about Lua that is not a UEVR script (a Neovim config), open or in the workspace run', async () => {
    const nvim = workspaceFile('nvim', 'init.lua');
    const r = (await vscode.commands.executeCommand('uevrProfiler.analyzeWorkspace')) as { files: number };
    assert.ok(r.files >= 1);
    assert.deepEqual(vscode.languages.getDiagnostics(nvim).filter((d) => d.source === 'uevr'), [], 'not in the workspace run');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(nvim));
    // The server answers every open document; once a UEVR script opened after it has its diagnostics,
    // the Neovim file has had its (empty) turn too.
    const mod = workspaceFile('scripts', 'hud_heavy.lua');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(mod));
    await waitFor('diagnostics of a UEVR script opened after it', () => (vscode.languages.getDiagnostics(mod).some((d) => d.source === 'uevr') ? true : undefined), 30_000);
    assert.deepEqual(vscode.languages.getDiagnostics(nvim).filter((d) => d.source === 'uevr'), [], 'not from the language server');
    await closeAllEditors();
  });

  it('shows measured ms in hovers and line heat after a capture is loaded, and clears them', async () => {
    const api = await activateExtension();
    const uri = workspaceFile('scripts', 'camera_fix.lua');
    await vscode.commands.executeCommand('uevrProfiler.openCapture', workspaceFile('profiles', 'simple.speedscope.json'));
    await waitFor('the capture to load into the editor', () => (api.loadedCapture()?.endsWith('simple.speedscope.json') ? true : undefined));
    await api.languageClient;
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
    // update_camera (line 11) spends 65 of the profile's 100 ms: 65 ms over 9 frames of 11.1 ms.
    const text = await waitFor('a hover with measured cost', async () => {
      const t = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(10, 16))) ?? []);
      return /ms\/frame/.test(t) ? t : undefined;
    });
    assert.match(text, /UEVR Profiler/);
    await waitFor('line heat in the editor', () => (api.lineHeat.decoratedLines > 0 ? true : undefined));
    assert.ok(editor.document.uri.fsPath === uri.fsPath);
    await screenshot('editor-measured');
    await vscode.commands.executeCommand('uevrProfiler.clearCapture');
    assert.equal(api.lineHeat.decoratedLines, 0);
    await waitFor('the measured hover to go away', async () => {
      const t = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(10, 16))) ?? []);
      return /measured/.test(t) ? undefined : true;
    });
  });
});
