// d3-flame-graph 5 (SVG) as the third viewer of the render benchmark: the same call tree as ours,
// converted to the nested {name, value, children} JSON it takes, rendered into a fixed-size element.
// It is a devDependency only for this comparison; when it is missing the bench skips it with a message.
import * as esbuild from 'esbuild';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallTree, Profile } from '../../src/core/profile';
import type { PwPage } from '../../test/webview/harness';

// Page-side code runs in Chromium; the Node tsconfig has no DOM types (`any` on purpose).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const requestAnimationFrame: (cb: (t: number) => void) => number;

const UMD = 'node_modules/d3-flame-graph/dist/d3-flamegraph.umd.js';

export interface D3FlameResult {
  /** datum + chart call → 2 animation frames later (the first frame with the SVG is painted). */
  renderMs: number;
  /** Same start → every transition of the first render has ended + 1 frame (entering rects grow in
   *  over d3-flame-graph's built-in 250 ms, even with transitionDuration 0). */
  settledMs: number;
  /** performance.now() at the end of `renderMs`: includes page load and parsing the embedded JSON. */
  fromNavigationMs: number;
  /** Mean / max wall time per zoom click with transitionDuration(0): zoomTo → rect/g transitions ended
   *  + 1 frame (3 clicks down the heaviest path and one on the root). */
  clickMeanMs?: number;
  clickMaxMs?: number;
  /** One click with the default 750 ms transition: frames per second delivered while it runs. */
  animFps?: number;
  animWallMs?: number;
  svgElements: number;
  heapMb: number;
  error?: string;
}

/** Why d3-flame-graph cannot be measured here, or null when it can. */
export function d3FlameUnavailable(root: string): string | null {
  if (!existsSync(join(root, UMD))) return `d3-flame-graph not found (${UMD}); it is skipped`;
  return null;
}

/**
 * One browser script with d3-flame-graph's UMD build (it injects its own CSS) and d3-selection, bundled
 * from node_modules without network (its default export is the chart factory); exposes window.__d3fg = { flamegraph, select }.
 */
