// Builds the flame-graph webview bundle in memory with the same esbuild settings as esbuild.mjs, so
// the browser tests and the render benchmark always run the current source (not a stale dist/).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout root: the nearest folder up from the cwd that has webview/flamegraph/main.ts. */
function findRoot(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, 'webview', 'flamegraph', 'main.ts'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('run from inside the repository (webview/flamegraph/main.ts not found)');
    dir = up;
  }
}

export const repoRoot = findRoot();

export async function buildFlamegraphBundle(minify = false): Promise<{ js: string; css: string }> {
  const r = await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: { flamegraph: 'webview/flamegraph/main.ts' },
    bundle: true,
    write: false,
    outdir: 'out/webview-test',
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    minify,
    loader: { '.css': 'css' },
    logLevel: 'silent',
  });
  const js = r.outputFiles.find((f) => f.path.endsWith('.js'));
  const css = r.outputFiles.find((f) => f.path.endsWith('.css'));
  if (!js) throw new Error('esbuild produced no JS for webview/flamegraph');
  return { js: js.text, css: css?.text ?? '' };
}
