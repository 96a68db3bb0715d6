// Shared by the integration tests (bundled into each test file by esbuild).
import * as vscode from 'vscode';
import type { UevrProfilerApi } from '../../src/extension/main';

export const EXTENSION_ID = 'uevr-profiler.uevr-profiler';

export async function activateExtension(): Promise<UevrProfilerApi> {
  const ext = vscode.extensions.getExtension<UevrProfilerApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

interface FrameText {
  url: string;
  name: string;
  text: string;
}

/** The visible text of every frame of the workbench (webviews are frames), from the test host. */
export async function frameTexts(): Promise<FrameText[] | undefined> {
  const base = process.env.VSCODE_TEST_HOST_URL;
  if (!base) return undefined;
  const res = await fetch(new URL('/frames', base));
  if (!res.ok) throw new Error(`test host /frames answered ${res.status}`);
  return (await res.json()) as FrameText[];
}

/** Waits until some webview frame's text satisfies `match`; returns that text. Skips (undefined) on desktop VS Code. */
export async function waitForWebviewText(what: string, match: (text: string) => boolean, timeoutMs = 30_000): Promise<string | undefined> {
  if (!process.env.VSCODE_TEST_HOST_URL) return undefined;
  try {
    return await waitFor(what, async () => (await frameTexts())?.find((f) => match(f.text))?.text, timeoutMs, 500);
  } catch (err) {
    // Say what the frames did show: a failing UI test is otherwise a guessing game.
    const seen = ((await frameTexts().catch(() => [])) ?? []).map((f) => `[${f.name || f.url.slice(0, 60)}] ${f.text.replace(/\s+/g, ' ').slice(0, 300)}`);
    throw new Error(`${(err as Error).message}; frames showed:\n${seen.join('\n')}`);
  }
}

/** Saves a screenshot of the workbench as $UEVR_SCREENSHOT_DIR/<name>.png when both are available. */
export async function screenshot(name: string): Promise<void> {
  const base = process.env.VSCODE_TEST_HOST_URL;
  const dir = process.env.UEVR_SCREENSHOT_DIR;
  if (!base || !dir) return;
  const u = new URL('/screenshot', base);
  u.searchParams.set('path', `${dir}/${name}.png`);
  await fetch(u);
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
