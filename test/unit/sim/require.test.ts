// require as UEVR runs it: package.path `<scripts>/?.lua;<scripts>/?/init.lua` with Lua's searcher on
// Windows ('.', '/', '\' are separators, case-insensitive names), only inside the scripts folder, and
// only while a script's main chunk runs (UEVR's run_script restores package.path afterwards).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ModuleFinder } from '../../../src/core/sim/script-files';
import { startSim } from './helpers';

describe('require as in UEVR', () => {
  it('finds slash, backslash, dot, init.lua and case-insensitive names; only top-level files are scripts', async () => {
    const r = await startSim('require-forms', { agentPath: null });
    try {
      await r.sim.runFrames(3);
      assert.deepEqual(r.errors, []);
      assert.equal(r.sim.scriptFiles().length, 1, 'files in subfolders are modules, not scripts');
      const line = r.logs.find((l) => l.text.startsWith('require-forms'));
      assert.equal(line?.text, 'require-forms\tuevr_utils\tUEHelper\tdotted\tpkg-init\tcasemod\tuevr_utils');
    } finally {
      await r.sim.dispose();
    }
  });

  it('a failed require is reported with the module name and the other scripts still run', async () => {
    const r = await startSim('require-missing');
    try {
      await r.sim.runFrames(2);
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0].file, /a_broken\.lua$/);
      assert.equal(r.errors[0].line, 2);
      assert.match(r.errors[0].message, /module 'libs\/does_not_exist' not found/);
      assert.equal(r.sim.callbacks().length, 1, 'b_fine.lua registered its callback');
      assert.ok(r.frames.at(-1)!.callbacks.length === 1);
    } finally {
      await r.sim.dispose();
    }
  });

  it('a module first required from a callback is not found (package.path was restored), a cached one is', async () => {
    const r = await startSim('require-lazy', { agentPath: null });
    try {
      await r.sim.runFrames(1);
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0].message, /module 'late' not found/);
      assert.match(r.errors[0].message, /only while a script loads/);
      assert.equal(r.errors[0].line, 6);
    } finally {
      await r.sim.dispose();
    }
  });

  it('refuses a module that leads outside the scripts folder, naming it', async () => {
    const base = mkdtempSync(join(tmpdir(), 'uevr-req-'));
    try {
      const scripts = join(base, 'scripts');
      mkdirSync(scripts);
      writeFileSync(join(base, 'secret.lua'), 'return { leaked = true }');
      symlinkSync(join(base, 'secret.lua'), join(scripts, 'escape.lua'));
      writeFileSync(join(scripts, 'main.lua'), 'local s = require("escape")\n');
      const f = new ModuleFinder(scripts);
      assert.equal(f.find('escape').kind, 'outside');
      // '..' cannot leave: every '.' is a separator, so '../secret' is <scripts>/secret.lua (absent).
      assert.equal(f.find('../secret').kind, 'missing');
      assert.equal(f.find('C:/Windows/x').kind, 'missing');
      const r = await startSim(scripts, { agentPath: null });
      try {
        assert.equal(r.errors.length, 1);
        assert.match(r.errors[0].message, /module 'escape' leads outside the scripts folder/);
        assert.match(r.errors[0].file, /main\.lua$/);
      } finally {
        await r.sim.dispose();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('a UTF-8 byte-order mark and a #! first line are skipped, as Lua does for files (scripts and modules)', async () => {
    const base = mkdtempSync(join(tmpdir(), 'uevr-bom-'));
    try {
      writeFileSync(join(base, 'main.lua'), '\ufeff#!/usr/bin/lua\nlocal m = require("mod")\nprint("bom " .. m.v)\nerror("line 4")\n');
      writeFileSync(join(base, 'mod.lua'), '\ufeffreturn { v = 7 }\n');
      const r = await startSim(base, { agentPath: null });
      try {
        assert.ok(r.logs.some((l) => l.text === 'bom 7'));
        assert.equal(r.errors.length, 1);
        assert.equal(r.errors[0].line, 4, 'line numbers are kept');
      } finally {
        await r.sim.dispose();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('segments: dots and both separators split, repeated separators collapse', () => {
    assert.deepEqual(ModuleFinder.segments('.\\Subsystems\\UEHelper'), ['Subsystems', 'UEHelper']);
    assert.deepEqual(ModuleFinder.segments('libs//a.b'), ['libs', 'a', 'b']);
    assert.equal(ModuleFinder.segments('...'), null);
    assert.equal(ModuleFinder.segments('a\0b'), null);
  });
});
