// The live view (Run and Debug side bar): frame time against the budget, per-callback cost stacked,
// Lua memory and GC, refreshed from snapshots the extension posts a few times a second.
// Profile strings (callback labels, log lines) are untrusted: textContent only, never innerHTML.
import './live.css';
// First: the translation bundle is loaded before the code below words its UI.
import '../l10n';
import * as l10n from '@vscode/l10n';
import type { FromLiveView, LiveSnapshot, ToLiveView } from '../../src/core/live/messages';
import { budgetMsAt, describeBudget, formatMs as fmt } from '../../src/core/budget';

interface VsCodeApi {
  postMessage(msg: FromLiveView): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

const app = document.getElementById('app') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-yellow', '--vscode-charts-red'];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#cca700', '#f14c4c'];
function seriesColor(i: number): string {
  return cssVar(PALETTE[i % PALETTE.length], FALLBACK[i % FALLBACK.length]);
}

/** Mean of the last `last` values (the alert settings' sustainedFrames: what an alert averages over). */
function mean(a: Float64Array, last: number): number {
  const n = Math.min(last, a.length);
  if (n === 0) return 0;
  let s = 0;
  for (let i = a.length - n; i < a.length; i++) s += a[i];
  return s / n;
}

// ---- layout (built once; snapshots only change text and canvases) ----
const summary = el('div', 'summary');
summary.setAttribute('role', 'status');
summary.setAttribute('aria-live', 'polite');
const toolbar = el('div', 'toolbar');
const buttons = {
  capture: el('button', undefined, l10n.t('Capture next seconds')),
  start: el('button', 'secondary', l10n.t('Start capture')),
  stop: el('button', 'secondary', l10n.t('Stop capture')),
  attach: el('button', undefined, l10n.t('Attach…')),
};
buttons.capture.addEventListener('click', () => vscode.postMessage({ type: 'command', command: 'captureNextSeconds' }));
buttons.start.addEventListener('click', () => vscode.postMessage({ type: 'command', command: 'startCapture' }));
buttons.stop.addEventListener('click', () => vscode.postMessage({ type: 'command', command: 'stopCapture' }));
buttons.attach.addEventListener('click', () => vscode.postMessage({ type: 'command', command: 'attach' }));
toolbar.append(buttons.capture, buttons.start, buttons.stop, buttons.attach);

const frameCanvas = el('canvas', 'tall');
frameCanvas.setAttribute('aria-label', l10n.t('Frame time and scripts time per frame against the frame budget'));
const cbCanvas = el('canvas', 'tall');
cbCanvas.setAttribute('aria-label', l10n.t('Cost of each callback per frame, stacked'));
const legend = el('div', 'legend');
const memCanvas = el('canvas');
memCanvas.setAttribute('aria-label', l10n.t('Lua memory and GC time per frame'));
const log = el('div', 'log');
const idle = el('div', 'idle');

app.replaceChildren(
  summary,
  toolbar,
  el('h3', undefined, l10n.t('Frame time')),
  frameCanvas,
  el('h3', undefined, l10n.t('Callbacks (ms per frame)')),
  cbCanvas,
  legend,
  el('h3', undefined, l10n.t('Lua memory and GC')),
  memCanvas,
  el('h3', undefined, l10n.t('Log')),
  log,
  idle,
);

