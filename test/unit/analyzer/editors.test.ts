// The Neovim and Helix snippets of docs/editors.md work: the bundled language server (esbuild, as
// dist/server.js is built) started with the arguments a snippet gives and initialized with the
// options it gives, over stdio, publishes diagnostics for an opened Lua file — without the rule the
// snippet disables.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const root = join(__dirname, '../../..');
const doc = readFileSync(join(root, 'docs/editors.md'), 'utf8');
const MOD = [
  'uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)',
  '  local c = uevr.api:find_uobject("Class /Script/Engine.Pawn")',
  '  print("tick")',
  'end)',
].join('\n');

/** The first fenced block of `lang` that contains `marker`. */
function snippet(lang: string, marker: string): string {
  for (const m of doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))) if (m[1]!.includes(marker)) return m[1]!;
  throw new Error(`docs/editors.md has no ${lang} block with ${marker}`);
}

/** What each snippet configures, read from its text: the server arguments and the disabled rules. */
function neovim(): { args: string[]; disabled: string[] } {
  const s = snippet('lua', "vim.lsp.config('uevr'");
  const cmd = /cmd = \{ 'node', vim\.fs\.normalize\('([^']+)'\), ([^}]*)\}/.exec(s);
  assert.ok(cmd, 'the Neovim snippet starts node with the server');
  const rest = [...cmd[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
  const rules = /disabledRules = \{([^}]*)\}/.exec(s);
  return { args: [cmd[1]!, ...rest], disabled: [...(rules?.[1] ?? '').matchAll(/'([^']*)'/g)].map((m) => m[1]!) };
}
function helix(): { args: string[]; disabled: string[] } {
  const s = snippet('toml', '[language-server.uevr]');
  assert.match(s, /^command = "node"$/m);
  const args = /^args = \[(.*)\]$/m.exec(s);
  assert.ok(args);
  const rules = /disabledRules = \[([^\]]*)\]/.exec(s);
  assert.match(s, /language-servers = \[.*"uevr".*\]/, 'the lua language lists the server');
  return { args: [...args[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!), disabled: [...(rules?.[1] ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1]!) };
}

describe('the language server in other editors (docs/editors.md)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uevr-editors-'));
  const bundle = join(dir, 'server.js');
  const running: Array<{ proc: ChildProcess; conn: MessageConnection }> = [];
  after(() => {
    for (const r of running) {
      r.conn.dispose();
      r.proc.kill();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function diagnosticsWith(args: string[], disabled: string[]): Promise<string[]> {
    if (running.length === 0) {
      await build({ entryPoints: [join(root, 'src/server/main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'silent' });
    }
    // The snippet's path to dist/server.js is the user's; the rest of its arguments are used as written.
    assert.match(args[0]!, /dist\/server\.js$/);
    const proc = spawn(process.execPath, [bundle, ...args.slice(1)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    running.push({ proc, conn });
    const published = new Promise<string[]>((resolve) =>
      conn.onNotification('textDocument/publishDiagnostics', (p: { diagnostics: Array<{ code: string }> }) => resolve(p.diagnostics.map((d) => d.code).sort())),
    );
    conn.listen();
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      workspaceFolders: null,
      initializationOptions: { uevrProfiler: { analyzer: { disabledRules: disabled } } },
    });
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/mod/scripts/mod.lua', languageId: 'lua', version: 1, text: MOD } });
    const codes = await published;
    await conn.sendRequest('shutdown');
    return codes;
  }

  test('without options the server reports both findings (the baseline the snippets change)', async () => {
    assert.deepEqual(await diagnosticsWith(['dist/server.js', '--stdio'], []), ['UEVR003', 'UEVR011']);
  });

  test('the Neovim snippet', async () => {
    const n = neovim();
    assert.deepEqual(n.args.slice(1), ['--stdio']);
    assert.deepEqual(n.disabled, ['UEVR011']);
    assert.deepEqual(await diagnosticsWith(n.args, n.disabled), ['UEVR003']);
  });

  test('the Helix snippet', async () => {
    const h = helix();
    assert.deepEqual(h.args.slice(1), ['--stdio']);
    assert.deepEqual(await diagnosticsWith(h.args, h.disabled), ['UEVR003']);
  });
});
