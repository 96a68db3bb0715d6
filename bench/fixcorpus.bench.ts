// Fix-all over a corpus of real UEVR scripts folders, proven safe: for every folder (a folder of
// folders in, one scripts folder each), `fixAll` runs on every .lua file as `uevr-prof analyze --fix`
// does; each changed file must pass `luac5.4 -p`, and the folder before and after must behave the same
// in the simulated session (behaviour trace, src/core/analyzer/behaviour) apart from the lookups the
// applied fixes remove. Prints one row per folder and the totals; exits 1 on any failure.
//   node --import tsx bench/fixcorpus.bench.ts [CORPUS_DIR] [--frames N] [--keep DIR]
// CORPUS_DIR defaults to $UEVRPROF_CORPUS or /work/realmods/folders (real mods are never committed;
// without a corpus the run says so and exits 0).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fixAll } from '../src/core/analyzer/analyze';
import { compareTraces } from '../src/core/analyzer/behaviour/trace-compare';
import { traceScriptsFolder } from '../src/core/analyzer/behaviour/trace-run';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const frames = Number(opt('--frames') ?? 30);
const keep = opt('--keep');
const corpus = args[0] ?? process.env.UEVRPROF_CORPUS ?? '/work/realmods/folders';
const MAX_BYTES = 5_000_000;

function luaFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) luaFiles(p, out);
    else if (name.toLowerCase().endsWith('.lua') && st.size <= MAX_BYTES) out.push(p);
  }
  return out;
}

function luacError(text: string): string | null {
  const r = spawnSync('luac5.4', ['-p', '-'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`luac5.4 is needed (Debian package lua5.4): ${r.error.message}`);
  return r.status === 0 ? null : (r.stderr || 'luac failed').trim().replace(/^luac5\.4: /, '');
}

async function main(): Promise<number> {
  if (!existsSync(corpus)) {
    console.log(`fixcorpus: no corpus at ${corpus} (pass a folder of scripts folders); skipped`);
    return 0;
  }
  const folders = readdirSync(corpus).filter((f) => statSync(join(corpus, f)).isDirectory()).sort();
  const totals = { folders: 0, files: 0, lines: 0, origUnparsable: 0, changed: 0, fixes: 0, luacFail: 0, traced: 0, behaviourDiff: 0, fixMs: 0, traceMs: 0 };
  const byCode = new Map<string, number>();
  const failures: string[] = [];
  console.log('| folder | files | changed | fixes | luac -p fails | behaviour |');
  console.log('|---|---|---|---|---|---|');
  for (const folder of folders) {
    const dir = join(corpus, folder);
    let files: string[];
    try {
      files = luaFiles(dir);
    } catch {
      continue; // a folder being replaced while we read
    }
    if (files.length === 0) continue;
    totals.folders++;
    const work = mkdtempSync(join(tmpdir(), 'uevrprof-fixcorpus-'));
    const fixedDir = join(work, 'fixed');
    cpSync(dir, fixedDir, { recursive: true });
    let changed = 0;
    let fixes = 0;
    let luacFail = 0;
    const codes = new Set<string>();
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      totals.files++;
      totals.lines += text.split('\n').length;
      const t0 = performance.now();
      const r = fixAll(text, `file://${f}`);
      totals.fixMs += performance.now() - t0;
      if (r.text === text) continue;
      if (luacError(text) !== null) {
        totals.origUnparsable++;
        continue; // only files that parse before are judged (and the fixed copy keeps the original)
      }
      changed++;
      fixes += r.applied;
      for (const c of r.codes) {
        codes.add(c);
        byCode.set(c, (byCode.get(c) ?? 0) + 1);
      }
      writeFileSync(join(fixedDir, relative(dir, f)), r.text);
      const err = luacError(r.text);
      if (err !== null) {
        luacFail++;
        failures.push(`${folder}/${relative(dir, f)}: luac -p after fix: ${err}`);
        if (keep) {
          mkdirSync(keep, { recursive: true });
          writeFileSync(join(keep, `${folder}__${relative(dir, f).replace(/[\\/]/g, '__')}`), r.text);
        }
      }
    }
    let behaviour = 'unchanged files';
    if (changed > 0) {
      const t0 = performance.now();
      try {
        const before = await traceScriptsFolder(dir, { frames });
        const after = await traceScriptsFolder(fixedDir, { frames });
        totals.traced++;
        const cmp = compareTraces(before, after, codes);
        behaviour = cmp.same ? `same (${before.records.length} records)` : `DIFFERENT: ${cmp.difference}`;
        if (!cmp.same) {
          totals.behaviourDiff++;
          failures.push(`${folder}: behaviour differs after fix-all (${[...codes].join(' ')}): ${cmp.difference}`);
          if (keep) cpSync(fixedDir, join(keep, `${folder}.fixed`), { recursive: true });
        }
      } catch (e) {
        behaviour = `not traced: ${e instanceof Error ? e.message : String(e)}`;
      }
      totals.traceMs += performance.now() - t0;
    }
    rmSync(work, { recursive: true, force: true });
    totals.changed += changed;
    totals.fixes += fixes;
    totals.luacFail += luacFail;
    console.log(`| ${folder} | ${files.length} | ${changed} | ${fixes} | ${luacFail} | ${behaviour.replace(/\|/g, '\\|').slice(0, 300)} |`);
  }
  console.log('');
  console.log(`folders ${totals.folders}, files ${totals.files}, lines ${totals.lines}; fix-all changed ${totals.changed} files (${totals.fixes} fixes; files per rule: ${[...byCode].sort().map(([c, n]) => `${c} ${n}`).join(', ')})`);
  console.log(`files unparsable before (skipped): ${totals.origUnparsable}; luac -p failures after fix: ${totals.luacFail}; folders traced: ${totals.traced}, behaviour differences: ${totals.behaviourDiff}`);
  console.log(`fix-all time ${(totals.fixMs / 1000).toFixed(1)} s; tracing time ${(totals.traceMs / 1000).toFixed(1)} s`);
  for (const f of failures) console.log('FAIL ' + f);
  return failures.length ? 1 : 0;
}

main().then((c) => process.exit(c), (e) => {
  console.error(e);
  process.exit(2);
});
