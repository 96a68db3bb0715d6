import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { listSessions } from '../../src/core/session/discovery';
import { activateExtension, closeAllEditors, frameTexts, screenshot, waitFor, waitForWebviewText, workspaceFile } from './helpers';

const repo = process.env.UEVR_PROFILER_REPO_ROOT ?? join(__dirname, '../../..');
const sessionsDir = process.env.UEVR_PROFILER_SESSIONS_DIR ?? '';

/** A simulated game started outside VS Code, announcing itself in the sessions folder like a real one. */
async function startGame(game: string): Promise<{ child: ChildProcess; file: string; port: number; token: string }> {
  const child = spawn(process.execPath, [join(repo, 'dist/cli.js'), 'sim', '--scripts', workspaceFile('scripts').fsPath, '--port', '0', '--game', game], {
    env: { ...process.env, UEVR_PROFILER_SESSIONS_DIR: sessionsDir, ELECTRON_RUN_AS_NODE: '1' },
    stdio: 'ignore',
  });
  const s = await waitFor(`${game} to announce itself`, () => listSessions(sessionsDir).sessions.find((x) => x.pid === child.pid), 30_000);
  return { child, file: s.file, port: s.port, token: s.token };
}

describe('live sessions', function () {
  this.timeout(180_000);
  const children: ChildProcess[] = [];
  const dapEvents: Array<{ event?: string; body?: { output?: string } }> = [];
  let tracker: vscode.Disposable;

  before(async () => {
    await activateExtension();
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('uevr', {
      createDebugAdapterTracker: () => ({ onDidSendMessage: (m: { type?: string; event?: string; body?: { output?: string } }) => void (m.type === 'event' && dapEvents.push(m)) }),
    });
  });
  after(async () => {
    tracker.dispose();
    await vscode.debug.stopDebugging();
    for (const c of children) c.kill();
    await closeAllEditors();
  });

  it('attaches to the simulated session with F5 (startDebugging) and receives frame metrics', async () => {
    const api = await activateExtension();
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      type: 'uevr',
      request: 'attach',
      name: 'Simulate UEVR',
      session: 'simulate',
      scriptsFolder: workspaceFile('scripts').fsPath,
    });
    assert.ok(ok, 'the debug session starts');
    const session = await waitFor('the session to attach', () => api.sessions.current, 60_000);
    assert.equal(vscode.debug.activeDebugSession?.type, 'uevr');
    assert.equal(session.info.kind, 'simulator');
    await waitFor('90 frames of metrics', () => session.framesSeen >= 90 || undefined, 60_000);
    assert.ok(session.scriptsMs.last() > 0, 'scripts cost time every frame');
    const snap = session.snapshot();
    assert.ok(snap.callbacks.some((c) => c.label.startsWith('on_pre_engine_tick (camera_fix.lua:27)')), snap.callbacks.map((c) => c.label).join(', '));
    assert.ok(snap.callbacks.some((c) => c.label.endsWith('left eye')) && snap.callbacks.some((c) => c.label.endsWith('right eye')), 'stereo callbacks per eye');
    await waitFor('the Debug Console greeting', () => dapEvents.some((e) => e.event === 'output' && /Attached to Simulated UEVR session/.test(e.body?.output ?? '')) || undefined);
  });

  it('shows the scripts cost in the status bar and updates the live view at least 4 times a second', async () => {
    const api = await activateExtension();
    const main = await waitFor('the status bar item', async () => {
      const frames = await frameTexts();
      if (!frames) return 'skipped';
      return frames.find((f) => /UEVR \d+\.\d+ ms \(\d/.test(f.text))?.text;
    });
    assert.ok(main);
    await vscode.commands.executeCommand('uevrProfiler.liveView.focus');
    await waitForWebviewText('the live view', (t) => /scripts \d+\.\d+ ms\/frame \(\d+\.\d% of 11\.1 ms at 90 Hz\)/.test(t) && /frame time/i.test(t));
    const before = api.liveView.posted;
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok(api.liveView.posted - before >= 8, `posted ${api.liveView.posted - before} snapshots in 2 s`);
    await screenshot('live-view');
  });

  it('alerts when the scripts stay over the threshold, with Capture now and Open live view', async () => {
    const api = await activateExtension();
    const cfg = vscode.workspace.getConfiguration('uevrProfiler');
    try {
      // camera_fix.lua costs ~2 % of the 11.1 ms budget: over a 1 % threshold for 10 frames in a row.
      await cfg.update('alerts.scriptsBudgetPercent', 1, vscode.ConfigurationTarget.Workspace);
      await cfg.update('alerts.sustainedFrames', 10, vscode.ConfigurationTarget.Workspace);
      assert.ok(api.sessions.current);
      const text = await waitForWebviewText('the alert notification', (t) => /UEVR: Scripts took [\d.]+ ms\/frame, [\d.]+% of the 11\.1 ms budget at 90 Hz for \d+ frames in a row/.test(t), 30_000);
      if (text !== undefined) assert.match(text, /Capture now/);
      await vscode.commands.executeCommand('notifications.clearAll');
    } finally {
      await cfg.update('alerts.scriptsBudgetPercent', undefined, vscode.ConfigurationTarget.Workspace);
      await cfg.update('alerts.sustainedFrames', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('captures the next seconds into the history and opens the flame graph', async () => {
    const api = await activateExtension();
    const file = (await vscode.commands.executeCommand('uevrProfiler.captureNextSeconds', 2)) as string;
    assert.ok(file && existsSync(file), `capture file ${file}`);
    const entry = await waitFor('the history entry', () => api.captureStore.list().find((e) => e.file === file));
    assert.ok(entry.frames >= 100, `${entry.frames} frames in 2 s at 90 Hz`);
    assert.ok((entry.scriptsMsPerFrame ?? 0) > 0);
    const doc = await waitFor('the capture in the flame graph', () => (api.flameGraphs.activeDocument?.uri.fsPath === file ? api.flameGraphs.activeDocument : undefined));
    assert.ok(doc.profile.samples.length > 0 && (doc.profile.gameFrames?.length ?? 0) >= 100);
    await waitFor('the capture to paint', () => (api.flameGraphs.lastRendered?.fsPath === file ? true : undefined));
    await waitForWebviewText('the capture to render', (t) => /\d+ frames/.test(t) && /ms\/frame/.test(t));
    await screenshot('capture-flamegraph');
  });

  it('compares two captures with a verdict in ms per frame', async () => {
    const api = await activateExtension();
    const file = (await vscode.commands.executeCommand('uevrProfiler.captureNextSeconds', 1)) as string;
    // The history entry is written once the capture has been opened and summarised.
    await waitFor('the second capture in the history', () => api.captureStore.list().find((e) => e.file === file));
    const [after, before] = api.captureStore.list();
    const opened = (await vscode.commands.executeCommand('uevrProfiler.compareCaptures', before, after)) as { comparison: { verdict: string; callbacks: unknown[] } };
    assert.match(opened.comparison.verdict, /^scripts: \d+\.\d+ → \d+\.\d+ ms\/frame, [+−±]\d+%$/);
    assert.ok(opened.comparison.callbacks.length >= 2);
    await waitForWebviewText('the differential flame graph', (t) => t.includes(opened.comparison.verdict));
    await screenshot('compare');
  });

  it('exports a capture to speedscope and a standalone HTML page', async () => {
    const api = await activateExtension();
    const entry = api.captureStore.list()[0];
    const out = join(api.captureStore.folder, 'export.speedscope.json');
    await vscode.commands.executeCommand('uevrProfiler.exportProfile', entry.file, 'speedscope', out);
    assert.ok(existsSync(out));
    const html = join(api.captureStore.folder, 'export.html');
    await vscode.commands.executeCommand('uevrProfiler.exportProfile', entry.file, 'html', html);
    assert.ok(existsSync(html));
  });

  it('exports a shareable report with the measured hotspots and the analyzer findings', async () => {
    const api = await activateExtension();
    const entry = api.captureStore.list()[0];
    const out = join(api.captureStore.folder, 'report.md');
    await vscode.commands.executeCommand('uevrProfiler.exportReport', entry.file, 'markdown', out);
    const md = readFileSync(out, 'utf8');
    assert.match(md, /# UEVR performance report/);
    assert.match(md, /\*\*Scripts:\*\* \d+\.\d+ ms\/frame, [\d.]+% of the 11\.1 ms budget at 90 Hz/);
    assert.match(md, /on\\_pre\\_engine\\_tick \| [\d.]+ \|/);
    // camera_fix.lua calls vr.set_mod_value every frame: rule UEVR001.
    assert.match(md, /\*\*UEVR001\*\*/);
  });

  it('disconnects from the debug toolbar (stopDebugging) and stops the simulator', async () => {
    const api = await activateExtension();
    const sim = api.sessions.current;
    assert.ok(sim);
    await vscode.debug.stopDebugging();
    await waitFor('the session to end', () => (api.sessions.current === undefined ? true : undefined));
    assert.equal(sim.state, 'disconnected');
  });

  it('is refused with a wrong token, with an error that says what to do', async () => {
    const api = await activateExtension();
    const game = await startGame('TokenGame');
    children.push(game.child);
    await assert.rejects(api.sessions.attach({ kind: 'address', host: '127.0.0.1', port: game.port, token: 'not-the-token' }), /refused the token.*Pick the session again/);
    assert.equal(api.sessions.current, undefined);
    // A stale discovery file (dead pid) is not offered.
    writeFileSync(join(sessionsDir, 'session-999999-1.json'), JSON.stringify({ protocol: 1, host: '127.0.0.1', port: 1, token: 'x', pid: 999999, game: 'Ghost' }));
    assert.ok(!api.sessions.listSessions().some((s) => s.game === 'Ghost'));
    game.child.kill();
  });

  it('when the game is killed, says so, and reattaches when it restarts, in the same debug session', async () => {
    const api = await activateExtension();
    const first = await startGame('RestartGame');
    children.push(first.child);
    assert.ok(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], { type: 'uevr', request: 'attach', name: 'Attach to RestartGame', session: first.file }));
    const s1 = await waitFor('attach', () => (api.sessions.current?.info.pid === first.child.pid ? api.sessions.current : undefined));
    const debugSession = vscode.debug.activeDebugSession;
    assert.equal(debugSession?.type, 'uevr');
    first.child.kill('SIGKILL');
    await waitFor('the disconnect to be noticed', () => (s1.state === 'disconnected' ? true : undefined), 15_000);
    const second = await startGame('RestartGame');
    children.push(second.child);
    const s2 = await waitFor('the reattach to the restarted game', () => (api.sessions.current && api.sessions.current !== s1 && api.sessions.current.info.pid === second.child.pid ? api.sessions.current : undefined), 30_000);
    assert.equal(s2.info.game, 'RestartGame');
    assert.equal(vscode.debug.activeDebugSession?.id, debugSession?.id, 'the debug session lived through the restart');
    await waitFor('the Debug Console to say so', () => dapEvents.some((e) => e.event === 'output' && /Reattached to RestartGame/.test(e.body?.output ?? '')) || undefined);
    await vscode.debug.stopDebugging();
    await waitFor('the session to end', () => (api.sessions.current === undefined ? true : undefined));
    second.child.kill();
  });
});
