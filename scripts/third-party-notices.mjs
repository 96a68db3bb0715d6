// Writes ThirdPartyNotices.txt: the licence of every third-party package whose code ships in the
// .vsix or the CLI package. The list is not kept by hand: esbuild bundles every entry point (as
// esbuild.mjs does, without writing) and its metafile names each node_modules package whose code went
// in; to those come the files copied as they are (speedscope's viewer with its font, Lua inside
// wasmoon's glue.wasm and inside the plugin DLL).
//   node scripts/third-party-notices.mjs           rewrite ThirdPartyNotices.txt
//   node scripts/third-party-notices.mjs --check   exit 1 when the file is not what would be written
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'ThirdPartyNotices.txt');

/** Packages whose code esbuild puts into our bundles, by name, with the folder they come from. */
export async function bundledPackages() {
  const node = ['src/extension/main.ts', 'src/server/main.ts', 'src/cli/main.ts', 'src/worker/profileWorker.ts'].filter((f) => existsSync(join(root, f)));
  const web = readdirSync(join(root, 'webview'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'webview', d.name, 'main.ts')))
    .map((d) => `webview/${d.name}/main.ts`);
  const common = { bundle: true, write: false, metafile: true, absWorkingDir: root, logLevel: 'silent', outdir: 'out/notices' };
  const results = await Promise.all([
    esbuild.build({ ...common, entryPoints: node, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'] }),
    esbuild.build({ ...common, entryPoints: web, platform: 'browser', target: 'chrome120', format: 'iife', loader: { '.css': 'css' } }),
  ]);
  const packages = new Map();
  for (const r of results) {
    for (const input of Object.keys(r.metafile.inputs)) {
      const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.slice(input.lastIndexOf('node_modules/')));
      if (!m) continue;
      const dir = join(root, input.slice(0, input.lastIndexOf('node_modules/')), 'node_modules', m[1]);
      if (!packages.has(m[1])) packages.set(m[1], dir);
    }
  }
  return packages;
}

/** The MIT licence, for a package that declares MIT and its author but ships no licence file. */
const MIT = `MIT License

Copyright (c) AUTHOR

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

function licenceText(dir) {
  const name = readdirSync(dir).find((f) => /^(licen[sc]e|copying)(\.(md|txt))?$/i.test(f));
  if (!name) {
    // @vscode/l10n (Microsoft, MIT) publishes no LICENSE file: its package.json's licence and author stand in.
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
    if (pkg.license === 'MIT' && author) return MIT.replace('AUTHOR', author);
    throw new Error(`${dir} has no LICENSE file: add its licence by hand`);
  }
  return readFileSync(join(dir, name), 'utf8').trim();
}

/** Lua's MIT notice, from lua.h (Debian's liblua5.4-dev, which CI installs). */
function luaNotice() {
  const h = readFileSync('/usr/include/lua5.4/lua.h', 'utf8');
  const block = h.slice(h.lastIndexOf('/*****'), h.lastIndexOf('*****/') + 6);
  return block.replace(/^\/?\*+ ?/gm, '').replace(/\*+\/$/, '').trim();
}

export async function noticesText() {
  const packages = await bundledPackages();
  const sections = [];
  for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    sections.push({ title: `${name} ${pkg.version} (${pkg.license ?? 'see below'}), bundled into dist/*.js`, text: licenceText(dir) });
  }
  const speedscope = join(root, 'node_modules/speedscope');
  const ssVersion = JSON.parse(readFileSync(join(speedscope, 'package.json'), 'utf8')).version;
  sections.push({ title: `speedscope ${ssVersion} (MIT), its viewer copied to dist/speedscope`, text: licenceText(speedscope) });
  sections.push({
    title: 'Source Code Pro (SIL Open Font License 1.1), the font of the speedscope viewer',
    text: readFileSync(join(speedscope, 'dist/release/source-code-pro.LICENSE.md'), 'utf8').trim(),
  });
  sections.push({ title: "Lua 5.4 (MIT), compiled into wasmoon's dist/glue.wasm and into the plugin dist/agent/uevr_profiler.dll", text: luaNotice() });
  const head = [
    'UEVR Profiler: third-party notices',
    '',
    'UEVR Profiler (MIT, see LICENSE) ships the following third-party software, each under its own licence,',
    'reproduced below. Generated by scripts/third-party-notices.mjs from what the bundles contain.',
    '',
    ...sections.map((s) => `  - ${s.title}`),
  ].join('\n');
  const rule = '='.repeat(100);
  return `${head}\n\n${sections.map((s) => `${rule}\n${s.title}\n${rule}\n\n${s.text}\n`).join('\n')}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await noticesText();
  if (process.argv.includes('--check')) {
    const have = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
    if (have !== text) {
      console.error('ThirdPartyNotices.txt is out of date: run node scripts/third-party-notices.mjs');
      process.exit(1);
    }
    console.log('ThirdPartyNotices.txt is up to date');
  } else {
    writeFileSync(OUT, text);
    console.log(`${OUT}: ${text.split('\n').length} lines`);
  }
}
