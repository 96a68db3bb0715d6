// The whole capture path on the real simulated session (real Lua 5.4 via wasmoon): sim → protocol
// server → loopback socket → client → recorder → .uevrcap → reader → report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulatedSession } from '../../../src/core/sim/session';
import { SessionServer } from '../../../src/core/session/server';
import { SessionClient } from '../../../src/core/session/client';
import { recordCapture } from '../../../src/core/session/recorder';
import { readCapture } from '../../../src/core/capture/reader';
import { computeReport } from '../../../src/cli/report';

test('capture of a real simulated session: callbacks per eye, sampled functions with file:line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uevr-simcap-'));
  writeFileSync(
    join(dir, 'mod.lua'),
    [
      'local function heavy()',
      '  local s = 0',
      '  for i = 1, 30000 do s = s + i % 7 end',
      '  return s',
      'end',
      'uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta) heavy() end)',
      'uevr.sdk.callbacks.on_early_calculate_stereo_view_offset(function(d, view_index, w, p, r, dbl) local x = view_index end)',
      '',
    ].join('\n'),
  );
  const sim = await createSimulatedSession({ scriptsDir: dir, realtime: false, seed: 1 });
  sim.start();
  const server = await SessionServer.start({ backend: sim, token: 'tok', port: 0 });
  const client = await SessionClient.open('127.0.0.1', server.port, 'tok');
  const out = join(dir, 'c.uevrcap');
  try {
    const r = await recordCapture(client, out, { seconds: 0.4, samplingHz: 2000 });
    assert.equal(r.reason, 'stopped');
  } finally {
    client.close();
    await server.close();
    await sim.dispose();
  }
  const p = readCapture(readFileSync(out), out);
  assert.equal(p.meta.truncated, false);
  assert.ok(p.gameFrames!.length > 5);
  const names = p.callbacks!.name;
  assert.ok(names.includes('on_pre_engine_tick'), names.join());
  const stereo = names.indexOf('on_early_calculate_stereo_view_offset');
  assert.ok(stereo >= 0);
  const ct = p.callbackTimings!;
  let left = 0;
  let right = 0;
  for (let i = 0; i < ct.length; i++) if (ct.callback[i] === stereo) ct.eye[i] === 0 ? left++ : ct.eye[i] === 1 ? right++ : 0;
  assert.equal(left, right);
  assert.ok(left > 0);
  assert.ok(p.samples.length > 0);
  const rep = computeReport(p);
  const heavy = rep.functions.find((f) => f.name === 'heavy');
  assert.ok(heavy, JSON.stringify(rep.functions.slice(0, 5)));
  assert.match(heavy.file, /mod\.lua$/);
  assert.equal(rep.callbacks[0]!.name, 'on_pre_engine_tick');
});
