// What the project imports is what it declares: no package used through another one's dependencies
// (it would vanish the day that one drops it), no umbrella package pulled in for a few modules, and
// one copy of the bundler, read from the lockfile that `npm ci` installs from.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures' || p === __filename) return [];
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|mjs)$/.test(name) ? [p] : [];
  });
}

/**
 * Specifiers that name a package in `import … from 'x'` / `export … from 'x'` statements, `import('x')`
 * and `require.resolve('x…')` (Lua's `require("x")` inside test strings and comments is not one).
 */
function importedPackages(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of ['src', 'webview', 'test', 'bench']) {
    for (const file of sources(join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      const patterns = [/^\s*(?:import|export)\b[^;'"]*?\bfrom\s+'([^'.][^']*)'/gm, /^\s*import\s+'([^'.][^']*)'/gm, /\bimport\('([^'.][^']*)'\)/g, /\brequire\.resolve\('([^'.][^']*)'\)/g];
      for (const m of patterns.flatMap((re) => [...text.matchAll(re)])) {
        const spec = m[1];
        if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!found.has(name)) found.set(name, file.slice(root.length + 1));
      }
    }
  }
  return found;
}

test('every package the code imports is declared in package.json', () => {
  const imported = importedPackages();
  assert.ok(imported.has('d3-scale') && imported.has('wasmoon'), 'the scan finds the imports it is meant to check');
  // `vscode` is the editor's API, provided by the host (its types come from @types/vscode).
  // A types-only package (`import type … from 'sarif'`) is declared as its @types package.
  const typesOf = (name: string) => `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
  const missing = [...imported].filter(([name]) => name !== 'vscode' && !declared.has(name) && !declared.has(typesOf(name)));
  assert.deepEqual(missing, [], 'imported but not declared: ' + missing.map(([n, f]) => `${n} (${f})`).join(', '));
});

test('only the d3 modules we use, not all of d3', () => {
  assert.ok(!declared.has('d3') && !declared.has('@types/d3'));
  for (const name of declared) {
    if (!name.startsWith('d3-') || name === 'd3-flame-graph') continue;
    assert.ok(declared.has(`@types/${name}`) || name === 'd3-selection', `${name} comes with its types`);
  }
});

test('the lockfile installs one esbuild', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const copies = Object.keys(lock.packages).filter((p) => p === 'node_modules/esbuild' || p.endsWith('/node_modules/esbuild'));
  assert.deepEqual(copies, ['node_modules/esbuild']);
});

test('the inline debug adapter speaks in @vscode/debugprotocol types', () => {
  assert.ok(declared.has('@vscode/debugprotocol'));
  const adapter = readFileSync(join(root, 'src/extension/live/debugAdapter.ts'), 'utf8');
  assert.match(adapter, /from '@vscode\/debugprotocol'/);
});
