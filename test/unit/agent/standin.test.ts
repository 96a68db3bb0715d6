// The Lua agent inside a stand-in for UEVR whose Lua surface is bound like UEVR binds it (sol2
// usertype userdata, shared metatables, named tables: test/native/uevr_standin.cpp). First the stand-in
// itself is checked against the sol2 behaviours the agent depends on (docs/agent.md lists them), then
// the agent: every registration path wrapped and timed with the mod's file:line, behaviour kept,
// per-engine eye mapping, a plugin that arrives after the scripts, and bindings it cannot wrap.
// Skips (with the reason) only when cmake, g++ or liblua5.4-dev are missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';

const root = resolve(__dirname, '../../..');
const host = join(root, 'agent/native/build-linux/uevrprof-host');
const agent = join(root, 'agent/!uevr-profiler-agent.lua');
const paths = join(root, 'test/native/mods/agent-paths');

function missingTools(): string | undefined {
  for (const t of ['cmake', 'g++']) if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed (apt-get install -y cmake g++ liblua5.4-dev)`;
  if (!existsSync('/usr/include/lua5.4/lua.h')) return 'liblua5.4-dev is not installed (apt-get install -y liblua5.4-dev)';
  return undefined;
}

interface Registration {
  name: string;
  file: string;
  line: number;
  generation: number;
}
interface Run {
  errors: number;
  samples: number;
  registrations: Registration[];
  callbackEyes: Record<string, number[]>;
  exactCallbackShare: Record<string, number>;
  hookSkips: number;
  reloads: number;
  unmapped: number;
  stillMapped: number;
  stderr: string;
}

function host_(args: string[]): Run {
  const r = spawnSync(host, ['--bench', '--echo', ...args], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, `host exited ${r.status}: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Omit<Run, 'stderr'>), stderr: r.stderr };
}