function prepare(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 90;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

function line(ctx: CanvasRenderingContext2D, data: Float64Array, w: number, h: number, max: number, color: string): void {
  if (data.length < 2) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  for (let i = 0; i < data.length; i++) {
    const x = (i / (data.length - 1)) * w;
    const y = h - Math.min(1, data[i] / max) * (h - 2) - 1;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
}

function hline(ctx: CanvasRenderingContext2D, y: number, w: number, color: string, label: string): void {
  ctx.strokeStyle = color;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(0, y);
  ctx.lineTo(w, y);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = color;
  ctx.font = '10px sans-serif';
  ctx.fillText(label, 4, Math.max(10, y - 3));
}

function maxOf(...arrays: Float64Array[]): number {
  let m = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

function render(s: LiveSnapshot): void {
  idle.textContent = '';
  const fg = cssVar('--vscode-foreground', '#ccc');
  const err = cssVar('--vscode-errorForeground', '#f14c4c');
  const avgOver = Math.max(1, s.alerts.sustainedFrames);
  const budgetMs = budgetMsAt(s.refreshRateHz);
  const scripts = mean(s.scriptsMs, avgOver);
  const frame = mean(s.frameMs, avgOver);
  const share = (scripts / budgetMs) * 100;
  summary.replaceChildren();
  const head = el('div', undefined, s.session);
  const cost = el('div');
  const scriptsSpan = el('span', share > s.alerts.scriptsBudgetPercent ? 'over' : 'ok', l10n.t('scripts {0} ms/frame ({1}% of {2})', fmt(scripts), share.toFixed(1), describeBudget(s.refreshRateHz)));
  cost.append(scriptsSpan, document.createTextNode(
      l10n.t(
        ' · frame {0} ms · GC {1} ms · Lua {2} MiB · profiler {3} ms',
        fmt(frame),
        fmt(mean(s.gcMs, avgOver)),
        (s.luaMemoryKb[s.luaMemoryKb.length - 1] / 1024 || 0).toFixed(1),
        fmt(mean(s.overheadMs, avgOver)),
      ),
    ));
  summary.append(head, cost);
  if (s.capture) {
    const seconds = s.capture.seconds.toFixed(1);
    const samples = s.capture.samples.toLocaleString('en-US');
    summary.append(
      el(
        'div',
        'over',
        s.capture.plannedSeconds > 0
          ? l10n.t('● capturing: {0} s of {1} s, {2} samples', seconds, s.capture.plannedSeconds, samples)
          : l10n.t('● capturing: {0} s, {1} samples', seconds, samples),
      ),
    );
  }
  if (s.state === 'disconnected') summary.append(el('div', 'over', l10n.t('disconnected')));
  buttons.start.disabled = s.state !== 'attached';
  buttons.capture.disabled = s.state !== 'attached';
  buttons.stop.disabled = s.state !== 'capturing';

  // Frame time with the budget line; scripts as a second line.
  {
    const { ctx, w, h } = prepare(frameCanvas);
    const max = Math.max(budgetMs * 1.5, maxOf(s.frameMs) * 1.1);
    line(ctx, s.frameMs, w, h, max, seriesColor(0));
    line(ctx, s.scriptsMs, w, h, max, seriesColor(1));
    hline(ctx, h - (budgetMs / max) * (h - 2) - 1, w, err, l10n.t('budget {0} ms', fmt(budgetMs)));
  }
  // Callbacks stacked.
  {
    const { ctx, w, h } = prepare(cbCanvas);
    const n = s.frameMs.length;
    const stackTop = new Float64Array(n);
    for (const c of s.callbacks) for (let i = 0; i < n; i++) stackTop[i] += c.ms[i] ?? 0;
    const max = Math.max(0.05, maxOf(stackTop) * 1.1);
    const base = new Float64Array(n);
    s.callbacks.forEach((c, k) => {
      ctx.fillStyle = seriesColor(k);
      ctx.beginPath();
      for (let i = 0; i < n; i++) ctx.lineTo((i / Math.max(1, n - 1)) * w, h - ((base[i] + (c.ms[i] ?? 0)) / max) * h);
      for (let i = n - 1; i >= 0; i--) ctx.lineTo((i / Math.max(1, n - 1)) * w, h - (base[i] / max) * h);
      ctx.closePath();
      ctx.fill();
      for (let i = 0; i < n; i++) base[i] += c.ms[i] ?? 0;
    });
    ctx.fillStyle = fg;
    ctx.font = '10px sans-serif';
    ctx.fillText(`${fmt(max)} ms`, 4, 10);
    legend.replaceChildren(
      ...s.callbacks.map((c, k) => {
        const span = el('span', undefined, `${c.label}: ${fmt(mean(c.ms, avgOver))} ms`);
        span.style.setProperty('--swatch', seriesColor(k));
        return span;
      }),
    );
  }
  // Memory and GC.
  {
    const { ctx, w, h } = prepare(memCanvas);
    line(ctx, s.luaMemoryKb, w, h, Math.max(1, maxOf(s.luaMemoryKb) * 1.1), seriesColor(2));
    line(ctx, s.gcMs, w, h, Math.max(0.05, maxOf(s.gcMs) * 1.1), seriesColor(3));
  }
  log.textContent = s.log.join('\n');
  log.scrollTop = log.scrollHeight;
}

window.addEventListener('message', (e: MessageEvent<ToLiveView>) => {
  const msg = e.data;
  if (msg.type === 'snapshot') render(msg);
  else if (msg.type === 'idle') {
    summary.replaceChildren(el('div', undefined, msg.message));
    idle.textContent = '';
    buttons.start.disabled = buttons.stop.disabled = buttons.capture.disabled = true;
  }
});
vscode.postMessage({ type: 'ready' });
