// Bundles every runnable part of the extension with one esbuild call per target platform.
// node: the extension host entry, the language server, the CLI; browser: one bundle per webview.
// Assets that must sit next to the bundles at run time (wasmoon's Lua VM, the Lua agent, the bundled
// speedscope viewer) are copied into dist/ so the .vsix needs no node_modules.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const args = new Set(process.argv.slice(2));
const watch = args.has('--watch');
const production = args.has('--production');

/** Entry points that run in Node (extension host, language server, CLI). */
const nodeEntries = Object.fromEntries(
  Object.entries({
    extension: 'src/extension/main.ts',
    server: 'src/server/main.ts',
    cli: 'src/cli/main.ts',
    profileWorker: 'src/worker/profileWorker.ts',
  }).filter(([name, file]) => {
    if (existsSync(join(root, file))) return true;
    console.warn(`[esbuild] skipping ${name}: ${file} does not exist yet`);
    return false;
  }),
);

/** One bundle per webview (they run in the webview's browser context). */
const webviewEntries = Object.fromEntries(
  readdirSync(join(root, 'webview'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'webview', d.name, 'main.ts')))
    .map((d) => [`webview/${d.name}`, `webview/${d.name}/main.ts`]),
);

/** Integration tests run inside VS Code's extension host: one file each so mocha can load them. */
const integrationEntries = existsSync(join(root, 'test/integration'))
  ? readdirSync(join(root, 'test/integration'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `test/integration/${f}`)
  : [];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  absWorkingDir: root,
};

const configs = [
  {
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    // The CLI is run as `uevr-prof`; a shebang is harmless in the other two Node bundles.
    banner: { js: '#!/usr/bin/env node' },
    // wasmoon reaches for these only in a browser build; keep them out of the Node bundle.
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
  },
  {
    ...common,
    entryPoints: webviewEntries,
    outdir: 'dist',
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    loader: { '.css': 'css' },
  },
];
if (!production && integrationEntries.length > 0) {
  configs.push({
    ...common,
    entryPoints: integrationEntries,
    outdir: 'out/test/integration',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
  });
}

function copyAssets() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  cpSync(join(root, 'node_modules/wasmoon/dist/glue.wasm'), join(root, 'dist/glue.wasm'));
  if (existsSync(join(root, 'agent'))) {
    rmSync(join(root, 'dist/agent'), { recursive: true, force: true });
    cpSync(join(root, 'agent'), join(root, 'dist/agent'), {
      recursive: true,
      // Only what a game loads: the Lua agent and a built plugin DLL; never native sources or build trees.
      filter: (src) => !/[\\/](native|build)([\\/]|$)/.test(src.slice(root.length)),
    });
    // The plugin DLL (npm run build:agent) ships with Lua's licence, whose code it contains.
    for (const f of ['uevr_profiler.dll', 'uevr_profiler.dll.LICENSE-lua.txt']) {
      const built = join(root, 'agent/native/build-win64', f);
      if (existsSync(built)) cpSync(built, join(root, 'dist/agent', f));
    }
  }
  const speedscope = join(root, 'node_modules/speedscope/dist/release');
  if (existsSync(speedscope)) {
    rmSync(join(root, 'dist/speedscope'), { recursive: true, force: true });
    // Its sample profile is not needed; its licence travels with the copy we redistribute.
    cpSync(speedscope, join(root, 'dist/speedscope'), { recursive: true, filter: (src) => !src.endsWith('.txt') || src.endsWith('release.txt') });
    cpSync(join(root, 'node_modules/speedscope/LICENSE'), join(root, 'dist/speedscope/LICENSE'));
  }
}

// A production build (npm run package) starts from an empty dist/, so no development leftovers
// (source maps, bundles of removed entries) end up in the .vsix.
if (production) rmSync(join(root, 'dist'), { recursive: true, force: true });
copyAssets();
if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[esbuild] watching…');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
