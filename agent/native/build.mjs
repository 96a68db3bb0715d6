#!/usr/bin/env node
// Builds the native agent.
//   node agent/native/build.mjs            Windows x64 plugin DLL with Debian's mingw-w64 → agent/native/build-win64/uevr_profiler.dll
//   node agent/native/build.mjs --linux    the core + test host against Debian's liblua5.4-dev → agent/native/build-linux/uevrprof-host,
//                                          and the plugin as a shared object with its own Lua → build-linux/uevr_profiler.so
//   node agent/native/build.mjs --linux --sanitize address|thread
//                                          the same under ASan/TSan, Lua compiled from the 5.4.4 sources with the
//                                          same instrumentation → agent/native/build-linux-asan|tsan/uevrprof-host
//
// Lua 5.4.4 sources for the DLL are obtained at build time, never committed: UEVR_PROFILER_LUA_SRC (a
// lua-5.4.4/src folder) when set, else Debian bookworm's source package lua5.4 (pristine upstream
// 5.4.4 tarball, checksummed by apt through the signed archive) fetched with `apt-get source
// --download-only` into agent/native/build-deps/ using private apt lists (the system's apt
// configuration is not touched). The DLL must embed exactly UEVR's Lua release (see docs/agent.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const linux = process.argv.includes('--linux');
const sanitizeAt = process.argv.indexOf('--sanitize');
const sanitize = sanitizeAt >= 0 ? process.argv[sanitizeAt + 1] : '';
if (sanitize && !['address', 'thread'].includes(sanitize)) {
  console.error(`build-agent: --sanitize takes address or thread, not ${sanitize}`);
  process.exit(2);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The machine's own Debian package sources, as deb-src lines: the same archive (mirror or proxy) the
 * machine already uses for packages, never one named here. Reads one-line lists and deb822 files.
 */
function debSrcLinesFromSystem() {
  const out = new Set();
  const files = [];
  if (existsSync('/etc/apt/sources.list')) files.push('/etc/apt/sources.list');
  if (existsSync('/etc/apt/sources.list.d')) {
    for (const f of readdirSync('/etc/apt/sources.list.d')) if (/\.(list|sources)$/.test(f)) files.push(join('/etc/apt/sources.list.d', f));
  }
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza.replace(/^#.*$/gm, ''))?.[1].trim();
        const types = field('Types') ?? '';
        const uris = field('URIs');
        const suites = field('Suites');
        const comps = field('Components');
        const signed = field('Signed-By');
        if (!/\bdeb\b/.test(types) || !uris || !suites || !comps || /\bno\b/i.test(field('Enabled') ?? '')) continue;
        const opt = signed && !signed.includes('\n') ? ` [signed-by=${signed}]` : '';
        for (const uri of uris.split(/\s+/)) for (const suite of suites.split(/\s+/)) out.add(`deb-src${opt} ${uri} ${suite} ${comps}`);
      }
    } else {
      for (const line of text.split('\n')) {
        const m = /^\s*deb(\s+\[[^\]]*\])?\s+(\S+)\s+(\S+)\s+(.+)$/.exec(line);
        if (m) out.add(`deb-src${m[1] ?? ''} ${m[2]} ${m[3]} ${m[4].trim()}`);
      }
    }
  }
  return [...out];
}

function luaSources() {
  if (process.env.UEVR_PROFILER_LUA_SRC) return resolve(process.env.UEVR_PROFILER_LUA_SRC);
  const deps = join(here, 'build-deps');
  const src = join(deps, 'lua-5.4.4', 'src');
  if (existsSync(join(src, 'lua.h'))) return src;
  const apt = join(deps, 'apt');
  mkdirSync(join(apt, 'lists', 'partial'), { recursive: true });
  mkdirSync(join(apt, 'cache', 'archives', 'partial'), { recursive: true });
  const lines = debSrcLinesFromSystem();
  if (lines.length === 0) throw new Error('no Debian package sources are configured in /etc/apt: cannot fetch the Lua 5.4.4 sources (set UEVR_PROFILER_LUA_SRC to a lua-5.4.4/src folder instead)');
  writeFileSync(join(apt, 'sources.list'), `${lines.join('\n')}\n`);
  const o = [
    '-o', `Dir::Etc::SourceList=${join(apt, 'sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(apt, 'lists')}`,
    '-o', `Dir::Cache=${join(apt, 'cache')}`,
    '-o', 'Debug::NoLocking=1',
  ];
  console.log('build-agent: fetching Lua 5.4.4 sources (Debian source package lua5.4)…');
  run('apt-get', [...o, '-qq', 'update']);
  run('apt-get', [...o, 'source', '--download-only', 'lua5.4=5.4.4-3+deb12u1'], { cwd: deps });
  const tarball = readdirSync(deps).find((f) => f === 'lua5.4_5.4.4.orig.tar.gz');
  if (!tarball) throw new Error('apt-get source did not deliver lua5.4_5.4.4.orig.tar.gz');
  run('tar', ['-xzf', tarball], { cwd: deps });
  if (!existsSync(join(src, 'lua.h'))) throw new Error(`no lua-5.4.4/src in ${tarball}`);
  return src;
}

