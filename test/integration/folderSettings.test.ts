// The language server reads the analyzer settings of the open file's workspace folder: VS Code's language
// client answers the server's workspace/configuration request for the file, and a change of the folder's
// settings reaches the open file's diagnostics. (The test host opens one folder only; the per-folder
// distinction between two folders is tested over a real LSP connection in
// test/unit/analyzer/server-folders.test.ts.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, waitFor, workspaceFile } from './helpers';

const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);
const codesOf = (uri: vscode.Uri): string[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'uevr').map(codeOf);

describe('the analyzer follows the settings of the file\'s workspace folder', function () {
  this.timeout(120_000);
  const uri = workspaceFile('scripts', 'camera_fix.lua');
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const cfg = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('uevrProfiler', uri);
  after(async () => {
    await cfg().update('analyzer.disabledRules', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await cfg().update('analyzer.exclude', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await closeAllEditors();
  });

  it('a rule disabled, then the file excluded, in the folder settings; both undone', async () => {
    assert.ok(folder, 'the fixture file is in the workspace folder');
    await activateExtension();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitFor('UEVR001 on camera_fix.lua', () => codesOf(uri).includes('UEVR001'));
    const others = codesOf(uri).filter((c) => c !== 'UEVR001');
    assert.ok(others.length > 0, 'other findings too');

    await cfg().update('analyzer.disabledRules', ['UEVR001'], vscode.ConfigurationTarget.WorkspaceFolder);
    assert.deepEqual(cfg().inspect('analyzer.disabledRules')?.workspaceFolderValue, ['UEVR001']);
    await waitFor('UEVR001 gone, the others kept', () => !codesOf(uri).includes('UEVR001') && others.every((c) => codesOf(uri).includes(c)));

    await cfg().update('analyzer.exclude', ['scripts/camera_fix.lua'], vscode.ConfigurationTarget.WorkspaceFolder);
    await waitFor('no findings for an excluded file', () => codesOf(uri).length === 0);

    await cfg().update('analyzer.exclude', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await cfg().update('analyzer.disabledRules', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await waitFor('UEVR001 back', () => codesOf(uri).includes('UEVR001'));
  });
});
