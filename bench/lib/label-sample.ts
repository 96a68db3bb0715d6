// Draws the sites to label by hand (docs/rules.md "Labelling guide"): for each rule UEVR001–UEVR008, up
// to N sites the analyzer reports and N it does not, from distinct files (one copy of each file, in
// its first scripts folder), at most 2 per file and rule, seeded. Prints each site with what a labeller
// needs to judge it: the enclosing function, the blocks around the line, who calls the function.
//   node --import tsx bench/lib/label-sample.ts CORPUS_DIR [N] [SEED] [--exclude LABELS.json] [--reported-only] > worklist.txt
// --exclude leaves out sites already labelled (a held-out sample); --reported-only draws only sites
// the analyzer reports (a precision check); --silent-likely-hot draws only sites it does not report
// inside functions that look per-frame (a callback literal, or a name with update/tick/frame/draw/
// render/handle/check/process/input/aim/camera): a recall check where misses are likeliest.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeFiles } from '../../src/core/analyzer/analyze';
import { seededRandom } from '../../src/core/random';
import { ruleSites, type RuleSite } from './rule-sites';

const argv = process.argv.slice(2);
const flag = (name: string): string | boolean => {
  const i = argv.indexOf(name);
  if (i < 0) return false;
  const v = name === '--exclude' ? argv[i + 1] : true;
  argv.splice(i, name === '--exclude' ? 2 : 1);
  return v;
};
const excludeFile = flag('--exclude');
const reportedOnly = flag('--reported-only') === true;
const silentLikelyHot = flag('--silent-likely-hot') === true;
const LIKELY_HOT = /function\s*\(|update|tick|frame|draw|render|handle|check|process|input|aim|camera/i;
const [corpus, nArg, seedArg] = argv;
const excluded = new Set<string>();
if (typeof excludeFile === 'string') {
  for (const l of (JSON.parse(readFileSync(excludeFile, 'utf8')) as { labels: { folder: string; file: string; line: number; rule: string }[] }).labels) {
    excluded.add(`${l.folder}/${l.file}:${l.line}:${l.rule}`);
  }
}
const N = Number(nArg ?? 20);
const rng = seededRandom(Number(seedArg ?? 7));

function luaFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) luaFiles(p, out);
    else if (name.toLowerCase().endsWith('.lua')) out.push(p);
  }
  return out;
}

