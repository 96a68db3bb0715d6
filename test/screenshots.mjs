// Takes the README's screenshots in the real VS Code (the shared test host), on the example mods and a
// real capture of them:  node test/screenshots.mjs   → docs/images/*.png
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
const ws = mkdtempSync(join(tmpdir(), 'uevr-shots-ws-'));
mkdirSync(join(ws, 'scripts'));
for (const f of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.lua'))) cpSync(join(root, 'examples', f), join(ws, 'scripts', f));
mkdirSync(join(ws, 'captures'));
execFileSync(process.execPath, [join(root, 'dist/cli.js'), 'capture', '--sim', join(ws, 'scripts'), '--seconds', '5', '--out', join(ws, 'captures', 'example-mods.uevrcap')], { stdio: 'inherit' });
const out = join(root, 'docs/images');
mkdirSync(out, { recursive: true });
const r = spawnSync(process.execPath, ['test/integration-runner.mjs', join(tmpdir(), 'uevr-shots-results.json')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, UEVR_TEST_WORKSPACE: ws, UEVR_TEST_FILTER: 'screenshots', UEVR_SCREENSHOTS: '1', UEVR_SCREENSHOT_DIR: out },
});
process.exit(r.status ?? 1);
