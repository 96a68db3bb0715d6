import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  AGENT_SCRIPT_NAME,
  MANIFEST_NAME,
  PLUGIN_DLL_NAME,
  findPayload,
  InstallRefusedError,
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

  // Links: 'junction' makes the folder links on Windows (no admin right needed); Node's lstat reports
  // junctions as links too, which is what the installer checks.
  const dirLink = (target: string, at: string) => symlinkSync(target, at, process.platform === 'win32' ? 'junction' : 'dir');
  const posix = process.platform !== 'win32';

  test('a dangling symlink at the target is refused: nothing is created outside the profile', { skip: !posix }, () => {
    const s = setup();
    try {
      const game = join(s.root, 'GameA-Win64-Shipping');
      const outside = join(s.base, 'planted.lua');
      symlinkSync(outside, join(game, 'scripts', AGENT_SCRIPT_NAME));
      assert.throws(() => installAgent(game, s.payload, { replace: true }), (e: Error) => e instanceof InstallRefusedError && /symbolic link/.test(e.message));
      assert.ok(!existsSync(outside), 'no file appeared at the link target');
      assert.ok(!existsSync(join(game, 'plugins', PLUGIN_DLL_NAME)), 'nothing was written');
    } finally {
      s.cleanup();
    }
  });

  test('a symlinked plugins/ folder or profile folder never receives the DLL', () => {
    const s = setup();
    try {
      const elsewhere = join(s.base, 'elsewhere');
      mkdirSync(elsewhere);
      const game = join(s.root, 'GameA-Win64-Shipping');
      dirLink(elsewhere, join(game, 'plugins'));
      assert.throws(() => installAgent(game, s.payload), InstallRefusedError);
      assert.deepEqual(readdirSync(elsewhere), []);
      // The whole profile a link to another folder.
      const linked = join(s.root, 'LinkedGame');
      mkdirSync(join(elsewhere, 'scripts'));
      dirLink(elsewhere, linked);
      assert.throws(() => installAgent(linked, s.payload), /symbolic link or junction/);
      assert.deepEqual(readdirSync(elsewhere), ['scripts']);
      assert.deepEqual(readdirSync(join(elsewhere, 'scripts')), []);
    } finally {
      s.cleanup();
    }
  });

  test("a manifest that is a symlink is neither trusted nor overwritten (the user's file stays)", { skip: !posix }, () => {
    const s = setup();
    try {
      const game = join(s.root, 'GameA-Win64-Shipping');
      const userFile = join(s.base, 'user-notes.json');
      writeFileSync(userFile, 'my notes');
      symlinkSync(userFile, join(game, MANIFEST_NAME));
      assert.throws(() => installAgent(game, s.payload), InstallRefusedError);
      assert.equal(readFileSync(userFile, 'utf8'), 'my notes');
      assert.ok(lstatSync(join(game, MANIFEST_NAME)).isSymbolicLink());
    } finally {
      s.cleanup();
    }
  });

  test('uninstall through a symlinked scripts/ folder deletes nothing outside the profile', () => {
    const s = setup();
    try {
      const game = join(s.root, 'GameA-Win64-Shipping');
      installAgent(game, s.payload);
      // Swap scripts/ for a link to a folder holding a file with the agent's exact content.
      const elsewhere = join(s.base, 'elsewhere');
      mkdirSync(elsewhere);
      writeFileSync(join(elsewhere, AGENT_SCRIPT_NAME), readFileSync(join(game, 'scripts', AGENT_SCRIPT_NAME)));
      rmSync(join(game, 'scripts'), { recursive: true });
      dirLink(elsewhere, join(game, 'scripts'));
      const u = uninstallAgent(game);
      assert.ok(existsSync(join(elsewhere, AGENT_SCRIPT_NAME)), 'the file outside the profile is still there');
      assert.deepEqual(u.removed, [join('plugins', PLUGIN_DLL_NAME)]);
      assert.equal(u.refused.length, 1);
      assert.match(u.refused[0]!, /symbolic link or junction/);
    } finally {
      s.cleanup();
    }
  });

  test('a named pipe at the target is never hashed (no hang): refused with one line', { skip: !posix }, () => {
    const s = setup();
    try {
      const game = join(s.root, 'GameA-Win64-Shipping');
      execFileSync('mkfifo', [join(game, 'scripts', AGENT_SCRIPT_NAME)]);
      assert.throws(() => planInstall(game, s.payload), /is a named pipe, not a regular file/);
      // Uninstall with a manifest naming the pipe: skipped with a reason, not read.
      writeFileSync(join(game, MANIFEST_NAME), JSON.stringify({ version: 1, files: [{ path: join('scripts', AGENT_SCRIPT_NAME), sha256: '0'.repeat(64) }], backups: [] }));
      const u = uninstallAgent(game);
      assert.deepEqual(u.removed, []);
      assert.match(u.refused[0]!, /named pipe/);
    } finally {
      s.cleanup();
    }
  });

  test('files are written through a temp file and a rename (no temp file left behind)', () => {
    const s = setup();
    try {
      const game = join(s.root, 'GameB');
      installAgent(game, s.payload);
      assert.deepEqual(readdirSync(join(game, 'plugins')), [PLUGIN_DLL_NAME]);
      assert.deepEqual(readdirSync(join(game, 'scripts')), [AGENT_SCRIPT_NAME]);
      assert.deepEqual(readdirSync(game).sort(), [MANIFEST_NAME, 'plugins', 'scripts'].sort());
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
