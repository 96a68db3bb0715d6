// `uevr-prof analyze PATHS... [--json] [--fix] [--fail-on SEVERITY]`: static analysis for CI.
// Exit codes: 0 ran, 1 a finding at or above --fail-on, 2 bad usage (unknown flag, missing path).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeFiles, fixAll } from './analyze';
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

function luaFiles(p: string, out: string[]): void {
  const st = statSync(p);
  if (st.isFile()) {
    out.push(p);
    return;
  }
  if (!st.isDirectory()) return;
  for (const name of readdirSync(p).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const c = join(p, name);
    const cs = statSync(c);
    if (cs.isDirectory()) luaFiles(c, out);
    else if (name.endsWith('.lua')) out.push(c);
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
  for (const p of paths) {
    try {
      luaFiles(resolve(p), files);
    } catch {
      io.err(`uevr-prof analyze: cannot read ${p}\n`);
      return 2;
    }
  }
  const inputs: { uri: string; text: string; path: string }[] = [];
  for (const f of files) {
    try {
      if (statSync(f).size > MAX_FILE_BYTES) {
        io.err(`uevr-prof analyze: skipping ${f}: larger than ${MAX_FILE_BYTES} bytes\n`);
        continue;
      }
      inputs.push({ uri: pathToFileURL(f).href, text: readFileSync(f, 'utf8'), path: f });
    } catch (e) {
      io.err(`uevr-prof analyze: cannot read ${f}: ${e instanceof Error ? e.message : String(e)}\n`);
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
