// Headless Chromium for the webview tests and the render benchmark. playwright-core is not a
// dependency of this repository: it is taken from the shared VS Code test host when present, and the
// callers skip with a clear message when it (or Debian's chromium) is absent.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = process.env.UEVR_CHROMIUM ?? '/usr/bin/chromium';
const PLAYWRIGHT_PATH = join(homedir(), '.cache', 'vscode-test-host', 'node_modules', 'playwright-core');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The few Playwright calls the tests use (typed here because the package lives outside the repo). */
export interface PwPage {
  goto(url: string, opts?: { waitUntil?: 'load' | 'domcontentloaded' | 'commit'; timeout?: number }): Promise<unknown>;
  waitForSelector(sel: string, opts?: { state?: string; timeout?: number }): Promise<unknown>;
  waitForFunction<A>(fn: (arg: A) => unknown, arg?: A, opts?: { timeout?: number; polling?: number | 'raf' }): Promise<unknown>;
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  click(sel: string, opts?: { position?: { x: number; y: number }; modifiers?: string[] }): Promise<void>;
  fill(sel: string, value: string): Promise<void>;
  focus(sel: string): Promise<void>;
  keyboard: { press(key: string): Promise<void> };
  mouse: { click(x: number, y: number): Promise<void>; move(x: number, y: number, opts?: { steps?: number }): Promise<void>; down(): Promise<void>; up(): Promise<void> };
  on(event: 'dialog', fn: (d: { dismiss(): Promise<void>; message(): string }) => void): void;
  on(event: 'console', fn: (m: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', fn: (e: Error) => void): void;
  addInitScript(script: { content: string }): Promise<void>;
  reload(): Promise<unknown>;
  screenshot(opts: { path: string }): Promise<unknown>;
  close(): Promise<void>;
}
export interface PwBrowser {
  newPage(opts?: { viewport?: { width: number; height: number } }): Promise<PwPage>;
  newContext(opts?: { viewport?: { width: number; height: number } }): Promise<{ newPage(): Promise<PwPage>; close(): Promise<void> }>;
  close(): Promise<void>;
}
interface PwChromium {
  launch(opts: { executablePath: string; args: string[]; headless: boolean }): Promise<PwBrowser>;
}

/** Why the browser tests cannot run here, or null when they can. */
export function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM_PATH)) return `chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set UEVR_CHROMIUM)`;
  if (!existsSync(join(PLAYWRIGHT_PATH, 'package.json'))) return `playwright-core not found at ${PLAYWRIGHT_PATH} (it comes with the shared VS Code test host)`;
  return null;
}

export async function launchChromium(extraArgs: string[] = []): Promise<PwBrowser> {
  // A runtime require of a package outside this repository: its types are the interfaces above.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pw = require(PLAYWRIGHT_PATH) as { chromium: PwChromium };
  return pw.chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}

/** Writes `html` to a fresh temp file and returns its file:// URL (a real origin-less page, as exported). */
export function htmlFileUrl(html: string, name = 'page.html'): string {
  const dir = mkdtempSync(join(tmpdir(), 'uevr-webview-'));
  const file = join(dir, name);
  writeFileSync(file, html);
  return pathToFileURL(file).href;
}
