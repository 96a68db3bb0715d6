// The language server's settings per workspace folder, over a real LSP connection (the server as a child
// process on stdio): a client that answers workspace/configuration gets each folder's disabled rules,
// path mappings and include/exclude applied to that folder's documents, and a configuration change makes
// the server ask again; a client without the capability (or answering null) gets the initialization
// options and pushed settings everywhere, as docs/editors.md tells Neovim and Helix users.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const root = join(__dirname, '../../..');
const MOD = [
  'uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)',
  '  local c = uevr.api:find_uobject("Class /Script/Engine.Pawn")',
  '  print("tick")',
  'end)',
].join('\n');
/** Not a UEVR script by its text (no API use), and broken: only `include` makes the server speak about it. */
const PLAIN = 'local x = = 1\n';

const ws = mkdtempSync(join(tmpdir(), 'uevr-folders-'));
const A = join(ws, 'GameA');
const B = join(ws, 'GameB');
for (const f of [A, B]) {
  mkdirSync(join(f, 'src'), { recursive: true });
  mkdirSync(join(f, 'lib'), { recursive: true });
  writeFileSync(join(f, 'src', 'camera.lua'), MOD);
  writeFileSync(join(f, 'src', 'other.lua'), MOD);
  writeFileSync(join(f, 'lib', 'plain.lua'), PLAIN);
}
const uri = (...p: string[]): string => pathToFileURL(join(...p)).href;
const DOCS = {
  aCamera: uri(A, 'src', 'camera.lua'), bCamera: uri(B, 'src', 'camera.lua'),
  aOther: uri(A, 'src', 'other.lua'), bOther: uri(B, 'src', 'other.lua'),
  aPlain: uri(A, 'lib', 'plain.lua'), bPlain: uri(B, 'lib', 'plain.lua'),
};
const TEXT: Record<string, string> = {
  [DOCS.aCamera]: MOD, [DOCS.bCamera]: MOD, [DOCS.aOther]: MOD, [DOCS.bOther]: MOD, [DOCS.aPlain]: PLAIN, [DOCS.bPlain]: PLAIN,
};
/** A capture record as the game reports it: a Windows path that only a path mapping ties to a workspace file. */
const RECORD = {
  file: 'D:\\Games\\UEVR\\scripts\\camera.lua', line: 2, selfMsPerFrame: 1.9, totalMsPerFrame: 2.2, callsPerFrame: 1, p95Ms: 3,
  topCallers: [], budgetMs: 11.1, refreshRateHz: 90,
};

interface Published { uri: string; diagnostics: Array<{ code: string; message: string }> }

class Client {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  readonly latest = new Map<string, Published['diagnostics']>();
  /** Every workspace/configuration item the server asked for (scopeUri, section). */
  readonly asked: Array<{ scopeUri?: string; section?: string }> = [];

