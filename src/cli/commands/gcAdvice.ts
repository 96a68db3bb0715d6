// `gc-advice --sim DIR`: replays a folder of mods in the simulator under a bounded set of UEVR's Lua GC
// options (src/core/gc/uevr-menu.ts) for the same frames, prints mean GC ms/frame, the p99 spike and
// peak memory per option, the recommendation and where to set it in UEVR's menu (docs/cli.md).
import { isAbsolute, relative, resolve } from 'node:path';
import { optionStats, recommend, TIE_FRACTION, TIE_MS, type GcOptionStats } from '../../core/gc/advice';
import { configKeys, GC_CANDIDATES, gcLabel, menuSettings, sameGc, UEVR_DEFAULT_GC, UEVR_MENU_PATH } from '../../core/gc/uevr-menu';
import { formatScriptError, ScriptErrorTally } from '../../core/report/scriptErrors';
import { replayGcOptions } from '../../core/sim/gc-replay';
import { num, parse, str } from '../args';
import { InputError, UsageError } from '../errors';
import type { Command } from './types';

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '-');
const mib = (kb: number): string => (Number.isFinite(kb) ? (kb / 1024).toFixed(1) : '-');

function statsJson(s: GcOptionStats) {
  return {
    label: gcLabel(s.gc),
    gc: s.gc,
    uevrDefault: sameGc(s.gc, UEVR_DEFAULT_GC),
    frames: s.frames,
    gcMeanMs: s.gcMeanMs,
    gcP99Ms: s.gcP99Ms,
    gcMaxMs: s.gcMaxMs,
    luaMeanMs: s.luaMeanMs,
    luaP99Ms: s.luaP99Ms,
    peakMemoryKb: s.peakMemoryKb,
    endMemoryKb: s.endMemoryKb,
  };
}

export const gcAdviceCommand: Command = {
  summary: "replay mods in the simulator under UEVR's Lua GC options and recommend the one with the smallest spikes",
  usage: 'gc-advice --sim DIR [--frames 900] [--warmup 90] [--hz 90] [--engine ue4|ue5] [--json]',
  async run(argv, io) {
    const p = parse(argv, { sim: { type: 'string' }, frames: { type: 'string' }, warmup: { type: 'string' }, hz: { type: 'string' }, engine: { type: 'string' }, json: { type: 'boolean' } }, 'gc-advice');
    if (p.positionals.length) throw new UsageError(`gc-advice: unexpected argument "${p.positionals[0]}"`);
    const dir = str(p, 'sim');
    if (!dir) throw new UsageError('gc-advice: missing --sim DIR');
    const frames = Math.floor(num(p, 'frames', 'gc-advice', { min: 10, max: 100_000 }) ?? 900);
    const warmup = Math.floor(num(p, 'warmup', 'gc-advice', { min: 0, max: 100_000 }) ?? 90);
    if (warmup >= frames) throw new UsageError(`gc-advice: --warmup (${warmup}) must be less than --frames (${frames})`);
    const hz = num(p, 'hz', 'gc-advice', { min: 1, max: 1000 }) ?? 90;
    const engine = str(p, 'engine');
    if (engine !== undefined && engine !== 'ue4' && engine !== 'ue5') throw new UsageError(`gc-advice: --engine must be ue4 or ue5 (got "${engine}")`);
    const scriptsDir = resolve(io.cwd, dir);

    let r;
    try {
      r = await replayGcOptions({ scriptsDir, options: GC_CANDIDATES, frames, refreshRateHz: hz, ...(engine ? { engine } : {}) });
    } catch (e) {
      throw new InputError(`gc-advice: cannot run the simulated session on ${dir}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    // The scripts' errors, once each, as `sim` prints them: a mod that fails is not silently "cheap".
    const tally = new ScriptErrorTally();
    const display = (f: string): string => {
      const rel = relative(io.cwd, f);
      return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : f;
    };
    for (const e of r.errors) if (tally.add(e)) io.stderr(`${formatScriptError(e, display)}\n`);
    if (r.loaded.failed > 0) io.stderr(`${r.loaded.failed} of ${r.loaded.scripts} scripts failed to load\n`);
    if (r.loaded.scripts === 0) throw new InputError(`gc-advice: no .lua scripts in ${dir}`);

    const stats = GC_CANDIDATES.map((gc, i) => optionStats(gc, r.frames[i]!, warmup, r.costMs[i]));
    const rec = recommend(stats);
    const menu = menuSettings(rec.best.gc);
    const config = configKeys(rec.best.gc);

    if (p.values.json) {
      io.stdout(
        `${JSON.stringify(
          {
            scriptsDir,
            scripts: r.loaded.scripts,
            failedToLoad: r.loaded.failed,
            frames,
            warmup,
            hz,
            options: stats.map(statsJson),
            recommendation: {
              ...statsJson(rec.best),
              keepDefault: rec.keepDefault,
              reason: rec.reason,
              equivalent: rec.equivalent.map((s) => gcLabel(s.gc)),
              menuPath: UEVR_MENU_PATH,
              menu: menu.map(([label, value]) => ({ label, value })),
              config: Object.fromEntries(config),
            },
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }

    const out: string[] = [];
    out.push(`GC settings advice for ${dir}: ${r.loaded.scripts} script${r.loaded.scripts === 1 ? '' : 's'}, ${frames} frames per option at ${hz} Hz (the first ${warmup} not timed)`);
    out.push('');
    const head = ['option', 'GC ms/frame', 'GC p99', 'Lua ms/frame', 'Lua p99', 'peak MiB'];
    const rows = stats.map((s) => [
      `${gcLabel(s.gc)}${sameGc(s.gc, UEVR_DEFAULT_GC) ? ' (default)' : ''}${s === rec.best ? '  <-' : ''}`,
      ms(s.gcMeanMs),
      ms(s.gcP99Ms),
      ms(s.luaMeanMs),
      ms(s.luaP99Ms),
      mib(s.peakMemoryKb),
    ]);
    const width = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
    const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(width[c]!) : cell.padStart(width[c]!))).join('  ');
    out.push(line(head), ...rows.map(line));
    out.push('');
    out.push('GC = UEVR\'s GC step at the end of on_frame (with "Managed by Lua" the collector runs inside the callbacks instead);');
    out.push(`Lua = the frame's time in Lua (callbacks + GC step); p99 is the spike one frame in 100 pays; options within ${TIE_MS} ms or ${TIE_FRACTION * 100} % of the lowest p99 count as equal.`);
    out.push('');
    out.push(rec.keepDefault ? `Recommended: keep UEVR's defaults (${gcLabel(rec.best.gc)}): ${rec.reason}.` : `Recommended: ${gcLabel(rec.best.gc)}: ${rec.reason}.`);
    out.push(`Where: ${UEVR_MENU_PATH}:`);
    for (const [label, value] of menu) out.push(`  ${label}: ${value}`);
    out.push(`Or in the game's UEVR profile config.txt: ${config.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    io.stdout(`${out.join('\n')}\n`);
    return 0;
  },
};
