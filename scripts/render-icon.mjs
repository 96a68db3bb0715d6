// Renders scripts/icon.svg to media/icon.png (256x256) with the machine's headless Chromium, so the
// Marketplace icon is drawn from a source we keep: `node scripts/render-icon.mjs` after editing the SVG.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'uevr-icon-'));
const html = join(tmp, 'icon.html');
const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
const out = join(here, '..', 'media', 'icon.png');
writeFileSync(html, `<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
execFileSync(process.env.CHROMIUM ?? 'chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--default-background-color=00000000',
  '--window-size=256,256', `--screenshot=${out}`, `file://${html}`,
], { stdio: 'inherit' });
rmSync(tmp, { recursive: true, force: true });
console.log(out);
