// The language server over stdio: a file's "Analyze Workspace Scripts" findings come back when it closes,
// unless it was edited while open (then they describe text that is gone: a fixed issue would reappear).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const root = join(__dirname, '../../..');
const HOT = 'uevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\n  local c = uevr.api:find_uobject("Class /Script/Engine.Pawn")\nend)\n';
const FIXED = 'local c = uevr.api:find_uobject("Class /Script/Engine.Pawn")\nuevr.sdk.callbacks.on_pre_engine_tick(function(e, d)\nend)\n';

test('closing a file brings its workspace findings back only when it was not edited', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uevr-ws-close-'));
  mkdirSync(join(dir, 'scripts'));
  const files = ['kept.lua', 'edited.lua'].map((n) => {
    writeFileSync(join(dir, 'scripts', n), HOT);
    return pathToFileURL(join(dir, 'scripts', n)).toString();
  });
  const [kept, edited] = files;
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server/main.ts'), '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  try {
    const last = new Map<string, string[]>();
    const waiters: Array<() => void> = [];
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: { code: string }[] }) => {
      last.set(p.uri, p.diagnostics.map((d) => d.code));
      waiters.splice(0).forEach((w) => w());
    });
    const until = async (what: string, ok: () => boolean): Promise<void> => {
      const end = Date.now() + 20_000;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify([...last])}`);
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 200); });
      }
    };
    conn.listen();
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'ws' }] });
    await conn.sendNotification('initialized', {});
    const result: { files: number } = await conn.sendRequest('uevr/analyzeWorkspace', { files });
    assert.equal(result.files, 2);
    await until('workspace findings', () => files.every((u) => last.get(u)?.includes('UEVR003')));

    // Opened and closed as it is: the workspace findings come back.
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: kept, languageId: 'lua', version: 1, text: HOT } });
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri: kept } });
    // Opened, fixed (and saved), closed: the fixed finding must not come back.
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: edited, languageId: 'lua', version: 1, text: HOT } });
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri: edited, version: 2 }, contentChanges: [{ text: FIXED }] });
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri: edited } });
    // Messages are handled in order: once a request sent after the closes is answered, both closes have published.
    await conn.sendRequest('textDocument/hover', { textDocument: { uri: kept }, position: { line: 0, character: 0 } }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(last.get(kept), ['UEVR003']);
    assert.deepEqual(last.get(edited), [], 'the edited file has none of the findings of the text it no longer has');
    await conn.sendRequest('shutdown');
  } finally {
    conn.dispose();
    proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
