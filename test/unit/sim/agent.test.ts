import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createSimulatedSession, defaultAgentPath, listScripts } from '../../../src/core/sim/session';
import { HOST_LOG } from './helpers';

const dirs: string[] = [];
function tempScripts(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'uevr-sim-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the Lua agent', () => {
  test('is found, sorts first, and is not loaded twice when the scripts folder has a copy', async () => {
    const agent = defaultAgentPath();
    assert.ok(agent && agent.endsWith('!uevr-profiler-agent.lua'));
    const d = tempScripts({ 'a.lua': 'uevr.sdk.callbacks.on_frame(function() end)', '0_first.lua': '' });
    mkdirSync(join(d, 'sub'));
    writeFileSync(join(d, 'sub', 'nested.lua'), 'error("nested scripts are not loaded")');
    copyFileSync(agent, join(d, '!uevr-profiler-agent.lua'));
    assert.deepEqual(listScripts(d).map((f) => f.slice(d.length + 1)), ['!uevr-profiler-agent.lua', '0_first.lua', 'a.lua']);
    const sim = await createSimulatedSession({ scriptsDir: d });
    const errors: string[] = [];
    sim.subscribe({ scriptError: (e) => errors.push(e.message) });
    await sim.runFrames(2);
    assert.deepEqual(errors, []);
    assert.equal(sim.scriptFiles().length, 3);
    assert.equal(sim.callbacks().length, 1, 'one mod callback (the agent registers its own reset hook untimed)');
    await sim.dispose();
  });

  test('keeps behaviour: return values pass through, errors keep their message and line', async () => {
    const d = tempScripts({
      'm.lua': [
        'local fn = uevr.api:find_uobject("Function /Script/Engine.Actor.ReceiveTick")',
        'local seen = {}',
        'fn:hook_ptr(function() return false end, function() seen[#seen + 1] = "post" end)',
        'uevr.sdk.callbacks.on_pre_engine_tick(function() error({ code = 7 }) end)',
        'uevr.sdk.callbacks.on_post_engine_tick(function() local ok, e = pcall(error, "inner", 0) print(tostring(ok) .. " " .. e .. " " .. #seen) end)',
      ].join('\n'),
    });
    const sim = await createSimulatedSession({ scriptsDir: d, hookCallsPerFrame: 1 });
    const errors: Array<{ file: string; line: number; message: string }> = [];
    const logs: string[] = [];
    sim.subscribe({ scriptError: (e) => errors.push(e), log: (l) => void (HOST_LOG.test(l.text) || logs.push(l.text)) });
    await sim.runFrames(1);
    assert.deepEqual(logs, ['false inner 1']);
    // A non-string error has no position: it is reported at the registration of the failing callback.
    assert.equal(errors.length, 1);
    assert.match(errors[0].file, /m\.lua$/);
    assert.equal(errors[0].line, 4);
    await sim.dispose();
  });

  test('without the native table the mods run untimed, registrations are announced, the agent keeps asking for a plugin', async () => {
    const agent = defaultAgentPath()!;
    const d = tempScripts({
      '!0_no_plugin.lua': 'uevr_profiler = nil',
      'b.lua': '\n\nuevr.sdk.callbacks.on_pre_engine_tick(function() print("ran") end)\n',
    });
    copyFileSync(agent, join(d, '!uevr-profiler-agent.lua'));
    const sim = await createSimulatedSession({ scriptsDir: d });
    const logs: string[] = [];
    const errors: unknown[] = [];
    sim.subscribe({ log: (l) => void (HOST_LOG.test(l.text) || logs.push(l.text)), scriptError: (e) => errors.push(e) });
    await sim.runFrames(2);
    assert.equal(sim.callbacks().length, 0, 'nothing is timed without the native side');
    assert.deepEqual(errors, []);
    // It asks a native plugin to install the contract table (a game's plugin answers this)…
    assert.equal(logs[0], 'custom event uevr_profiler.hello: ');
    // …announces each registration with its site (a plugin listening through on_custom_event can list it)…
    const b = join(d, 'b.lua');
    assert.ok(b.length < 60, 'short_src keeps the whole path');
    assert.deepEqual(logs.filter((l) => l.startsWith('custom event uevr_profiler.register')), [`custom event uevr_profiler.register: on_pre_engine_tick\t${b}\t3`]);
    // …and the mod's callback runs as it would without the agent.
    assert.equal(logs.filter((l) => l === 'ran').length, 2);
    await sim.dispose();
  });
});
