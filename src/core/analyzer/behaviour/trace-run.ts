// Runs a UEVR scripts folder in the simulated session with the behaviour tracer loaded first, for a
// fixed number of frames, and returns what the mod did (tracer-lua.ts). Uses only the simulator's public
// entry (createSimulatedSession); costs are zero so a run takes as long as the mod's Lua, not the
// modelled UEVR work.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulatedSession, DEFAULT_COSTS, type CostModel } from '../../sim';
import { TRACE_FINAL_EVENT, TRACE_FLUSH_EVENT, TRACE_LINE_PREFIX, TRACER_FILE_NAME, TRACER_LUA } from './tracer-lua';

export interface BehaviourTrace {
  /** One record per line: `<category> <what>`, categories in tracer-lua.ts (QUERY), `frame N`, `state k=v`. */
  records: string[];
  /** Errors the session reported outside callbacks (a script's load), message without position. */
  loadErrors: string[];
}

export interface TraceOptions {
  frames?: number;
  /** Per-callback wall-time limit (ms) so a hostile or stuck mod cannot hold the run. */
  watchdogMs?: number;
  seed?: number;
}

function zeroCosts(): Partial<CostModel> {
  const out: Partial<Record<keyof CostModel, number>> = {};
  for (const k of Object.keys(DEFAULT_COSTS) as (keyof CostModel)[]) if (k.endsWith('Us')) out[k] = 0;
  return out as Partial<CostModel>;
}

/** Copies `dir` (a scripts folder, with its required subfolders) next to the tracer and runs it. */
export async function traceScriptsFolder(dir: string, opts: TraceOptions = {}): Promise<BehaviourTrace> {
  const tmp = mkdtempSync(join(tmpdir(), 'uevrprof-trace-'));
  try {
    cpSync(dir, tmp, { recursive: true });
    writeFileSync(join(tmp, TRACER_FILE_NAME), TRACER_LUA);
    const t = await traceLoadedFolder(tmp, opts);
    // The copy's path shows up in messages a mod prints (an error it caught): not behaviour.
    const masked = (r: string): string => r.split(tmp).join('<scripts>');
    return { records: t.records.map(masked), loadErrors: t.loadErrors.map(masked) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Like traceScriptsFolder, for a folder that already holds the tracer file (no copy). */
export async function traceLoadedFolder(dir: string, opts: TraceOptions = {}): Promise<BehaviourTrace> {
  const frames = opts.frames ?? 30;
  const pieces: string[] = [];
  const records: string[] = [];
  const loadErrors: string[] = [];
  const sim = await createSimulatedSession({
    scriptsDir: dir, agentPath: null, autoStart: false, realtime: false, seed: opts.seed ?? 1,
    costs: zeroCosts(), watchdogMs: opts.watchdogMs ?? 2000, watchdogInstructions: 20_000_000,
  });
  const unsubscribe = sim.subscribe({
    log: (l) => {
      if (!l.text.startsWith(TRACE_LINE_PREFIX)) return;
      const body = l.text.slice(TRACE_LINE_PREFIX.length);
      if (body === '\u0002') {
        const s = pieces.join('');
        pieces.length = 0;
        if (s) for (const r of s.split('\n')) records.push(maskLines(r));
      } else pieces.push(body);
    },
    scriptError: (e) => {
      // Callback errors are in the trace (the tracer records them where they happen); the tracer's own
      // wrappers re-raise them, and the session reports them against the tracer file: skip those.
      if (e.file.endsWith(TRACER_FILE_NAME)) return;
      loadErrors.push(normaliseError(e.message));
    },
  });
  try {
    for (let i = 0; i < frames; i++) {
      await sim.runFrames(1);
      await sim.dispatchLuaEvent(TRACE_FLUSH_EVENT, '');
    }
    await sim.dispatchLuaEvent(TRACE_FINAL_EVENT, '');
  } finally {
    unsubscribe();
    await sim.dispose();
  }
  return { records, loadErrors };
}

/** Line numbers in a message (`file.lua:349:`) move when a fix inserts lines: not behaviour. */
function maskLines(r: string): string {
  return r.replace(/\.lua:\d+:/g, '.lua:?:');
}

/** An error message without positions or variable names (a fix may rename a local or move a line). */
export function normaliseError(m: string): string {
  return m.replace(/^[^\n]*?:\d+: /, '').replace(/ \((\w+) '[^']*'\)/g, ' ($1)').replace(/0x[0-9a-f]+/gi, '0x?');
}