interface Cand extends RuleSite { folder: string; file: string; flagged: boolean; hot: string }
const seen = new Set<string>();
const cands: Cand[] = [];
const folderTexts = new Map<string, Map<string, string>>();
for (const folder of readdirSync(corpus).sort()) {
  const dir = join(corpus, folder);
  if (!statSync(dir).isDirectory()) continue;
  const files = luaFiles(dir);
  const texts = new Map<string, string>();
  for (const f of files) texts.set(f, readFileSync(f, 'utf8'));
  folderTexts.set(folder, texts);
  const mine = files.filter((f) => {
    const h = createHash('sha1').update(texts.get(f)!).digest('hex');
    if (seen.has(h)) return false;
    seen.add(h);
    return true;
  });
  if (mine.length === 0) continue;
  const results = analyzeFiles(files.map((f) => ({ uri: pathToFileURL(f).href, text: texts.get(f)! })));
  for (const f of mine) {
    const findings = results.get(pathToFileURL(f).href) ?? [];
    for (const s of ruleSites(texts.get(f)!)) {
      const hit = findings.find((x) => x.code === s.rule && x.range.start.line + 1 === s.line);
      cands.push({ ...s, folder, file: relative(dir, f), flagged: !!hit, hot: hit?.hot ? `${hit.hot.callback}${(hit.hot.via ?? []).length > 1 ? ' via ' + hit.hot.via!.slice(1).join('>') : ''}` : '' });
    }
  }
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const picked: Cand[] = [];
for (const rule of ['UEVR001', 'UEVR002', 'UEVR003', 'UEVR004', 'UEVR005', 'UEVR006', 'UEVR007', 'UEVR008']) {
  for (const flagged of reportedOnly ? [true] : silentLikelyHot ? [false] : [true, false]) {
    const pool = shuffle(cands.filter((c) => c.rule === rule && c.flagged === flagged && !excluded.has(`${c.folder}/${c.file}:${c.line}:${c.rule}`)
      // R5/R6 look-alikes worth judging: a prefix read at least twice / a fetch at least twice.
      && (rule !== 'UEVR005' || /×([2-9]|\d\d)/.test(c.what)) && (rule !== 'UEVR006' || flagged || /×[2-9]/.test(c.what) || rng() < 0.3)));
    const perFile = new Map<string, number>();
    let k = 0;
    for (const c of pool) {
      if (k >= N) break;
      if (silentLikelyHot) {
        const header = (folderTexts.get(c.folder)!.get(join(corpus, c.folder, c.file)) ?? '').split('\n')[c.fnLine - 1] ?? '';
        if (!LIKELY_HOT.test(header)) continue;
      }
      const key = `${c.folder}/${c.file}`;
      if ((perFile.get(key) ?? 0) >= 2) continue;
      perFile.set(key, (perFile.get(key) ?? 0) + 1);
      picked.push(c);
      k++;
    }
  }
}

const fnName = (line: string): string | null => {
  const m = /function\s+([\w.:]+)\s*\(/.exec(line) ?? /([\w.]+)\s*=\s*function\s*\(/.exec(line);
  return m ? m[1].split(/[.:]/).pop()! : null;
};
let id = 0;
for (const c of picked) {
  const texts = folderTexts.get(c.folder)!;
  const full = join(corpus, c.folder, c.file);
  const lines = texts.get(full)!.split('\n');
  const out: string[] = [];
  out.push(`#${++id} ${c.rule} ${c.what} | ${c.folder}/${c.file}:${c.line} | analyzer: ${c.flagged ? 'REPORTS (' + c.hot + ')' : 'silent'}`);
  const header = lines[c.fnLine - 1] ?? '';
  out.push(`   fn@${c.fnLine}: ${header.trim().slice(0, 160)}`);
  // Block headers between the function start and the site (indentation-based: enough to judge guards).
  const siteIndent = (lines[c.line - 1] ?? '').search(/\S/);
  let ind = siteIndent;
  const hdrs: string[] = [];
  for (let l = c.line - 2; l >= c.fnLine; l--) {
    const t = lines[l];
    const i = t.search(/\S/);
    if (i >= 0 && i < ind && /^\s*(if|elseif|else|for|while|repeat|local function|function|.*function\s*\()/.test(t)) {
      hdrs.unshift(`   @${l + 1}: ${t.trim().slice(0, 140)}`);
      ind = i;
    }
    // Early returns at the function's top level guard what follows.
    if (/^\s*if .* then\s*return\b/.test(t) && i <= siteIndent) hdrs.unshift(`   @${l + 1}: ${t.trim().slice(0, 140)}`);
  }
  out.push(...hdrs.slice(-6));
  for (let l = Math.max(c.fnLine, c.line - 1); l <= Math.min(lines.length, c.line + 1); l++) out.push(`   ${l === c.line ? '>' : ' '}${l}: ${lines[l - 1].slice(0, 170)}`);
  const name = fnName(header);
  if (name) {
    const callers: string[] = [];
    for (const [p, t] of texts) {
      t.split('\n').forEach((ln, i) => {
        if (callers.length < 4 && new RegExp(`\\b${name}\\b`).test(ln) && !(p === full && i + 1 === c.fnLine)) callers.push(`${relative(join(corpus, c.folder), p)}:${i + 1}: ${ln.trim().slice(0, 120)}`);
      });
    }
    out.push(`   uses of ${name}: ${callers.length ? '\n     ' + callers.join('\n     ') : 'none'}`);
  }
  console.log(out.join('\n'));
}
console.error(`${picked.length} sites from ${cands.length} candidates`);
