// The extension manifest is code too: these are the promises it makes to VS Code and to users.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('asks for a VS Code the test host can run (<= 1.100)', () => {
  const m = /^\^?1\.(\d+)\.\d+$/.exec(pkg.engines.vscode);
  assert.ok(m, `engines.vscode looks like ^1.N.0: ${pkg.engines.vscode}`);
  assert.ok(Number(m[1]) <= 100);
  const types = /(\d+)\.(\d+)/.exec(pkg.devDependencies['@types/vscode']);
  assert.ok(types && Number(types[2]) <= Number(m[1]), '@types/vscode is not newer than engines.vscode');
});

test('activates only on what it serves, never on *', () => {
  assert.ok(!pkg.activationEvents.includes('*'));
  assert.ok(pkg.activationEvents.includes('onLanguage:lua'));
  assert.ok(pkg.activationEvents.some((e: string) => e.startsWith('onDebug')));
});

test('every command is in the UEVR category with a title', () => {
  for (const c of pkg.contributes.commands) {
    assert.equal(c.category, 'UEVR', c.command);
    assert.ok(c.title && c.command.startsWith('uevrProfiler.'), c.command);
  }
});

test('every setting is described and has a default', () => {
  const props = pkg.contributes.configuration.properties as Record<string, Record<string, unknown>>;
  assert.ok(Object.keys(props).length >= 8);
  for (const [k, v] of Object.entries(props)) {
    assert.ok(v.description || v.markdownDescription, `${k} has a description`);
    assert.ok('default' in v, `${k} has a default`);
  }
  assert.deepEqual(props['uevrProfiler.refreshRate'].enum, [72, 80, 90, 120, 144]);
});

test('the uevr debugger has an attach schema, an initial configuration and snippets', () => {
  const dbg = pkg.contributes.debuggers.find((d: { type: string }) => d.type === 'uevr');
  assert.ok(dbg);
  assert.ok(dbg.configurationAttributes.attach.properties.token);
  assert.equal(dbg.initialConfigurations[0].request, 'attach');
  assert.ok(dbg.configurationSnippets.length >= 2);
});

test('grammars exist, parse, and their patterns compile', () => {
  for (const g of pkg.contributes.grammars) {
    const file = join(root, g.path);
    assert.ok(existsSync(file), g.path);
    const grammar = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(grammar.scopeName, g.scopeName);
    // Oniguruma (VS Code's regex engine) accepts everything these JS regexes do for our patterns.
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') assert.doesNotThrow(() => new RegExp(v), `${g.path}: ${v}`);
        else walk(v);
      }
    };
    walk(grammar);
  }
});

test('the UEVR injection marks the costly calls it claims to', () => {
  const g = JSON.parse(readFileSync(join(root, 'syntaxes/uevr-lua.injection.tmLanguage.json'), 'utf8'));
  const costly = new RegExp(g.repository['costly-call'].match);
  assert.ok(costly.test('api:find_uobject("Class /Script/Engine.Actor")'));
  assert.ok(costly.test('vr.set_mod_value("VR_AimMethod", "0")'));
  assert.ok(!costly.test('local find_uobject = 1'), 'a plain local is not a call');
  const cb = new RegExp(g.repository['callback-registration'].patterns[0].match);
  assert.ok(cb.test('uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)'));
});

test('the flame graph editor is the default only for .uevrcap; other profiles get it as an option', () => {
  const editors = pkg.contributes.customEditors as Array<{ viewType: string; priority: string; selector: Array<{ filenamePattern: string }> }>;
  for (const e of editors) {
    const patterns = e.selector.map((s) => s.filenamePattern);
    if (e.priority === 'default') assert.deepEqual(patterns, ['*.uevrcap'], `${e.viewType} is default only for our captures`);
    else assert.equal(e.priority, 'option', e.viewType);
  }
  const optional = editors.filter((e) => e.priority === 'option').flatMap((e) => e.selector.map((s) => s.filenamePattern));
  for (const p of ['*.cpuprofile', '*.heapprofile', '*.trace.json', '*.speedscope.json', '*.folded', '*.collapsed']) assert.ok(optional.includes(p), p);
  for (const e of editors) assert.ok(pkg.activationEvents.includes(`onCustomEditor:${e.viewType}`), e.viewType);
});

test('every setting says its scope: per-folder settings are resource, the sessions folder is machine', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { scope?: string }>;
  for (const [k, v] of Object.entries(props)) assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(v.scope ?? ''), `${k} has a scope`);
  assert.equal(props['uevrProfiler.pathMappings'].scope, 'resource');
  assert.equal(props['uevrProfiler.analyzer.disabledRules'].scope, 'resource');
  assert.equal(props['uevrProfiler.sessionsDirectory'].scope, 'machine');
});

test('runs beside the workspace in remote windows (the scripts and the language server are there)', () => {
  assert.deepEqual(pkg.extensionKind, ['workspace']);
});
