// Fix-all over a corpus of real UEVR scripts folders, proven safe: for every folder (a folder of
// folders in, one scripts folder each), `fixAll` runs on every .lua file as `uevr-prof analyze --fix`
// does; each changed file must pass `luac5.4 -p`, and the folder before and after must behave the same
// in the simulated session (behaviour trace, src/core/analyzer/behaviour) apart from the intended change
// of the applied fixes (trace-compare.ts). The original is traced twice first: if those two runs differ,
// the simulated run is not deterministic for that folder and a comparison would prove nothing (counted
// as a failure). Prints one row per folder and the totals; exits 1 on any failure.
//   node --import tsx bench/fixcorpus.bench.ts [CORPUS_DIR] [--frames N] [--keep DIR] [--jobs N]
// CORPUS_DIR defaults to $UEVRPROF_CORPUS or /work/realmods/folders (real mods are never committed;
// without a corpus the run says so and exits 0). --jobs N (default 2) splits the folders over N worker
// processes (the same script with --shard i/N, one JSON line per folder), so a busy machine still
// finishes the whole corpus.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
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
const jobs = Math.max(1, Number(opt('--jobs') ?? 2));
const shard = opt('--shard');
const corpus = args[0] ?? process.env.UEVRPROF_CORPUS ?? '/work/realmods/folders';
const MAX_BYTES = 5_000_000;

/** What one folder gave (a worker prints one per line as JSON). */
interface FolderResult {
  folder: string;
  files: number;
  lines: number;
  origUnparsable: number;
  changed: number;
  fixes: number;
  codes: string[];
  /** Changed files per rule code (a file counts once per code fixAll applied in it). */
  codeFiles: Record<string, number>;
  luacFail: number;
  traced: boolean;
  deterministic: boolean;
  behaviourDiff: boolean;
  behaviour: string;
  failures: string[];
  fixMs: number;
  traceMs: number;
}

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

async function runFolder(folder: string): Promise<FolderResult | null> {
  const dir = join(corpus, folder);
  let files: string[];
  try {
    files = luaFiles(dir);
  } catch {
    return null; // a folder being replaced while we read
  }
  if (files.length === 0) return null;
  const res: FolderResult = {
    folder, files: files.length, lines: 0, origUnparsable: 0, changed: 0, fixes: 0, codes: [], codeFiles: {}, luacFail: 0,
    traced: false, deterministic: true, behaviourDiff: false, behaviour: 'unchanged files', failures: [], fixMs: 0, traceMs: 0,
  };
  const work = mkdtempSync(join(tmpdir(), 'uevrprof-fixcorpus-'));
  const fixedDir = join(work, 'fixed');
  cpSync(dir, fixedDir, { recursive: true });
  const codes = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    res.lines += text.split('\n').length;
    const t0 = performance.now();
    const r = fixAll(text, `file://${f}`);
    res.fixMs += performance.now() - t0;
    if (r.text === text) continue;
    if (luacError(text) !== null) {
      res.origUnparsable++;
      continue; // only files that parse before are judged (and the fixed copy keeps the original)
    }
    res.changed++;
    res.fixes += r.applied;
    for (const c of r.codes) {
      codes.add(c);
      res.codeFiles[c] = (res.codeFiles[c] ?? 0) + 1;
    }
    writeFileSync(join(fixedDir, relative(dir, f)), r.text);
    const err = luacError(r.text);
    if (err !== null) {
      res.luacFail++;
      res.failures.push(`${folder}/${relative(dir, f)}: luac -p after fix: ${err}`);
      if (keep) {
        mkdirSync(keep, { recursive: true });
        writeFileSync(join(keep, `${folder}__${relative(dir, f).replace(/[\\/]/g, '__')}`), r.text);
      }
    }
  }
  res.codes = [...codes].sort();
  if (res.changed > 0) {
    const t0 = performance.now();
    try {
      const before = await traceScriptsFolder(dir, { frames });
      const again = await traceScriptsFolder(dir, { frames });
      const after = await traceScriptsFolder(fixedDir, { frames });
      res.traced = true;
      const twice = compareTraces(before, again, []);
      const cmp = compareTraces(before, after, codes);
      if (!twice.same) {
        res.deterministic = false;
        res.behaviour = `NOT DETERMINISTIC (two runs of the original differ): ${twice.difference}`;
        res.failures.push(`${folder}: two runs of the unfixed folder differ: ${twice.difference}`);
      } else if (!cmp.same) {
        res.behaviourDiff = true;
        res.behaviour = `DIFFERENT: ${cmp.difference}`;
        res.failures.push(`${folder}: behaviour differs after fix-all (${res.codes.join(' ')}): ${cmp.difference}`);
        if (keep) cpSync(fixedDir, join(keep, `${folder}.fixed`), { recursive: true });
      } else res.behaviour = `same (${before.records.length} records)`;
    } catch (e) {
      res.behaviour = `not traced: ${e instanceof Error ? e.message : String(e)}`;
    }
    res.traceMs += performance.now() - t0;
  }
  rmSync(work, { recursive: true, force: true });
  return res;
}

