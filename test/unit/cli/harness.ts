// Runs the CLI in-process with captured output, in a temp folder of its own (shared by the CLI tests).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIO } from '../../../src/cli/main';

export function cliHarness(): { dir: string; memIO(): CliIO & { out: string; err: string }; run(...argv: string[]): Promise<{ code: number; out: string; err: string }> } {
  const dir = mkdtempSync(join(tmpdir(), 'uevr-cli-'));
  const memIO = (): CliIO & { out: string; err: string } => {
    const io = {
      out: '',
      err: '',
      stdout: (t: string) => void (io.out += t),
      stderr: (t: string) => void (io.err += t),
      stderrIsTTY: false,
      cwd: dir,
      env: {} as NodeJS.ProcessEnv,
      signal: new AbortController().signal,
    };
    return io;
  };
  const run = async (...argv: string[]) => {
    const io = memIO();
    const code = await main(argv, io);
    return { code, out: io.out, err: io.err };
  };
  return { dir, memIO, run };
}
