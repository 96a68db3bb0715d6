// The formats speedscope reads beyond our first eight: pprof (gzip or not), callgrind, Instruments
// deep copy, Ruby stackprof, Safari timeline, V8 --prof log and its --prof-process JSON, Papyrus,
// pmcstat, GHC .prof (text and JSON). Per format: exact contents of our fixture, truncation and
// malformed input end in one line naming the detected format, and hostile names load verbatim.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Function as PFunction, Line, Location, Profile as PprofProfile, Sample, StringTable, ValueType } from 'pprof-format';
import { loadProfile, ProfileFormatError } from '../../../src/core/formats';
import { gunzip } from '../../../src/core/formats/gzip';
import { seededRandom } from '../../../src/core/random';
import { assertClose, assertProfileOrFormatError, enc, ownFixtureFiles, pathWeights, readFixture, totalWeight } from './helpers';

const load = (name: string, as = name) => loadProfile(readFixture(name), as);
const paths = (name: string) => Object.fromEntries(pathWeights(load(name)));
const text = (name: string) => new TextDecoder().decode(readFixture(name));
/** Fails in one line that names `format`; the reason must match `why`. */
function rejectsAs(bytes: Uint8Array | string, name: string, format: string, why: RegExp): void {
  const b = typeof bytes === 'string' ? enc(bytes) : bytes;
  assert.throws(
    () => loadProfile(b, name),
    (e: unknown) => e instanceof ProfileFormatError && e.format === format && why.test(e.reason) && !e.message.includes('\n'),
    `${name}: expected "${format}: ${why}"`,
  );
}
function assertPaths(actual: Record<string, number>, expected: Record<string, number>, what = ''): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), what);
  for (const k of Object.keys(expected)) assertClose(actual[k], expected[k], `${what} ${k}`);
}
/** Every prefix of a fixture (every `step` bytes) loads or fails in one line. */
function truncations(name: string, step = 7): void {
  const bytes = readFixture(name);
  for (let cut = 0; cut < bytes.length; cut += step) assertProfileOrFormatError(() => loadProfile(bytes.subarray(0, cut), name), `${name} cut at ${cut}`);
}
const HOSTILE = '<img src=x onerror=alert(1)>;"\u202e\u0000 ../../etc/passwd %s {{x}}';

