// Colours for flame nodes, as pure functions of the data so a function keeps its colour across views,
// zooms and reloads. The webview turns the returned HSL into canvas fill styles; theme colours
// (VS Code's --vscode-charts-*) are used for kinds and highlights, not for the per-function hash.

/** 32-bit FNV-1a of a string: cheap, stable, well spread for short identifiers. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Warm flame colour for a function name: 10 hues from red to yellow (0–45), 3 saturations and 2
 * lightnesses. A palette of 60 colours (not a continuum) lets the canvas batch rects by colour,
 * which is most of the cost of a redraw, while neighbours still differ.
 */
export function flameHsl(name: string): [number, number, number] {
  const h = hashString(name);
  return [(h % 10) * 5, 65 + ((h >>> 8) % 3) * 10, 50 + ((h >>> 16) % 2) * 8];
}

export function hslCss([h, s, l]: [number, number, number]): string {
  return `hsl(${h} ${s}% ${l}%)`;
}

/**
 * Diff colour: red when `delta` > 0 (slower after), blue when < 0 (faster), grey near 0.
 * Intensity is sqrt(|delta| / maxAbs), clamped: the square root keeps small changes visible next to
 * one large one (a single hot function would otherwise wash every other node out to grey).
 */
export function deltaHsl(delta: number, maxAbs: number): [number, number, number] {
  if (!(maxAbs > 0) || !Number.isFinite(delta) || delta === 0) return [0, 0, 70];
  const t = Math.sqrt(Math.min(1, Math.abs(delta) / maxAbs));
  const hue = delta > 0 ? 0 : 215;
  return [hue, Math.round(20 + 70 * t), Math.round(78 - 28 * t)];
}
