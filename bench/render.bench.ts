// Render speed of the flame-graph webview in headless Chromium, side by side with speedscope's
// bundled viewer (node_modules/speedscope/dist/release) on the same synthetic profiles in one run:
//   - first paint: navigation start → the flame graph is drawn (ours: the standalone HTML page with
//     the profile embedded; speedscope: its viewer loading the same profile as speedscope JSON, in its
//     left-heavy view, until it titles the page with the profile's name + one animation frame)
//   - zoom: ours animates click-zooms (time per redraw); both get 2 s of ctrl+wheel zoom events, one per
//     animation frame, and we count the frames the page delivers (fps).
// d3-flame-graph 5 (SVG, bench/render/d3flame.ts) is the third viewer on the same call trees: first
// render (data set → 2 frames) and time per zoom click; each phase capped at 60 s. Skipped with a
// message when node_modules/d3-flame-graph is missing, or with --no-d3.
//   node --import tsx bench/render.bench.ts [--quick] [--speedscope-1m] [--no-d3] [--only=<label substring>]
import { writeFileSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCallTree } from '../src/core/profile';
import { exportProfile } from '../src/core/formats';
import type { Profile } from '../src/core/profile';
import { renderStandaloneHtml } from '../src/core/view/standaloneHtml';
import { buildFlamegraphBundle, repoRoot } from '../test/webview/bundle';
import { browserUnavailable, launchChromium, type PwBrowser, type PwPage } from '../test/webview/harness';
import { syntheticProfile } from './lib/synthetic';
import { buildD3FlameBundle, callTreeToD3Json, d3FlameUnavailable, runD3Flame, writeD3FlamePage, type D3FlameResult } from './render/d3flame';

// Page-side code runs in Chromium; the Node tsconfig has no DOM types (`any` on purpose).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const requestAnimationFrame: (cb: (t: number) => void) => number;

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const D3_CAP_MS = 60_000;
// The shared synthetic profile (bench/lib/synthetic.ts: depth ~30, ~5k functions, hot stacks repeat);
// `stacks` distinct leaf paths set the call-tree size (≈ 20 nodes per path).
// d3: 'always', or 'if-prev' = only when d3-flame-graph finished the previous (smaller) case in time.
const CASES: Array<{ label: string; samples: number; stacks: number; speedscope: boolean; d3: 'always' | 'if-prev' }> = [
  { label: '1k nodes', samples: 1_000, stacks: 40, speedscope: true, d3: 'always' },
  { label: '10k nodes', samples: 10_000, stacks: 450, speedscope: true, d3: 'always' },
  { label: '100k nodes', samples: 50_000, stacks: 4_500, speedscope: true, d3: 'always' },
  { label: '100k samples', samples: 100_000, stacks: 25_000, speedscope: !quick, d3: 'always' },
  { label: '1M samples', samples: 1_000_000, stacks: 40_000, speedscope: args.has('--speedscope-1m'), d3: 'if-prev' },
].filter((c) => !only || c.label.includes(only)) as Array<{ label: string; samples: number; stacks: number; speedscope: boolean; d3: 'always' | 'if-prev' }>;
const VIEWPORT = { width: 1280, height: 800 };
const TIMEOUT = 180_000;

interface Result {
  firstPaintMs: number;
  heapMb: number;
  wheelFps?: number;
  worstFrameMs?: number;
  redrawMeanMs?: number;
  redrawMaxMs?: number;
  animFps?: number;
  error?: string;
}

async function withPage<T>(browser: PwBrowser, fn: (p: PwPage) => Promise<T>): Promise<T> {
  const ctx = await browser.newContext({ viewport: VIEWPORT });
  const page = await ctx.newPage();
  // tsx compiles this file with esbuild's keepNames, which wraps inner functions in __name(); the
  // functions passed to page.evaluate run in the page, so give it an identity __name.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  try {
    return await fn(page);
  } finally {
    await ctx.close();
  }
}