function listFolders(): string[] {
  return readdirSync(corpus).filter((f) => statSync(join(corpus, f)).isDirectory()).sort();
}

/** Worker: the folders i, i+N, … of the sorted list, one JSON line each. */
async function worker(spec: string): Promise<number> {
  const [i, n] = spec.split('/').map(Number);
  const folders = listFolders().filter((_, k) => k % n === i);
  for (const f of folders) {
    const r = await runFolder(f);
    if (r) process.stdout.write(JSON.stringify(r) + '\n');
  }
  return 0;
}

function runWorkers(): Promise<FolderResult[]> {
  const results: FolderResult[] = [];
  const selfArgs = [...process.execArgv, process.argv[1], corpus, '--frames', String(frames), ...(keep ? ['--keep', keep] : [])];
  return Promise.all(Array.from({ length: jobs }, (_, i) => new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [...selfArgs, '--shard', `${i}/${jobs}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const r = JSON.parse(line) as FolderResult;
      results.push(r);
      process.stderr.write(`\r${results.length} folders done`);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${i} exited with ${code}`))));
  }))).then(() => {
    process.stderr.write('\n');
    return results.sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
  });
}

async function main(): Promise<number> {
  if (!existsSync(corpus)) {
    console.log(`fixcorpus: no corpus at ${corpus} (pass a folder of scripts folders); skipped`);
    return 0;
  }
  if (shard) return worker(shard);
  const t0 = performance.now();
  const results = await runWorkers();
  const wallS = (performance.now() - t0) / 1000;
  const totals = { folders: 0, files: 0, lines: 0, origUnparsable: 0, changed: 0, fixes: 0, luacFail: 0, traced: 0, behaviourDiff: 0, nondeterministic: 0, fixMs: 0, traceMs: 0 };
  const byCode = new Map<string, number>();
  const failures: string[] = [];
  console.log('| folder | files | changed | fixes | luac -p fails | behaviour |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    totals.folders++;
    totals.files += r.files;
    totals.lines += r.lines;
    totals.origUnparsable += r.origUnparsable;
    totals.changed += r.changed;
    totals.fixes += r.fixes;
    totals.luacFail += r.luacFail;
    totals.traced += r.traced ? 1 : 0;
    totals.behaviourDiff += r.behaviourDiff ? 1 : 0;
    totals.nondeterministic += r.deterministic ? 0 : 1;
    totals.fixMs += r.fixMs;
    totals.traceMs += r.traceMs;
    failures.push(...r.failures);
    console.log(`| ${r.folder} | ${r.files} | ${r.changed} | ${r.fixes} | ${r.luacFail} | ${r.behaviour.replace(/\|/g, '\\|').slice(0, 300)} |`);
  }
  for (const r of results) for (const [c, n] of Object.entries(r.codeFiles)) byCode.set(c, (byCode.get(c) ?? 0) + n);
  console.log('');
  console.log(`folders ${totals.folders}, files ${totals.files}, lines ${totals.lines}; fix-all changed ${totals.changed} files (${totals.fixes} fixes; files per rule: ${[...byCode].sort().map(([c, n]) => `${c} ${n}`).join(', ')})`);
  console.log(`files unparsable before (skipped): ${totals.origUnparsable}; luac -p failures after fix: ${totals.luacFail}; folders traced: ${totals.traced}, not deterministic: ${totals.nondeterministic}, behaviour differences: ${totals.behaviourDiff}`);
  console.log(`wall ${wallS.toFixed(1)} s with ${jobs} worker(s); fix-all time ${(totals.fixMs / 1000).toFixed(1)} s; tracing time (3 traces per changed folder) ${(totals.traceMs / 1000).toFixed(1)} s`);
  for (const f of failures) console.log('FAIL ' + f);
  return failures.length ? 1 : 0;
}

main().then((c) => process.exit(c), (e) => {
  console.error(e);
  process.exit(2);
});
