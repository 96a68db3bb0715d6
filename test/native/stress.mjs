#!/usr/bin/env node
// Stress of the native agent under AddressSanitizer and ThreadSanitizer (run by .ci/run):
//   the Linux host (plugin_core + profiler + session code, Lua 5.4.4 built with the same instrumentation)
//   runs the example mods, a mod that hook_ptrs (and registers from a coroutine and a script panel), and the known-cost loops, with the
//   script thread paced at 90 Hz and sampling at 4 kHz (the sampler stopping the script thread with a
//   signal for every arm) for 60 s, with a script reset every 100 frames (≥ 50) and UEVR's "Reload
//   Plugins" (callback lists cleared, scripts reset, plugin initialised again) every 270 frames (20).
// Pass: exit 0 with no sanitizer report, every reset/reload done within 2 s, the run within its time
// bound, and (under ASan; see below for TSan) the known-cost loops' sampled shares within ±3 pp of 60/30/10.
//   node test/native/stress.mjs [--seconds 60] [--only address|thread]
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const seconds = Number(arg('--seconds', '60'));
const only = arg('--only', '');
const fps = 90;
const frames = Math.round(seconds * fps);

let failed = 0;
const fail = (msg) => {
  failed++;
  console.log(`not ok - ${msg}`);
};

for (const san of ['address', 'thread']) {
  if (only && only !== san) continue;
  const t0 = Date.now();
  const b = spawnSync(process.execPath, [join(root, 'agent/native/build.mjs'), '--linux', '--sanitize', san], { encoding: 'utf8' });
  if (b.status !== 0) {
    fail(`${san}: build failed\n${b.stdout}\n${b.stderr}`);
    continue;
  }
  const host = join(root, `agent/native/build-linux-${san === 'address' ? 'asan' : 'tsan'}/uevrprof-host`);
  const env = {
    ...process.env,
    ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=66',
    TSAN_OPTIONS: 'halt_on_error=0:exitcode=66:report_signal_unsafe=1',
  };
  const args = [
    '--agent', join(root, 'agent/!uevr-profiler-agent.lua'),
    '--mods', join(root, 'examples'),
    '--mods', join(root, 'test/fixtures/mods/known-cost-loops'),
    '--mods', join(root, 'test/native/mods/hooks'),
    '--bench', '--pace', '--fps', String(fps), '--frames', String(frames), '--seconds', String(seconds * 3),
    '--hz', '4000', '--game-ms', '2', '--reset-every', '100', '--reload-every', '270',
  ];
  console.log(`# ${san}: ${host} ${args.join(' ')}`);
  // Bounded: the run itself is ~`seconds`; anything far beyond is a hang.
  // (TSan slows the Lua VM below 90 Hz: its run takes longer than `seconds` for the same frames.)
  const r = spawnSync(host, args, { encoding: 'utf8', env, timeout: (seconds * 3 + 60) * 1000, maxBuffer: 64 * 1024 * 1024 });
  const took = (Date.now() - t0) / 1000;
  const reports = (r.stderr.match(/^(==\d+==ERROR: \w+Sanitizer|WARNING: ThreadSanitizer|SUMMARY: \w+Sanitizer).*$/gm) ?? []);
  if (r.error) fail(`${san}: ${r.error.message} (after ${took.toFixed(0)} s)`);
  if (r.status !== 0) fail(`${san}: host exited ${r.status} (signal ${r.signal})`);
  if (reports.length) {
    fail(`${san}: ${reports.length} sanitizer report line(s)`);
    console.log(r.stderr.split('\n').slice(0, 80).join('\n'));
  }
  let res;
  try {
    res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    fail(`${san}: no result line`);
    console.log(r.stderr.slice(-4000));
    continue;
  }
  const loops = ['f60', 'f30', 'f10'].map((k) => res.inclusiveShare[k] ?? 0);
  const sum = loops.reduce((a, v) => a + v, 0);
  const shares = loops.map((v) => (sum > 0 ? (v / sum) * 100 : 0));
  const worst = Math.max(...shares.map((v, i) => Math.abs(v - [60, 30, 10][i])));
  console.log(
    `# ${san}: ${res.frames} frames in ${took.toFixed(0)} s, median frame ${res.medianFrameMs.toFixed(2)} ms, ${res.samples} samples, ` +
      `${res.resets} resets (max ${res.maxResetMs.toFixed(0)} ms), ${res.reloads} reloads (max ${res.maxReloadMs.toFixed(0)} ms), ` +
      `known-cost loops f60/f30/f10 ${shares.map((v) => v.toFixed(1)).join('/')} (worst ${worst.toFixed(1)} pp), script errors ${res.errors}`,
  );
  if (res.resets + res.reloads < 50) fail(`${san}: only ${res.resets} resets + ${res.reloads} reloads`);
  if (res.reloads < 20) fail(`${san}: only ${res.reloads} plugin reloads`);
  if (res.maxResetMs > 2000 || res.maxReloadMs > 2000) fail(`${san}: a reset/reload took over 2 s`);
  if (res.samples < 1000) fail(`${san}: only ${res.samples} samples`);
  // Accuracy is gated under ASan only: TSan defers asynchronous signals to its interception points (libc
  // calls), so under TSan the sampler's arm never lands inside a pure Lua loop and the loops' shares say
  // nothing about the profiler. TSan's part is the race detection.
  if (san === 'address' && worst > 3) fail(`${san}: known-cost loop shares off by ${worst.toFixed(1)} pp (> 3)`);
  if (res.errors !== 0) fail(`${san}: ${res.errors} script errors`);
  if (res.pluginLogErrors !== 0) fail(`${san}: the plugin logged ${res.pluginLogErrors} error(s)`);
  if (!failed) console.log(`ok - ${san}`);
}
console.log(failed ? `# stress: ${failed} failure(s)` : '# stress: all passed');
process.exit(failed ? 1 : 0);