/** 2 s of ctrl+wheel events on the element at the centre of `selector`, one per animation frame. */
async function wheelFps(page: PwPage, selector: string): Promise<{ fps: number; worst: number }> {
  return page.evaluate(async (sel: string) => {
    const box = document.querySelector(sel).getBoundingClientRect();
    const x = box.left + box.width / 2;
    const y = box.top + Math.min(box.height / 2, 60);
    const target = document.elementFromPoint(x, y);
    const t0 = performance.now();
    let frames = 0;
    let last = t0;
    let worst = 0;
    await new Promise<void>((resolve) => {
      const tick = (now: number): void => {
        frames++;
        worst = Math.max(worst, now - last);
        last = now;
        const elapsed = now - t0;
        if (elapsed > 2000) return resolve();
        const deltaY = elapsed < 1000 ? -40 : 40;
        target.dispatchEvent(new window.WheelEvent('wheel', { deltaY, deltaMode: 0, clientX: x, clientY: y, ctrlKey: true, bubbles: true, cancelable: true }));
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    return { fps: (frames * 1000) / (performance.now() - t0), worst };
  }, selector);
}

async function runOurs(browser: PwBrowser, url: string): Promise<Result> {
  return withPage(browser, async (page) => {
    await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
    await page.waitForFunction(() => performance.getEntriesByName('uevr-first-paint:Flame graph').length > 0, undefined, { timeout: TIMEOUT, polling: 50 });
    const firstPaintMs = await page.evaluate(() => performance.getEntriesByName('uevr-first-paint:Flame graph')[0].startTime);
    const heapMb = await page.evaluate(() => (performance as any).memory?.usedJSHeapSize / 2 ** 20 || NaN);
    // Animated click-zooms down the heaviest path and back out.
    const anim = await page.evaluate(async () => {
      const app = window.__uevrFlame;
      const canvas = app.flame.canvas;
      const tree = app.flame.callTree;
      const path: number[] = [];
      for (let node = 0, d = 0; d < 12 && tree.size[node] > 1; d++) {
        node = node + 1; // heaviest child comes first in preorder
        path.push(node);
      }
      const s = canvas.stats;
      const before = { renders: s.renders, totalMs: s.totalMs };
      s.maxMs = 0;
      const t0 = performance.now();
      for (const node of [path[2], path[5], path[9] ?? path[path.length - 1]]) await canvas.zoomTo(node);
      await canvas.resetZoom();
      const wall = performance.now() - t0;
      const renders = s.renders - before.renders;
      return { mean: (s.totalMs - before.totalMs) / renders, max: s.maxMs, fps: (renders * 1000) / wall };
    });
    const wheel = await wheelFps(page, '.fg-panel-flame canvas');
    return { firstPaintMs, heapMb, wheelFps: wheel.fps, worstFrameMs: wheel.worst, redrawMeanMs: anim.mean, redrawMaxMs: anim.max, animFps: anim.fps };
  });
}

async function runSpeedscope(browser: PwBrowser, jsPath: string): Promise<Result> {
  const index = join(repoRoot, 'node_modules/speedscope/dist/release/index.html');
  const url = `${pathToFileURL(index).href}#localProfilePath=${encodeURIComponent(jsPath)}&view=left-heavy`;
  return withPage(browser, async (page) => {
    await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
    await page.waitForFunction(() => document.title.endsWith(' - speedscope'), undefined, { timeout: TIMEOUT, polling: 'raf' });
    const firstPaintMs = await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))));
    const heapMb = await page.evaluate(() => (performance as any).memory?.usedJSHeapSize / 2 ** 20 || NaN);
    const wheel = await wheelFps(page, 'canvas');
    return { firstPaintMs, heapMb, wheelFps: wheel.fps, worstFrameMs: wheel.worst };
  });
}

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);
}

