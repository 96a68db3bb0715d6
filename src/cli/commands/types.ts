// A CLI command: the table in ../main.ts maps names to these, and other parts (e.g. the analyzer)
// add theirs with registerCommand().
import type { CliIO } from '../io';

export interface Command {
  /** One line for the usage listing. */
  summary: string;
  /** The usage line(s), e.g. "report FILE [--json]". */
  usage: string;
  /** Returns the exit code (0 ok, 1 check failed); throws UsageError/InputError for code 2. */
  run(argv: string[], io: CliIO): Promise<number>;
}
