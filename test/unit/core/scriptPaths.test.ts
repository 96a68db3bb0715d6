import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeReportedPath, resolveScriptPath } from '../../../src/core/scriptPaths';

const ws = ['/home/me/mods/scripts/camera.lua', '/home/me/mods/scripts/ui/hud.lua', '/home/me/mods/other/camera.lua', '/home/me/mods/lib/util.lua'];

describe('script path mapping', () => {
  test('normalises UEVR chunk names', () => {
    assert.equal(normalizeReportedPath('@C:\\Users\\me\\AppData\\Roaming\\UnrealVRMod\\Game\\..\\UEVR\\scripts\\a.lua'), 'C:/Users/me/AppData/Roaming/UnrealVRMod/UEVR/scripts/a.lua');
    assert.equal(normalizeReportedPath('...ipts\\camera.lua'), '...ipts/camera.lua');
  });

  test('a mapping wins and keeps the rest of the path', () => {
    const m = [{ from: 'C:\\Users\\me\\AppData\\Roaming\\UnrealVRMod\\Game\\scripts', to: '/home/me/mods/scripts' }];
    assert.equal(resolveScriptPath('C:\\Users\\me\\AppData\\Roaming\\UnrealVRMod\\Game\\scripts\\ui\\hud.lua', m, ws), '/home/me/mods/scripts/ui/hud.lua');
    // Case-insensitive like Windows paths.
    assert.equal(resolveScriptPath('c:/users/ME/appdata/roaming/unrealvrmod/game/SCRIPTS/camera.lua', m, ws), '/home/me/mods/scripts/camera.lua');
  });

  test('the longest suffix picks between files of the same name', () => {
    assert.equal(resolveScriptPath('D:\\Game\\scripts\\camera.lua', [], ws), '/home/me/mods/scripts/camera.lua');
    assert.equal(resolveScriptPath('D:\\x\\other\\camera.lua', [], ws), '/home/me/mods/other/camera.lua');
  });

  test('a path cut inside the file name resolves to the file that ends with what is left', () => {
    assert.equal(resolveScriptPath('...ud.lua', [], ws), '/home/me/mods/scripts/ui/hud.lua');
    assert.equal(resolveScriptPath('...il.lua', [], ws), '/home/me/mods/lib/util.lua');
    assert.equal(resolveScriptPath('...xyz.lua', [], ws), undefined);
  });

  test('a path truncated to 60 characters still resolves', () => {
    assert.equal(resolveScriptPath('...ipts\\camera.lua', [], ws), '/home/me/mods/scripts/camera.lua');
    assert.equal(resolveScriptPath('...s\\ui\\hud.lua', [], ws), '/home/me/mods/scripts/ui/hud.lua');
  });

  test('no match, empty and hostile input give undefined, never a throw', () => {
    assert.equal(resolveScriptPath('C:\\nothing\\here.lua', [], ws), undefined);
    assert.equal(resolveScriptPath('', [], ws), undefined);
    assert.equal(resolveScriptPath('...', [], ws), undefined);
    assert.equal(resolveScriptPath('/'.repeat(10000), [], ws), undefined);
    assert.equal(resolveScriptPath('..\\..\\..\\..\\etc\\passwd', [], ws), undefined);
  });
});
