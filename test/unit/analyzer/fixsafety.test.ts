// Fix-all never breaks code or changes behaviour (issue: `--fix` over real mods left files that no longer
// parse). Each failure found on real mods is reproduced here with a mod we wrote
// (test/fixtures/analyzer/fixsafety/); the oracle is real Lua 5.4 (load) and the simulated UEVR session
// with the behaviour tracer (src/core/analyzer/behaviour): the fixed mod must make the same UEVR calls
// with the same arguments and leave the same state, apart from the lookups the fixes remove.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, applyEdits, fixAll } from '../../../src/core/analyzer/analyze';
import { compareTraces } from '../../../src/core/analyzer/behaviour/trace-compare';
import { traceScriptsFolder, type BehaviourTrace } from '../../../src/core/analyzer/behaviour/trace-run';
import { LineIndex } from '../../../src/core/lua/positions';
import { closeLua, luaLoadError } from '../lua/real-lua';

after(closeLua);
const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/analyzer/fixsafety', name), 'utf8');

/** Runs one mod file (as main.lua of a scripts folder) in the simulated session with the tracer. */
async function trace(src: string, frames = 6): Promise<BehaviourTrace> {
  const dir = mkdtempSync(join(tmpdir(), 'fixsafety-'));
  try {
    writeFileSync(join(dir, 'main.lua'), src);
    return await traceScriptsFolder(dir, { frames });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function assertSafeFixAll(src: string, uri: string): Promise<{ text: string; codes: string[] }> {
  const r = fixAll(src, uri);
  assert.equal(await luaLoadError(r.text), null, `fix-all broke the file:\n${r.text}`);
  const a = await trace(src);
  const b = await trace(r.text);
  assert.ok(a.records.filter((x) => x.startsWith('effect ')).length > 5, `the mod does something visible:\n${a.records.join('\n')}`);
  const cmp = compareTraces(a, b, r.codes);
  assert.ok(cmp.same, `${cmp.difference}\n--- fixed:\n${r.text}`);
  return r;
}

describe('applyEdits', () => {
  test('an insertion and a replacement at the same offset: the insertion goes before the new text', () => {
    const text = 'abc = 1\n';
    const li = new LineIndex(text);
    // The replacement comes first in the list (as when its finding is earlier in the file).
    const out = applyEdits(text, [
      { range: li.range(0, 3), newText: 'xyz' },
      { range: li.range(0, 0), newText: 'local n = 2\n' },
      { range: li.range(0, 0), newText: 'local m = 3\n' },
    ]);
    assert.equal(out, 'local n = 2\nlocal m = 3\nxyz = 1\n');
  });
});

describe('fix-all on shapes from real mods', () => {
  test('fixes meeting at one statement start (unindented code) keep the statement whole', async () => {
    const src = fixture('same-offset-edits.lua');
    const r = await assertSafeFixAll(src, 'file:///same-offset.lua');
    assert.ok(r.codes.includes('UEVR004') && r.codes.includes('UEVR005'), `both fixes applied: ${r.codes}\n${r.text}`);
    assert.match(r.text, /^local relativeLocation = c\.Mesh\.RelativeLocation\nlocal name = c:get_full_name\(\)\nrelativeLocation\.X = /m);
  });

  test('a pcall closure is not lifted when a captured local can change while it runs, or it calls the function being defined', async () => {
    const src = fixture('closure-captures.lua');
    const lifts = analyze(src, 'file:///captures.lua').filter((f) => f.code === 'UEVR008');
    assert.equal(lifts.length, 3, 'both pcall closures (and the helper closure) are reported');
    for (const f of lifts) assert.deepEqual(f.fixes, [], 'but neither is lifted');
    await assertSafeFixAll(src, 'file:///captures.lua');
  });

  test('long callbacks with nested blocks and several protected closures: valid Lua, same behaviour', async () => {
    const src = fixture('long-callbacks.lua');
    const r = await assertSafeFixAll(src, 'file:///long.lua');
    for (const code of ['UEVR003', 'UEVR005', 'UEVR006', 'UEVR008', 'UEVR013']) assert.ok(r.codes.includes(code), `${code} applied (${r.codes})\n${r.text}`);
    assert.ok((r.text.match(/_protected\w* = |local function \w+_protected/g) ?? []).length >= 2, r.text);
  });

  test('a file with a syntax error is never fixed, and its findings offer no fixes', () => {
    const src = 'uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)\n  local t = {1, 2, 3}\n  pcall(function() print(t[1]) end)\nend)\nlocal broken = = 1\n';
    const findings = analyze(src, 'file:///broken.lua');
    assert.ok(findings.some((f) => f.code === 'syntax'));
    assert.ok(findings.some((f) => f.code === 'UEVR008'), 'the rules still report');
    assert.ok(findings.every((f) => f.fixes.length === 0));
    assert.equal(fixAll(src, 'file:///broken.lua').text, src);
  });
});

describe('behaviour trace', () => {
  test('two runs of the same mod give the same trace (clocks, addresses and GC readings are pinned)', async () => {
    const src = 'local t0 = os.clock()\nuevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  local p = uevr.api:get_local_pawn(0)\n  p.Elapsed = os.clock() - t0\n  p.Mem = collectgarbage("count")\n  p.Label = tostring({})\n  print(os.time(), p.Mesh.RelativeLocation.X)\nend)\n';
    const a = await trace(src);
    const b = await trace(src);
    assert.deepEqual(b.records, a.records);
    assert.ok(a.records.some((r) => r.startsWith('effect set U<') && r.includes('.Elapsed=')), a.records.join('\n'));
  });

  test('a changed write, an extra call or a lookup a fix did not target is a difference', async () => {
    const src = 'local api = uevr.api\nuevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  local p = api:get_local_pawn(0)\n  p.Health = 100\n  p:SetActorHiddenInGame(false)\nend)\n';
    const a = await trace(src);
    const changedWrite = await trace(src.replace('100', '101'));
    assert.match(compareTraces(a, changedWrite, ['UEVR005', 'UEVR006']).difference ?? '', /Health=101/);
    const extraCall = await trace(src.replace('p:SetActorHiddenInGame(false)', 'p:SetActorHiddenInGame(false) p:SetActorHiddenInGame(false)'));
    assert.equal(compareTraces(a, extraCall, []).same, false);
    const twoFetches = await trace(src.replace('p.Health = 100', 'p.Health = 100 api:get_local_pawn(0)'));
    assert.equal(compareTraces(a, twoFetches, []).same, false, 'a fetch is compared unless UEVR006 was applied');
    assert.equal(compareTraces(twoFetches, a, ['UEVR006']).same, true, 'UEVR006 may remove a repeated fetch');
    assert.equal(compareTraces(a, twoFetches, ['UEVR006']).same, false, 'but never add one');
    const stereo = 'uevr.sdk.callbacks.on_early_calculate_stereo_view_offset(function(d, v, w, pos, rot, dbl)\n  pos.x = pos.x + 1\nend)\n';
    const s1 = await trace(stereo);
    const s2 = await trace(stereo.replace('+ 1', '+ 2'));
    assert.equal(compareTraces(s1, s2, []).same, false, 'what a callback leaves in its arguments is compared');
  });
});
