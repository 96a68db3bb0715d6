// `uevr-prof convert`: any profile the product reads, written as speedscope, Chrome trace, folded,
// .cpuprofile or a standalone HTML flame graph, to a file or to stdout (--out -).
import { createWriteStream } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXPORT_FORMATS, exportProfileChunks, type ExportFormat, type ExportOptions } from '../../core/formats/exportProfile';
import { parse, num, onePositional, str } from '../args';
import { InputError, UsageError } from '../errors';
import { profileToHtml } from '../html';
import { loadProfileFile } from '../load';
import type { Command } from './types';
import { resolveFrameBudget } from '../../core/budget';

const TARGETS = [...EXPORT_FORMATS, 'html'] as const;

/** Streams text chunks to a file (a million-sample export never sits in one string). */
export async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw new InputError(`cannot create the folder of ${path}: ${(e as Error).message}`);
  }
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(path);
    out.on('error', (e) => reject(new InputError(`cannot write ${path}: ${e.message}`)));
    (async () => {
      for (const c of chunks) {
        if (!out.write(c)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      out.end(() => resolve());
    })().catch(reject);
  });
}

export function exportTo(format: ExportFormat | 'html', profile: Parameters<typeof profileToHtml>[0], hz: number, opts: ExportOptions = {}): Iterable<string> {
  return format === 'html' ? [profileToHtml(profile, hz)] : exportProfileChunks(profile, format, opts);
}

export const convertCommand: Command = {
  summary: 'convert a capture or profile to speedscope, Chrome trace, folded, .cpuprofile or a standalone HTML flame graph',
  usage: `convert FILE --to ${TARGETS.join('|')} --out FILE|- [--hz 90] [--lines]`,
  async run(argv, io) {
    // --lines: Chrome trace and folded get a frame per function+line (speedscope and .cpuprofile always
    // carry lines: as frames, as positionTicks).
    const p = parse(argv, { to: { type: 'string' }, out: { type: 'string' }, hz: { type: 'string' }, lines: { type: 'boolean' } }, 'convert');
    const file = onePositional(p, 'the input file', 'convert');
    const to = str(p, 'to');
    const out = str(p, 'out');
    if (!to) throw new UsageError(`convert: missing --to (${TARGETS.join(', ')})`);
    if (!(TARGETS as readonly string[]).includes(to)) throw new UsageError(`convert: unknown format "${to}" (expected ${TARGETS.join(', ')})`);
    if (!out) throw new UsageError('convert: missing --out FILE');
    const profile = await loadProfileFile(file, io.signal);
    // The converted file cannot carry the capture's notes: say what is missing from it here.
    if (profile.meta.truncated) io.stderr(`note: ${file} is truncated: ${String(profile.meta.truncatedReason ?? 'it ended early')}\n`);
    if (profile.meta.damage) io.stderr(`note: ${file} is damaged: ${String(profile.meta.damage)}\n`);
    const hz = resolveFrameBudget({ launch: num(p, 'hz', 'convert', { min: 1, max: 1000 }), recorded: Number(profile.meta.refreshRateHz) || 0 }).refreshRateHz;
    const chunks = exportTo(to as ExportFormat | 'html', profile, hz, { lines: p.values.lines === true });
    // `--out -`: the converted profile itself goes to stdout (for a pipe), not the name of a file.
    if (out === '-') {
      for (const c of chunks) io.stdout(c);
    } else {
      await writeChunks(out, chunks);
      io.stdout(`${out}\n`);
    }
    return 0;
  },
};
