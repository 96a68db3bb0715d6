// Folded stacks (Brendan Gregg's stackcollapse output): one "frame;frame;frame <count>" per line.
// Counts may be fractional. Lines that do not parse (comments, blank, no count) are skipped and
// counted. A frame written as "name (file:line)" — what our exporter writes — keeps file and line.
// The format has no time: samples get a synthetic time (cumulative count) so the flame chart keeps
// the file's order, and the profile's duration is 0.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import type { LoadContext } from './loadContext';

const FRAME_WITH_LOCATION = /^(.*) \(([^()]*):(\d+)\)$/;
const COUNT = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** True when the text looks like folded stacks: some line ends in " <number>". */
export function looksLikeFolded(text: string): boolean {
  const head = text.slice(0, 64 * 1024);
  let lines = head.split('\n');
  // The window may cut the last line short; a single very long line is read whole.
  if (head.length < text.length) lines.pop();
  if (lines.length === 0) {
    const nl = text.indexOf('\n');
    lines = [nl < 0 ? text : text.slice(0, nl)];
  }
  let good = 0;
  let bad = 0;
  for (const raw of lines.slice(0, 200)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    if (sp > 0 && COUNT.test(line.slice(sp + 1))) good++;
    else bad++;
  }
  return good > 0 && good >= bad;
}

export function importFolded(text: string, ctx: LoadContext): Profile {
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'folded', weightUnit: 'samples' });
  const frameIds = new Map<string, number>();
  const stackIds = new Map<string, number>();
  const frameOf = (token: string): number => {
    let id = frameIds.get(token);
    if (id === undefined) {
      const m = FRAME_WITH_LOCATION.exec(token);
      id = m ? b.frame(m[1], m[2], Math.min(Number(m[3]), 2 ** 31 - 1), 0) : b.frame(token === '' ? '(empty)' : token, '', 0, 0);
      frameIds.set(token, id);
    }
    return id;
  };
  let invalid = 0;
  let firstInvalid = '';
  let t = 0;
  let pos = 0;
  let lineNo = 0;
  const len = text.length;
  while (pos < len) {
    if ((lineNo & 0x3fff) === 0) ctx.progress(pos / len);
    lineNo++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    line = line.trim();
    if (line === '') continue;
    const sp = line.lastIndexOf(' ');
    const countText = sp > 0 ? line.slice(sp + 1) : '';
    const count = COUNT.test(countText) ? Number(countText) : NaN;
    if (!Number.isFinite(count) || line.startsWith('#')) {
      invalid++;
      if (!firstInvalid) firstInvalid = `line ${lineNo}`;
      continue;
    }
    const path = line.slice(0, sp).trimEnd();
    let s = stackIds.get(path);
    if (s === undefined) {
      s = -1;
      let from = 0;
      for (;;) {
        const semi = path.indexOf(';', from);
        const token = semi < 0 ? path.slice(from) : path.slice(from, semi);
        s = b.stack(s, frameOf(token));
        if (semi < 0) break;
        from = semi + 1;
      }
      stackIds.set(path, s);
    }
    b.sample(s, count, t);
    t += count;
  }
  if (b.sampleCount === 0) fail(invalid ? `no valid "stack count" line (${invalid} invalid lines)` : 'the file is empty');
  b.durationMs = 0;
  if (invalid) {
    b.meta.invalidLines = invalid;
    ctx.notes.push(`${invalid} lines were not "frame;frame count" and were skipped (first: ${firstInvalid})`);
  }
  return b.build();
}
