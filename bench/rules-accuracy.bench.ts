// Precision and recall of rules UEVR001–UEVR008 on hand-labelled call sites of real public mods
// (test/fixtures/analyzer/labels/rule-sites.json; the labelling guide is in docs/rules.md). The
// analyzer runs as `uevr-prof analyze FOLDER` does (a scripts folder's files together); a site counts
// as reported when a finding of its rule is on its line (UEVR004 if/elseif chains: anywhere in the
// chain's conditions, where the one chain finding sits). Prints the per-rule table; exits 1 when a rule
// is below the targets (precision 95 %, recall 85 %).
//   node --import tsx bench/rules-accuracy.bench.ts [CORPUS_DIR]
// CORPUS_DIR: the folder of scripts folders the labels were drawn from ($UEVRPROF_CORPUS or
// /work/realmods/folders); a labelled file whose content changed (sha1) is skipped and counted.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeFiles } from '../src/core/analyzer/analyze';
import type { Finding } from '../src/core/analyzer/types';
import type { IfStmt } from '../src/core/lua/ast';
import { parse } from '../src/core/lua/parser';
import { LineIndex } from '../src/core/lua/positions';
import { walk } from '../src/core/analyzer/syntax';

interface Label {
  id: number; rule: string; repository: string; commit: string; path: string; folder: string; file: string; sha1: string;
  line: number; site: string; hot: boolean; pattern: boolean; verdict: 'report' | 'silent'; note: string;
}

const corpus = process.argv[2] ?? process.env.UEVRPROF_CORPUS ?? '/work/realmods/folders';
const LABEL_DIR = join(__dirname, '../test/fixtures/analyzer/labels');
const readLabels = (name: string): Label[] => (JSON.parse(readFileSync(join(LABEL_DIR, name), 'utf8')) as { labels: Label[] }).labels;
/** The development sample (40 per rule), a held-out precision sample and a recall sample where misses are likeliest. */
const SETS: [string, Label[]][] = ['rule-sites.json', 'rule-sites-holdout.json', 'rule-sites-recall.json'].map((n) => [n, readLabels(n)]);
const PRECISION = 0.95;
const RECALL = 0.85;

function luaFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) luaFiles(p, out);
    else if (name.toLowerCase().endsWith('.lua')) out.push(p);
  }
  return out;
}

/** Lines of the if/elseif chains whose conditions contain `line` (UEVR004 reports a chain once). */
function chainLines(text: string, line: number): [number, number] | null {
  const chunk = parse(text);
  const li = new LineIndex(text);
  let best: [number, number] | null = null;
  walk(chunk.body, (n) => {
    if (n.kind !== 'If') return;
    const s = n as IfStmt;
    const conds = s.clauses.filter((c) => c.cond).map((c) => [li.lineOf(c.cond!.start) + 1, li.lineOf(c.cond!.end) + 1] as [number, number]);
    if (conds.some(([a, b]) => a <= line && line <= b)) best = [li.lineOf(s.start) + 1, li.lineOf(s.end) + 1];
  });
  return best;
}

function main(): number {
  if (!existsSync(corpus)) {
    console.log(`rules-accuracy: no corpus at ${corpus}; skipped`);
    return 0;
  }
  let failed = false;
  for (const [name, labels] of SETS) {
    console.log(`\n## ${name}\n`);
    if (score(labels, name !== 'rule-sites-holdout.json')) failed = true;
  }
  return failed ? 1 : 0;
}

/** Prints the table for one label set; true when a rule misses a target (recall only for the full sample). */
function score(labels: Label[], withRecall: boolean): boolean {
  const byFolder = new Map<string, Label[]>();
  for (const l of labels) byFolder.set(l.folder, [...(byFolder.get(l.folder) ?? []), l]);
  const results: { l: Label; reported: boolean }[] = [];
  let skipped = 0;
  const t0 = performance.now();
  for (const [folder, ls] of byFolder) {
    const dir = join(corpus, folder);
    if (!existsSync(dir)) {
      skipped += ls.length;
      continue;
    }
    const files = luaFiles(dir);
    const inputs = files.map((f) => ({ uri: pathToFileURL(f).href, text: readFileSync(f, 'utf8'), path: f }));
    const findings = analyzeFiles(inputs);
    for (const l of ls) {
      const inp = inputs.find((x) => x.path === join(dir, l.file));
      if (!inp || createHash('sha1').update(inp.text).digest('hex') !== l.sha1) {
        skipped++;
        continue;
      }
      const fs: Finding[] = (findings.get(inp.uri) ?? []).filter((f) => f.code === l.rule);
      let reported = fs.some((f) => f.range.start.line + 1 === l.line);
      if (!reported && l.rule === 'UEVR004') {
        const span = chainLines(inp.text, l.line);
        if (span) reported = fs.some((f) => f.range.start.line + 1 >= span[0] && f.range.start.line + 1 <= span[1] && /if\/elseif chain/.test(f.message));
      }
      results.push({ l, reported });
    }
  }
  const ms = performance.now() - t0;
  console.log('| rule | labelled | report (truth) | TP | FP | FN | TN | precision | recall |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  let failed = false;
  const wrong: string[] = [];
  void withRecall;
  for (const rule of [...new Set(labels.map((l) => l.rule))].sort()) {
    const rs = results.filter((r) => r.l.rule === rule);
    const tp = rs.filter((r) => r.reported && r.l.verdict === 'report').length;
    const fp = rs.filter((r) => r.reported && r.l.verdict === 'silent').length;
    const fn = rs.filter((r) => !r.reported && r.l.verdict === 'report').length;
    const tn = rs.length - tp - fp - fn;
    const p = tp + fp ? tp / (tp + fp) : 1;
    const r = tp + fn ? tp / (tp + fn) : 1;
    if (p < PRECISION || (withRecall && r < RECALL)) failed = true;
    console.log(`| ${rule} | ${rs.length} | ${tp + fn} | ${tp} | ${fp} | ${fn} | ${tn} | ${(p * 100).toFixed(1)} % | ${(r * 100).toFixed(1)} % |`);
    for (const x of rs) {
      if (x.reported !== (x.l.verdict === 'report')) wrong.push(`${x.reported ? 'FP' : 'FN'} #${x.l.id} ${rule} ${x.l.folder}/${x.l.file}:${x.l.line} (${x.l.note})`);
    }
  }
  console.log(`\n${results.length} labelled sites scored, ${skipped} skipped (file missing or changed); analysis ${(ms / 1000).toFixed(1)} s`);
  for (const w of wrong) console.log(w);
  return failed;
}

process.exit(main());
