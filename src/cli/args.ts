// Argument parsing on node:util parseArgs (strict), with errors turned into one-line UsageErrors.
import { parseArgs } from 'node:util';
import { UsageError } from './errors';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: OptionSpec, command: string): Parsed {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw new UsageError(`${command}: ${msg.replace(/\. To specify a positional argument.*$/, '')}`);
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A positive number option (e.g. --seconds 4, --hz 90). */
export function num(p: Parsed, name: string, command: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  const min = opts.min ?? 0;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${command}: --${name} must be a number between ${min} and ${max}, got "${v}"`);
  }
  return n;
}

export function onePositional(p: Parsed, what: string, command: string): string {
  if (p.positionals.length === 0) throw new UsageError(`${command}: missing ${what}`);
  if (p.positionals.length > 1) throw new UsageError(`${command}: unexpected argument "${p.positionals[1]}"`);
  return p.positionals[0]!;
}