export async function buildD3FlameBundle(root: string): Promise<string> {
  const r = await esbuild.build({
    absWorkingDir: root,
    stdin: {
      contents: `import flamegraph from './${UMD}';\nimport { select } from 'd3-selection';\nwindow.__d3fg = { flamegraph, select };\n`,
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    write: false,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    minify: true,
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

/**
 * The call tree as d3-flame-graph's nested JSON, serialised directly (a 500k-node object graph would
 * only be stringified again). value = the node's total weight, as d3-flame-graph expects by default.
 */
export function callTreeToD3Json(profile: Profile, tree: CallTree): string {
  const names = profile.frames.name;
  const out: string[] = [];
  // CallTree is preorder with `size` = subtree node count, so children of i are i+1, i+1+size[i+1], …
  const emit = (i: number): void => {
    const f = tree.frame[i];
    const name = i === 0 || f < 0 ? 'root' : names[f] ?? `#${f}`;
    out.push(`{"name":${JSON.stringify(name)},"value":${tree.total[i]}`);
    if (tree.size[i] > 1) {
      out.push(',"children":[');
      const end = i + tree.size[i];
      for (let c = i + 1, first = true; c < end; c += tree.size[c], first = false) {
        if (!first) out.push(',');
        emit(c);
      }
      out.push(']');
    }
    out.push('}');
  };
  // Depth is ~30 in the synthetic data; recursion is fine.
  emit(0);
  return out.join('');
}

/** Writes the page (data script + bundle) into `dir` and returns its file:// URL. */
export function writeD3FlamePage(dir: string, name: string, json: string, bundle: string, width: number): string {
  const data = join(dir, `${name}.data.js`);
  const lib = join(dir, 'd3fg.bundle.js');
  writeFileSync(data, `window.__d3data = ${json};`);
  if (!existsSync(lib)) writeFileSync(lib, bundle);
  const html = join(dir, `${name}.html`);
  writeFileSync(
    html,
    `<!doctype html><html><head><meta charset="utf-8"><title>d3-flame-graph</title></head>` +
      `<body style="margin:0"><div id="chart" style="width:${width}px;height:760px;overflow:auto"></div>` +
      `<script src="${pathToFileURL(data).href}"></script><script src="${pathToFileURL(lib).href}"></script></body></html>`,
  );
  return pathToFileURL(html).href;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * First render and zoom clicks; each phase is capped at `capMs` (the caller closes the page, which
 * stops a renderer still busy in a synchronous SVG update).
 */
export async function runD3Flame(page: PwPage, url: string, width: number, capMs: number): Promise<D3FlameResult> {
  await page.goto(url, { waitUntil: 'load', timeout: capMs });
  const first = await withTimeout(
    page.evaluate(async (w: number) => {
      const { flamegraph, select } = window.__d3fg;
      const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));
      // d3-transition keeps a pending schedule in node.__transition and deletes it when the last one
      // ends; all transitions of one update start together, so a few sample nodes tell when it is over.
      // Label divs are left out: their `.transition().delay(transitionDuration).text(…)` sets the text when
      // it starts and then idles for d3's default 250 ms, which changes nothing on screen.
      window.__d3settled = (): boolean => {
        const gs = document.querySelectorAll('#chart svg g');
        for (const g of [gs[0], gs[gs.length >> 1], gs[gs.length - 1]]) {
          if (!g) continue;
          for (const el of [g, g.querySelector('rect')]) if (el && el.__transition) return false;
        }
        return true;
      };
      const chart = flamegraph().width(w).cellHeight(18).transitionDuration(0).minFrameSize(0).sort(false);
      window.__d3chart = chart;
      const t0 = performance.now();
      select('#chart').datum(window.__d3data).call(chart);
      await frame();
      await frame();
      const t1 = performance.now();
      while (!window.__d3settled()) await frame();
      await frame();
      const t2 = performance.now();
      return {
        renderMs: t1 - t0,
        settledMs: t2 - t0,
        fromNavigationMs: t1,
        svgElements: document.querySelectorAll('#chart svg *').length,
        heapMb: (performance as any).memory?.usedJSHeapSize / 2 ** 20 || NaN,
      };
    }, width),
    capMs,
    'd3-flame-graph first render',
  );
  const result: D3FlameResult = { ...first };
  try {
    const zoom = await withTimeout(
      page.evaluate(async () => {
        const chart = window.__d3chart;
        const root = window.__d3fg.select('#chart').datum();
        const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));
        // The heaviest path, found before zooming (zoom zeroes the values of hidden siblings).
        const path: any[] = [];
        for (let node = root, d = 0; d < 12 && node.children; d++) {
          node = node.children.reduce((a: any, b: any) => (b.value > a.value ? b : a));
          path.push(node);
        }
        const click = async (node: any): Promise<number> => {
          const t0 = performance.now();
          chart.zoomTo(node);
          await frame();
          while (!window.__d3settled()) await frame();
          await frame();
          return performance.now() - t0;
        };
        const times: number[] = [];
        for (const node of [path[2], path[5], path[9] ?? path[path.length - 1]]) if (node) times.push(await click(node));
        times.push(await click(root)); // resetZoom
        // One click with the default 750 ms transition, counting the frames the page delivers.
        chart.transitionDuration(750);
        let frames = 0;
        let counting = true;
        const count = (): void => {
          frames++;
          if (counting) requestAnimationFrame(count);
        };
        const a0 = performance.now();
        requestAnimationFrame(count);
        const target = path[5] ?? path[path.length - 1];
        chart.zoomTo(target);
        await frame();
        while (!window.__d3settled()) await frame();
        counting = false;
        const wall = performance.now() - a0;
        return { times, animFps: (frames * 1000) / wall, animWallMs: wall };
      }),
      capMs,
      'd3-flame-graph zoom clicks',
    );
    result.clickMeanMs = zoom.times.reduce((a, b) => a + b, 0) / zoom.times.length;
    result.clickMaxMs = Math.max(...zoom.times);
    result.animFps = zoom.animFps;
    result.animWallMs = zoom.animWallMs;
  } catch (e) {
    result.error = (e as Error).message.split('\n')[0];
  }
  return result;
}
