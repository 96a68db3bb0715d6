// ThirdPartyNotices.txt names every package whose code esbuild bundles (read from esbuild's own
// metafile, so a new dependency without its notice fails here) and carries each one's licence text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..');

test('ThirdPartyNotices.txt covers every bundled package, with its licence text', async () => {
  const { bundledPackages } = (await import(pathToFileURL(join(root, 'scripts/third-party-notices.mjs')).href)) as {
    bundledPackages(): Promise<Map<string, string>>;
  };
  const notices = readFileSync(join(root, 'ThirdPartyNotices.txt'), 'utf8');
  const packages = await bundledPackages();
  for (const must of ['wasmoon', 'd3-scale', 'vscode-languageclient', 'vscode-languageserver', 'vscode-jsonrpc']) assert.ok(packages.has(must), `${must} is bundled`);
  for (const [name, dir] of packages) {
    const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    assert.ok(notices.includes(`\n${name} ${version} (`), `${name} ${version} has a section: run node scripts/third-party-notices.mjs`);
  }
  for (const copied of ['speedscope', 'Source Code Pro', 'Lua 5.4']) assert.match(notices, new RegExp(`\\n${copied} .*\\n=+\\n\\n\\S`), copied);
  assert.match(notices, /Copyright \(C\) 1994-20\d\d Lua\.org, PUC-Rio/);
  assert.match(notices, /Permission is hereby granted, free of charge/);
});

test('the .vsix and the CLI package carry the notices', () => {
  assert.match(readFileSync(join(root, '.vscodeignore'), 'utf8'), /^!ThirdPartyNotices\.txt$/m);
  assert.match(readFileSync(join(root, 'scripts/pack-cli.mjs'), 'utf8'), /ThirdPartyNotices\.txt/);
});
