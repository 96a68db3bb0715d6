import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startSim } from './helpers';

describe('simulated session against hostile mods', () => {
  test('an infinite loop (also one that swallows errors) is stopped by the watchdog and reported', async () => {
    const r = await startSim('hostile-loop', { watchdogInstructions: 2_000_000 });
    // toplevel.lua loops forever in its main chunk: stopped at load, reported with its line.
    const top = r.errors.find((e) => e.file.endsWith('toplevel.lua'));
    assert.ok(top, 'top-level loop reported');
    assert.equal(top.line, 2);
    assert.match(top.message, /watchdog/);
    await r.sim.runFrames(5);
    assert.equal(r.frames.length, 5, 'frames keep coming');
    const loop = r.errors.filter((e) => e.file.endsWith('loop.lua'));
    assert.ok(loop.some((e) => e.line === 5 && /watchdog/.test(e.message)), JSON.stringify(loop));
    assert.ok(loop.some((e) => e.line === 11 || e.line === 10), 'the error-swallowing loop is stopped too');
    assert.ok(r.logs.some((l) => l.text === 'alive 4'), 'later frames run normally');
    await r.sim.dispose();
  });

  test('a loop of host API calls (few Lua instructions) is stopped by the time budget', async () => {
    const r = await startSim('hostile-api-loop', { watchdogMs: 300 });
    await r.sim.runFrames(4);
    const errs = r.errors.filter((e) => e.file.endsWith('api_loop.lua'));
    assert.equal(errs.length, 1, JSON.stringify(errs));
    assert.equal(errs[0].line, 6);
    assert.match(errs[0].message, /watchdog: the script ran for more than 300 ms/);
    assert.ok(r.logs.some((l) => l.text === 'alive 4'), 'later frames run normally');
    await r.sim.dispose();
  });

  test('huge allocations fail inside Lua (allocation cap) and the session keeps running', async () => {
    const r = await startSim('hostile-alloc', { memoryLimitMb: 16 });
    await r.sim.runFrames(4);
    const errs = r.errors.filter((e) => e.file.endsWith('alloc.lua'));
    assert.equal(errs.length, 2, JSON.stringify(errs));
    assert.match(errs[0].message, /not enough memory/);
    assert.match(errs[1].message, /too large|not enough memory/);
    assert.ok(r.logs.some((l) => l.text === 'alive 4'));
    // The log flood of frame 4 is bounded: 1000 lines per frame ('alive 4' is one of them) of at most
    // 8 KiB, then one line saying what was dropped.
    const flood = r.logs.filter((l) => l.text.startsWith('zzz'));
    assert.equal(flood.length, 999);
    assert.ok(flood.every((l) => l.text.length < 8300));
    assert.ok(r.logs.some((l) => l.level === 'warn' && /1001 more log lines dropped/.test(l.text)));
    // The garbage of the failed frame is collected: memory is back well under the cap.
    assert.ok(r.sim.luaMemoryBytes() < 16 * 1024 * 1024);
    await r.sim.dispose();
  });

  test('hostile listeners and odd calls do not break the session', async () => {
    const r = await startSim('order');
    r.sim.subscribe({ frame: () => { throw new Error('listener bug'); } });
    const origError = console.error;
    console.error = () => undefined; // the simulator reports the listener bug on stderr
    try {
      r.sim.startSampling(Number.NaN);
      assert.equal(r.sim.samplingHz, 1000);
      r.sim.startSampling(1e9);
      assert.equal(r.sim.samplingHz, 10_000);
      await r.sim.runFrames(2);
      r.sim.stopSampling();
      await r.sim.dispatchLuaEvent('x'.repeat(100_000), '\u0000\uffff');
      await r.sim.runFrames(1);
    } finally {
      console.error = origError;
    }
    assert.equal(r.frames.length, 3);
    await r.sim.dispose();
    await r.sim.dispose(); // idempotent
    await r.sim.runFrames(1); // after dispose: nothing runs, nothing throws
    assert.equal(r.frames.length, 3);
  });
});
