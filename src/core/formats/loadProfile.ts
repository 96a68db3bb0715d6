// The one entry for reading a profile file: detects the format from the content (the extension
// only names the format when the content cannot tell), runs the importer, and turns every failure
// into a one-line ProfileFormatError.

import type { Profile } from '../profile/types';
import { FormatProblem, ProfileFormatError, ProfileLoadAbortedError } from './errors';
import { parseJson, parseTraceLenient, isObject } from './json';
import { LoadContext, type LoadOptions } from './loadContext';
import { decodeText } from './text';
import { isCapture } from '../capture/format';
import { readCapture } from '../capture/reader';
import { importSpeedscope, looksLikeSpeedscope } from './speedscopeImport';
import { scanSpeedscope } from './speedscopeFast';
import { importChromeTrace, looksLikeChromeTrace } from './chromeTraceImport';
import { importCpuprofile, importHeapProfile, looksLikeCpuprofile, looksLikeHeapProfile } from './cpuprofileImport';
import { importFolded, looksLikeFolded } from './foldedImport';
import { importPerfScript, looksLikePerfScript } from './perfScriptImport';
import { importGecko, looksLikeGecko } from './geckoImport';
import { decodePprof, importPprof, mayBePprof } from './pprofImport';
import { importCallgrind, looksLikeCallgrind } from './callgrindImport';
import { importInstrumentsDeepCopy, looksLikeInstrumentsDeepCopy } from './instrumentsImport';
import { importStackprof, looksLikeStackprof } from './stackprofImport';
import { importSafari, looksLikeSafari } from './safariImport';
import { importV8Log, importV8PreprocessedLog, looksLikeV8Log, looksLikeV8PreprocessedLog } from './v8LogImport';
import { importPapyrus, looksLikePapyrus } from './papyrusImport';
import { importPmcstat, looksLikePmcstat } from './pmcstatImport';
import { importGhcJson, importGhcText, looksLikeGhcJson, looksLikeGhcText } from './ghcImport';
import { gunzip, isGzip } from './gzip';

export type { LoadOptions } from './loadContext';

/**
 * Largest profile file the product reads, in the CLI and in the extension's loader (a 1M-sample
 * capture is ~35 MB; speedscope JSON of it ~140 MB).
 */
export const MAX_PROFILE_BYTES = 1024 * 1024 * 1024;

export type ProfileFormat =
  | 'speedscope' | 'chrome-trace' | 'cpuprofile' | 'heapprofile' | 'folded' | 'perf-script' | 'gecko' | 'uevrcap'
  | 'pprof' | 'callgrind' | 'instruments' | 'stackprof' | 'safari' | 'v8-log' | 'v8-log-json' | 'papyrus' | 'pmcstat' | 'ghc' | 'ghc-json';

/** Formats we recognise but do not read: named in the error so the user knows what to convert. */
type RecognisedOnly = 'gzip' | 'jfr' | 'zip';

const LABEL: Record<ProfileFormat | RecognisedOnly | 'unknown', string> = {
  speedscope: 'speedscope JSON',
  'chrome-trace': 'Chrome trace',
  cpuprofile: 'V8 .cpuprofile',
  heapprofile: 'V8 .heapprofile',
  folded: 'folded stacks',
  'perf-script': 'perf script output',
  gecko: 'Firefox profile',
  uevrcap: 'UEVR capture',
  pprof: 'pprof',
  callgrind: 'callgrind',
  instruments: 'Instruments deep copy',
  stackprof: 'Ruby stackprof',
  safari: 'Safari timeline recording',
  'v8-log': 'V8 --prof log',
  'v8-log-json': 'V8 --prof-process JSON',
  papyrus: 'Papyrus profile',
  pmcstat: 'pmcstat call graph',
  ghc: 'GHC .prof',
  'ghc-json': 'GHC JSON profile',
  gzip: 'gzip-compressed file',
  jfr: 'Java Flight Recorder',
  zip: 'zip archive',
  unknown: 'profile',
};

