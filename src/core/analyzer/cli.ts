// `uevr-prof analyze PATHS... [--json] [--fix] [--fail-on SEVERITY]`: static analysis for CI.
// Exit codes: 0 ran, 1 a finding at or above --fail-on, 2 bad usage (unknown flag, missing path).
import { lstatSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeFiles, fixAll } from './analyze';
import { readRegularTextFile } from '../io/safeRead';
import type { Finding, Severity } from './types';

const SEVERITIES: Severity[] = ['error', 'warning', 'information', 'hint'];
const MAX_FILE_BYTES = 5_000_000;

export interface AnalyzeJsonRecord {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: Severity;
  message: string;
  fixable: boolean;
}

const USAGE = 'usage: uevr-prof analyze PATHS... [--json] [--fix] [--fail-on error|warning|information|hint]';

/**
 * Collects the .lua files under p. What cannot be walked (a symlink loop, a folder without
 * permission, a broken link) is reported through `skip` and the walk goes on with the rest; folders
 * are visited once by their real path, so a link loop ends.
 */
function luaFiles(p: string, out: string[], skip: (path: string, why: string) => void, seen = new Set<string>(), top = true): void {
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    if (top) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    skip(p, code === 'ELOOP' ? 'symbolic link loop' : code === 'ENOENT' ? 'broken link' : (e as Error).message.split('\n')[0]!);
    return;
  }
  if (!st.isDirectory()) {
    // Named files and *.lua in folders: kept whatever they are; non-regular ones are refused when read.
    if (top || p.endsWith('.lua')) out.push(p);
    return;
  }
  let real: string;
  let names: string[];
  try {
    real = realpathSync(p);
    names = readdirSync(p).sort();
  } catch (e) {
    if (top) throw e;
    skip(p, (e as Error).message.split('\n')[0]!);
    return;
  }
  if (seen.has(real)) {
    if (lstatSync(p).isSymbolicLink()) skip(p, 'symbolic link to a folder already analyzed (a loop)');
    return;
  }
  seen.add(real);
  for (const name of names) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    luaFiles(join(p, name), out, skip, seen, false);
  }
}

export async function runAnalyzeCommand(
  argv: string[],
  io: { out: (s: string) => void; err: (s: string) => void } = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
): Promise<number> {
  const args = argv[0] === 'analyze' ? argv.slice(1) : argv;
  let json = false;
  let fix = false;
  let failOn: Severity | null = null;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--fix') fix = true;
    else if (a === '--fail-on' || a.startsWith('--fail-on=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!v || !SEVERITIES.includes(v as Severity)) {
        io.err(`uevr-prof analyze: --fail-on needs one of ${SEVERITIES.join(', ')}\n${USAGE}\n`);
        return 2;
      }
      failOn = v as Severity;
    } else if (a === '--help' || a === '-h') {
      io.out(USAGE + '\n');
      return 0;
    } else if (a.startsWith('-')) {
      io.err(`uevr-prof analyze: unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else paths.push(a);
  }
  if (paths.length === 0) {
    io.err(`uevr-prof analyze: no path given\n${USAGE}\n`);
    return 2;
  }
  const files: string[] = [];
  const skip = (path: string, why: string) => io.err(`uevr-prof analyze: skipping ${path}: ${why}\n`);
  for (const p of paths) {
    try {
      luaFiles(resolve(p), files, skip);
    } catch {
      io.err(`uevr-prof analyze: cannot read ${p}\n`);
      return 2;
    }
  }
  const inputs: { uri: string; text: string; path: string }[] = [];
  for (const f of files) {
    // Regular files only, bounded, read asynchronously: a *.lua pipe or a link to /dev/zero is
    // skipped with a reason and the other files are analyzed.
    try {
      inputs.push({ uri: pathToFileURL(f).href, text: await readRegularTextFile(f, { maxBytes: MAX_FILE_BYTES }), path: f });
    } catch (e) {
      const why = e instanceof Error && 'reason' in e ? String((e as { reason: unknown }).reason) : e instanceof Error ? e.message : String(e);
      io.err(`uevr-prof analyze: skipping ${f}: ${why}\n`);
    }
  }
  if (fix) {
    for (const inp of inputs) {
      const r = fixAll(inp.text, inp.uri);
      if (r.applied > 0 && r.text !== inp.text) {
        writeFileSync(inp.path, r.text);
        inp.text = r.text;
        if (!json) io.out(`fixed ${r.applied} issue${r.applied > 1 ? 's' : ''} in ${relative(process.cwd(), inp.path) || inp.path}\n`);
      }
    }
  }
  const results = analyzeFiles(inputs);
  const records: AnalyzeJsonRecord[] = [];
  for (const inp of inputs) {
    for (const f of results.get(inp.uri) ?? []) records.push(toRecord(inp.path, f));
  }
  if (json) io.out(JSON.stringify(records, null, 2) + '\n');
  else {
    for (const r of records) io.out(`${relative(process.cwd(), r.file) || r.file}:${r.line}:${r.column}: ${r.severity} ${r.code} ${r.message}${r.fixable ? ' [fixable]' : ''}\n`);
    io.out(`${records.length} finding${records.length === 1 ? '' : 's'} in ${inputs.length} file${inputs.length === 1 ? '' : 's'}\n`);
  }
  if (failOn) {
    const limit = SEVERITIES.indexOf(failOn);
    if (records.some((r) => SEVERITIES.indexOf(r.severity) <= limit)) return 1;
  }
  return 0;
}

function toRecord(file: string, f: Finding): AnalyzeJsonRecord {
  return {
    file,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    code: f.code,
    severity: f.severity,
    message: f.message,
    fixable: f.fixes.some((x) => x.kind === 'safe'),
  };
}
