// What a capture says in numbers a mod author acts on: per callback and per function, ms per game
// frame and share of the VR frame budget. Shared by the CLI report, the extension (history, compare,
// Markdown/HTML report) and the language server's measured costs.
import { budgetMs } from '../budget';
import { functionStats } from '../profile/functionStats';
import { FrameKind, type Profile } from '../profile/types';

export interface CallbackSummary {
  name: string;
  file: string;
  line: number;
  /** Mean ms per game frame, both eyes together for stereo callbacks. */
  msPerFrame: number;
  /** Per eye (stereo callbacks only): [left, right] ms per frame. */
  perEye?: [number, number];
  callsPerFrame: number;
  /** 95th percentile of this callback's ms over frames. */
  p95Ms: number;
}

export interface FunctionSummary {
  name: string;
  file: string;
  line: number;
  native: boolean;
  selfMsPerFrame: number;
  totalMsPerFrame: number;
  samples: number;
}

export interface ProfileSummary {
  name: string;
  frames: number;
  seconds: number;
  refreshRateHz: number;
  budgetMs: number;
  /** 'frames' when ms per frame come from game frames; 'duration' when the profile has none and
   * costs are per 1/refreshRate of profile time instead. */
  basis: 'frames' | 'duration';
  scriptsMsPerFrame: number;
  frameMsMean: number;
  frameMsP95: number;
  gcMsPerFrame: number;
  overheadMsPerFrame: number;
  samples: number;
  callbacks: CallbackSummary[];
  functions: FunctionSummary[];
}

function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function mean(a: Float64Array | undefined): number {
  if (!a || a.length === 0) return 0;
  let s = 0;
  let n = 0;
  for (const v of a) {
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n ? s / n : 0;
}

/** Summarises a profile. Without game frames, "per frame" means per 1/refreshRate s of profile time. */
export function summarizeProfile(profile: Profile, refreshRateHz: number, topFunctions = 50): ProfileSummary {
  const gf = profile.gameFrames;
  const frames = gf?.length ?? 0;
  const basis = frames > 0 ? 'frames' : 'duration';
  const frameCount = frames > 0 ? frames : Math.max(1e-9, (profile.durationMs / 1000) * refreshRateHz);
  // Weights of a time profile are ms; samples-only profiles cannot say ms, so they count as 1 ms each.
  const perFrame = (w: number): number => w / frameCount;

  const callbacks: CallbackSummary[] = [];
  const cb = profile.callbacks;
  const ct = profile.callbackTimings;
  if (cb && ct && frames > 0) {
    const perFrameMs = Array.from({ length: cb.length }, () => new Float64Array(frames));
    const eyes = Array.from({ length: cb.length }, () => [0, 0, 0]);
    const calls = new Float64Array(cb.length);
    let hasEyes = false;
    for (let i = 0; i < ct.length; i++) {
      const c = ct.callback[i];
      const f = ct.gameFrame[i];
      if (c < 0 || c >= cb.length || f < 0 || f >= frames) continue;
      perFrameMs[c][f] += ct.duration[i];
      const eye = ct.eye[i];
      if (eye >= 0) hasEyes = true;
      eyes[c][eye + 1] += ct.duration[i];
      calls[c] += 1;
    }
    for (let c = 0; c < cb.length; c++) {
      const total = perFrameMs[c].reduce((a, b) => a + b, 0);
      const s: CallbackSummary = {
        name: cb.name[c],
        file: cb.file[c],
        line: cb.line[c],
        msPerFrame: total / frames,
        callsPerFrame: calls[c] / frames,
        p95Ms: percentile(perFrameMs[c], 0.95),
      };
      if (hasEyes && (eyes[c][1] > 0 || eyes[c][2] > 0)) s.perEye = [eyes[c][1] / frames, eyes[c][2] / frames];
      callbacks.push(s);
    }
    callbacks.sort((a, b) => b.msPerFrame - a.msPerFrame);
  }

  const stats = functionStats(profile);
  const fns = stats.functions;
  const order = Array.from({ length: fns.length }, (_, i) => i).sort((a, b) => stats.self[b] - stats.self[a] || stats.total[b] - stats.total[a]);
  const functions: FunctionSummary[] = order.slice(0, topFunctions).map((i) => ({
    name: fns.name[i],
    file: fns.file[i],
    line: fns.line[i],
    native: fns.kind[i] === FrameKind.Native,
    selfMsPerFrame: perFrame(stats.self[i]),
    totalMsPerFrame: perFrame(stats.total[i]),
    samples: stats.selfSamples[i],
  }));

  let totalWeight = 0;
  for (let i = 0; i < profile.samples.length; i++) totalWeight += profile.samples.weight[i];
  const scriptsMsPerFrame = frames > 0 ? mean(gf?.scriptsMs) : perFrame(totalWeight);
  return {
    name: profile.name,
    frames,
    seconds: profile.durationMs / 1000,
    refreshRateHz,
    budgetMs: budgetMs(refreshRateHz),
    basis,
    scriptsMsPerFrame,
    frameMsMean: mean(gf?.duration),
    frameMsP95: gf ? percentile(gf.duration, 0.95) : 0,
    gcMsPerFrame: mean(gf?.gcMs),
    overheadMsPerFrame: typeof profile.meta.overheadMsPerFrame === 'number' ? profile.meta.overheadMsPerFrame : 0,
    samples: profile.samples.length,
    callbacks,
    functions,
  };
}