/** The format the file name suggests; used only to name the format when the content is unclear. */
export function formatFromFileName(fileName: string): ProfileFormat | 'unknown' {
  let f = fileName.toLowerCase();
  if (f.endsWith('.gz') && !f.endsWith('.pb.gz')) f = f.slice(0, -3);
  if (f.endsWith('.uevrcap')) return 'uevrcap';
  if (f.endsWith('.speedscope.json')) return 'speedscope';
  if (f.endsWith('.cpuprofile')) return 'cpuprofile';
  if (f.endsWith('.heapprofile')) return 'heapprofile';
  if (f.endsWith('.pb.gz') || f.endsWith('.pprof') || f.endsWith('.pb')) return 'pprof';
  if (/(^|[\\/])callgrind\.out/.test(f) || f.startsWith('callgrind.')) return 'callgrind';
  if (f.endsWith('.stackprof.json')) return 'stackprof';
  if (f.endsWith('-recording.json')) return 'safari';
  if (f.endsWith('.v8log.json')) return 'v8-log-json';
  if (f.endsWith('v8.log')) return 'v8-log';
  if (f.endsWith('.prof')) return 'ghc';
  if (f.endsWith('.pmcstat.graph')) return 'pmcstat';
  if (f.endsWith('.instruments.txt')) return 'instruments';
  if (f.endsWith('.folded') || f.endsWith('.collapsed') || f.endsWith('.txt')) return 'folded';
  if (f.endsWith('.json') || f.endsWith('.trace')) return 'chrome-trace';
  return 'unknown';
}

/** A format recognised from its decoded content (a parsed JSON value, or text) and its importer. */
interface ContentImporter<T> {
  format: ProfileFormat;
  looksLike(input: T): boolean;
  load(input: T, ctx: LoadContext): Profile;
}

/** JSON formats, detected from the value's structure in this order (the first that claims it reads it). */
const JSON_IMPORTERS: ReadonlyArray<ContentImporter<unknown>> = [
  { format: 'speedscope', looksLike: looksLikeSpeedscope, load: (v, ctx) => importSpeedscope(v, ctx) },
  { format: 'cpuprofile', looksLike: looksLikeCpuprofile, load: importCpuprofile },
  { format: 'heapprofile', looksLike: looksLikeHeapProfile, load: importHeapProfile },
  { format: 'chrome-trace', looksLike: looksLikeChromeTrace, load: importChromeTrace },
  { format: 'gecko', looksLike: looksLikeGecko, load: importGecko },
  { format: 'stackprof', looksLike: looksLikeStackprof, load: importStackprof },
  { format: 'v8-log-json', looksLike: looksLikeV8PreprocessedLog, load: importV8PreprocessedLog },
  { format: 'safari', looksLike: looksLikeSafari, load: importSafari },
  { format: 'ghc-json', looksLike: looksLikeGhcJson, load: importGhcJson },
];

/** Line-based text formats, tried in this order; folded stacks, the loosest, last. */
const TEXT_IMPORTERS: ReadonlyArray<ContentImporter<string>> = [
  // Before the other line-based formats: a GHC report's lines could pass for a few of theirs.
  { format: 'ghc', looksLike: looksLikeGhcText, load: importGhcText },
  { format: 'callgrind', looksLike: looksLikeCallgrind, load: importCallgrind },
  { format: 'instruments', looksLike: looksLikeInstrumentsDeepCopy, load: importInstrumentsDeepCopy },
  { format: 'papyrus', looksLike: looksLikePapyrus, load: importPapyrus },
  { format: 'pmcstat', looksLike: looksLikePmcstat, load: importPmcstat },
  { format: 'v8-log', looksLike: looksLikeV8Log, load: importV8Log },
  { format: 'perf-script', looksLike: looksLikePerfScript, load: importPerfScript },
  { format: 'folded', looksLike: looksLikeFolded, load: importFolded },
];

