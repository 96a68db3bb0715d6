// The flame graph editor opens our captures by default and other tools' profiles only when asked:
// installing the extension must not take .cpuprofile files away from VS Code's own viewer.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CaptureWriter, FileSink } from '../../src/core/capture';
import { activateExtension, closeAllEditors, waitFor, workspaceFile } from './helpers';

/** The active tab's input once a tab for `uri` is active. */
async function activeTabFor(uri: vscode.Uri): Promise<vscode.Tab> {
  return waitFor(`a tab for ${uri.fsPath}`, () => {
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    const input = tab?.input as { uri?: vscode.Uri } | undefined;
    return input?.uri?.fsPath === uri.fsPath ? tab : undefined;
  });
}

/** A tiny but complete capture: one callback, three frames, no samples. */
function writeCapture(path: string): void {
  const w = new CaptureWriter(new FileSink(path), {
    protocol: 1,
    session: { game: 'ScopeTest', pid: 1, kind: 'simulator', refreshRateHz: 90, hostVersion: 't' },
    samplingHz: 0,
    startTime: 0,
    startedAt: '2026-01-01T00:00:00Z',
    tool: 'test',
  });
  w.writeCallbacks([{ id: 1, name: 'on_pre_engine_tick', file: 'mod.lua', line: 1, generation: 0 }]);
  w.writeFrames(
    [0, 1, 2].map((i) => ({ frame: i, start: i * 11.1, frameMs: 11.1, scriptsMs: 1, gcMs: 0, luaMemoryKb: 10, overheadMs: 0, callbacks: [{ id: 1, eye: -1, ms: 1, calls: 1 }] })),
  );
  w.close({ stopTime: 33.3, reason: 'stopped', frames: 3, samples: 0, droppedFrames: 0 });
}

describe('which files the flame graph editor opens by default', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'uevr-scope-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(closeAllEditors);

  it('a .uevrcap opens in the UEVR flame graph with a plain open', async () => {
    const api = await activateExtension();
    const uri = vscode.Uri.file(join(dir, 'scope.uevrcap'));
    writeCapture(uri.fsPath);
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await activeTabFor(uri);
    assert.ok(tab.input instanceof vscode.TabInputCustom);
    assert.equal(tab.input.viewType, 'uevrProfiler.flameGraph');
    await waitFor('the capture to load', () => (api.flameGraphs.activeDocument?.uri.fsPath === uri.fsPath ? true : undefined));
  });

  it('a .cpuprofile is not taken over: a plain open does not use our editor', async () => {
    const uri = workspaceFile('profiles', 'camera.cpuprofile');
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await activeTabFor(uri);
    const viewType = tab.input instanceof vscode.TabInputCustom ? tab.input.viewType : undefined;
    assert.ok(!viewType?.startsWith('uevrProfiler.'), `opened with ${viewType}`);
  });

  it('Open With… offers the UEVR flame graph for a .cpuprofile, and it renders', async () => {
    const api = await activateExtension();
    const uri = workspaceFile('profiles', 'camera.cpuprofile');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'uevrProfiler.profileFlameGraph');
    const tab = await activeTabFor(uri);
    assert.ok(tab.input instanceof vscode.TabInputCustom && tab.input.viewType === 'uevrProfiler.profileFlameGraph');
    const doc = await waitFor('the profile to load', () => (api.flameGraphs.activeDocument?.uri.fsPath === uri.fsPath ? api.flameGraphs.activeDocument : undefined));
    assert.equal(doc.profile.samples.length, 10);
  });
});
