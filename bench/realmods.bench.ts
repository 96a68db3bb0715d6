// Real-mods benchmark: runs every mod `scripts` folder of a folder of folders in the simulated session
// and prints how many load without error, register callbacks and run them, and the errors grouped by
// message. The folders are public UEVR mods gathered outside the repository (never committed).
//   node --import tsx bench/realmods.bench.ts [DIR] [--frames N] [--engine ue4|ue5] [--json FILE] [--list]
// DIR defaults to $UEVR_REALMODS or /work/realmods/folders; when it is absent the bench says so and exits 0.
// Each folder runs without the agent (agentPath null: the host counts registrations and runs itself) and
// with the UEVR menu open for the first frames, so on_draw_ui and script panels run too.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createSimulatedSession } from '../src/core/sim/session';
import type { ScriptError } from '../src/core/protocol/types';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--') && argv[i - 1] !== '--list'));
const DIR = positional[0] ?? process.env.UEVR_REALMODS ?? '/work/realmods/folders';
const FRAMES = Number(opt('--frames') ?? 60);
const ENGINE = (opt('--engine') ?? 'ue5') as 'ue4' | 'ue5';
const JSON_OUT = opt('--json');
const LIST = argv.includes('--list');

interface FolderResult {
  folder: string;
  scripts: number;
  loadErrors: ScriptError[];
  runErrors: ScriptError[];
  registered: number;
  ran: number;
  failed: number;
  crashed?: string;
}

/** Groups messages that differ only by names, numbers and paths, so one cause is one row. */
function messageKey(m: string): string {
  return m
    .split('\n')[0]
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\(([a-z]+) '…'\)/g, '($1 …)')
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 140);
}

async function runFolder(dir: string): Promise<FolderResult> {
  const r: FolderResult = { folder: dir, scripts: 0, loadErrors: [], runErrors: [], registered: 0, ran: 0, failed: 0 };
  const loading = { on: true };
  const sim = await createSimulatedSession({ scriptsDir: dir, agentPath: null, menuOpen: true, engine: ENGINE, watchdogMs: 2000, seed: 1 });
  try {
    sim.subscribe({
      scriptError: (e) => (loading.on ? r.loadErrors : r.runErrors).push(e),
    });
    loading.on = false;
    r.scripts = sim.scriptFiles().length;
    await sim.runFrames(5);
    sim.setMenuOpen(false);
    await sim.runFrames(Math.max(0, FRAMES - 5));
    const s = sim.hostStats();
    r.registered = s.registered;
    r.ran = s.ran;
    r.failed = s.failed;
  } catch (e) {
    r.crashed = (e as Error).message;
  } finally {
    await sim.dispose();
  }
  return r;
}

async function main(): Promise<void> {
  if (!existsSync(DIR) || !statSync(DIR).isDirectory()) {
    console.log(`realmods bench: no folder of mod folders at ${DIR} (pass DIR or set UEVR_REALMODS); nothing to measure`);
    return;
  }
  const folders = readdirSync(DIR)
    .map((f) => join(DIR, f))
    .filter((p) => statSync(p).isDirectory())
    .sort();
  const results: FolderResult[] = [];
  const t0 = performance.now();
  for (const f of folders) {
    let r: FolderResult;
    try {
      r = await runFolder(f);
    } catch (e) {
      r = { folder: f, scripts: 0, loadErrors: [], runErrors: [], registered: 0, ran: 0, failed: 0, crashed: (e as Error).message };
    }
    results.push(r);
    if (LIST) {
      const errs = r.loadErrors.length + r.runErrors.length;
      console.log(`${relative(DIR, f)}: scripts ${r.scripts}, registered ${r.registered}, ran ${r.ran}, failed ${r.failed}, errors ${errs}${r.crashed ? `, crashed: ${r.crashed}` : ''}`);
      for (const e of [...r.loadErrors, ...r.runErrors].slice(0, 5)) console.log(`    ${relative(f, e.file)}:${e.line}: ${e.message.split('\n')[0]}`);
    }
  }
  const withScripts = results.filter((r) => r.scripts > 0);
  const loadedClean = withScripts.filter((r) => r.loadErrors.length === 0 && !r.crashed);
  const registered = withScripts.filter((r) => r.registered > 0);
  const ranCallbacks = withScripts.filter((r) => r.ran > 0);
  const clean = withScripts.filter((r) => r.loadErrors.length === 0 && r.runErrors.length === 0 && !r.crashed);
  const pct = (n: number): string => `${((100 * n) / Math.max(1, withScripts.length)).toFixed(1)} %`;
  console.log(`realmods bench: ${DIR}, ${FRAMES} frames each, engine ${ENGINE}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log('');
  console.log('| measure | folders | share |');
  console.log('|---|---:|---:|');
  console.log(`| folders | ${folders.length} | |`);
  console.log(`| with top-level scripts | ${withScripts.length} | 100 % |`);
  console.log(`| loaded without error | ${loadedClean.length} | ${pct(loadedClean.length)} |`);
  console.log(`| registered callbacks | ${registered.length} | ${pct(registered.length)} |`);
  console.log(`| ran callbacks | ${ranCallbacks.length} | ${pct(ranCallbacks.length)} |`);
  console.log(`| no error at all (load and ${FRAMES} frames) | ${clean.length} | ${pct(clean.length)} |`);
  const groups = new Map<string, { count: number; folders: Set<string>; example: string }>();
  for (const r of withScripts) {
    for (const e of [...r.loadErrors, ...r.runErrors]) {
      const k = messageKey(e.message);
      let g = groups.get(k);
      if (!g) {
        g = { count: 0, folders: new Set(), example: `${relative(DIR, e.file)}:${e.line}: ${e.message.split('\n')[0].slice(0, 200)}` };
        groups.set(k, g);
      }
      g.count++;
      g.folders.add(r.folder);
    }
    if (r.crashed) {
      const k = `simulator crashed: ${messageKey(r.crashed)}`;
      const g = groups.get(k) ?? { count: 0, folders: new Set<string>(), example: r.crashed };
      g.count++;
      g.folders.add(r.folder);
      groups.set(k, g);
    }
  }
  console.log('');
  console.log('| error (grouped) | folders | reports | example |');
  console.log('|---|---:|---:|---|');
  for (const [k, g] of [...groups].sort((a, b) => b[1].folders.size - a[1].folders.size)) {
    console.log(`| ${k.replace(/\|/g, '\\|')} | ${g.folders.size} | ${g.count} | ${g.example.replace(/\|/g, '\\|')} |`);
  }
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
