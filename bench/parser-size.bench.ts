// Parser size benchmark (issue 17): hostile shapes at 200k repetitions or 10 MB must parse in time
// linear in their size. Each case is timed at n and 2n; the 2n/n ratio must stay near 2 (a
// quadratic parser shows ~4), and each case is compared with a baseline parsed in the same run: an
// ordinary mod of about the same byte size. A case over its bound makes the run exit 1.
//   node --import tsx bench/parser-size.bench.ts
import { parse } from '../src/core/lua/parser';

/** Ordinary mod code (helpers, loops, API calls) repeated to a size: the baseline shape. */
const ORDINARY = `local function helper_N(obj)
  local pawn = api:get_local_pawn(0)
  for j = 1, 4 do local v = math.sin(j) + (obj and obj.Mesh.RelativeLocation.X or 0) end
  if state.last ~= N then vr.set_mod_value("optN", tostring(N)) state.last = N end
  local t = {x = N, y = N + 1}
  return t
end
`;
function ordinary(bytes: number): string {
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < bytes; i++) {
    const s = ORDINARY.replaceAll('N', String(i));
    parts.push(s);
    len += s.length;
  }
  return parts.join('');
}

const CASES: Record<string, (n: number) => string> = {
  'labels (::lN:: lines)': (n) => Array.from({ length: n }, (_, i) => `::l${i}::`).join('\n'),
  'forward gotos then labels': (n) => Array.from({ length: n / 2 }, (_, i) => `goto l${i}`).join('\n') + '\n' + Array.from({ length: n / 2 }, (_, i) => `::l${i}::`).join('\n'),
  'locals (local vN = N)': (n) => Array.from({ length: n }, (_, i) => `local v${i} = ${i}`).join('\n'),
  '10 MB line: table constructor': (n) => 'local t = {' + Array.from({ length: n * 12 }, (_, i) => `${i % 1000}`).join(',') + '}',
  '10 MB line: string literal': (n) => `local s = "${'a'.repeat(n * 50)}"`,
  '10 MB line: a + 1 + 1 …': (n) => 'x = a' + ' + 1'.repeat(n * 12),
};
const N = 200_000;

function timeParse(src: string): number {
  (globalThis as { gc?: () => void }).gc?.();
  const t = performance.now();
  parse(src);
  return performance.now() - t;
}

let failed = 0;
const rows: string[] = [];
for (const [name, make] of Object.entries(CASES)) {
  const half = make(N / 2);
  const full = make(N);
  const tHalf = timeParse(half);
  const tFull = timeParse(full);
  // Baseline: ordinary code of the same size, parsed now (same machine load).
  const base = ordinary(full.length);
  const tBase = timeParse(base);
  const growth = tFull / Math.max(tHalf, 0.001);
  const vsBase = tFull / Math.max(tBase, 0.001);
  // Linear: doubling the input under 3× the time (quadratic is 4×) (noise, GC); and no worse than 6× ordinary code.
  const ok = growth < 3 && vsBase < 6 && tFull < 15_000;
  if (!ok) failed++;
  rows.push(
    `${name.padEnd(32)} ${(full.length / 1e6).toFixed(1).padStart(5)} MB  n/2 ${tHalf.toFixed(0).padStart(6)} ms  n ${tFull.toFixed(0).padStart(6)} ms  ` +
      `growth ×${growth.toFixed(2)}  baseline ${tBase.toFixed(0).padStart(6)} ms (×${vsBase.toFixed(2)})  ${ok ? 'ok' : 'OVER BOUND'}`,
  );
}
console.log(`parser size benchmark: n = ${N.toLocaleString('en-US')} repetitions (10 MB lines at n)`);
for (const r of rows) console.log(r);
console.log(failed ? `${failed} case(s) over bound` : 'all cases linear and within bounds');
process.exit(failed ? 1 : 0);
