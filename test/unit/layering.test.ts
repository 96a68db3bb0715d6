// The layering of docs/architecture.md, checked on every import: nothing below imports anything above.
// src/core runs everywhere (no vscode, no language-server library, nothing from the layers that use it);
// inside src/core the vocabulary sits at the bottom (the budget, settings, wire types, the profile model)
// and the folders that use it sit above.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every import/export-from specifier of a file (static, dynamic and type-only). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const re of [/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm, /^\s*import\s+'([^']+)'/gm, /\bimport\('([^']+)'\)/g]) {
    for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]);
  }
  return out;
}

/** Layer of a repository path: core, cli, server, worker, extension, webview (or undefined: outside). */
function layerOf(rel: string): string | undefined {
  const p = rel.split(sep).join('/');
  if (p.startsWith('src/core/')) return 'core';
  for (const l of ['cli', 'server', 'worker', 'extension']) if (p.startsWith(`src/${l}/`)) return l;
  if (p.startsWith('webview/')) return 'webview';
  return undefined;
}

/** What each layer may import (besides itself). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  cli: ['core'],
  server: ['core'],
  worker: ['core'],
  webview: ['core'],
  // The extension starts the worker (its job types) and is the only place that imports vscode.
  extension: ['core', 'worker'],
};
const PACKAGES_ONLY_ABOVE_CORE = ['vscode', 'vscode-languageserver', 'vscode-languageclient', 'vscode-jsonrpc'];

/** Inside src/core: the rank of each folder (top-level files and io at the bottom). */
const CORE_RANK: Record<string, number> = {
  io: 0,
  protocol: 1, profile: 1, lua: 1,
  capture: 2, view: 2, live: 2,
  formats: 3, report: 3, agent: 3, history: 3,
  session: 4, sim: 4, gc: 4,
  analyzer: 5, lsp: 5,
};
function coreFolder(rel: string): string {
  const parts = rel.split(sep);
  return parts.length > 3 ? parts[2] : '';
}
const rankOf = (folder: string): number => (folder === '' ? 0 : CORE_RANK[folder] ?? Number.NaN);

test('nothing below imports anything above (src/core ← cli, server, worker, extension, webview)', () => {
  const bad: string[] = [];
  for (const file of [...files(join(root, 'src')), ...files(join(root, 'webview'))]) {
    const rel = relative(root, file);
    const layer = layerOf(rel);
    if (!layer) continue;
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) {
        if (layer === 'core' && PACKAGES_ONLY_ABOVE_CORE.some((p) => spec === p || spec.startsWith(`${p}/`))) bad.push(`${rel} imports ${spec}`);
        continue;
      }
      const target = relative(root, normalize(join(dirname(file), spec)));
      const to = layerOf(target);
      if (!to || to === layer) continue;
      if (!MAY_IMPORT[layer].includes(to)) bad.push(`${rel} (${layer}) imports ${target} (${to})`);
    }
  }
  assert.deepEqual(bad, []);
});

test('inside src/core the vocabulary is at the bottom: no folder imports one ranked above it', () => {
  const bad: string[] = [];
  for (const file of files(join(root, 'src/core'))) {
    const rel = relative(root, file);
    const from = coreFolder(rel);
    assert.ok(!Number.isNaN(rankOf(from)), `src/core/${from} has no rank in this test: give it one`);
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(root, normalize(join(dirname(file), spec)));
      if (layerOf(target) !== 'core') continue;
      const to = coreFolder(target);
      if (to === from) continue;
      if (!(rankOf(to) <= rankOf(from))) bad.push(`${rel} imports ${target}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the wire types are at the bottom: src/core/protocol imports no other folder of src/core but the top-level files', () => {
  for (const file of files(join(root, 'src/core/protocol'))) {
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(root, normalize(join(dirname(file), spec)));
      const to = coreFolder(target);
      assert.ok(to === '' || to === 'protocol', `${relative(root, file)} imports ${target}`);
    }
  }
});
