// `analyze` is the analyzer's command (src/core/analyzer/cli.ts); this adapter puts it in the table.
import { runAnalyzeCommand } from '../../core/analyzer/cli';
import type { Command } from './types';

export const analyzeCommand: Command = {
  summary: 'static analysis of UEVR Lua scripts (rules UEVR001…), optional fixes, CI threshold',
  usage: 'analyze PATHS... [--json] [--fix] [--fail-on error|warning|information|hint]',
  run: (argv, io) => runAnalyzeCommand(argv, { out: io.stdout, err: io.stderr }),
};
