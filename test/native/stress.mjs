#!/usr/bin/env node
// Stress of the native agent in three builds of the Linux stand-in host (run by .ci/run): normal,
// AddressSanitizer and ThreadSanitizer (Lua 5.4.4 built with the same instrumentation in the sanitizer
// builds). The plugin is the shared object uevr_profiler.so, loaded and unloaded as UEVR loads the DLL.
//   Mods: the examples, a mod that hook_ptrs (and registers from a coroutine and a script panel), the
//   known-cost loops (f60/f30/f10: Lua work 60/30/10) and the known-cost calls (b60/b30/b10: C calls of
//   0.6/0.3/0.1 ms). Script thread paced at 90 Hz, sampling at 4 kHz (the sampler stopping the script
//   thread with a signal at every wake-up) for 60 s, a script reset every 100 frames (≥ 50) and UEVR's
//   "Reload Plugins" every 270 frames (20): the callback lists cleared and the plugin dlclose'd on a
//   second thread (UEVR's menu thread) under an exclusive plugin lock while the game thread keeps
//   running on_frame callbacks, the module checked unmapped, the scripts reset, the plugin loaded and
//   initialised again.
// Pass: exit 0 with no sanitizer report, every reset/reload done within 2 s (5 s under TSan), every unload leaving the
// module unmapped, the run within its time bound, and the known-cost shares within ±3 pp: the loops in
// the normal and ASan builds, the C calls in all three (see below for the loops under TSan).
//   node test/native/stress.mjs [--seconds 60] [--only normal|address|thread]
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

/** Shares (percent of their sum) of three names, and the worst distance from the truth. */
function shares(map, names, truth) {
  const v = names.map((k) => map[k] ?? 0);
  const sum = v.reduce((a, x) => a + x, 0);
  const s = v.map((x) => (sum > 0 ? (x / sum) * 100 : 0));
  return { s, worst: Math.max(...s.map((x, i) => Math.abs(x - truth[i]))) };
}

