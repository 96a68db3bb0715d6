// The extension manifest is code too: these are the promises it makes to VS Code and to users.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
  for (const [k, v] of Object.entries(props)) assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(v.scope ?? ''), `${k} has a scope: add "scope" (resource when read per folder, machine for paths of this computer, else window)`);
  assert.equal(props['uevrProfiler.pathMappings'].scope, 'resource');
  assert.equal(props['uevrProfiler.analyzer.disabledRules'].scope, 'resource');
  assert.equal(props['uevrProfiler.sessionsDirectory'].scope, 'machine');
});

test('runs beside the workspace in remote windows (the scripts and the language server are there)', () => {
  assert.deepEqual(pkg.extensionKind, ['workspace']);
});

test('Marketplace: a PNG icon of at least 128x128, a gallery banner, a changelog, notices', () => {
  assert.match(pkg.icon, /\.png$/);
  const png = readFileSync(join(root, pkg.icon));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  assert.ok(w >= 128 && h >= 128 && w === h, `${w}x${h}`);
  assert.match(pkg.galleryBanner.color, /^#[0-9a-f]{6}$/i);
  assert.ok(['dark', 'light'].includes(pkg.galleryBanner.theme));
  assert.match(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), /^## \[0\.1\.0\]/m);
  assert.ok(existsSync(join(root, 'ThirdPartyNotices.txt')));
});

test('vscode:prepublish runs the production build (vsce runs it before packaging)', () => {
  assert.equal(pkg.scripts['vscode:prepublish'], 'node esbuild.mjs --production');
  assert.ok(!/esbuild/.test(pkg.scripts.package), 'package leaves the build to vscode:prepublish');
});

test('every image the README shows is packaged, so the extension page renders it', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(images.length >= 3);
  for (const img of images) {
    assert.ok(!/^https?:/.test(img), `${img} is inside the package`);
    assert.ok(existsSync(join(root, img)), img);
    assert.ok(ignore.includes(`!${img}`) || ignore.includes(`!${img.split('/')[0]}/**`), `.vscodeignore packages ${img}`);
  }
});

test('the README has the sections the Marketplace page needs', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const h of ['Requirements', 'Known issues', 'Privacy']) assert.match(readme, new RegExp(`^## ${h}$`, 'm'), h);
  assert.match(readme, /plugin API \*\*2\.39/);
  assert.match(readme, /no telemetry/i);
});

test('the Get started walkthrough: each step has media in the package and ends on a real command', () => {
  const [w] = pkg.contributes.walkthroughs;
  const ids = w.steps.map((s: { id: string }) => s.id);
  assert.deepEqual(ids, ['openFolder', 'simulate', 'capture', 'fix', 'compare', 'installAgent']);
  const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
  const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
  for (const s of w.steps) {
    const media = s.media.markdown ?? s.media.image;
    assert.ok(existsSync(join(root, media)), media);
    assert.ok(ignore.includes(`!${media}`) || ignore.includes(`!${media.split('/')[0]}/**`), `${media} is packaged`);
    const description = nls[s.description.replace(/%/g, '')] as string;
    for (const m of description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(m[1]) || m[1].startsWith('workbench.'), m[1]);
    for (const e of s.completionEvents) if (e.startsWith('onCommand:')) assert.ok(commands.has(e.slice(10)), e);
  }
});

test('the walkthrough\'s context completion events use keys the extension sets after the walkthrough registers', () => {
  // VS Code 1.100 never ticks a step whose onContext expression already holds when the walkthrough is
  // registered (src/extension/walkthroughContext.ts says why); a built-in key such as workspaceFolderCount
  // always does for an open folder. Seen in the test host: with `onContext:workspaceFolderCount > 0` the
  // first step stayed unticked; with the extension's key it ticks.
  const [w] = pkg.contributes.walkthroughs;
  const contextEvents = w.steps.flatMap((s: { completionEvents: string[] }) => s.completionEvents.filter((e) => e.startsWith('onContext:')));
  // (walkthroughContext.ts imports vscode: its key is read from its text.)
  const key = /FOLDER_OPEN_CONTEXT = '([\w.]+)'/.exec(readFileSync(join(root, 'src/extension/walkthroughContext.ts'), 'utf8'))?.[1];
  assert.deepEqual(w.steps[0].completionEvents, [`onContext:${key}`]);
  for (const e of contextEvents) assert.match(e, /^onContext:uevrProfiler\./, e);
  // The extension must be running to set it when the user opens the walkthrough.
  assert.ok(pkg.activationEvents.includes(`onWalkthrough:${w.id}`));
});

test('manifest strings are localizable: every %key% is in package.nls.json and every key is used', () => {
  const raw = readFileSync(join(root, 'package.json'), 'utf8');
  const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const used = new Set([...raw.matchAll(/"%([\w.-]+)%"/g)].map((m) => m[1]));
  assert.ok(used.size >= 60);
  for (const k of used) assert.ok(typeof nls[k] === 'string' && nls[k].length > 0, `package.nls.json has ${k}`);
  for (const k of Object.keys(nls)) assert.ok(used.has(k), `${k} is used in package.json`);
  for (const c of pkg.contributes.commands) assert.match(c.title, /^%command\./, `${c.command} title is a %key%`);
  for (const [k, v] of Object.entries(pkg.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>)) {
    assert.match(v.description ?? v.markdownDescription ?? '', /^%config\./, `${k}: its description is a %config.…% key, with the English text in package.nls.json`);
  }
});

test('vsce packages what the extension page and the walkthrough show (vsce ls, the packager itself)', () => {
  const vsce = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
  const listed = new Set(
    execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' })
      .split('\n')
      .map((l) => l.trim().replace(/\\/g, '/'))
      .filter(Boolean),
  );
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const wanted = [
    ...[...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]),
    ...pkg.contributes.walkthroughs[0].steps.map((s: { media: { markdown?: string; image?: string } }) => s.media.markdown ?? s.media.image),
    pkg.icon,
    'ThirdPartyNotices.txt',
    'CHANGELOG.md',
    'package.nls.json',
    // package.json's "l10n" folder: without it in the package, no translation reaches the extension or its webviews.
    'l10n/bundle.l10n.json',
  ];
  for (const f of wanted) assert.ok(listed.has(f), `${f} is in the .vsix`);
  assert.ok(![...listed].some((f) => f.startsWith('src/') || f.startsWith('node_modules/') || f.startsWith('test/')), 'no sources in the .vsix');
});
