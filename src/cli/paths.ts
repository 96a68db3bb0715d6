// Files the CLI needs beside itself: it runs bundled (dist/cli.js) or from source (src/cli/main.ts
// through tsx), so each asset is looked up in both layouts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository (or installed package) root: dist/.. when bundled, src/cli/../.. from source. */
export function packageRoot(): string {
  for (const up of [['..'], ['..', '..']]) {
    const r = join(__dirname, ...up);
    if (existsSync(join(r, 'package.json'))) return r;
  }
  return process.cwd();
}

/** The built flame-graph webview (js + css) that the standalone HTML page inlines. */
export function webviewBundlePaths(): { js: string; css: string } | undefined {
  for (const dir of [join(__dirname, 'webview'), join(packageRoot(), 'dist', 'webview')]) {
    const js = join(dir, 'flamegraph.js');
    if (existsSync(js)) return { js, css: join(dir, 'flamegraph.css') };
  }
  return undefined;
}
