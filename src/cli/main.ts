// uevr-prof: the command-line tool (docs/cli.md). Bundled to dist/cli.js; also runs from source with
// `node --import tsx src/cli/main.ts`. main(argv, io) is callable in-process (tests, the extension).
// Exit codes: 0 ok, 1 a check failed, 2 bad usage or unreadable input — always with a one-line
// message on stderr, never a stack trace.
import { analyzeCommand } from './commands/analyze';
import { captureCommand } from './commands/capture';
import { convertCommand } from './commands/convert';
import { demoCommand } from './commands/demo';
import { gcAdviceCommand } from './commands/gcAdvice';
import { reportCommand } from './commands/report';
import { sessionsCommand } from './commands/sessions';
import { simCommand } from './commands/sim';
import type { Command } from './commands/types';
import { EXIT_USAGE } from './errors';
import { processIO, type CliIO } from './io';
import { CLI_VERSION } from './version';

export type { Command } from './commands/types';
export type { CliIO } from './io';

/** The command table. Other parts add commands with registerCommand (e.g. `analyze`). */
export const commands = new Map<string, Command>([
  ['sim', simCommand],
  ['capture', captureCommand],
  ['report', reportCommand],
  ['convert', convertCommand],
  ['demo', demoCommand],
  ['sessions', sessionsCommand],
  ['analyze', analyzeCommand],
  ['gc-advice', gcAdviceCommand],
]);

export function registerCommand(name: string, command: Command): void {
  commands.set(name, command);
}

export function usage(): string {
  const lines = ['usage: uevr-prof <command> [options]', ''];
  for (const [name, c] of commands) lines.push(`  ${c.usage.startsWith(name) ? c.usage : `${name} ${c.usage}`}`, `      ${c.summary}`);
  lines.push('', '  --version   print the version', '  --help      this text; `uevr-prof COMMAND --help` for one command');
  lines.push('', 'exit codes: 0 ok, 1 a check failed, 2 bad usage or unreadable input. See docs/cli.md.');
  return `${lines.join('\n')}\n`;
}

function exitCodeOf(e: unknown): number | undefined {
  const code = (e as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' ? code : undefined;
}

export async function main(argv: string[], io: CliIO = processIO(new AbortController().signal)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return 0;
  }
  if (name === '--version') {
    io.stdout(`${CLI_VERSION}\n`);
    return 0;
  }
  // No command is a usage error: the usage goes to stderr, so nothing lands in a pipe expecting output.
  if (!name) {
    io.stderr(usage());
    return EXIT_USAGE;
  }
  const command = commands.get(name);
  if (!command) {
    io.stderr(`uevr-prof: unknown command "${name}" (commands: ${[...commands.keys()].join(', ')})\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`usage: uevr-prof ${command.usage}\n  ${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    const code = exitCodeOf(e);
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    if (code !== undefined) {
      io.stderr(`uevr-prof: ${msg}\n`);
      return code;
    }
    // An unexpected failure is a bug, but the user still gets one line and code 2, not a trace.
    io.stderr(`uevr-prof ${name}: internal error: ${msg} (set UEVR_PROF_DEBUG=1 for details)\n`);
    if (io.env.UEVR_PROF_DEBUG) io.stderr(`${e instanceof Error ? e.stack : ''}\n`);
    return EXIT_USAGE;
  }
}

/** Runs as a program: wires SIGINT/SIGTERM to an abort signal so long commands stop cleanly. */
async function runAsProgram(): Promise<void> {
  const ac = new AbortController();
  let signals = 0;
  const onSignal = () => {
    // A second Ctrl+C means "now": exit without waiting for the clean stop.
    if (++signals > 1) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await main(process.argv.slice(2), processIO(ac.signal));
  process.exitCode = code;
  // Lingering handles (a sim's wasm worker, sockets in close) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 500).unref();
}

if (typeof require !== 'undefined' && require.main === module) void runAsProgram();