async function main(): Promise<void> {
  const why = browserUnavailable();
  if (why) {
    console.log(`render bench skipped: ${why}`);
    return;
  }
  const bundle = await buildFlamegraphBundle(true);
  const dir = mkdtempSync(join(tmpdir(), 'uevr-render-bench-'));
  const browser = await launchChromium(['--enable-precise-memory-info']);
  console.log(`bundle ${(bundle.js.length / 1024).toFixed(0)} KiB js; viewport ${VIEWPORT.width}×${VIEWPORT.height}; Chromium headless, software rendering`);
  console.log(`${cpus().length} cores, load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const d3Why = args.has('--no-d3') ? 'd3-flame-graph skipped (--no-d3)' : d3FlameUnavailable(repoRoot);
  const d3Bundle = d3Why ? '' : await buildD3FlameBundle(repoRoot);
  if (d3Why) console.log(d3Why);
  console.log(
    'case          | samples   | nodes   | ours first paint | speedscope first paint | ratio | ours redraw mean/max | ours anim fps | wheel fps ours / speedscope | heap MB ours / ss' +
      ' | d3fg first render | d3fg / ours | d3fg click (no transition) mean/max | d3fg click / ours redraw | d3fg 750 ms anim fps',
  );
  let d3PrevOk = true;
  try {
    for (const c of CASES) {
      const profile: Profile = syntheticProfile({ samples: c.samples, stacks: c.stacks, gameFrames: true });
      const tree = buildCallTree(profile);
      const nodes = tree.length;
      const htmlPath = join(dir, `ours-${c.samples}.html`);
      writeFileSync(htmlPath, renderStandaloneHtml(profile, { title: c.label, refreshRateHz: 90 }, bundle));
      let ours: Result;
      try {
        ours = await runOurs(browser, pathToFileURL(htmlPath).href);
      } catch (e) {
        ours = { firstPaintMs: NaN, heapMb: NaN, error: (e as Error).message.split('\n')[0] };
      }
      let ss: Result | null = null;
      if (c.speedscope) {
        const jsPath = join(dir, `speedscope-${c.samples}.js`);
        const json = exportProfile(profile, 'speedscope');
        writeFileSync(jsPath, `speedscope.loadFileFromBase64(${JSON.stringify(`${c.label}.speedscope.json`)}, ${JSON.stringify(Buffer.from(json).toString('base64'))})`);
        try {
          ss = await runSpeedscope(browser, jsPath);
        } catch (e) {
          ss = { firstPaintMs: NaN, heapMb: NaN, error: (e as Error).message.split('\n')[0] };
        }
      }
      let d3: D3FlameResult | null = null;
      let d3Note = d3Why ? 'skipped' : 'not run';
      if (!d3Why && (c.d3 === 'always' || d3PrevOk)) {
        const url = writeD3FlamePage(dir, `d3fg-${c.samples}`, callTreeToD3Json(profile, tree), d3Bundle, VIEWPORT.width);
        try {
          d3 = await withPage(browser, (page) => runD3Flame(page, url, VIEWPORT.width, D3_CAP_MS));
        } catch (e) {
          d3 = { renderMs: NaN, settledMs: NaN, fromNavigationMs: NaN, svgElements: NaN, heapMb: NaN, error: (e as Error).message.split('\n')[0] };
        }
        d3PrevOk = Number.isFinite(d3.renderMs);
        if (!d3PrevOk) d3Note = d3.error?.includes('did not finish') ? 'did not finish in 60 s' : 'failed';
      } else if (!d3Why) {
        d3Note = 'not run (smaller case did not finish)';
      }
      const ratio = ss && Number.isFinite(ss.firstPaintMs) ? `${(ss.firstPaintMs / ours.firstPaintMs).toFixed(1)}×` : '–';
      const x = (a: number | undefined, b: number | undefined): string => (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(a / b < 10 ? 1 : 0)}×` : '–');
      const d3Cols =
        d3 && Number.isFinite(d3.renderMs)
          ? [
              `${fmt(d3.renderMs)} ms`.padStart(17),
              x(d3.renderMs, ours.firstPaintMs).padStart(11),
              (d3.clickMeanMs !== undefined ? `${fmt(d3.clickMeanMs)} / ${fmt(d3.clickMaxMs)} ms` : 'did not finish in 60 s').padStart(35),
              x(d3.clickMeanMs, ours.redrawMeanMs).padStart(24),
              fmt(d3.animFps, 1).padStart(20),
            ]
          : [d3Note.padStart(17), '–', '–', '–', '–'];
      console.log(
        [
          c.label.padEnd(13),
          String(c.samples).padStart(9),
          String(nodes).padStart(7),
          `${fmt(ours.firstPaintMs)} ms`.padStart(16),
          (ss ? `${fmt(ss.firstPaintMs)} ms` : 'not run').padStart(22),
          ratio.padStart(5),
          `${fmt(ours.redrawMeanMs, 1)} / ${fmt(ours.redrawMaxMs, 1)} ms`.padStart(20),
          fmt(ours.animFps).padStart(13),
          `${fmt(ours.wheelFps)} / ${ss ? fmt(ss.wheelFps) : '–'}`.padStart(27),
          `${fmt(ours.heapMb)} / ${ss ? fmt(ss.heapMb) : '–'}`.padStart(17),
          ...d3Cols,
        ].join(' | '),
      );
      if (ours.error) console.log(`  ours failed: ${ours.error}`);
      console.log(`  (load average now ${loadavg()[0].toFixed(1)})`);
      if (ss?.error) console.log(`  speedscope failed: ${ss.error}`);
      if (d3 && Number.isFinite(d3.renderMs)) {
        console.log(
          `  d3-flame-graph: render ${fmt(d3.renderMs)} ms (settled after its 250 ms grow-in ${fmt(d3.settledMs)} ms; from navigation ${fmt(d3.fromNavigationMs)} ms), ` +
            `${fmt(d3.svgElements)} SVG elements, heap ${fmt(d3.heapMb)} MB` +
            (d3.animFps !== undefined ? `; 750 ms-transition click took ${fmt(d3.animWallMs)} ms at ${fmt(d3.animFps, 1)} fps` : ''),
        );
      }
      if (d3?.error) console.log(`  d3-flame-graph: ${d3.error}`);
    }
  } finally {
    await browser.close();
  }
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