  constructor(answer?: (item: { scopeUri?: string; section?: string }) => unknown) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server/main.ts'), '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: Published) => this.latest.set(p.uri, p.diagnostics));
    if (answer) {
      this.conn.onRequest('workspace/configuration', (p: { items: Array<{ scopeUri?: string; section?: string }> }) => Promise.all(p.items.map((item) => {
        this.asked.push(item);
        return answer(item);
      })));
    }
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.listen();
  }

  async start(capabilities: object, initializationOptions?: object, folders = [A, B]): Promise<void> {
    await this.conn.sendRequest('initialize', {
      processId: process.pid, rootUri: null, capabilities, initializationOptions,
      workspaceFolders: folders.map((f) => ({ uri: pathToFileURL(f).href, name: f })),
    });
    await this.conn.sendNotification('initialized', {});
  }

  async open(...uris: string[]): Promise<void> {
    for (const u of uris) await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'lua', version: 1, text: TEXT[u] } });
  }

  /** Waits until every listed document has published since `forget` (or since it was opened). */
  async codes(...uris: string[]): Promise<Record<string, string[]>> {
    const deadline = Date.now() + 20_000;
    while (uris.some((u) => !this.latest.has(u))) {
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uris.filter((u) => !this.latest.has(u)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return Object.fromEntries(uris.map((u) => [u, this.latest.get(u)!.map((d) => d.code).sort()]));
  }

  forget(): void {
    this.latest.clear();
  }

  async stop(): Promise<void> {
    await this.conn.sendRequest('shutdown').catch(() => undefined);
    this.conn.dispose();
    this.proc.kill();
  }
}

const clients: Client[] = [];
after(async () => {
  for (const c of clients) await c.stop();
  rmSync(ws, { recursive: true, force: true });
});

/** What each folder's .vscode/settings.json would say, as the `uevrProfiler` section. */
function folderAnswers(): Record<string, object> {
  return {
    [A]: { analyzer: { disabledRules: ['UEVR011'], include: [], exclude: ['src/other.lua'] }, pathMappings: [{ from: 'D:\\Games\\UEVR\\scripts', to: '${workspaceFolder}/src' }] },
    [B]: { analyzer: { disabledRules: ['UEVR003'], include: ['lib/**'], exclude: [] }, pathMappings: [{ from: 'D:\\Games\\UEVR\\scripts', to: '${workspaceFolder}/elsewhere' }] },
  };
}

describe('language server settings per workspace folder', () => {
  test('each folder\'s document gets its folder\'s disabled rules, include/exclude and path mappings; a change is pulled again', async () => {
    let answers = folderAnswers();
    const c = new Client((item) => {
      const folder = [A, B].find((f) => item.scopeUri?.startsWith(pathToFileURL(f).href + '/'));
      return item.section === 'uevrProfiler' && folder ? answers[folder] : null;
    });
    clients.push(c);
    // Window-wide options that every folder overrides: proof that the folder values, not these, apply.
    await c.start({ workspace: { configuration: true, workspaceFolders: true } }, { uevrProfiler: { analyzer: { disabledRules: ['UEVR020'] } } });
    await c.open(...Object.values(DOCS));
    const first = await c.codes(...Object.values(DOCS));
    assert.deepEqual(first[DOCS.aCamera], ['UEVR003'], 'folder A disables UEVR011');
    assert.deepEqual(first[DOCS.bCamera], ['UEVR011'], 'folder B disables UEVR003');
    assert.deepEqual(first[DOCS.aOther], [], 'folder A excludes src/other.lua');
    assert.deepEqual(first[DOCS.bOther], ['UEVR011'], 'folder B does not');
    assert.deepEqual(first[DOCS.aPlain], [], 'folder A does not include lib/**');
    assert.deepEqual(first[DOCS.bPlain], ['syntax'], 'folder B includes lib/**');
    // Asked once per folder, with a document of that folder as the scope, for the uevrProfiler section.
    assert.deepEqual(c.asked.map((x) => x.section), ['uevrProfiler', 'uevrProfiler']);
    assert.deepEqual(c.asked.map((x) => [A, B].findIndex((f) => x.scopeUri!.startsWith(pathToFileURL(f).href + '/'))).sort(), [0, 1]);

    // A capture: folder A maps the game's scripts folder onto its own src (${workspaceFolder} = A), folder
    // B onto a folder that does not hold the file, so only A's camera.lua gets the measured cost.
    c.forget();
    await c.conn.sendNotification('uevr/loadCapture', { records: [RECORD] });
    const measured = await c.codes(DOCS.aCamera, DOCS.bCamera);
    assert.ok(measured[DOCS.aCamera].includes('UEVR100'), `A's file is the measured one: ${measured[DOCS.aCamera]}`);
    assert.ok(c.latest.get(DOCS.aCamera)!.some((d) => /1\.90 ms\/frame/.test(d.message)));
    assert.ok(!measured[DOCS.bCamera].includes('UEVR100'), `B maps the path elsewhere: ${measured[DOCS.bCamera]}`);
    const hoverB: unknown = await c.conn.sendRequest('textDocument/hover', { textDocument: { uri: DOCS.bCamera }, position: { line: 1, character: 20 } });
    assert.doesNotMatch(JSON.stringify(hoverB), /ms\/frame/);

    // The user edits folder B's settings: the client says so (VS Code sends the window's values, or null in
    // LSP's pull model) and the server asks every folder again.
    answers = folderAnswers();
    answers[B] = { analyzer: { disabledRules: [], include: [], exclude: ['src/other.lua'] }, pathMappings: [{ from: 'D:\\Games\\UEVR\\scripts', to: '${workspaceFolder}/src' }] };
    const askedBefore = c.asked.length;
    c.forget();
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const second = await c.codes(...Object.values(DOCS));
    assert.ok(c.asked.length >= askedBefore + 2, `asked again for both folders (${c.asked.length - askedBefore} items)`);
    assert.deepEqual(second[DOCS.aCamera], ['UEVR003', 'UEVR100'], 'A unchanged');
    assert.deepEqual(second[DOCS.bCamera], ['UEVR003', 'UEVR011', 'UEVR100'], 'B: nothing disabled, and now mapped onto its file');
    assert.deepEqual(second[DOCS.bOther], [], 'B now excludes src/other.lua');
    assert.deepEqual(second[DOCS.bPlain], [], 'B no longer includes lib/**');
    const fixAllB: Array<{ kind: string }> = await c.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: DOCS.bCamera }, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 60 } }, context: { diagnostics: [] },
    });
    assert.ok(fixAllB.some((a) => a.kind === 'quickfix'), 'B\'s UEVR003 has its quick fix');
  });

  test('a folder added to the workspace gets its own settings', async () => {
    const c = new Client((item) => {
      if (item.scopeUri?.startsWith(pathToFileURL(B).href + '/')) return { analyzer: { disabledRules: ['UEVR003', 'UEVR011'] } };
      return null;
    });
    clients.push(c);
    await c.start({ workspace: { configuration: true, workspaceFolders: true } }, undefined, [A]);
    await c.open(DOCS.aCamera, DOCS.bCamera);
    // B is not a folder yet: its file is outside every folder, and what the client answers for it applies.
    assert.deepEqual((await c.codes(DOCS.aCamera))[DOCS.aCamera], ['UEVR003', 'UEVR011']);
    c.forget();
    await c.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: pathToFileURL(B).href, name: 'GameB' }], removed: [] } });
    const after = await c.codes(DOCS.aCamera, DOCS.bCamera);
    assert.deepEqual(after[DOCS.aCamera], ['UEVR003', 'UEVR011'], 'A answers null: nothing disabled');
    assert.deepEqual(after[DOCS.bCamera], [], 'B disables both');
  });

  test('without the capability: never asked, the initialization options and pushed settings apply to every folder', async () => {
    const c = new Client(() => ({ analyzer: { disabledRules: ['UEVR003', 'UEVR011'] } }));
    clients.push(c);
    await c.start({}, { uevrProfiler: { analyzer: { disabledRules: ['UEVR011'] } } });
    await c.open(DOCS.aCamera, DOCS.bCamera);
    const first = await c.codes(DOCS.aCamera, DOCS.bCamera);
    assert.deepEqual(first, { [DOCS.aCamera]: ['UEVR003'], [DOCS.bCamera]: ['UEVR003'] });
    c.forget();
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { uevrProfiler: { analyzer: { disabledRules: ['UEVR003'] } } } });
    assert.deepEqual(await c.codes(DOCS.aCamera, DOCS.bCamera), { [DOCS.aCamera]: ['UEVR011'], [DOCS.bCamera]: ['UEVR011'] });
    assert.equal(c.asked.length, 0, 'the server never sent workspace/configuration');
  });

  test('a client that answers null (Neovim with init_options only) keeps the initialization options', async () => {
    const c = new Client(() => null);
    clients.push(c);
    await c.start({ workspace: { configuration: true } }, { uevrProfiler: { analyzer: { disabledRules: ['UEVR011'] } } });
    await c.open(DOCS.aCamera, DOCS.bCamera);
    assert.deepEqual(await c.codes(DOCS.aCamera, DOCS.bCamera), { [DOCS.aCamera]: ['UEVR003'], [DOCS.bCamera]: ['UEVR003'] });
    assert.ok(c.asked.length >= 2, 'it was asked');
  });

  test('a client that answers late: the initialization options apply meanwhile, its answer when it comes', async () => {
    let release: () => void = () => undefined;
    const answered = new Promise<void>((r) => (release = r));
    const c = new Client(async () => {
      await answered;
      return { analyzer: { disabledRules: ['UEVR003'] } };
    });
    clients.push(c);
    await c.start({ workspace: { configuration: true } }, { uevrProfiler: { analyzer: { disabledRules: ['UEVR011'] } } });
    await c.open(DOCS.aCamera);
    assert.deepEqual(await c.codes(DOCS.aCamera), { [DOCS.aCamera]: ['UEVR003'] }, 'not held up by the missing answer');
    c.forget();
    release();
    assert.deepEqual(await c.codes(DOCS.aCamera), { [DOCS.aCamera]: ['UEVR011'] }, 'analysed again with the folder\'s answer');
  });

  test('a client whose workspace/configuration fails keeps the initialization options', async () => {
    const c = new Client(() => {
      throw new Error('no configuration here');
    });
    clients.push(c);
    await c.start({ workspace: { configuration: true } }, { uevrProfiler: { analyzer: { disabledRules: ['UEVR011'] } } });
    await c.open(DOCS.aCamera);
    assert.deepEqual(await c.codes(DOCS.aCamera), { [DOCS.aCamera]: ['UEVR003'] });
  });
});
