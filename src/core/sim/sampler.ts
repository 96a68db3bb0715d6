// The sampler (the native plugin's part, played by the host): sample points on the script-time axis, the
// count hook's stack walks and the Native samples of modelled API calls (docs/simulator.md, "sampling").
import { basename } from 'node:path';
import { AR, type LuaState } from './lua-runtime';
import { SampleInterner } from './sample-interner';
import type { Simulator } from './session';
import { SAMPLE_COUNT, MAX_DEPTH } from './limits';
import { seededRandom } from '../random';

export class Sampler {
  constructor(readonly s: Simulator) {}

  // Sampling state.
  hz_ = 0;
  periodMs = 1;
  // Sample points live on the "script time" axis: time inside callbacks, minus the profiler's own time.
  // Its phase carries across callbacks, so a 0.1 ms callback is sampled with probability 0.1 / period
  // instead of never (a sampler restarted at every enter would never reach its first point).
  scriptAcc = 0;
  enterT = 0;
  enterProf = 0;
  enterStolen = 0;
  lastFire = 0;
  nextPoint = 0;
  apiStartS = 0;
  apiDepth = 0;
  apiStart = 0;
  apiCur = 0;
  interner = new SampleInterner();
  private readonly frameBuf = new Int32Array(MAX_DEPTH);
  private readonly lineBuf = new Int32Array(MAX_DEPTH);
  /**
   * Record each Lua frame's current line (capture format 3) and randomise the hook count. false is a
   * benchmark reference only (bench/lines.bench.ts): samples as before lines existed.
   */
  lines = true;
  /** The last 65,536 per-sample costs (ms: the stack walk, interning and the re-arm), for benchmarks. */
  readonly sampleCosts = new Float64Array(65536);
  samplesTaken = 0;
  noteCost(ms: number): void {
    this.sampleCosts[this.samplesTaken++ & 65535] = ms;
  }
  /** Its own stream, so the count jitter leaves the period jitter's sequence (and the seed's runs) as they were. */
  private countRand = seededRandom(0x5eed11e5);
  jitter(): number {
    return this.periodMs * (0.7 + 0.6 * this.s.rand()); // ±30 %
  }
  /**
   * The hook count when a callback starts and after each sample: SAMPLE_COUNT ±50 %, random. With a
   * fixed count the hook lands at the same place of a loop whose instruction count divides it (a loop
   * of 5 instructions over two lines put 100 % of its samples on one line; re-arming only after a
   * sample, with a fixed count at the callback's start, still put +7 pp on one line:
   * test/unit/sim/lines.test.ts), so the sampled *line* would be wrong although the function is right.
   */
  sampleCount(): number {
    return this.lines ? Math.round(SAMPLE_COUNT * (0.5 + this.countRand())) : SAMPLE_COUNT;
  }
  /** Script time now: callback time so far, minus the profiler's own time inside callbacks. */
  scriptNow(t: number): number {
    return this.scriptAcc + (t - this.enterT) - (this.s.profilerMs - this.enterProf) - (this.s.stolen - this.enterStolen);
  }
  /**
   * Consumes the sample points up to script time s; returns their weight. Each point stands for the
   * jittered gap that follows it ("weight ahead"): that weight does not depend on where the point fell,
   * so shares are unbiased whatever order the functions run in, and the weights add up to script time.
   */
  pointsUpTo(s: number): number {
    let w = 0;
    while (this.nextPoint <= s) {
      const g = this.jitter();
      w += g;
      this.nextPoint += g;
    }
    return w;
  }
  /** A modelled API call ended: points that fell inside it become a Native sample on the calling line. */
  apiDone(L: LuaState): void {
    if (this.hz_ <= 0 || this.s.agent.open.length === 0) return;
    const t = performance.now();
    this.lastFire = t; // an API call's length is work, not a preemption
    const before = this.pointsUpTo(this.apiStartS); // Lua time the hook did not reach before the call
    const inside = this.pointsUpTo(this.scriptNow(t));
    if (before > 0) this.noteCost(this.timedRecord(L, before, -1, t));
    if (inside > 0) this.noteCost(this.timedRecord(L, inside, this.apiCur, t));
    if (before > 0 || inside > 0) {
      const spent = performance.now() - t;
      this.s.profilerMs += spent;
      this.s.overheadMs += spent;
    }
  }
  /** recordSample, returning how long it took (ms). */
  timedRecord(L: LuaState, weight: number, apiId: number, t: number): number {
    const t0 = performance.now();
    this.recordSample(L, weight, apiId, t);
    return performance.now() - t0;
  }
  /** Walks the Lua stack and records one sample: callback root, Lua frames, and a Native frame when apiId >= 0. */
  recordSample(L: LuaState, weight: number, apiId: number, t: number): void {
    const top = this.s.agent.open[this.s.agent.open.length - 1];
    if (!top) return;
    const lua = this.s.gen!.lua;
    const ar = lua.arBuf;
    const frames = this.frameBuf;
    const lines = this.lineBuf;
    let n = 0;
    let callFile = '';
    let callLine = 0;
    for (let level = 0; level < MAX_DEPTH && lua.getstack(L, level, ar); level++) {
      lua.getinfo(L, 'Sln', ar);
      const what = lua.u8(lua.i32(ar + AR.what));
      if (what === 67 /* 'C' */) continue;
      const src = this.s.source(lua, ar);
      if (this.s.isProfilerOrHost(src)) continue;
      const file = src.startsWith('@') ? src.slice(1) : src;
      const defined = lua.i32(ar + AR.linedefined);
      // The line this frame is executing (the innermost frame's is the sampled line; an outer frame's
      // is the line of its call): per-line self and total time are built from it.
      const current = lua.i32(ar + AR.currentline);
      if (callFile === '') {
        callFile = file;
        callLine = current;
      }
      const namePtr = lua.i32(ar + AR.name);
      const name =
        what === 109 /* 'm'ain */
          ? 'main chunk'
          : namePtr
            ? lua.cstr(namePtr)
            : `function <${basename(file)}:${defined}>`;
      frames[n] = this.interner.frame(`f:${file}:${defined}`, name, file, defined, 0);
      lines[n++] = this.lines && current > 0 ? current : 0;
    }
    const reg = this.s.agent.regById.get(top.id);
    let stack = this.interner.stack(
      -1,
      this.interner.frame(`cb:${top.id}`, reg?.name ?? 'callback', reg?.file ?? '', reg?.line ?? 0, 2),
    );
    for (let i = n - 1; i >= 0; i--) stack = this.interner.stack(stack, frames[i]!, lines[i]!);
    if (apiId >= 0) {
      const apiName = this.s.apiNames[apiId] ?? 'native';
      stack = this.interner.stack(stack, this.interner.frame(`n:${apiId}:${callFile}:${callLine}`, apiName, callFile, callLine, 1));
    }
    this.interner.sample(stack, t - this.s.t0, weight, this.s.frames.frameNo);
  }
}