describe('pprof', () => {
  test('gzip CPU profile: the cpu sample type (go tool pprof\'s default), ns → ms, inlined frames, address-only locations', () => {
    const p = load('cpu.pb.gz');
    assert.equal(p.meta.format, 'pprof');
    assert.equal(p.meta.compressed, 'gzip');
    assert.equal(p.meta.sampleType, 'cpu/nanoseconds');
    assert.equal(p.weightUnit, 'milliseconds');
    assertPaths(paths('cpu.pb.gz'), { 'main.main;main.tick;main.draw;main.inlinedHelper': 30, 'main.main;main.tick': 10, 'main.main;main.tick;0xdead': 10 });
    const draw = p.frames.name.indexOf('main.draw');
    assert.equal(p.frames.file[draw], '/src/draw.go');
    assert.equal(p.frames.line[draw], 30);
    assert.match(String(p.meta.notes), /2 sample types/);
  });

  test('uncompressed heap profile: default_sample_type picks alloc_space in bytes', () => {
    const p = load('alloc.pprof');
    assert.equal(p.weightUnit, 'bytes');
    assert.equal(p.meta.sampleType, 'alloc_space/bytes');
    assert.deepEqual(paths('alloc.pprof'), { 'main.main;main.tick;main.draw;main.inlinedHelper': 4096, 'main.main': 1024 });
  });

  test('fields in any order (Go writes time_nanos, field 9, first)', () => {
    const raw = readFixture('alloc.pprof');
    const goOrder = new Uint8Array([0x48, 0x96, 0x01, ...raw]);
    assert.equal(goOrder[0], 0x48);
    assert.deepEqual(Object.fromEntries(pathWeights(loadProfile(goOrder, 'profile'))), paths('alloc.pprof'));
  });

  test('truncated, damaged and compressed-twice files fail in one line', () => {
    truncations('alloc.pprof', 3);
    truncations('cpu.pb.gz', 5);
    const gz = readFixture('cpu.pb.gz');
    rejectsAs(gz.subarray(0, gz.length - 12), 'cpu.pb.gz', 'gzip-compressed file', /damaged or cut short/);
    rejectsAs(gzipSync(gz), 'x.pb.gz', 'gzip-compressed file', /compressed twice/);
    // A protobuf-looking start with a NUL but not a profile.
    rejectsAs(new Uint8Array([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x32, 0x09, 0x61]), 'x.pprof', 'pprof', /.+/);
  });

  test('a sample unit named like an Object.prototype member is an unknown unit (samples), not a crash', () => {
    for (const unit of ['constructor', '__proto__', 'toString']) {
      const st = new StringTable();
      const bytes = new PprofProfile({
        sampleType: [new ValueType({ type: st.dedup('cpu'), unit: st.dedup(unit) })],
        sample: [new Sample({ locationId: [1], value: [5] })],
        location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
        function: [new PFunction({ id: 1, name: st.dedup('f'), filename: st.dedup('a.go') })],
        stringTable: st,
      }).encode();
      const p = loadProfile(bytes, 'x.pprof');
      assert.equal(p.weightUnit, 'samples', unit);
      assert.equal(p.meta.sampleType, `cpu/${unit}`);
      assert.deepEqual(Object.fromEntries(pathWeights(p)), { f: 5 });
    }
  });

  test('a gzip bomb is refused, not inflated', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    // Well under the real cap, to keep the test small: the cap applies the same way.
    assert.throws(() => gunzip(new Uint8Array(bomb), 1024 * 1024), /inflates to more than 1 MB/);
    // Gzipped text formats load through the same path.
    assert.equal(loadProfile(new Uint8Array(gzipSync(readFixture('simple.folded'))), 'simple.folded.gz').meta.format, 'folded stacks');
  });
});

describe('callgrind', () => {
  test('name compression, cfi/cfn calls, subposition lines, first event; call graph unfolded by cost', () => {
    const p = load('callgrind.out.4242');
    assert.equal(p.meta.event, 'Ir');
    assert.deepEqual(paths('callgrind.out.4242'), { main: 10, 'main;tick': 200, 'main;tick;lua_pcall': 300, 'main;lua_pcall': 90 });
    assert.equal(totalWeight(p), 600);
    assert.equal(p.frames.file[p.frames.name.indexOf('lua_pcall')], 'lua.c');
  });

  test('a shared callee is split by what each caller passes in; recursion stays finite', () => {
    const g = `events: Ir\nfl=a.c\nfn=root\n1 1\ncfn=left\ncalls=1 1\n1 30\ncfn=right\ncalls=1 1\n1 10\nfn=left\n1 10\ncfn=leaf\ncalls=1 1\n1 20\nfn=right\ncfn=leaf\ncalls=1 1\n1 10\nfn=leaf\n1 30\ncfn=leaf\ncalls=5 1\n1 999\n`;
    const p = loadProfile(enc(g), 'callgrind.out.1');
    assertPaths(Object.fromEntries(pathWeights(p)), { root: 1, 'root;left': 10, 'root;left;leaf': 20, 'root;right;leaf': 10 });
    // A cycle a → b → a and nothing else: still one tree, no hang.
    const cyc = `events: Ir\nfn=a\n1 5\ncfn=b\ncalls=1 1\n1 7\nfn=b\n1 7\ncfn=a\ncalls=1 1\n1 12\n`;
    assert.ok(totalWeight(loadProfile(enc(cyc), 'x')) > 0);
  });

  test('malformed: undefined compressed names, calls without cfn, no events, truncation', () => {
    rejectsAs('# callgrind format\nevents: Ir\nfn=(7)\n1 2\n', 'callgrind.out.2', 'callgrind', /function \(7\) is used before it is defined/);
    rejectsAs('# callgrind format\nevents: Ir\nfn=main\ncalls=1 2\n3 4\n', 'c', 'callgrind', /"calls=" without/);
    rejectsAs('# callgrind format\nfn=main\n1 2\n', 'c', 'callgrind', /no "events:" line/);
    truncations('callgrind.out.4242', 5);
  });

  test('a huge fan-out graph is cut at the stack budget with a note, not unfolded exponentially', () => {
    // 30 levels, each function calling both functions of the next level: 2^30 paths.
    let s = 'events: Ir\n';
    for (let d = 0; d < 30; d++) for (const side of ['a', 'b']) s += `fn=${side}${d}\n1 1\ncfn=a${d + 1}\ncalls=1 1\n1 ${2 ** (30 - d)}\ncfn=b${d + 1}\ncalls=1 1\n1 ${2 ** (30 - d)}\n`;
    s += 'fn=a30\n1 1\nfn=b30\n1 1\n';
    const p = loadProfile(enc(s), 'callgrind.out.wide');
    assert.ok(p.stacks.length <= 200_001);
    assert.match(String(p.meta.notes), /too deep, too many or too small/);
  });
});

