// Entry points of the analyzer: analyze one file (with its required files for hot-path inference),
// analyze a set of files sharing one Lua state, and apply all safe fixes.
import type { Chunk } from '../lua/ast';
import { reparseIncrementally } from '../lua/incremental';
import { parse } from '../lua/parser';
import { LineIndex } from '../lua/positions';
import { FixContext } from './fixctx';
import { Project, type FileUnit } from './hot';
import { RuleChecker } from './rules';
import { applySuppressions, collectSuppressions } from './suppress';
import type { AnalyzeOptions, Finding, Fix, RequireResolution, TextEdit } from './types';

/** How many `require`d files (transitively) are pulled in for one analysis. */
const MAX_REQUIRED_FILES = 64;

function unitOf(uri: string, text: string): FileUnit {
  return { uri, text, chunk: parse(text), lines: new LineIndex(text) };
}

/** Last parse per uri, for incremental re-analysis (small LRU: the editor has few files changing). */
const parseCache = new Map<string, { text: string; chunk: Chunk }>();
const PARSE_CACHE_SIZE = 32;

function unitIncremental(uri: string, text: string): FileUnit {
  const prev = parseCache.get(uri);
  let chunk: Chunk;
  if (prev && prev.text === text) chunk = prev.chunk;
  else if (prev && reparseIncrementally(prev.text, prev.chunk, text)) chunk = prev.chunk;
  else chunk = parse(text);
  parseCache.delete(uri);
  parseCache.set(uri, { text, chunk });
  if (parseCache.size > PARSE_CACHE_SIZE) parseCache.delete(parseCache.keys().next().value as string);
  return { uri, text, chunk, lines: new LineIndex(text) };
}

function syntaxFindings(u: FileUnit): Finding[] {
  return u.chunk.errors.map((e) => ({
    code: 'syntax', severity: 'error' as const, message: e.message, range: u.lines.range(e.start, e.end), hot: null, fixes: [],
  }));
}

/** Findings for one file of a project whose hot-path inference has run. */
function findingsFor(project: Project, u: FileUnit, opts: AnalyzeOptions): Finding[] {
  let rules: Finding[];
  try {
    rules = new RuleChecker(u, project, new FixContext(u.text, u.chunk, u.lines)).run();
  } catch (e) {
    // Only pathological nesting (a chain of 100k `.x`) can exhaust the stack; say so instead of crashing.
    if (!(e instanceof RangeError)) throw e;
    rules = [{ code: 'syntax', severity: 'information', message: 'the file is nested too deeply to analyse for performance rules',
      range: u.lines.range(0, 0), hot: null, fixes: [] }];
  }
  const all = [...syntaxFindings(u), ...rules];
  return applySuppressions(all, collectSuppressions(u.chunk.comments, u.lines), opts.disabledRules);
}

