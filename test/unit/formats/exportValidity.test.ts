// Exports are checked against what their readers require: the speedscope file-format JSON schema
// shipped in node_modules/speedscope (a small draft-07 subset validator), and for Chrome traces the
// nesting Perfetto needs (X events on one thread must nest, never overlap partially).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { exportProfile, loadProfile } from '../../../src/core/formats';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { syntheticProfile } from '../../../bench/lib/synthetic';
import type { Profile } from '../../../src/core/profile/types';
import { fixtureFiles } from './helpers';

type Schema = { $ref?: string; type?: string; required?: string[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; enum?: unknown[]; const?: unknown };

const require = createRequire(__filename);
const schemaPath = join(dirname(require.resolve('speedscope/package.json')), 'dist/release/file-format-schema.json');
const root = JSON.parse(readFileSync(schemaPath, 'utf8')) as { definitions: Record<string, Schema>; $ref: string };

/** Returns the first violation (path + reason), or '' when the value matches. */
function validate(v: unknown, s: Schema, path = '$'): string {
  if (s.$ref) return validate(v, root.definitions[s.$ref.replace('#/definitions/', '')], path);
  if (s.anyOf) return s.anyOf.some((x) => validate(v, x, path) === '') ? '' : `${path}: matches none of anyOf`;
  if (s.const !== undefined && v !== s.const) return `${path}: expected ${JSON.stringify(s.const)}`;
  if (s.enum && !s.enum.includes(v)) return `${path}: ${JSON.stringify(v)} not in enum`;
  if (s.type === 'number' && typeof v !== 'number') return `${path}: not a number`;
  if (s.type === 'string' && typeof v !== 'string') return `${path}: not a string`;
  if (s.type === 'array') {
    if (!Array.isArray(v)) return `${path}: not an array`;
    if (s.items) for (let i = 0; i < v.length; i++) {
      const r = validate(v[i], s.items, `${path}[${i}]`);
      if (r) return r;
    }
  }
  if (s.type === 'object') {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path}: not an object`;
    const o = v as Record<string, unknown>;
    for (const k of s.required ?? []) if (!(k in o)) return `${path}: missing ${k}`;
    for (const [k, ps] of Object.entries(s.properties ?? {})) if (k in o) {
      const r = validate(o[k], ps, `${path}.${k}`);
      if (r) return r;
    }
  }
  return '';
}

function captureLike(): Profile {
  const b = new ProfileBuilder({ name: 'cap', source: 'uevrcap', weightUnit: 'milliseconds' });
  const cb = b.frame('on_pre_engine_tick', 'main.lua', 3, 2);
  const f = b.frame('update', 'mod.lua', 10, 0);
  for (let i = 0; i < 50; i++) b.sample(b.stackOf(i % 3 ? [cb, f] : [cb]), 1, i * 1.2);
  for (let i = 0; i < 5; i++) {
    const row = b.gameFrame(i, i * 11.1, 11.1, 2);
    const c = b.callback('on_pre_engine_tick', 'main.lua', 3);
    b.callbackTiming(row, c, i % 2 ? 0 : -1, i * 11.1 + 1, 2);
  }
  return b.build();
}

function corrupt(): Profile {
  const b = new ProfileBuilder({ name: 'nan', source: 'test', weightUnit: 'milliseconds' });
  const f = b.frame('f', 'x.lua', 1, 0);
  b.sample(b.stackOf([f]), NaN, 0);
  b.sample(b.stackOf([f]), Infinity, 1);
  b.sample(b.stackOf([f]), 1, NaN);
  b.sample(-1, 2, 3);
  b.gameFrame(1, NaN, 11, NaN);
  b.gameFrame(2, 11, Infinity, 1);
  const c = b.callback('cb');
  b.callbackTiming(0, c, -1, NaN, 1);
  b.callbackTiming(1, 5, -1, 12, 1); // callback row out of range
  return b.build();
}

describe('export validity', () => {
  test('non-finite numbers in a (corrupt) profile still give valid files', () => {
    const p = corrupt();
    for (const f of ['speedscope', 'chrome', 'folded', 'cpuprofile'] as const) {
      const text = exportProfile(p, f);
      if (f !== 'folded') JSON.parse(text);
      const q = loadProfile(new TextEncoder().encode(text), `x.${f}`);
      assert.ok(q.samples.length >= 1, f);
    }
    assert.equal(validate(JSON.parse(exportProfile(p, 'speedscope')), { $ref: root.$ref }), '');
  });

  const profiles: Array<[string, Profile]> = [['capture-like', captureLike()], ['synthetic', syntheticProfile({ samples: 3000, stacks: 300, functions: 200, files: 10 })]];
  for (const f of fixtureFiles()) {
    if (f.name.includes('invalid--')) continue;
    profiles.push([f.name, loadProfile(new Uint8Array(readFileSync(f.path)), f.name)]);
  }

  test('speedscope exports match the speedscope file-format schema', () => {
    for (const [name, p] of profiles) {
      const json = JSON.parse(exportProfile(p, 'speedscope'));
      assert.equal(validate(json, { $ref: root.$ref }), '', name);
      // Sampled profiles: one weight per sample and frame indices in range.
      const frames = json.shared.frames.length;
      for (const prof of json.profiles) {
        if (prof.type !== 'sampled') continue;
        assert.equal(prof.samples.length, prof.weights.length, name);
        for (const s of prof.samples) for (const x of s) assert.ok(Number.isInteger(x) && x >= 0 && x < frames, name);
      }
    }
  });

  test('chrome exports nest per thread and have valid fields', () => {
    for (const [name, p] of profiles) {
      const json = JSON.parse(exportProfile(p, 'chrome'));
      assert.ok(Array.isArray(json.traceEvents), name);
      const byTid = new Map<number, Array<{ ts: number; dur: number }>>();
      for (const e of json.traceEvents) {
        assert.equal(typeof e.name, 'string', name);
        assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid), name);
        if (e.ph !== 'X') continue;
        assert.ok(Number.isFinite(e.ts) && e.dur >= 0, `${name}: ${JSON.stringify(e)}`);
        if (!byTid.has(e.tid)) byTid.set(e.tid, []);
        byTid.get(e.tid)!.push(e);
      }
      for (const [tid, evs] of byTid) {
        if (tid === 3) continue; // callbacks may overlap between eyes; they have their own track
        evs.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
        const open: number[] = [];
        for (const e of evs) {
          while (open.length && open[open.length - 1] <= e.ts + 1e-6) open.pop();
          if (open.length) assert.ok(e.ts + e.dur <= open[open.length - 1] + 1e-6, `${name}: tid ${tid} overlap at ${e.ts}`);
          open.push(e.ts + e.dur);
        }
      }
    }
  });

  test('cpuprofile exports: consistent ids, one delta per sample, ids of samples exist', () => {
    for (const [name, p] of profiles) {
      const json = JSON.parse(exportProfile(p, 'cpuprofile'));
      const ids = new Set<number>(json.nodes.map((n: { id: number }) => n.id));
      assert.equal(ids.size, json.nodes.length, name);
      const parents = new Map<number, number>();
      for (const n of json.nodes) for (const c of n.children) {
        assert.ok(ids.has(c), name);
        assert.ok(!parents.has(c), `${name}: node ${c} has two parents`);
        parents.set(c, n.id);
      }
      assert.equal(json.samples.length, json.timeDeltas.length, name);
      for (const s of json.samples) assert.ok(ids.has(s), name);
      for (const d of json.timeDeltas) assert.ok(d >= 0, name);
    }
  });
});
