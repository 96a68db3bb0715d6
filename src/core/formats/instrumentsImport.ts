// Instruments (Xcode) call trees copied as text: select the call tree, Edit → Deep Copy, paste to a
// file. Tab-separated, a header row ("Weight", "Self Weight", "Symbol Name(s)" — or "Running Time",
// or "Bytes Used", "Count" for allocations) then one row per node, depth given by the spaces before
// the symbol name. Weights are inclusive ("2.45 s  49.7%"); a node's own weight is its weight minus
// its children's. Times become ms, sizes bytes, cycle counts (Kc/Mc/Gc) plain counts.

import { ProfileBuilder } from '../profile/builder';
import type { Profile, WeightUnit } from '../profile/types';
import { fail } from './errors';
import type { LoadContext } from './loadContext';
import { unitScale, type UnitScale } from './units';
import { splitLines } from './text';

export function looksLikeInstrumentsDeepCopy(text: string): boolean {
  const nl = text.indexOf('\n');
  const first = (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
  return /^[\w ()]*\tSymbol Names?$/.test(first) || /^[\w ()]*\t[\w \t()]*\tSymbol Names?$/.test(first);
}

const UNITS: Record<string, UnitScale> = {
  ns: ['milliseconds', 1e-6], µs: ['milliseconds', 1e-3], us: ['milliseconds', 1e-3], ms: ['milliseconds', 1], s: ['milliseconds', 1000], min: ['milliseconds', 60_000],
  Bytes: ['bytes', 1], bytes: ['bytes', 1], KB: ['bytes', 1024], MB: ['bytes', 1024 ** 2], GB: ['bytes', 1024 ** 3],
  cycles: ['samples', 1], Kc: ['samples', 1e3], Mc: ['samples', 1e6], Gc: ['samples', 1e9],
};
const WEIGHT = /^\s*([\d.,]+)\s*([A-Za-zµ]+)?\s+[\d.]+%/;

export function importInstrumentsDeepCopy(text: string, ctx: LoadContext): Profile {
  const lines = splitLines(text);
  const header = lines[0].split('\t');
  const symCol = header.findIndex((h) => h === 'Symbol Name' || h === 'Symbol Names');
  const weightCol = header.findIndex((h) => h === 'Weight' || h === 'Running Time' || h === 'Bytes Used');
  if (weightCol < 0) fail(`no "Weight", "Running Time" or "Bytes Used" column (columns: ${header.filter(Boolean).join(', ').slice(0, 120)})`);
  interface Row { depth: number; name: string; weight: number }
  const rows: Row[] = [];
  let unit: WeightUnit | undefined;
  let bad = 0;
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const cells = lines[i].split('\t');
    const sym = cells[symCol] ?? '';
    const m = WEIGHT.exec(cells[weightCol] ?? '');
    const u = m ? unitScale(UNITS, m[2] ?? (header[weightCol] === 'Bytes Used' ? 'Bytes' : 'ms')) : undefined;
    const weight = m && u ? Number(m[1].replace(/,/g, '')) * u[1] : NaN;
    if (!m || !u || !sym.trim() || !Number.isFinite(weight)) {
      bad++;
      continue;
    }
    if (unit && unit !== u[0]) {
      bad++;
      continue;
    }
    unit = u[0];
    rows.push({ depth: sym.length - sym.trimStart().length, name: sym.trim(), weight });
  }
  if (!unit || rows.length === 0) fail('no rows with a weight and a symbol under the header');
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'instruments', weightUnit: unit });
  // Depth is relative to the first row's indentation (Instruments indents the whole tree by one).
  const base = Math.min(...rows.map((r) => r.depth));
  const open: Array<{ depth: number; stack: number; weight: number; children: number }> = [];
  let t = 0;
  const close = (): void => {
    const n = open.pop()!;
    const self = n.weight - n.children;
    if (self > 0) {
      b.sample(n.stack, self, t);
      t += self;
    }
  };
  for (const r of rows) {
    const depth = r.depth - base;
    while (open.length && open[open.length - 1].depth >= depth) close();
    const parent = open.length ? open[open.length - 1] : undefined;
    if (parent) parent.children += r.weight;
    // "name (in library) file:line" is how newer versions annotate symbols; keep the name.
    const m = /^(.*?)(?:\s+\(in ([^)]*)\))?(?:\s+(\S+):(\d+))?$/.exec(r.name);
    const name = m?.[1] || r.name;
    open.push({ depth, stack: b.stack(parent ? parent.stack : -1, b.frame(name, m?.[3] ?? m?.[2] ?? '', m?.[4] ? Number(m[4]) : 0)), weight: r.weight, children: 0 });
  }
  while (open.length) close();
  if (b.sampleCount === 0) fail('every row has a zero weight');
  if (bad) {
    b.meta.invalidLines = bad;
    ctx.notes.push(`${bad} rows had no readable weight or symbol and were skipped`);
  }
  return b.build();
}
