// Packs the command-line tool alone as an npm package, `uevr-prof-<version>.tgz` in dist/, that
// installs with `npm install -g ./dist/uevr-prof-<version>.tgz` and needs nothing else: the bundled
// dist/cli.js with the files it loads beside it (wasmoon's glue.wasm for the simulator's Lua, the Lua
// agent, the flame-graph webview that `convert --to html` inlines). No dependencies, so the install
// never reaches a registry.
//   node scripts/pack-cli.mjs           build the package (run `npm run build` or `npm run package` first)
//   node scripts/pack-cli.mjs --check   also install it into a temporary prefix and run the installed
//                                       `uevr-prof` (--version, --help, analyze, a simulated capture)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function fail(msg) {
  console.error(`pack-cli: ${msg}`);
  process.exit(1);
}

for (const f of ['cli.js', 'glue.wasm', 'agent/!uevr-profiler-agent.lua', 'webview/flamegraph.js', 'webview/flamegraph.css']) {
  if (!existsSync(join(dist, f))) fail(`dist/${f} is missing: run \`npm run build\` first`);
}

const stage = join(dist, 'cli-package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'webview'), { recursive: true });
cpSync(join(dist, 'cli.js'), join(stage, 'cli.js'));
cpSync(join(dist, 'glue.wasm'), join(stage, 'glue.wasm'));
cpSync(join(dist, 'agent'), join(stage, 'agent'), { recursive: true });
for (const f of ['flamegraph.js', 'flamegraph.css']) cpSync(join(dist, 'webview', f), join(stage, 'webview', f));
cpSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
if (existsSync(join(root, 'ThirdPartyNotices.txt'))) cpSync(join(root, 'ThirdPartyNotices.txt'), join(stage, 'ThirdPartyNotices.txt'));
cpSync(join(root, 'docs', 'cli.md'), join(stage, 'README.md'));
writeFileSync(
  join(stage, 'package.json'),
  JSON.stringify(
    {
      name: 'uevr-prof',
      version: pkg.version,
      description: 'Command-line tool of UEVR Profiler: simulated UEVR sessions, captures, reports, conversion and static analysis of UEVR Lua mods (SARIF for CI).',
      license: pkg.license,
      bin: { 'uevr-prof': 'cli.js' },
      engines: { node: pkg.engines.node },
      keywords: ['uevr', 'lua', 'profiler', 'sarif'],
    },
    null,
    2,
  ) + '\n',
);
const packed = execFileSync(npm, ['pack', '--json', '--pack-destination', dist], { cwd: stage, encoding: 'utf8' });
const tgz = join(dist, JSON.parse(packed)[0].filename);
console.log(tgz);

if (process.argv.includes('--check')) {
  const prefix = mkdtempSync(join(tmpdir(), 'uevr-prof-install-'));
  try {
    execFileSync(npm, ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--offline', tgz], { stdio: 'inherit' });
    const bin = process.platform === 'win32' ? join(prefix, 'uevr-prof.cmd') : join(prefix, 'bin', 'uevr-prof');
    const work = mkdtempSync(join(tmpdir(), 'uevr-prof-work-'));
    const run = (...args) => {
      // From a folder of its own: the installed tool must not find the repository's files.
      const r = spawnSync(bin, args, { cwd: work, encoding: 'utf8', shell: process.platform === 'win32' });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const checks = [];
    const check = (what, ok, detail) => {
      checks.push(ok);
      console.log(`${ok ? 'ok' : 'FAILED'}: ${what}${ok ? '' : `\n${detail}`}`);
    };
    let r = run('--version');
    check('uevr-prof --version prints the version', r.code === 0 && r.out.trim() === pkg.version, JSON.stringify(r));
    r = run('--help');
    check('uevr-prof --help lists the commands', r.code === 0 && /usage: uevr-prof/.test(r.out) && /analyze/.test(r.out), JSON.stringify(r));
    r = run();
    check('uevr-prof without a command: usage on stderr, exit 2', r.code === 2 && r.out === '' && /usage: uevr-prof/.test(r.err), JSON.stringify(r));
    mkdirSync(join(work, 'mod'));
    writeFileSync(join(work, 'mod', 'mod.lua'), 'uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)\n  local a = uevr.api:find_uobject("Class /Script/Engine.Actor")\n  for i = 1, 2000 do local t = { i } end\nend)\n');
    r = run('analyze', 'mod', '--format', 'sarif');
    check('analyze --format sarif', r.code === 0 && JSON.parse(r.out || '{}').runs?.[0]?.results?.length > 0, JSON.stringify(r));
    r = run('capture', '--sim', 'mod', '--seconds', '1', '--out', 'run.uevrcap');
    check('capture --sim (the simulator runs Lua from the installed package)', r.code === 0 && existsSync(join(work, 'run.uevrcap')), JSON.stringify(r));
    r = run('report', 'run.uevrcap', '--budget-ms', '11.1', '--fail-over', '1000');
    check('report --budget-ms --fail-over', r.code === 0 && /budget/.test(r.out), JSON.stringify(r));
    r = run('convert', 'run.uevrcap', '--to', 'html', '--out', 'run.html');
    check('convert --to html (the webview bundle ships in the package)', r.code === 0 && existsSync(join(work, 'run.html')), JSON.stringify(r));
    // The GitHub Actions example of docs/cli.md: its `uevr-prof` commands, as written, in a mod
    // repository whose scripts are clean and cheap, so that every step passes.
    const workflow = /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(root, 'docs', 'cli.md'), 'utf8'))?.[1] ?? '';
    const commands = workflow.split('\n').map((l) => l.trim().replace(/^run: /, '')).filter((l) => l.startsWith('uevr-prof '));
    check('docs/cli.md has a workflow with analyze --format sarif and a budget check', commands.some((c) => c.includes('--format sarif')) && commands.some((c) => c.includes('--fail-over')), workflow);
    const repo = join(work, 'repo');
    mkdirSync(join(repo, 'scripts'), { recursive: true });
    writeFileSync(join(repo, 'scripts', 'mod.lua'), 'local t = 0\nuevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)\n  t = t + delta\nend)\n');
    for (const c of commands) {
      const r2 = spawnSync(bin, c.split(/\s+/).slice(1), { cwd: repo, encoding: 'utf8', shell: process.platform === 'win32' });
      check(`workflow step: ${c}`, r2.status === 0, JSON.stringify({ code: r2.status, out: r2.stdout, err: r2.stderr }));
    }
    check('the workflow wrote uevr.sarif for upload-sarif', existsSync(join(repo, 'uevr.sarif')) && JSON.parse(readFileSync(join(repo, 'uevr.sarif'), 'utf8')).version === '2.1.0', '');
    rmSync(work, { recursive: true, force: true });
    const failed = checks.filter((c) => !c).length;
    // Not the test runners' "N passed, N failed" line: CI reads that one from `npm test` alone.
    console.log(`\ninstalled CLI package: ${checks.length - failed} of ${checks.length} checks ok`);
    if (failed) process.exit(1);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}