describe('Instruments deep copy', () => {
  test('time profile: inclusive weights to self time, s and ms', () => {
    const p = load('time-profile.instruments.txt');
    assert.equal(p.weightUnit, 'milliseconds');
    assertPaths(paths('time-profile.instruments.txt'), { 'start;main;GameLoop::tick()': 300, 'start;main;GameLoop::tick();Renderer::draw()': 500, 'start;main;GameLoop::tick();lua_pcall': 100, 'start;main;loadAssets': 300 });
    assertClose(totalWeight(p), 1200);
  });
  test('allocations: bytes with KB', () => {
    const p = load('allocations.instruments.txt');
    assert.equal(p.weightUnit, 'bytes');
    assert.deepEqual(paths('allocations.instruments.txt'), { 'start;main': 512, 'start;main;makeMesh()': 2048, 'start;main;parseConfig()': 512 });
  });
  test('malformed and truncated', () => {
    rejectsAs('Weight\tSelf Weight\tSymbol Names\nnot a weight\t0\tmain\n', 'x.txt', 'Instruments deep copy', /no rows/);
    rejectsAs('Count\tSelf\tSymbol Name\n1\t1\tmain\n', 'x.txt', 'Instruments deep copy', /no "Weight"/);
    truncations('time-profile.instruments.txt');
  });
});

describe('Ruby stackprof', () => {
  test('wall mode: raw runs weighted by their timestamp deltas; GC under the previous stack', () => {
    const p = load('wall.stackprof.json');
    assert.equal(p.meta.mode, 'wall');
    assertPaths(paths('wall.stackprof.json'), { '<main>;Game#tick;Hud#draw': 3, '<main>;Game#tick': 4, '<main>;Game#tick;(garbage collection)': 0.5 });
    const draw = p.frames.name.indexOf('Hud#draw');
    assert.equal(p.frames.file[draw], '/app/hud.rb');
    assert.equal(p.frames.line[draw], 4);
  });
  test('cpu and object modes', () => {
    const v = JSON.parse(text('wall.stackprof.json'));
    assertClose(totalWeight(loadProfile(enc(JSON.stringify({ ...v, mode: 'cpu', interval: 250 })), 'x.json')), (6 * 250) / 1000);
    const o = loadProfile(enc(JSON.stringify({ ...v, mode: 'object' })), 'x.json');
    assert.equal(o.weightUnit, 'samples');
    assert.equal(totalWeight(o), 6);
  });
  test('malformed: unknown frame ids, a run cut short, no raw', () => {
    const v = JSON.parse(text('wall.stackprof.json'));
    rejectsAs(JSON.stringify({ ...v, raw: [1, 999, 1] }), 'x.json', 'Ruby stackprof', /frame 999/);
    rejectsAs(JSON.stringify({ ...v, raw: [5, 101, 102] }), 'x.json', 'Ruby stackprof', /cut short/);
    rejectsAs(JSON.stringify({ ...v, raw: undefined }), 'x.stackprof.json', 'Ruby stackprof', /raw: true/);
    truncations('wall.stackprof.json', 11);
  });
});

