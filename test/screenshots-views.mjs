// Screenshots of each view of the flame graph webview (README), from the standalone page of a real
// capture of the example mods, in headless Chromium:  node test/screenshots-views.mjs
// Needs playwright-core from the shared VS Code test host and /usr/bin/chromium.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { chromium } = require(join(process.env.VSCODE_TEST_HOST_DIR ?? join(homedir(), '.cache/vscode-test-host'), 'node_modules/playwright-core'));
const dir = mkdtempSync(join(tmpdir(), 'uevr-views-'));
const cli = join(root, 'dist/cli.js');
const cap = join(dir, 'example-mods.uevrcap');
execFileSync(process.execPath, [cli, 'capture', '--sim', join(root, 'examples'), '--seconds', '5', '--out', cap], { stdio: 'inherit' });
execFileSync(process.execPath, [cli, 'convert', cap, '--to', 'html', '--out', join(dir, 'capture.html')], { stdio: 'inherit' });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
await page.goto(`file://${join(dir, 'capture.html')}`);
await page.waitForSelector('body[data-rendered-ms]');
const shot = (name) => page.screenshot({ path: join(root, 'docs/images', `${name}.png`) });
const tab = async (label) => {
  await page.locator('.fg-tab', { hasText: label }).first().click();
  await page.waitForTimeout(600);
};
await tab('Flame Chart');
await shot('view-flame-chart');
await tab('Frames');
await page.getByRole('button', { name: /together/i }).first().click().catch(() => undefined);
await page.waitForTimeout(600);
await shot('view-frames');
await tab('Functions');
await shot('view-functions');
await browser.close();

console.log('view screenshots written to docs/images/');
