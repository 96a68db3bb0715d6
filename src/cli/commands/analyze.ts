// `analyze`: the analyzer's command on the CLI's one argument parser, with the output formats CI
// reads (text, JSON, SARIF 2.1.0) and `--out FILE|-`. Walking the folders, reading, fixing and
// analyzing are the analyzer's (src/core/analyzer/cli.ts): this wiring hands it arguments the parser
// has already checked, so a bad flag is reported the same way as for every other command.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runAnalyzeCommand, type AnalyzeJsonRecord } from '../../core/analyzer/cli';
import { RULES } from '../../core/analyzer/catalog';
import { toSarif } from '../../core/analyzer/sarif';
import { parse, str } from '../args';
import { InputError, UsageError } from '../errors';
import { CLI_VERSION } from '../version';
import type { Command } from './types';

const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;
const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

/** Where the output goes: stdout for no --out or `--out -`, else the file (its folder is created). */
function outputTo(out: string | undefined, cwd: string, stdout: (t: string) => void): { write(t: string): void; finish(): void } {
  if (out === undefined || out === '-') return { write: stdout, finish: () => undefined };
  const path = resolve(cwd, out);
  let text = '';
  return {
    write: (t) => void (text += t),
    finish: () => {
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      } catch (e) {
        throw new InputError(`analyze: cannot write ${out}: ${(e as Error).message.split('\n')[0]}`);
      }
    },
  };
}

export const analyzeCommand: Command = {
  summary: 'static analysis of UEVR Lua scripts (rules UEVR001…), optional fixes, CI threshold, SARIF for code scanning',
  usage: `analyze PATHS... [--format ${FORMATS.join('|')}] [--json] [--out FILE|-] [--fix] [--fail-on ${SEVERITIES.join('|')}]`,
  async run(argv, io) {
    const p = parse(
      argv,
      { json: { type: 'boolean' }, fix: { type: 'boolean' }, 'fail-on': { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
      'analyze',
    );
    if (p.positionals.length === 0) throw new UsageError('analyze: missing PATHS (.lua files or folders of them)');
    const failOn = str(p, 'fail-on');
    if (failOn !== undefined && !(SEVERITIES as readonly string[]).includes(failOn)) {
      throw new UsageError(`analyze: --fail-on must be one of ${SEVERITIES.join(', ')}, got "${failOn}"`);
    }
    const formatArg = str(p, 'format');
    if (formatArg !== undefined && !(FORMATS as readonly string[]).includes(formatArg)) {
      throw new UsageError(`analyze: --format must be one of ${FORMATS.join(', ')}, got "${formatArg}"`);
    }
    if (p.values.json && formatArg !== undefined && formatArg !== 'json') throw new UsageError(`analyze: --json contradicts --format ${formatArg}`);
    const format: Format = (formatArg as Format | undefined) ?? (p.values.json ? 'json' : 'text');

    // Absolute paths: the analyzer never mistakes a file named "-x.lua" for an option.
    const paths = p.positionals.map((x) => resolve(io.cwd, x));
    const out = outputTo(str(p, 'out'), io.cwd, io.stdout);
    const args = [...(p.values.fix ? ['--fix'] : []), ...(format !== 'text' ? ['--json'] : []), ...(failOn ? ['--fail-on', failOn] : []), ...paths];
    // SARIF is made from the analyzer's JSON; the analyzer applies --fail-on (exit 1 still prints).
    let json = '';
    const code = await runAnalyzeCommand(args, { out: format === 'sarif' ? (t) => void (json += t) : out.write, err: io.stderr });
    if (code === 2) return code;
    if (format === 'sarif') {
      const records = JSON.parse(json) as AnalyzeJsonRecord[];
      const log = toSarif(records, { toolName: 'uevr-prof', toolVersion: CLI_VERSION, rootDir: io.cwd, rules: RULES });
      out.write(`${JSON.stringify(log, null, 2)}\n`);
    }
    out.finish();
    return code;
  },
};