describe('numbers too long to be finite', () => {
  // 400 digits parse as Infinity: such a row is unreadable (skipped with a note), never an infinite weight.
  for (const name of ['game.prof', 'time-profile.instruments.txt', 'allocations.instruments.txt', 'cycles.pmcstat.graph', 'Stack_77.log', 'wall.stackprof.json']) {
    test(`${name}: a row at a time with its numbers made huge`, () => {
      const lines = text(name).split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (!/\d/.test(lines[i])) continue;
        const hostile = [...lines.slice(0, i), lines[i].replace(/\d+/g, '9'.repeat(400)), ...lines.slice(i + 1)].join('\n');
        const p = assertProfileOrFormatError(() => loadProfile(enc(hostile), name), `${name} line ${i + 1}`);
        if (p) for (const w of p.samples.weight) assert.ok(Number.isFinite(w), `${name} line ${i + 1}: weight ${w}`);
      }
    });
  }
});

describe('Ruby stackprof: hostile sample counts', () => {
  const file = (mode: string, count: string) => enc(`{"mode":"${mode}","interval":1000,"frames":{"1":{"name":"a"}},"raw":[1,1,${count}],"raw_timestamp_deltas":[1000]}`);
  test('a huge count in wall mode is bounded by the deltas there are (loaded in a child with a time limit)', () => {
    // A synchronous loop of 1e12 steps cannot be interrupted in-process: a regression would hang
    // the test run; a child process can be killed, so it fails instead.
    const code = `const { loadProfile } = require(${JSON.stringify(require.resolve('../../../src/core/formats'))});
      const p = loadProfile(new TextEncoder().encode(${JSON.stringify(new TextDecoder().decode(file('wall', '1e12')))}), 'x.json');
      process.stdout.write(String(p.samples.weight[0]));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.signal, null, 'the load did not finish within 30 s');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '1');
  });
  test('a count that is not finite (1e999 parses as Infinity) is refused in one line', () => {
    for (const mode of ['wall', 'cpu', 'object']) rejectsAs(file(mode, '1e999'), 'x.json', 'Ruby stackprof', /bad sample count/);
  });
});

describe('Safari timeline recording', () => {
  test('samples end at their timestamps; gaps become idle; anonymous functions named by place', () => {
    const p = load('timeline-recording.json');
    assert.equal(p.name, 'Timeline Recording 1');
    assertPaths(paths('timeline-recording.json'), { 'frame;render': 1, frame: 1, '(idle)': 7, 'frame;(anonymous app.js:40)': 1 });
  });
  test('malformed and truncated', () => {
    const v = JSON.parse(text('timeline-recording.json'));
    rejectsAs(JSON.stringify({ ...v, recording: { ...v.recording, sampleStackTraces: [] } }), 'x-recording.json', 'Safari timeline recording', /no JavaScript samples/);
    rejectsAs(JSON.stringify({ ...v, recording: { ...v.recording, sampleDurations: undefined } }), 'x.json', 'Safari timeline recording', /sampleDurations/);
    const back = structuredClone(v);
    back.recording.sampleStackTraces[2].timestamp = 10.0015;
    rejectsAs(JSON.stringify(back), 'x.json', 'Safari timeline recording', /ends before the previous one/);
    truncations('timeline-recording.json', 13);
  });
});

describe('V8 --prof log and --prof-process JSON', () => {
  test('text log: addresses resolved against live code, code-move replayed, external callbacks, GC state', () => {
    const p = load('isolate-0x5a5a-v8.log');
    assert.equal(p.meta.v8Version, '11.3.244.8');
    assertPaths(paths('isolate-0x5a5a-v8.log'), {
      '(Builtin) JSEntry;(script main.js);tick;draw': 3,
      '(Builtin) JSEntry;(script main.js);tick': 1,
      '(Builtin) JSEntry;(script main.js);tick;(lib) /lib/libc.so.6': 1,
      '(Builtin) JSEntry;(script main.js);tick;(garbage collector)': 1,
    });
    const tick = p.frames.name.indexOf('tick');
    assert.equal(p.frames.file[tick], 'file:///app/main.js');
    assert.equal(p.frames.line[tick], 5);
  });
  test('JSON: code indices leaf first, -1 padding skipped, ticks weighted to the next', () => {
    assertPaths(paths('main.v8log.json'), { '(Builtin) JSEntry;(script main.js);tick;draw': 2, '(Builtin) JSEntry;(script main.js);tick': 2, '(Builtin) JSEntry;(script main.js);(garbage collector)': 1 });
  });
  test('malformed and truncated', () => {
    rejectsAs('v8-version,11,3,0,0,0,0\ncode-creation,Builtin,2,1,0x10,0x10,X\n', 'isolate-v8.log', 'V8 --prof log', /no tick events/);
    rejectsAs('{"code":[],"functions":[],"ticks":[]}', 'x.v8log.json', 'V8 --prof-process JSON', /no samples/);
    rejectsAs('{"code":[],"functions":[],"ticks":[{"s":[0,0]}]}', 'x.json', 'V8 --prof-process JSON', /"tm"/);
    truncations('isolate-0x5a5a-v8.log');
    truncations('main.v8log.json', 13);
  });
  test('quoted names with commas and escapes', () => {
    const log = 'v8-version,11,3,0,0,0,0\ncode-creation,Function,10,1,0x100,0x10,"a\\x2cb file:///x,y.js:2:3",0x9,~\ncode-creation,Stub,3,1,0x200,0x10,"say ""hi"", twice"\ntick,0x104,10,0,0x0,0\ntick,0x204,20,0,0x0,0\n';
    const p = loadProfile(enc(log), 'v8.log');
    assert.ok(p.frames.name.includes('a,b'), p.frames.name.join('|'));
    assert.equal(p.frames.file[p.frames.name.indexOf('a,b')], 'file:///x,y.js');
    assert.ok(p.frames.name.includes('(Stub) say "hi", twice'), p.frames.name.join('|'));
  });
});

describe('Papyrus', () => {
  test('PUSH/POP per stack under "stack <id>", QUEUE_PUSH/START/STOP carry no time', () => {
    const p = load('Stack_77.log');
    assert.deepEqual(paths('Stack_77.log'), { 'stack 77;hud_quest..OnUpdate': 11, 'stack 77;hud_quest..OnUpdate;utility..GetCurrentRealTime': 1, 'stack 77;hud_quest..OnUpdate;hud_quest..RefreshWidgets': 6 });
    assert.equal(p.meta.invalidLines, undefined);
    assert.equal(p.frames.file[p.frames.name.indexOf('hud_quest..OnUpdate')], 'hud_quest.psc');
  });
  test('interleaved stacks keep their own calls; time goes to the stack that logged last', () => {
    // 0–2 stack 1 runs a..f; 2–5 stack 2 (it logged at 2) runs b..g; 5–6 stack 1 has returned.
    const log = 'Script_x log opened (PC)\n0:PUSH:1:1:None:a..f\n2:PUSH:2:1:None:b..g\n5:POP:1:1:None:a..f\n6:POP:2:1:None:b..g\n';
    assert.deepEqual(Object.fromEntries(pathWeights(loadProfile(enc(log), 'p.log'))), { 'stack 1;a..f': 2, 'stack 2;b..g': 3 });
  });
  test('malformed and truncated', () => {
    rejectsAs('Stack_1 log opened (PC)\nLog closed\n', 'x.log', 'Papyrus profile', /no profiling events/);
    rejectsAs('Stack_1 log opened (PC)\n5:PUSH:1:1:None:a..f\n3:POP:1:1:None:a..f\n', 'x.log', 'Papyrus profile', /earlier than the line before/);
    truncations('Stack_77.log', 5);
  });
});

describe('pmcstat call graph', () => {
  test('callers reversed into stacks; counts the callers do not cover stay on the shorter stack', () => {
    const p = load('cycles.pmcstat.graph');
    assert.equal(p.meta.event, 'CPU_CLK_UNHALTED_CORE');
    assert.deepEqual(paths('cycles.pmcstat.graph'), { 'main;game_tick;lua_pcall;lua_execute': 40, 'main;lua_resume;lua_execute': 20, 'main;game_tick;memcpy': 30, memcpy: 10 });
    assert.equal(totalWeight(p), 100);
    assert.equal(p.frames.file[p.frames.name.indexOf('memcpy')], '/lib/libc.so.7');
  });
  test('malformed and truncated', () => {
    rejectsAs('@ CYCLES [10 samples]\n\nnothing here\n', 'x.txt', 'pmcstat call graph', /no call graph rows/);
    truncations('cycles.pmcstat.graph', 5);
  });
});

describe('GHC profiles', () => {
  test('-P text: ticks column × tick interval', () => {
    const p = load('game.prof');
    assert.equal(p.meta.format, 'GHC .prof');
    assert.deepEqual(paths('game.prof'), { 'MAIN.MAIN;Main.main': 10, 'MAIN.MAIN;Main.main;Physics.step': 60, 'MAIN.MAIN;Main.main;Render.render': 30 });
    const step = p.frames.name.indexOf('Physics.step');
    assert.equal(p.frames.file[step], 'src/Physics.hs');
    assert.equal(p.frames.line[step], 12);
  });
  test('-p text: individual %time of the total, with a note', () => {
    const p = load('game-percent-only.prof');
    assert.deepEqual(paths('game-percent-only.prof'), { 'MAIN.MAIN;Main.main': 50, 'MAIN.MAIN;Main.main;Physics.step': 150 });
    assert.match(String(p.meta.notes), /rounded percentages/);
  });
  test('-pj JSON is the same tree as the -P text', () => {
    const json = ownFixtureFiles().find((f) => f.folder === 'ghc-json')!;
    const p = loadProfile(readFixtureAt(json.path), 'game.prof');
    assert.equal(p.meta.format, 'GHC JSON profile');
    assert.deepEqual(Object.fromEntries(pathWeights(p)), paths('game.prof'));
  });
  test('a GHC report is never read as another format, even when broken', () => {
    const t = text('game.prof');
    rejectsAs(t.replace(/COST CENTRE\s+MODULE\s+SRC\s+no\..*\n/, ''), 'game.txt', 'GHC .prof', /no call tree section/);
    for (let cut = 0; cut < t.length; cut += 9) {
      try {
        assert.equal(loadProfile(enc(t.slice(0, cut)), 'game.folded').meta.format, 'GHC .prof', `cut ${cut}`);
      } catch (e) {
        assert.ok(e instanceof ProfileFormatError, String(e));
        if (cut > 80) assert.equal(e.format, 'GHC .prof', `cut ${cut}: ${e.message}`);
      }
    }
    truncations('game-percent-only.prof');
  });
});

function readFixtureAt(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

describe('formats recognised but not read', () => {
  test('Java Flight Recorder and zip archives (an Instruments .trace) get a one-line error naming them', () => {
    rejectsAs(new Uint8Array([0x46, 0x4c, 0x52, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00]), 'heavy.jfr', 'Java Flight Recorder', /jfrconv/);
    rejectsAs(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]), 'x.trace.zip', 'zip archive', /Deep Copy/);
  });
});

describe('hostile names load verbatim in every new format', () => {
  const cases: Array<[string, string, string]> = [
    ['callgrind', 'callgrind.out.h', `events: Ir\nfl=${HOSTILE}\nfn=${HOSTILE}\n1 5\n`],
    ['instruments', 'h.txt', `Weight\tSelf Weight\tSymbol Names\n5.00 ms  100.0%\t5.00 ms\t ${HOSTILE}\n`],
    ['stackprof', 'h.json', JSON.stringify({ mode: 'cpu', interval: 1000, frames: { 1: { name: HOSTILE, file: HOSTILE } }, raw: [1, 1, 5] })],
    ['safari', 'h.json', JSON.stringify({ version: 1, recording: { sampleStackTraces: [{ timestamp: 1, stackFrames: [{ name: HOSTILE, url: HOSTILE, line: 1 }] }], sampleDurations: [0.005] } })],
    ['v8 json', 'h.json', JSON.stringify({ code: [{ name: HOSTILE, type: 'CPP' }], functions: [], ticks: [{ tm: 1, vm: 0, s: [0, 0] }] })],
    ['papyrus', 'h.log', `Stack_1 log opened (PC)\n0:PUSH:1:1:None:${HOSTILE.replace(/:/g, '')}\n5:POP:1:1:None:${HOSTILE.replace(/:/g, '')}\n`],
    ['pmcstat', 'h.graph', `@ X [5 samples]\n\n100.0%  [5]  ${HOSTILE.replace(/\s/g, '')}\n`],
    ['ghc json', 'h.prof', JSON.stringify({ program: HOSTILE, rts_arguments: [], total_ticks: 5, tick_interval: 1000, cost_centres: [{ id: 1, label: HOSTILE, module: 'M', src_loc: '<built-in>' }], profile: { id: 1, ticks: 5, children: [] } })],
  ];
  for (const [what, name, body] of cases) {
    test(what, () => {
      const p = loadProfile(enc(body), name);
      const want = what === 'ghc json' ? `M.${HOSTILE}` : what === 'papyrus' ? HOSTILE.replace(/:/g, '') : what === 'pmcstat' ? HOSTILE.replace(/\s/g, '') : what === 'v8 json' ? `(c++) ${HOSTILE}` : HOSTILE;
      assert.ok(p.frames.name.includes(want), `${what}: ${JSON.stringify(p.frames.name)}`);
      assert.ok(totalWeight(p) > 0);
    });
  }
});

describe('fuzz of the new line-based formats (seeded): lines dropped, doubled, swapped and cut', () => {
  const textFolders = new Set(['callgrind', 'instruments', 'v8-log', 'papyrus', 'pmcstat', 'ghc']);
  test('every mutation loads or fails in one line', () => {
    const r = seededRandom(14);
    for (const f of ownFixtureFiles().filter((x) => textFolders.has(x.folder))) {
      const lines = text(f.name).split('\n');
      for (let k = 0; k < 40; k++) {
        const m = lines.slice();
        const at = Math.floor(r() * m.length);
        const other = Math.floor(r() * m.length);
        const op = k % 4;
        if (op === 0) m.splice(at, 1);
        else if (op === 1) m.splice(at, 0, m[other]);
        else if (op === 2) [m[at], m[other]] = [m[other], m[at]];
        else m[at] = m[at].slice(0, Math.floor(r() * m[at].length));
        const p = assertProfileOrFormatError(() => loadProfile(enc(m.join('\n')), f.name), `${f.name} mutation ${k}`);
        if (p) assert.ok(Number.isFinite(totalWeight(p)), `${f.name} mutation ${k}: total`);
      }
    }
  });
});

describe('the file name names the format only when the content cannot tell', () => {
  test('empty or unrecognisable files are reported as the format their name suggests', () => {
    rejectsAs('', 'callgrind.out.77', 'callgrind', /empty/);
    rejectsAs('hello there\n', 'game.prof', 'GHC .prof', /does not look like GHC \.prof/);
    rejectsAs('hello there\n', 'x.pmcstat.graph', 'pmcstat call graph', /does not look like/);
    rejectsAs('hello there\n', 'x.stackprof.json', 'Ruby stackprof', /not JSON/);
    rejectsAs('hello there\n', 'isolate-0x1-v8.log', 'V8 --prof log', /does not look like/);
    rejectsAs('hello there\n', 'unnamed', 'profile', /not a recognised profile format/);
  });
  test('but content always wins: a pprof named .prof, a GHC report named .txt', () => {
    assert.equal(loadProfile(readFixture('alloc.pprof'), 'heap.prof').meta.format, 'pprof');
    assert.equal(loadProfile(readFixture('game.prof'), 'report.txt').meta.format, 'GHC .prof');
  });
});