const JSON_FORMATS = new Set<ProfileFormat>(JSON_IMPORTERS.map((i) => i.format));

function startsWith(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length && i < 4096; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') return c;
  }
  return '';
}

/**
 * The last check of every importer's result: a time or weight that is not a finite number (a file with
 * 1e308 in it, or times whose difference overflows) would make the flame graph's sums Infinity/NaN.
 * Such a file is refused in one line; importers that can skip the event responsible do so before.
 */
function assertFinite(profile: Profile): void {
  // The samples make the flame graph. (Game frame and callback tables may hold NaN for "not measured";
  // they are drawn from their own rows and never summed into the tree.)
  const arrays: Array<[string, ArrayLike<number> | undefined]> = [['sample weight', profile.samples.weight], ['sample time', profile.samples.time]];
  const bad = (x: number): boolean => !Number.isFinite(x);
  let what = bad(profile.durationMs) ? 'the profile duration' : undefined;
  for (const [name, a] of arrays) {
    if (what || !a) continue;
    for (let i = 0; i < a.length; i++) {
      if (bad(a[i])) {
        what = `a ${name} (#${i + 1})`;
        break;
      }
    }
  }
  if (what) throw new FormatProblem(`${what} is too large to represent: the file holds times or weights beyond what a number can hold (such as 1e308), or times whose difference overflows`);
  // Each weight finite is not enough: the call tree adds them up (two weights of 1e308 make Infinity).
  let total = 0;
  const w = profile.samples.weight;
  for (let i = 0; i < w.length; i++) total += Math.abs(w[i]);
  if (!Number.isFinite(total)) throw new FormatProblem('the sample weights add up to more than a number can hold (weights such as 1e308)');
}

function finish(profile: Profile, format: ProfileFormat, ctx: LoadContext, opts?: LoadOptions): Profile {
  assertFinite(profile);
  profile.meta.format = LABEL[format];
  if (ctx.notes.length) profile.meta.notes = ctx.notes.join('; ');
  opts?.onProgress?.(1);
  return profile;
}