for (const build of ['normal', 'address', 'thread']) {
  if (only && only !== build) continue;
  const t0 = Date.now();
  const bargs = build === 'normal' ? ['--linux'] : ['--linux', '--sanitize', build];
  const b = spawnSync(process.execPath, [join(root, 'agent/native/build.mjs'), ...bargs], { encoding: 'utf8' });
  if (b.status !== 0) {
    fail(`${build}: build failed\n${b.stdout}\n${b.stderr}`);
    continue;
  }
  // Time bound: the run itself is ~`seconds`; anything far beyond is a hang. TSan slows the script
  // thread below 90 Hz (its frames take ~30 ms on a loaded 2-core machine: every stop signal goes
  // through TSan's deferred delivery), so its 5400 frames need up to 5× the time.
  const cap = build === 'thread' ? 5 : 3;
  const dir = join(root, `agent/native/build-linux${build === 'normal' ? '' : build === 'address' ? '-asan' : '-tsan'}`);
  const host = join(dir, 'uevrprof-host');
  const env = {
    ...process.env,
    ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=66',
    TSAN_OPTIONS: `halt_on_error=0:exitcode=66:report_signal_unsafe=1:suppressions=${join(root, 'test/native/tsan.supp')}`,
  };
  const args = [
    '--agent', join(root, 'agent/!uevr-profiler-agent.lua'),
    '--mods', join(root, 'examples'),
    '--mods', join(root, 'test/fixtures/mods/known-cost-loops'),
    '--mods', join(root, 'test/native/mods/known-cost-burn-stress'),
    '--mods', join(root, 'test/native/mods/hooks'),
    '--plugin', join(dir, 'uevr_profiler.so'), '--unload-async',
    '--bench', '--pace', '--fps', String(fps), '--frames', String(frames), '--seconds', String(seconds * cap),
    '--hz', '4000', '--game-ms', '2', '--reset-every', '100', '--reload-every', '270',
  ];
  console.log(`# ${build}: ${host} ${args.join(' ')}`);
  const r = spawnSync(host, args, { encoding: 'utf8', env, timeout: (seconds * cap + 60) * 1000, maxBuffer: 64 * 1024 * 1024 });
  const took = (Date.now() - t0) / 1000;
  const reports = r.stderr.match(/^(==\d+==ERROR: \w+Sanitizer|WARNING: ThreadSanitizer|SUMMARY: \w+Sanitizer).*$/gm) ?? [];
  if (r.error) fail(`${build}: ${r.error.message} (after ${took.toFixed(0)} s)`);
  if (r.status !== 0) fail(`${build}: host exited ${r.status} (signal ${r.signal})`);
  if (reports.length) {
    fail(`${build}: ${reports.length} sanitizer report line(s)`);
    console.log(r.stderr.split('\n').slice(0, 80).join('\n'));
  }
  let res;
  try {
    res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    fail(`${build}: no result line`);
    console.log(r.stderr.slice(-4000));
    continue;
  }
  const loops = shares(res.inclusiveShare, ['f60', 'f30', 'f10'], [60, 30, 10]);
  // The calls' truth: the script thread's CPU time in them in this run. Not their wall time: on this
  // shared 2-core machine the thread often waits for a CPU in the middle of a burn (measured: 0.1 ms
  // burns lasting 0.2–0.6 ms on average at a load of 10), and the sampler's signal reaches a thread only
  // when it runs, so that waiting is not sampled (docs/bench/native.md).
  const a = res.burnCpuMs;
  const truthSum = (a['0.6'] ?? 0) + (a['0.3'] ?? 0) + (a['0.1'] ?? 0);
  const truth = ['0.6', '0.3', '0.1'].map((k) => (truthSum > 0 ? ((a[k] ?? 0) / truthSum) * 100 : 0));
  const calls = shares(res.inclusiveShare, ['b60', 'b30', 'b10'], truth);
  const fmt = (x) => x.s.map((v) => v.toFixed(1)).join('/');
  console.log(
    `# ${build}: ${res.frames} frames in ${took.toFixed(0)} s, median frame ${res.medianFrameMs.toFixed(2)} ms, ${res.samples} samples, ` +
      `${res.resets} resets (max ${res.maxResetMs.toFixed(0)} ms), ${res.reloads} reloads (max ${res.maxReloadMs.toFixed(0)} ms; ` +
      `unmapped ${res.unmapped}, still mapped ${res.stillMapped}, unload max ${res.maxUnloadMs.toFixed(0)} ms), ` +
      `loops f60/f30/f10 ${fmt(loops)} (worst ${loops.worst.toFixed(1)} pp), ` +
      `calls b60/b30/b10 ${fmt(calls)} vs ${truth.map((v) => v.toFixed(1)).join('/')} (worst ${calls.worst.toFixed(1)} pp), script errors ${res.errors}`,
  );
  if (res.resets + res.reloads < 50) fail(`${build}: only ${res.resets} resets + ${res.reloads} reloads`);
  if (res.reloads < 20) fail(`${build}: only ${res.reloads} plugin reloads`);
  // Every reload and the final unload at exit: dlclose must leave nothing mapped.
  if (res.unmapped !== res.reloads + 1 || res.stillMapped !== 0) fail(`${build}: ${res.unmapped} unloads unmapped, ${res.stillMapped} left mapped`);
  // Each reset/reload bounded: 2 s; 5 s under TSan (a reload there reloads a TSan-instrumented shared
  // object and runs every mod's load under TSan: up to 1.8 s measured at a load of 10).
  const bound = build === 'thread' ? 5000 : 2000;
  if (res.maxResetMs > bound || res.maxReloadMs > bound) fail(`${build}: a reset/reload took over ${bound / 1000} s`);
  if (res.samples < 1000) fail(`${build}: only ${res.samples} samples`);
  // The loops are not gated under TSan: TSan defers asynchronous signals to its interception points
  // (libc calls), so its sampler signal is handled only when the script thread calls into libc — never
  // inside a pure Lua loop. The C calls (a libc clock read in every burn) are sampled there.
  if (build !== 'thread' && loops.worst > 3) fail(`${build}: known-cost loop shares off by ${loops.worst.toFixed(1)} pp (> 3)`);
  if (calls.worst > 3) fail(`${build}: known-cost call shares off by ${calls.worst.toFixed(1)} pp (> 3)`);
  if (res.errors !== 0) fail(`${build}: ${res.errors} script errors`);
  if (res.pluginLogErrors !== 0) fail(`${build}: the plugin logged ${res.pluginLogErrors} error(s)`);
  if (!failed) console.log(`ok - ${build}`);
}
console.log(failed ? `# stress: ${failed} failure(s)` : '# stress: all passed');
process.exit(failed ? 1 : 0);