// One build at a time per output folder: test files run in parallel and each builds the Linux host before
// it spawns it; two cmake runs in one folder (or a relink under a running binary: ETXTBSY) break each other.
function lock(dir) {
  const l = `${dir}.lock`;
  const end = Date.now() + 15 * 60 * 1000;
  for (;;) {
    try {
      mkdirSync(l);
      process.on('exit', () => rmSync(l, { recursive: true, force: true }));
      return;
    } catch {
      try {
        if (Date.now() - statSync(l).mtimeMs > 15 * 60 * 1000) rmSync(l, { recursive: true, force: true }); // stale
      } catch {}
      if (Date.now() > end) throw new Error(`${l} held for 15 minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

try {
  if (!have('cmake')) throw new Error('cmake is missing: apt-get install -y cmake');
  if (linux && sanitize) {
    const out = join(here, sanitize === 'address' ? 'build-linux-asan' : 'build-linux-tsan');
    lock(out);
    const lua = luaSources();
    run('cmake', ['-S', here, '-B', out, '-DCMAKE_BUILD_TYPE=RelWithDebInfo', `-DUEVRPROF_SANITIZE=${sanitize}`, `-DUEVRPROF_LUA_SRC=${lua}`, `-DUEVRPROF_PLUGIN_LUA_SRC=${lua}`]);
    run('cmake', ['--build', out, '-j2']);
    console.log(`build-agent: ${join(out, 'uevrprof-host')}`);
  } else if (linux) {
    const out = join(here, 'build-linux');
    lock(out);
    // The host plays UEVR on Debian's Lua; the plugin shared object (uevr_profiler.so) has its own copy,
    // built only when the Lua 5.4.4 sources can be had (the host alone needs none).
    let pluginLua = '';
    try {
      pluginLua = luaSources();
    } catch (e) {
      console.warn(`build-agent: no Lua 5.4.4 sources (${e instanceof Error ? e.message : e}): building the host without uevr_profiler.so`);
    }
    run('cmake', ['-S', here, '-B', out, '-DCMAKE_BUILD_TYPE=Release', `-DUEVRPROF_PLUGIN_LUA_SRC=${pluginLua}`]);
    run('cmake', ['--build', out, '-j2']);
    console.log(`build-agent: ${join(out, 'uevrprof-host')}`);
  } else {
    if (!have('x86_64-w64-mingw32-g++-posix')) throw new Error('mingw-w64 is missing: apt-get install -y mingw-w64');
    const lua = luaSources();
    const out = join(here, 'build-win64');
    run('cmake', ['-S', here, '-B', out, '-DCMAKE_BUILD_TYPE=Release', `-DCMAKE_TOOLCHAIN_FILE=${join(here, 'cmake', 'mingw-w64-x86_64.cmake')}`, `-DUEVRPROF_LUA_SRC=${lua}`]);
    run('cmake', ['--build', out, '-j2']);
    const dll = join(out, 'uevr_profiler.dll');
    const dump = execFileSync('x86_64-w64-mingw32-objdump', ['-p', dll], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    for (const sym of ['uevr_plugin_required_version', 'uevr_plugin_initialize']) {
      if (!new RegExp(`\\]\\s+${sym}\\b`).test(dump)) throw new Error(`${dll} does not export ${sym}`);
    }
    // The DLL embeds Lua (MIT): its notice travels with it (copied from lua.h's licence block).
    const luaH = readFileSync(join(lua, 'lua.h'), 'utf8');
    const notice = luaH.slice(luaH.lastIndexOf('/*****'), luaH.lastIndexOf('*****/') + 6);
    writeFileSync(join(out, 'uevr_profiler.dll.LICENSE-lua.txt'), `uevr_profiler.dll contains Lua 5.4.4:\n${notice.replace(/^\/?\*+ ?/gm, '').replace(/\*+\/$/, '').trim()}\n`);
    const dlls = [...dump.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]);
    console.log(`build-agent: ${dll} exports uevr_plugin_required_version, uevr_plugin_initialize; imports ${dlls.join(', ')}`);
  }
} catch (e) {
  console.error(`build-agent: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
