// What a command may touch of the outside world, passed in so tests can run main() in-process.
export interface CliIO {
  stdout(text: string): void;
  /** Binary output on stdout (`capture --out -`); absent in callers that only take text. */
  stdoutBytes?(bytes: Uint8Array): void;
  stderr(text: string): void;
  /** True when stderr is a terminal (progress redraws one line instead of printing many). */
  stderrIsTTY: boolean;
  /** True when stdout is a terminal (secrets such as a session token are shown only there). */
  stdoutIsTTY?: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM (long-running commands stop cleanly). */
  signal: AbortSignal;
}

export function processIO(signal: AbortSignal): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stdoutBytes: (b) => process.stdout.write(b),
    stderr: (t) => process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
    env: process.env,
    signal,
  };
}