function buildProject(units: FileUnit[], resolveUri: (name: string, from: string) => string | undefined): Project {
  const p = new Project();
  for (const u of units) p.addFile(u);
  try {
    p.build(resolveUri);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  return p;
}

/** The caller's require resolver, where a throwing resolver counts as "not found" (analysis goes on). */
function resolveSafely(opts: AnalyzeOptions, name: string, from: string): RequireResolution | undefined {
  try {
    return opts.resolveRequire?.(name, from);
  } catch {
    return undefined;
  }
}

/**
 * Analyzes one file. With `resolveRequire`, the files it requires (transitively) join the inference:
 * a function passed to a registrar defined in a library file is hot, calls into modules propagate.
 */
export function analyze(text: string, uri: string, opts: AnalyzeOptions = {}): Finding[] {
  const main = opts.incremental ? unitIncremental(uri, text) : unitOf(uri, text);
  const units: FileUnit[] = [main];
  const byName = new Map<string, string>();
  if (opts.resolveRequire) {
    const queue = [main];
    while (queue.length && units.length < MAX_REQUIRED_FILES) {
      const u = queue.shift()!;
      for (const name of Project.requiresOf(u.chunk)) {
        const key = `${u.uri}\u0000${name}`;
        if (byName.has(key)) continue;
        const r = resolveSafely(opts, name, u.uri);
        if (!r) continue;
        byName.set(key, r.uri);
        if (!units.some((x) => x.uri === r.uri)) {
          const nu = unitOf(r.uri, r.text);
          units.push(nu);
          queue.push(nu);
        }
      }
    }
  }
  const project = buildProject(units, (name, from) => byName.get(`${from}\u0000${name}`));
  return findingsFor(project, main, opts);
}

/**
 * Analyzes several files that run in one Lua state (UEVR's scripts folder): globals are shared, and a
 * file's `require("x")` resolves to the file whose uri ends with `x.lua` (dots as folders), else through
 * opts.resolveRequire (those extra files join the inference but get no findings of their own).
 */
export function analyzeFiles(files: { uri: string; text: string }[], opts: AnalyzeOptions = {}): Map<string, Finding[]> {
  const units = files.map((f) => unitOf(f.uri, f.text));
  const findUnit = (name: string): FileUnit | undefined => {
    const want = '/' + name.replace(/\./g, '/') + '.lua';
    return units.find((u) => u.uri.replace(/\\/g, '/').endsWith(want) || u.uri.endsWith('/' + name + '.lua'));
  };
  const byName = new Map<string, string>();
  if (opts.resolveRequire) {
    for (let i = 0; i < units.length && units.length < files.length + MAX_REQUIRED_FILES; i++) {
      const u = units[i];
      for (const name of Project.requiresOf(u.chunk)) {
        if (findUnit(name)) continue;
        const r = resolveSafely(opts, name, u.uri);
        if (!r) continue;
        byName.set(`${u.uri}\u0000${name}`, r.uri);
        if (!units.some((x) => x.uri === r.uri)) units.push(unitOf(r.uri, r.text));
      }
    }
  }
  const project = buildProject(units, (name, from) => findUnit(name)?.uri ?? byName.get(`${from}\u0000${name}`));
  const out = new Map<string, Finding[]>();
  for (const f of files) {
    const u = units.find((x) => x.uri === f.uri);
    if (u && !out.has(u.uri)) out.set(u.uri, findingsFor(project, u, opts));
  }
  return out;
}

/**
 * Applies non-overlapping text edits (LSP semantics: ranges refer to the original text; insertions at
 * the same offset keep their order and go before a replacement that starts there).
 * Edits are applied from the end of the text backwards. At one offset the replacement must be applied
 * before the insertions: applied after one, its range would cover the inserted text instead of the
 * original (fix-all once produced `relativeLocationme()` that way, from an R5 replacement and an R4
 * insertion at the same statement start).
 */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const li = new LineIndex(text);
  const abs = edits.map((e, i) => ({ s: li.offset(e.range.start), e: li.offset(e.range.end), t: e.newText, i }));
  abs.sort((a, b) => b.s - a.s || (b.e - b.s) - (a.e - a.s) || b.i - a.i);
  let out = text;
  for (const a of abs) out = out.slice(0, a.s) + a.t + out.slice(a.e);
  return out;
}

/** Does the fix keep the file parseable (our parser implements Lua 5.4's acceptance rules)? */
export function fixKeepsSyntax(text: string, fix: Fix): boolean {
  const before = parse(text).errors.length;
  return parse(applyEdits(text, fix.edits)).errors.length <= before;
}

function overlaps(a: { s: number; e: number }, b: { s: number; e: number }): boolean {
  if (a.s === a.e || b.s === b.e) return a.s > b.s && a.s < b.e || b.s > a.s && b.s < a.e;
  return a.s < b.e && b.s < a.e;
}

/**
 * Applies every 'safe' fix (never suggestions), in rounds: non-conflicting fixes together, identical
 * shared edits (a helper both fixes insert) once, then re-analysis, until nothing safe is left.
 */
export function fixAll(text: string, uri = 'untitled:fix.lua', opts: AnalyzeOptions = {}): { text: string; applied: number; codes: string[] } {
  let cur = text;
  let applied = 0;
  const codes = new Set<string>();
  // A file our parser cannot read has a recovered AST: offsets and block structure are guesses, and a
  // fix built on them can cut a function in half. Such a file is left as it is.
  if (parse(text).errors.length > 0) return { text, applied, codes: [] };
  for (let round = 0; round < 12; round++) {
    const findings = analyze(cur, uri, opts);
    const li = new LineIndex(cur);
    const chosen: TextEdit[] = [];
    const spans: { s: number; e: number; t: string }[] = [];
    let n = 0;
    const roundCodes: string[] = [];
    for (const f of findings) {
      const fix = f.fixes.find((x) => x.kind === 'safe');
      if (!fix) continue;
      const mine = fix.edits.map((e) => ({ s: li.offset(e.range.start), e: li.offset(e.range.end), t: e.newText }));
      const fresh = mine.filter((m) => !spans.some((x) => x.s === m.s && x.e === m.e && x.t === m.t));
      if (fresh.some((m) => spans.some((x) => overlaps(m, x)))) continue;
      if (!fixKeepsSyntax(cur, fix)) continue;
      for (const m of fresh) {
        spans.push(m);
        chosen.push({ range: li.range(m.s, m.e), newText: m.t });
      }
      roundCodes.push(f.code);
      n++;
    }
    if (n === 0) break;
    const next = applyEdits(cur, chosen);
    if (parse(next).errors.length > parse(cur).errors.length) break; // never make the file worse
    cur = next;
    applied += n;
    for (const c of roundCodes) codes.add(c);
  }
  return { text: cur, applied, codes: [...codes].sort() };
}
