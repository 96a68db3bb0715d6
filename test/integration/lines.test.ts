// Line-level costs in the editor (issue 12): a capture whose costs sit on lines inside a function
// body puts the hover, the line heat and the hotspot diagnostic (UEVR100) on those lines, and an
// analyzer finding on such a line is worded with that line's cost. The fixture
// (profiles/lines.speedscope.json) spends, over 100 ms = 9 frames at 90 Hz, 40 ms on line 16 of
// update_camera in scripts/camera_fix.lua (4.44 ms/frame), 5 ms on its line 18 (set_mod_value,
// UEVR001), 10 ms under its line 12 (find_player → find_uobject), 10 ms on apply_offset's line 24.
// End to end: a simulated session on lines/hot_loop.lua, captured to a .uevrcap (format 3, with the
// stacks' current lines), puts the hotspot on the loop body line.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, screenshot, waitFor, workspaceFile } from './helpers';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);

describe('line-level costs in the editor', function () {
  this.timeout(120_000);
  after(async () => {
    await vscode.commands.executeCommand('uevrProfiler.clearCapture');
    await closeAllEditors();
  });

  it('hover, line heat and UEVR100 sit on the hot line inside the function body; findings get their line\'s cost', async () => {
    const api = await activateExtension();
    const uri = workspaceFile('scripts', 'camera_fix.lua');
    await vscode.commands.executeCommand('uevrProfiler.openCapture', workspaceFile('profiles', 'lines.speedscope.json'));
    await waitFor('the capture to load into the editor', () => (api.loadedCapture()?.endsWith('lines.speedscope.json') ? true : undefined));
    await api.languageClient;
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);

    // Hover on line 16 (`offset.z = …`), a body line that is neither a definition nor a call.
    const hover = await waitFor('a measured hover on line 16', async () => {
      const t = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(15, 10))) ?? []);
      return /measured on line 16/.test(t) ? t : undefined;
    });
    assert.match(hover, /measured on line 16 in `update_camera`: 4\.44 ms\/frame, 40% of the 11\.1 ms budget at 90 Hz/);
    assert.match(hover, /\| self \| 4\.44 ms\/frame \(40% of budget\) \|/);
    assert.match(hover, /\| total \| 4\.44 ms\/frame \(40% of budget\) \|/);
    assert.match(hover, /Top callers: `on_pre_engine_tick` 4\.44 ms/);
    // A line without cost has no measured hover.
    const quiet = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(8, 8))) ?? []);
    assert.doesNotMatch(quiet, /measured/);

    // Line heat on the same line: the share, self and callers in its hover, ms/frame after the code.
    await waitFor('line heat in the editor', () => (api.lineHeat.decoratedLines > 0 ? true : undefined));
    const heat = api.lineHeat.heatAt(uri.fsPath, 16);
    assert.ok(heat, 'line 16 is heated');
    assert.equal(heat.after, '4.44 ms/frame');
    // The hover is Markdown built from plain text (capture names are untrusted): read it unescaped.
    const heatText = heat.hover.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(heatText, /UEVR line 16 in update_camera: total 4\.44 ms\/frame, 40% of the 11\.1 ms budget at 90 Hz/);
    assert.match(heatText, /self 4\.44 ms\/frame \(40% of budget\)/);
    assert.match(heatText, /top callers: on_pre_engine_tick 4\.44 ms/);
    assert.equal(api.lineHeat.heatAt(uri.fsPath, 11), undefined, 'no heat on the function header: no time was spent there');

    // UEVR100: the costliest hotspot is line 16, not the header of update_camera (line 11).
    // (Wait for this capture's diagnostics: an earlier test's capture may still be published.)
    const hotspots = await waitFor('UEVR100 diagnostics of this capture', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => codeOf(x) === 'UEVR100');
      // (The previous capture, e.g. simple.speedscope.json without lines, had its hotspot of update_camera
      // on the header: wait for this capture's, on line 16.)
      return d.some((x) => x.range.start.line + 1 === 16 && /on this line of update_camera/.test(x.message)) ? d : undefined;
    });
    const top = [...hotspots].sort((a, b) => a.severity - b.severity || a.range.start.line - b.range.start.line)[0];
    assert.equal(top.range.start.line + 1, 16, hotspots.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n'));
    assert.equal(top.severity, vscode.DiagnosticSeverity.Error, '40 % of the budget');
    assert.match(top.message, /^Hotspot: 4\.44 ms\/frame, 40% of the 11\.1 ms budget at 90 Hz on this line of update_camera/);
    assert.ok(!hotspots.some((d) => d.range.start.line + 1 === 11), 'nothing on the header');

    // UEVR001 on line 18 (set_mod_value every frame) carries line 18's own cost: 5 ms / 9 frames.
    const uevr001 = await waitFor('UEVR001 with its measured cost', () =>
      vscode.languages.getDiagnostics(uri).find((x) => codeOf(x) === 'UEVR001' && /^Measured 0\.56 /.test(x.message)),
    );
    assert.equal(uevr001.range.start.line + 1, 18);
    assert.match(uevr001.message, /^Measured 0\.56 ms\/frame, 5\.0% of the 11\.1 ms budget at 90 Hz\. /);
    await screenshot('editor-lines');
  });

  it('a profile without game frames is re-costed when the rate changes: 100 ms is 12 frames at 120 Hz, not 9', async () => {
    const api = await activateExtension();
    const cfg = vscode.workspace.getConfiguration('uevrProfiler');
    const uri = workspaceFile('scripts', 'camera_fix.lua');
    if (!api.loadedCapture()?.endsWith('lines.speedscope.json')) {
      await vscode.commands.executeCommand('uevrProfiler.openCapture', workspaceFile('profiles', 'lines.speedscope.json'));
      await waitFor('the capture to load into the editor', () => (api.loadedCapture()?.endsWith('lines.speedscope.json') ? true : undefined));
    }
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
    try {
      await cfg.update('refreshRate', 120, vscode.ConfigurationTarget.Workspace);
      // 40 ms over 12 frames of 8.33 ms: 3.33 ms/frame, still 40 % of the (smaller) budget.
      const hover = await waitFor('the hover on line 16 at 120 Hz', async () => {
        const t = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(15, 10))) ?? []);
        return /budget at 120 Hz/.test(t) ? t : undefined;
      });
      assert.match(hover, /measured on line 16 in `update_camera`: 3\.33 ms\/frame, 40% of the 8\.33 ms budget at 120 Hz/);
      const heat = await waitFor('line heat at 120 Hz', () => {
        const h = api.lineHeat.heatAt(uri.fsPath, 16);
        return h && /120 Hz/.test(h.hover.replace(/&nbsp;/g, ' ')) ? h : undefined;
      });
      assert.equal(heat.after, '3.33 ms/frame');
      await waitFor('UEVR100 at 120 Hz', () =>
        vscode.languages.getDiagnostics(uri).find((x) => codeOf(x) === 'UEVR100' && /^Hotspot: 3\.33 ms\/frame, 40% of the 8\.33 ms budget at 120 Hz/.test(x.message)),
      );
    } finally {
      await cfg.update('refreshRate', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('opening a profile location jumps to the exact body line', async () => {
    const api = await activateExtension();
    // As the webview asks on ctrl/cmd-click of "update_camera :16" (the file as the profile names it).
    assert.ok(await api.flameGraphs.openSource('scripts/camera_fix.lua', 16));
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, workspaceFile('scripts', 'camera_fix.lua').fsPath);
    assert.equal(editor?.selection.active.line, 15);
    assert.match(editor?.document.lineAt(15).text ?? '', /offset\.z = pawn\.RootComponent/);
  });

  it('end to end: a simulated session\'s capture (.uevrcap with lines) puts UEVR100 on the hot loop body line', async () => {
    // lines/hot_loop.lua spends its time in a loop body (line 10) of spin (defined on line 7, its
    // `for` on line 9), called from a callback (line 15): only the sampled current lines, recorded by
    // the simulator's sampler and carried by the .uevrcap, can say it is line 10.
    const api = await activateExtension();
    const uri = workspaceFile('lines', 'hot_loop.lua');
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      type: 'uevr', request: 'attach', name: 'Simulate UEVR', session: 'simulate', scriptsFolder: workspaceFile('lines').fsPath,
    });
    assert.ok(ok, 'the debug session starts');
    let file: string;
    try {
      await waitFor('the simulated session', () => api.sessions.current, 60_000);
      file = (await vscode.commands.executeCommand('uevrProfiler.captureNextSeconds', 2)) as string;
    } finally {
      await vscode.debug.stopDebugging();
      await waitFor('the session to end', () => (api.sessions.current === undefined ? true : undefined), 30_000);
    }
    assert.match(file, /\.uevrcap$/);
    await waitFor('the capture in the editor', () => (api.loadedCapture() === file ? true : undefined));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
    const hotspots = await waitFor('UEVR100 on hot_loop.lua from this capture', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => codeOf(x) === 'UEVR100');
      return d.some((x) => /on this line of spin/.test(x.message)) ? d : undefined;
    });
    const costOf = (d: vscode.Diagnostic): number => Number(/^Hotspot: ([\d.]+) ms\/frame/.exec(d.message)?.[1] ?? 0);
    const heaviest = [...hotspots].sort((a, b) => costOf(b) - costOf(a))[0];
    const described = hotspots.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n');
    assert.equal(heaviest.range.start.line + 1, 10, described);
    assert.ok(!hotspots.some((d) => d.range.start.line + 1 === 7 || d.range.start.line + 1 === 15), `nothing on the headers:\n${described}`);
  });
});
