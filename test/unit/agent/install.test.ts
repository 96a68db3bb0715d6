import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  AGENT_SCRIPT_NAME,
  MANIFEST_NAME,
  PLUGIN_DLL_NAME,
  findPayload,
  installAgent,
  listGameProfiles,
  planInstall,
  uevrRoot,
  uninstallAgent,
} from '../../../src/core/agent/install';

function setup() {
  const base = mkdtempSync(join(tmpdir(), 'uevrprof-install-'));
  const root = join(base, 'UnrealVRMod');
  const ext = join(base, 'ext');
  mkdirSync(join(ext, 'dist', 'agent'), { recursive: true });
  writeFileSync(join(ext, 'dist', 'agent', AGENT_SCRIPT_NAME), '-- agent v1\n');
  writeFileSync(join(ext, 'dist', 'agent', PLUGIN_DLL_NAME), 'MZ fake dll v1');
  mkdirSync(join(root, 'GameA-Win64-Shipping', 'scripts'), { recursive: true });
  mkdirSync(join(root, 'GameB', 'plugins'), { recursive: true });
  mkdirSync(join(root, 'GameC'), { recursive: true });
  writeFileSync(join(root, 'GameC', 'config.txt'), 'x');
  mkdirSync(join(root, 'UEVR', 'scripts'), { recursive: true });
  mkdirSync(join(root, 'NotAGame'), { recursive: true });
  mkdirSync(join(root, 'profiler-sessions'), { recursive: true });
  writeFileSync(join(root, 'stray.txt'), 'x');
  const payload = findPayload(ext);
  assert.ok(typeof payload !== 'string', String(payload));
  return { base, root, ext, payload, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

describe('agent installer', () => {
  test('the root is overridable by UEVR_PROFILER_UEVR_DIR, else %APPDATA%\\UnrealVRMod', () => {
    assert.equal(uevrRoot({ UEVR_PROFILER_UEVR_DIR: '/x/y' }), '/x/y');
    assert.equal(uevrRoot({ APPDATA: '/appdata' }), join('/appdata', 'UnrealVRMod'));
  });

  test('lists game profiles: folders with scripts/, plugins/ or config.txt; global first', () => {
    const s = setup();
    try {
      const names = listGameProfiles(s.root).map((p) => p.name);
      assert.deepEqual(names, ['UEVR', 'GameA-Win64-Shipping', 'GameB', 'GameC']);
      assert.equal(listGameProfiles(s.root)[0].global, true);
      assert.deepEqual(listGameProfiles(join(s.root, 'missing')), []);
    } finally {
      s.cleanup();
    }
  });

  test('install copies the DLL into plugins/ and the agent into scripts/ (sorting first), uninstall removes them', () => {
    const s = setup();
    try {
      const game = join(s.root, 'GameA-Win64-Shipping');
      writeFileSync(join(game, 'scripts', 'a_mod.lua'), '-- a user mod');
      const r = installAgent(game, s.payload);
      assert.deepEqual(r.conflicts, []);
      assert.deepEqual(r.written.sort(), [join('plugins', PLUGIN_DLL_NAME), join('scripts', AGENT_SCRIPT_NAME)].sort());
      assert.equal(readFileSync(join(game, 'plugins', PLUGIN_DLL_NAME), 'utf8'), 'MZ fake dll v1');
      assert.ok([AGENT_SCRIPT_NAME, 'a_mod.lua', '0_first.lua', 'Zed.lua'].sort()[0] === AGENT_SCRIPT_NAME, 'the agent sorts first');
      assert.equal(listGameProfiles(s.root).find((p) => p.name === 'GameA-Win64-Shipping')?.installed, true);
      // Installing again: identical files are fine.
      const again = installAgent(game, s.payload);
      assert.equal(again.written.length, 0);
      assert.equal(again.unchanged.length, 2);
      const u = uninstallAgent(game);
      assert.equal(u.removed.length, 2);
      assert.ok(!existsSync(join(game, 'plugins', PLUGIN_DLL_NAME)));
      assert.ok(!existsSync(join(game, 'scripts', AGENT_SCRIPT_NAME)));
      assert.ok(!existsSync(join(game, MANIFEST_NAME)));
      assert.ok(existsSync(join(game, 'scripts', 'a_mod.lua')), 'the user mod is untouched');
    } finally {
      s.cleanup();
    }
  });

  test("a user's different file is a conflict: nothing is written without replace; replace backs it up and uninstall restores it", () => {
    const s = setup();
    try {
      const game = join(s.root, 'GameB');
      mkdirSync(join(game, 'scripts'), { recursive: true });
      writeFileSync(join(game, 'scripts', AGENT_SCRIPT_NAME), '-- the user wrote this');
      const plan = planInstall(game, s.payload);
      assert.deepEqual(plan.map((a) => a.kind).sort(), ['conflict', 'copy']);
      const r = installAgent(game, s.payload);
      assert.deepEqual(r.conflicts, [join('scripts', AGENT_SCRIPT_NAME)]);
      assert.ok(!existsSync(join(game, 'plugins', PLUGIN_DLL_NAME)), 'nothing written while a conflict is unanswered');
      const r2 = installAgent(game, s.payload, { replace: true });
      assert.deepEqual(r2.backedUp, [join('scripts', AGENT_SCRIPT_NAME)]);
      assert.equal(readFileSync(join(game, 'scripts', AGENT_SCRIPT_NAME), 'utf8'), '-- agent v1\n');
      const u = uninstallAgent(game);
      assert.deepEqual(u.restored, [join('scripts', AGENT_SCRIPT_NAME)]);
      assert.equal(readFileSync(join(game, 'scripts', AGENT_SCRIPT_NAME), 'utf8'), '-- the user wrote this');
    } finally {
      s.cleanup();
    }
  });

  test('an older agent of ours is updated without asking; a file changed by the user after install is kept on uninstall', () => {
    const s = setup();
    try {
      const game = join(s.root, 'GameC');
      installAgent(game, s.payload);
      writeFileSync(join(s.ext, 'dist', 'agent', AGENT_SCRIPT_NAME), '-- agent v2\n');
      const r = installAgent(game, s.payload);
      assert.deepEqual(r.conflicts, []);
      assert.deepEqual(r.written, [join('scripts', AGENT_SCRIPT_NAME)]);
      writeFileSync(join(game, 'plugins', PLUGIN_DLL_NAME), 'user replaced the dll');
      const u = uninstallAgent(game);
      assert.deepEqual(u.kept, [join('plugins', PLUGIN_DLL_NAME)]);
      assert.deepEqual(u.removed, [join('scripts', AGENT_SCRIPT_NAME)]);
      assert.ok(existsSync(join(game, 'plugins', PLUGIN_DLL_NAME)));
    } finally {
      s.cleanup();
    }
  });

  test('hostile manifests: garbage, huge, or paths escaping the profile never delete anything outside', () => {
    const s = setup();
    try {
      const game = join(s.root, 'GameA-Win64-Shipping');
      const victim = join(s.base, 'victim.txt');
      writeFileSync(victim, 'keep me');
      const hash = '0'.repeat(64);
      for (const text of [
        'not json',
        JSON.stringify({ version: 1, files: [{ path: join('..', '..', 'victim.txt'), sha256: hash }], backups: [join('..', '..', 'victim.txt')] }),
        JSON.stringify({ version: 1, files: [{ path: victim, sha256: hash }], backups: [] }),
        JSON.stringify({ version: 2, files: [] }),
        JSON.stringify({ version: 1, files: 'x' }),
        `{"version":1,"files":[],"pad":"${'x'.repeat(70000)}"}`,
      ]) {
        writeFileSync(join(game, MANIFEST_NAME), text);
        const u = uninstallAgent(game);
        assert.deepEqual(u.removed, []);
        assert.ok(existsSync(victim));
      }
      // A manifest path to the real victim with its real hash is still outside: refused.
      const real = createHash('sha256').update('keep me').digest('hex');
      writeFileSync(join(game, MANIFEST_NAME), JSON.stringify({ version: 1, files: [{ path: join('..', '..', 'victim.txt'), sha256: real }], backups: [] }));
      uninstallAgent(game);
      assert.ok(existsSync(victim));
    } finally {
      s.cleanup();
    }
  });

  test('findPayload names the missing piece', () => {
    const s = setup();
    try {
      rmSync(join(s.ext, 'dist', 'agent', PLUGIN_DLL_NAME));
      assert.match(String(findPayload(s.ext)), /uevr_profiler\.dll.*npm run build:agent/);
      rmSync(join(s.ext, 'dist', 'agent', AGENT_SCRIPT_NAME));
      assert.match(String(findPayload(s.ext)), /Lua agent/);
    } finally {
      s.cleanup();
    }
  });
});