describe('the Lua agent in a stand-in host bound like UEVR (sol2 usertypes)', { skip: missingTools() }, () => {
  before(() => {
    const r = spawnSync(process.execPath, [join(root, 'agent/native/build.mjs'), '--linux'], { encoding: 'utf8', timeout: 300000 });
    assert.equal(r.status, 0, `build failed:\n${r.stdout}\n${r.stderr}`);
  });

  test('the stand-in behaves like sol2 where the agent depends on it', () => {
    const r = host_(['--no-agent', '--mods', join(root, 'test/native/mods/sol2-shapes'), '--frames', '1', '--hz', '0']);
    const shape: Record<string, string> = {};
    for (const m of r.stderr.matchAll(/^print: shape ([^=]+)=(.*)$/gm)) shape[m[1]] = m[2];
    assert.deepEqual(
      { sdk: shape['type.sdk'], callbacks: shape['type.callbacks'], api: shape['type.api'], vr: shape['type.params.vr'], uevr: shape['type.uevr'], lua: shape['type.uevr.lua'] },
      { sdk: 'userdata', callbacks: 'userdata', api: 'userdata', vr: 'userdata', uevr: 'table', lua: 'table' },
    );
    assert.equal(shape.rawequal, 'false', 'each access to uevr.sdk.callbacks is a new userdata');
    assert.equal(shape.eq, 'true');
    assert.match(shape.pairs, /not recognized as a container/);
    assert.match(shape.next, /table expected/);
    assert.match(shape.rawset, /table expected/);
    assert.equal(shape['assign.existing'], 'ok', 'assigning an existing registrar on the instance is silently ignored');
    assert.equal(shape['assign.existing.kept'], 'true');
    assert.match(shape['assign.new'], /cannot set \(new_index\)/);
    assert.equal(shape['mt.type'], 'table');
    assert.equal(shape['mt.index.self'], 'true');
    assert.equal(shape['mt.shared.params'], 'true');
    assert.equal(shape['mt.holds.registrar'], 'function');
    assert.equal(shape['ufunction.type'], 'userdata');
    assert.equal(shape['ufunction.index'], 'function', "a UFunction's __index is a C closure over the storage");
    assert.equal(shape['ufunction.mt.rawset.ignored'], 'function', 'rawset on that metatable changes nothing');
    assert.match(shape['named.assign.uaf'], /heap-use-after-free/, 'assigning through the named table destroys the saved binding');
  });

  test('every registration path is wrapped and timed with the mod\'s file:line (coroutines and script panels included)', () => {
    const r = host_(['--agent', agent, '--mods', paths, '--frames', '30', '--hz', '0']);
    const sites = Object.fromEntries(r.registrations.map((x) => [x.name, `${x.file.replace(/^.*\//, '')}:${x.line}`]));
    assert.deepEqual(sites, {
      on_pre_engine_tick: 'paths.lua:4',
      on_post_engine_tick: 'paths.lua:5', // through uevr.params.sdk.callbacks
      'hook_ptr:pre:Function /Script/Engine.Actor.ReceiveTick': 'paths.lua:7',
      'hook_ptr:post:Function /Script/Engine.Actor.ReceiveTick': 'paths.lua:7',
      'script_panel:Profiler Test': 'paths.lua:8',
      on_frame: 'paths.lua:10', // registered inside a coroutine
      on_early_calculate_stereo_view_offset: 'paths.lua:14',
      on_draw_ui: 'paths.lua:15',
      on_xinput_get_state: 'paths.lua:17',
    });
    for (const name of Object.keys(sites)) assert.ok(name in r.exactCallbackShare, `${name} is timed`);
    assert.doesNotMatch(r.stderr, /uevr log: \[UEVR Profiler\] cannot wrap/);
  });

  test('behaviour is kept: return values, hook_ptr pre returning false, errors re-raised unchanged', () => {
    const r = host_(['--agent', agent, '--mods', paths, '--frames', '10', '--hz', '0']);
    for (const c of ['returns', 'hook_pre_false', 'error_message', 'error_object']) assert.match(r.stderr, new RegExp(`^print: check ${c} ok$`, 'm'));
    assert.equal(r.hookSkips, 12, 'the engine call is skipped on every frame (10 + 2 warm-up), as without the agent');
    assert.match(r.stderr, /script error: \S*paths\.lua:15: boom from draw_ui/);
  });

  test('stereo callbacks: view_index mapped per engine (UE5 0/1, UE4 1/2) to eyes 0/1', () => {
    for (const engine of [[], ['--ue4']]) {
      const r = host_(['--agent', agent, '--mods', paths, '--frames', '5', '--hz', '0', ...engine]);
      assert.deepEqual(r.callbackEyes.on_early_calculate_stereo_view_offset, [0, 1], engine.join(' ') || 'UE5');
    }
  });

  test('a plugin initialised after the scripts (UEVR\'s "Reload Plugins") is found without a script reset', () => {
    const r = host_(['--agent', agent, '--mods', paths, '--frames', '200', '--hz', '0', '--late-plugin']);
    assert.equal(r.registrations.length, 9, JSON.stringify(r.registrations));
    assert.ok(r.registrations.every((x) => /paths\.lua$/.test(x.file) && x.line > 0));
    assert.ok('on_pre_engine_tick' in r.exactCallbackShare);
  });

  test('"Reload Plugins" with the plugin as a shared object: unloaded on another thread while on_frame scripts run, it is unmapped each time; the scripts keep running; each new instance times every registration', (t) => {
    const so = join(root, 'agent/native/build-linux/uevr_profiler.so');
    if (!existsSync(so)) {
      t.skip('uevr_profiler.so was not built (no Lua 5.4.4 sources: see agent/native/build.mjs)');
      return;
    }
    // (With the known-cost loops: ~1 ms of Lua per frame to sample; paths.lua's callbacks take microseconds.)
    const loops = join(root, 'test/fixtures/mods/known-cost-loops');
    const r = host_(['--agent', agent, '--mods', paths, '--mods', loops, '--plugin', so, '--frames', '700', '--hz', '2000', '--reload-every', '130', '--unload-async']);
    assert.ok(r.reloads >= 4, `${r.reloads} reloads`);
    // Every reload, and the last unload at the end: dlopen(RTLD_NOLOAD) finds nothing left.
    assert.equal(r.unmapped, r.reloads + 1);
    assert.equal(r.stillMapped, 0);
    // (paths.lua raises on purpose in some callbacks; its behaviour checks print "ok" in every state.)
    assert.equal((r.stderr.match(/check returns ok/g) ?? []).length, r.reloads + 1, r.stderr.slice(-2000));
    assert.doesNotMatch(r.stderr, /check \w+ (?!ok)/);
    // The agent of every new state found the plugin instance loaded after it (it asks every 90 ticks) and
    // registered its callbacks there.
    assert.equal(r.registrations.filter((x) => x.name === 'on_frame' && /paths\.lua$/.test(x.file)).length, r.reloads + 1);
    assert.ok('on_frame' in r.exactCallbackShare && 'on_pre_engine_tick' in r.exactCallbackShare, JSON.stringify(r.exactCallbackShare));
    assert.ok(r.samples > 100, `sampled across the reloads: ${r.samples} samples`);
  });

  test('a UEVR whose Lua state is not laid out like the plugin\'s: one refusal line in UEVR\'s log, the state untouched, mods unchanged', () => {
    const r = host_(['--agent', agent, '--mods', join(root, 'test/fixtures/mods/errors'), '--frames', '200', '--hz', '1000', '--foreign-state']);
    const lines = r.stderr.split('\n').filter((l) => /cannot be shared safely/.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^uevr log: \[error\] \[UEVR Profiler\] UEVR's Lua state is not laid out like Lua 5\.4\.4/);
    assert.deepEqual(r.registrations, [], 'no contract table: nothing registered, nothing timed');
    assert.equal(r.samples, 0);
    assert.match(r.stderr, /print: good 10/, 'the mods\' callbacks still run');
  });

  test('a binding it cannot wrap: said once in UEVR\'s log, mods run unchanged', () => {
    const r = host_(['--agent', agent, '--mods', join(root, 'test/fixtures/mods/errors'), '--frames', '20', '--hz', '0', '--protect-metatables']);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('uevr log: [UEVR Profiler] cannot wrap'));
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0], /uevr\.sdk\.callbacks: its metatable is protected.*mods run unchanged/);
    assert.match(lines[1], /hook_ptr/);
    assert.match(r.stderr, /print: good 10/, 'the mods\' callbacks still run');
    assert.match(r.stderr, /a_runtime\.lua:6: attempt to index a nil value/, 'and their errors still reach UEVR');
    assert.deepEqual(r.registrations, []);
  });
});