export function loadProfile(bytes: Uint8Array, fileName: string, opts?: LoadOptions): Profile {
  const ctx = new LoadContext(fileName, opts);
  let format: ProfileFormat | RecognisedOnly | 'unknown' = formatFromFileName(fileName);
  try {
    ctx.progress(0);
    if (isGzip(bytes)) {
      const hint = format;
      format = 'gzip';
      const inner = gunzip(bytes);
      if (isGzip(inner)) throw new FormatProblem('it is compressed twice');
      format = hint;
      const profile = loadProfile(inner, fileName, opts);
      profile.meta.compressed = 'gzip';
      return profile;
    }
    if (startsWith(bytes, 'FLR\0')) {
      format = 'jfr';
      throw new FormatProblem("JFR recordings are not read; convert one to collapsed stacks (folded) with async-profiler's jfrconv, then open that");
    }
    if (startsWith(bytes, 'PK\x03\x04')) {
      format = 'zip';
      throw new FormatProblem('zip archives are not read; extract the profile first (for an Instruments .trace, open it in Instruments and use Edit → Deep Copy on the call tree)');
    }
    // pprof is only committed to when it decodes; otherwise the text formats get their chance and
    // the decoder's complaint is the answer when none of them claims the file.
    let pprofProblem: string | undefined;
    if (mayBePprof(bytes)) {
      const decoded = decodePprof(bytes);
      if (typeof decoded !== 'string') {
        format = 'pprof';
        return finish(importPprof(decoded, ctx), format, ctx, opts);
      }
      pprofProblem = decoded;
    }
    // Our capture format, by its magic line ("UEVRCAP v…") whatever the file is called.
    if (isCapture(bytes)) {
      format = 'uevrcap';
      return finish(readCapture(bytes, fileName), format, ctx, opts);
    }
    if (bytes.length === 0) throw new FormatProblem('the file is empty');
    // Big speedscope files: read the sample arrays from the bytes (see speedscopeFast.ts).
    const fast = scanSpeedscope(bytes, ctx);
    if (fast) {
      // A skeleton that does not parse means a broken file: the ordinary path then reports it
      // with positions in the real file.
      let value: unknown;
      try {
        value = JSON.parse(fast.skeleton);
      } catch {
        value = undefined;
      }
      if (looksLikeSpeedscope(value)) {
        format = 'speedscope';
        const profile = importSpeedscope(value, ctx, fast.raw);
        return finish(profile, format, ctx, opts);
      }
    }
    const text = decodeText(bytes);
    const c = firstNonSpace(text);
    let value: unknown;
    let repaired: string | null = null;
    let isJson = c === '{' || c === '[';
    if (isJson) {
      try {
        // Chrome traces may be partial: the lenient parser repairs them (only when plain parsing fails).
        if (c === '[' || text.includes('"traceEvents"')) ({ value, repaired } = parseTraceLenient(text));
        else value = parseJson(text);
      } catch (err) {
        // Folded stacks may start with "[" too (e.g. "[root];main 12"): not JSON after all.
        if (!(err instanceof FormatProblem) || !looksLikeFolded(text)) throw err;
        isJson = false;
      }
    }
    if (isJson) {
      ctx.progress(0.5);
      const detected = JSON_IMPORTERS.find((i) => i.looksLike(value));
      if (!detected) {
        format = 'unknown';
        const keys = isObject(value) ? Object.keys(value).slice(0, 8).join(', ') : 'an array';
        throw new FormatProblem(`JSON, but not a format we read (speedscope, Chrome trace, .cpuprofile, .heapprofile, Firefox, stackprof, Safari, V8 --prof-process or GHC JSON; top level: ${keys || 'empty object'})`);
      }
      format = detected.format;
      if (repaired) ctx.notes.push(repaired);
      return finish(detected.load(value, ctx), format, ctx, opts);
    }
    const textImporter = TEXT_IMPORTERS.find((i) => i.looksLike(text));
    if (textImporter) {
      format = textImporter.format;
      return finish(textImporter.load(text, ctx), format, ctx, opts);
    }
    // No format claims the content: the most useful complaint, from what the name or bytes suggested.
    if (pprofProblem !== undefined) {
      format = 'pprof';
      throw new FormatProblem(pprofProblem);
    }
    if (format === 'uevrcap') throw new FormatProblem('the file does not start with the "UEVRCAP v" magic line, and is not another known profile format');
    if (format !== 'unknown' && format !== 'folded' && JSON_FORMATS.has(format)) throw new FormatProblem('the file does not start with "{" or "[" (it is not JSON)');
    if (format !== 'unknown' && format !== 'folded') {
      throw new FormatProblem(`the content does not look like ${LABEL[format]} (its first line is not what that format starts with)`);
    }
    format = 'unknown';
    throw new FormatProblem('not a recognised profile format (see docs/formats.md for the formats we read)');
  } catch (err) {
    if (err instanceof ProfileFormatError || err instanceof ProfileLoadAbortedError) throw err;
    if (err instanceof FormatProblem) throw new ProfileFormatError(fileName, LABEL[format], err.message);
    // A registered binary reader (the capture reader) reports its own problems in its messages.
    if (format === 'uevrcap' && err instanceof Error && !(err instanceof RangeError)) {
      const msg = err.message.startsWith(`${fileName}:`) ? err.message.slice(fileName.length + 1).trim() : err.message;
      throw new ProfileFormatError(fileName, LABEL[format], msg);
    }
    // Anything else is a bug or a resource limit hit by hostile input: still one clear line.
    const what = err instanceof RangeError ? 'the file is too large or too deeply nested to load' : `unexpected problem while reading (${err instanceof Error ? err.message : String(err)})`;
    throw new ProfileFormatError(fileName, LABEL[format], what);
  }
}
