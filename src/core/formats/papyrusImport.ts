// Papyrus script profiles (Skyrim / Fallout 4: StartPapyrusScriptProfile, StartStackProfiling,
// StartFormProfile), written to Logs/Script/Profiling/*.log: a "<Kind>_<id> log opened (PC)"
// line, then "time:EVENT:stack:depth:object:script..function" lines, time in ms. Papyrus runs
// several script stacks (threads); each becomes a root frame "stack <id>" with its own open
// calls. Time between two events goes to the stack that logged the earlier one. QUEUE_PUSH /
// QUEUE_POP (a call waiting for its thread), START and STOP carry no running time.

import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { fail } from './errors';
import type { LoadContext } from './loadContext';
import { splitLines } from './text';

const OPENED = /^(Stack|Script|Obj)_\S+ log opened \(PC\)\s*$/;

export function looksLikePapyrus(text: string): boolean {
  const nl = text.indexOf('\n');
  return OPENED.test(nl < 0 ? text : text.slice(0, nl));
}

const BOOKKEEPING = /^\d+(?:\.\d+)?:[A-Z_]+:\d+\s*$/;
const EVENT = /^(\d+(?:\.\d+)?):([A-Z_]+):(\d+):(\d+):([^:]*):(.*)$/;

export function importPapyrus(text: string, ctx: LoadContext): Profile {
  const b = new ProfileBuilder({ name: ctx.fileName, source: 'papyrus', weightUnit: 'milliseconds' });
  const open = new Map<string, { root: number; stacks: number[]; names: string[] }>();
  let origin = NaN;
  let lastT = NaN;
  let lastStack: string | undefined;
  let bad = 0;
  let ignoredPops = 0;
  let events = 0;
  const lines = splitLines(text);
  for (let i = 1; i < lines.length; i++) {
    if ((i & 0x3fff) === 0) ctx.progress(i / lines.length);
    const line = lines[i];
    if (!line.trim() || line === 'Log closed' || OPENED.test(line)) continue;
    const m = EVENT.exec(line);
    // A time too long to be finite (400 digits) makes the line unreadable too.
    if (!m || !Number.isFinite(Number(m[1]))) {
      // "time:START:stack" / "time:STOP:stack" have no call fields.
      if (!BOOKKEEPING.test(line)) bad++;
      continue;
    }
    const t = Number(m[1]);
    if (Number.isNaN(origin)) origin = t;
    if (t < lastT) fail(`line ${i + 1}: time ${t} is earlier than the line before it (${lastT})`);
    // The time since the previous event ran on the stack that logged it.
    if (lastStack !== undefined && t > lastT) {
      const s = open.get(lastStack);
      if (s && s.stacks.length) b.sample(s.stacks[s.stacks.length - 1], t - lastT, lastT - origin);
    }
    lastT = t;
    events++;
    const id = m[3];
    const name = m[6].trim() || '(unnamed)';
    let s = open.get(id);
    if (!s) {
      s = { root: b.stack(-1, b.frame(`stack ${id}`)), stacks: [], names: [] };
      open.set(id, s);
    }
    switch (m[2]) {
      case 'PUSH': {
        const dot = name.indexOf('..');
        const parent = s.stacks.length ? s.stacks[s.stacks.length - 1] : s.root;
        s.stacks.push(b.stack(parent, b.frame(name, dot > 0 ? `${name.slice(0, dot)}.psc` : '')));
        s.names.push(name);
        lastStack = id;
        break;
      }
      case 'POP': {
        const at = s.names.lastIndexOf(name);
        if (at < 0) ignoredPops++;
        else {
          s.stacks.length = at;
          s.names.length = at;
        }
        lastStack = id;
        break;
      }
      default:
        // QUEUE_PUSH, QUEUE_POP, START, STOP: bookkeeping, no change to what runs.
        break;
    }
  }
  if (events === 0) fail('no profiling events after the "log opened" line');
  if (b.sampleCount === 0) fail('no call ran for any measurable time');
  if (bad) {
    b.meta.invalidLines = bad;
    ctx.notes.push(`${bad} lines were not "time:EVENT:stack:depth:object:function" and were skipped`);
  }
  if (ignoredPops) ctx.notes.push(`${ignoredPops} POP events matched no open call and were ignored`);
  return b.build();
}
