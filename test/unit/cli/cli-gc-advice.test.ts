// `uevr-prof gc-advice --sim DIR` on mods we wrote: the table, the recommendation and where to set it
// in UEVR's menu, --json, and hostile arguments (usage errors on stderr, exit 2).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliHarness } from './harness';

const { dir, run } = cliHarness();
const MODS = join(__dirname, '..', '..', 'fixtures', 'mods');

interface AdviceJson {
  scripts: number;
  frames: number;
  options: Array<{ label: string; uevrDefault: boolean; gcMeanMs: number; gcP99Ms: number; luaP99Ms: number; peakMemoryKb: number }>;
  recommendation: { label: string; keepDefault: boolean; reason: string; menuPath: string; menu: Array<{ label: string; value: string }>; config: Record<string, string> };
}

describe('uevr-prof gc-advice', () => {
  test("a mod that allocates nothing per frame: keep UEVR's defaults (text table and menu path)", async () => {
    const r = await run('gc-advice', '--sim', join(MODS, 'gc-clean'), '--frames', '300');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.match(r.out, /option +GC ms\/frame +GC p99 +Lua ms\/frame +Lua p99 +peak MiB/);
    assert.match(r.out, /UEVR\/Step\/Gen minor 1 major 100 \(default\)  <-/);
    assert.match(r.out, /UEVR\/Full\/Gen/);
    assert.match(r.out, /Lua\/Incremental/);
    assert.match(r.out, /Recommended: keep UEVR's defaults/);
    assert.match(r.out, /Where: UEVR menu > tick "Show Advanced Options" > sidebar "LuaLoader" > "Main":\n  Garbage Collection Handler: Managed by UEVR\n  Garbage Collection Mode: Generational\n  Minor GC Multiplier: 1\n  Major GC Multiplier: 100\n  Garbage Collection Type: Step\n/);
    assert.match(r.out, /LuaLoader_GarbageCollectionHandler=0 /);
  });

  test('an allocation-heavy mod: the advice avoids the costly options and the table shows why (--json)', async () => {
    const r = await run('gc-advice', '--sim', join(MODS, 'gc-churn'), '--frames', '300', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as AdviceJson;
    assert.equal(j.scripts, 1);
    assert.equal(j.options.length, 10);
    const by = new Map(j.options.map((o) => [o.label, o]));
    const def = by.get('UEVR/Step/Gen minor 1 major 100')!;
    const full = by.get('UEVR/Full/Gen')!;
    assert.ok(def.uevrDefault);
    // A full collection of an 11 MiB heap every frame against one young collection.
    assert.ok(full.gcMeanMs > 4 * def.gcMeanMs, `full ${full.gcMeanMs} vs default ${def.gcMeanMs}`);
    assert.ok(full.peakMemoryKb < def.peakMemoryKb, 'but it holds the least memory');
    // The young collections every frame (default, major 300) or Lua's own: never Full, incremental or minor 100.
    assert.ok(['UEVR/Step/Gen minor 1 major 100', 'UEVR/Step/Gen minor 1 major 300', 'Lua/Gen minor 1 major 100'].includes(j.recommendation.label), j.recommendation.label);
    const rec = by.get(j.recommendation.label)!;
    for (const o of j.options) if (/Full|Incremental|minor 100 /.test(o.label)) assert.ok(o.luaP99Ms > rec.luaP99Ms, `${o.label} spikes more`);
    assert.equal(j.recommendation.menuPath, 'UEVR menu > tick "Show Advanced Options" > sidebar "LuaLoader" > "Main"');
    assert.ok(j.recommendation.menu.some((m) => m.label === 'Garbage Collection Handler'));
    assert.equal(Object.keys(j.recommendation.config).length, 6);
  });

  test('hostile arguments are usage errors on stderr with exit 2', async () => {
    const empty = join(dir, 'no-scripts');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(dir, 'a-file.lua'), 'print(1)\n');
    const cases: Array<[string[], RegExp]> = [
      [[], /missing --sim DIR/],
      [['--sim'], /--sim/],
      [['--sim', MODS, 'extra'], /unexpected argument "extra"/],
      [['--sim', MODS, '--frames', 'abc'], /--frames must be a number between 10 and 100000, got "abc"/],
      [['--sim', MODS, '--frames', '1e9'], /--frames must be a number/],
      [['--sim', MODS, '--frames', '-5'], /--frames/],
      [['--sim', MODS, '--frames', '50', '--warmup', '50'], /--warmup \(50\) must be less than --frames \(50\)/],
      [['--sim', MODS, '--hz', '0'], /--hz must be a number between 1 and 1000/],
      [['--sim', MODS, '--engine', 'ps5'], /--engine must be ue4 or ue5/],
      [['--sim', MODS, '--gc-type', 'full'], /gc-advice: Unknown option '--gc-type'/],
      [['--sim', join(dir, 'does-not-exist')], /cannot run the simulated session on .*does-not-exist/],
      [['--sim', join(dir, 'a-file.lua')], /cannot run the simulated session/],
      [['--sim', empty, '--frames', '10', '--warmup', '0'], /no \.lua scripts in/],
    ];
    for (const [args, msg] of cases) {
      const r = await run('gc-advice', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
      assert.equal(r.out, '', `${args.join(' ')}: nothing on stdout`);
      assert.match(r.err, msg, args.join(' '));
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
  });
});
