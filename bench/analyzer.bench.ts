// Analyzer benchmark: re-analysis of a 5,000-line mod after an edit (target < 50 ms) against parse-only
// of the same text in the same run, and throughput over a folder of a few hundred generated mods.
//   node --import tsx bench/analyzer.bench.ts
import { analyze } from '../src/core/analyzer/analyze';
import { parse } from '../src/core/lua/parser';

/** Deterministic PRNG so every run analyses the same code. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A mod shaped like real UEVR scripts: helpers, state, hot callbacks with loops, guards and API calls. */
export function generateMod(targetLines: number, seed: number): string {
  const r = rng(seed);
  const out: string[] = ['local api = uevr.api', 'local vr = uevr.params.vr', 'local M = {}', 'local state = { last = nil, t = 0 }', ''];
  let i = 0;
  const helpers: string[] = [];
  while (out.length < targetLines - 40) {
    const name = `helper_${i++}`;
    helpers.push(name);
    const body: string[] = [];
    const n = 5 + Math.floor(r() * 20);
    for (let k = 0; k < n; k++) {
      const pick = r();
      if (pick < 0.1) body.push(`  local c${k} = api:find_uobject("Class /Script/Engine.Actor${k}")`);
      else if (pick < 0.2) body.push(`  for j = 1, 4 do local v = math.sin(j) + (obj and obj.Mesh.RelativeLocation.X or 0) end`);
      else if (pick < 0.3) body.push(`  if state.last ~= ${k} then vr.set_mod_value("opt${k}", tostring(${k})) state.last = ${k} end`);
      else if (pick < 0.4) body.push(`  local t${k} = {x = ${k}, y = ${k + 1}}`);
      else if (pick < 0.5) body.push(`  local s${k} = "value " .. tostring(${k}) .. " units"`);
      else if (pick < 0.6) body.push(`  if obj ~= nil and obj:get_full_name():find("Weapon${k}") then return ${k} end`);
      else if (pick < 0.7 && helpers.length > 1) body.push(`  ${helpers[Math.floor(r() * (helpers.length - 1))]}(obj)`);
      else if (pick < 0.8) body.push(`  local p${k} = api:get_local_pawn(0)`);
      else body.push(`  local n${k} = (obj and obj.Health or 0) * ${k} + ${k}`);
    }
    out.push(`local function ${name}(obj)`, ...body, '  return nil', 'end', '');
  }
  out.push('uevr.sdk.callbacks.on_pre_engine_tick(function(engine, delta)', '  local pawn = api:get_local_pawn(0)');
  for (let k = 0; k < Math.min(helpers.length, 25); k++) out.push(`  ${helpers[Math.floor(r() * helpers.length)]}(pawn)`);
  out.push('end)', '', 'uevr.sdk.callbacks.on_post_calculate_stereo_view_offset(function(device, view_index, wtm, position, rotation, is_double)');
  for (let k = 0; k < 5; k++) out.push(`  ${helpers[Math.floor(r() * helpers.length)]}(nil)`);
  out.push('end)', '');
  return out.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs: number): number[] {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    fn();
    t.push(performance.now() - a);
  }
  return t;
}

const big = generateMod(5000, 42);
const lines = big.split('\n').length;
// The edit: a keystroke in the middle of the file (a new statement in a helper).
const at = big.indexOf('\n', Math.floor(big.length / 2));
const edited = (k: number): string => big.slice(0, at) + `\n  local edit_${k} = ${k}` + big.slice(at);

// Warm up the JIT on both paths.
for (let k = 0; k < 5; k++) {
  parse(edited(k));
  analyze(edited(k), 'file:///bench/big.lua');
}
const runs = 25;
const parseMs = time(() => parse(edited(Math.random())), runs);
let nFindings = 0;
const analyzeMs = time(() => { nFindings = analyze(edited(Math.random()), "file:///bench/big.lua", { incremental: true }).length; }, runs);
const pMed = median(parseMs);
const aMed = median(analyzeMs);
console.log(`5,000-line mod (${lines} lines, ${(big.length / 1024).toFixed(0)} KiB, ${nFindings} findings)`);
console.log(`  parse only (baseline):        median ${pMed.toFixed(1)} ms, max ${Math.max(...parseMs).toFixed(1)} ms`);
console.log(`  full re-analysis after edit:  median ${aMed.toFixed(1)} ms, max ${Math.max(...analyzeMs).toFixed(1)} ms  (target < 50 ms: ${aMed < 50 ? 'met' : 'NOT met'})`);
console.log(`  ratio analysis / parse:       ${(aMed / pMed).toFixed(2)}x`);

// Throughput: a folder of 300 mods of 60–600 lines.
const mods: string[] = [];
for (let k = 0; k < 300; k++) mods.push(generateMod(60 + Math.floor(rng(k)() * 540), 1000 + k));
const totalLines = mods.reduce((s, m) => s + m.split('\n').length, 0);
for (const m of mods.slice(0, 20)) analyze(m, 'file:///warm.lua');
const tp0 = performance.now();
for (const m of mods) parse(m);
const tp1 = performance.now();
let folderFindings = 0;
mods.forEach((m, k) => { folderFindings += analyze(m, `file:///bench/mod${k}.lua`).length; });
const tp2 = performance.now();
const parseS = (tp1 - tp0) / 1000;
const anS = (tp2 - tp1) / 1000;
console.log(`folder of ${mods.length} mods (${totalLines} lines, ${folderFindings} findings)`);
console.log(`  parse only (baseline): ${(tp1 - tp0).toFixed(0)} ms = ${(mods.length / parseS).toFixed(0)} files/s, ${(totalLines / parseS / 1000).toFixed(0)}k lines/s`);
console.log(`  analysis:              ${(tp2 - tp1).toFixed(0)} ms = ${(mods.length / anS).toFixed(0)} files/s, ${(totalLines / anS / 1000).toFixed(0)}k lines/s`);
console.log(`  ratio analysis / parse: ${(anS / parseS).toFixed(2)}x`);
