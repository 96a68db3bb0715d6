// Shared helpers for the format tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { loadProfile, ProfileFormatError } from '../../../src/core/formats';
import { buildCallTree } from '../../../src/core/profile/callTree';
import { functionStats } from '../../../src/core/profile/functionStats';
import type { Profile } from '../../../src/core/profile/types';

/** The shared fixtures sit beside the repository (../shared), wherever it is checked out. */
export const FIXTURES = resolve(__dirname, '../../../../shared/fixtures/profiles');

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Loads bytes that must either import or fail with a ProfileFormatError; the derived views must cope with what imported. */
export function tryLoad(bytes: Uint8Array, name: string, what = name): Profile | undefined {
  const p = assertProfileOrFormatError(() => loadProfile(bytes, name), what);
  if (p) {
    buildCallTree(p);
    functionStats(p);
  }
  return p;
}

export function fixtureFiles(): Array<{ name: string; path: string }> {
  const out: Array<{ name: string; path: string }> = [];
  for (const d of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(FIXTURES, d.name))) out.push({ name: f, path: join(FIXTURES, d.name, f) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function readFixture(name: string): Uint8Array {
  const f = fixtureFiles().find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return new Uint8Array(readFileSync(f.path));
}

/** Aggregated weight per stack path "a;b;c" (idle samples and an "(idle)" root frame both as "(idle)"). */
export function pathWeights(p: Profile): Map<string, number> {
  const m = new Map<string, number>();
  const { parent, frame } = p.stacks;
  for (let i = 0; i < p.samples.length; i++) {
    const names: string[] = [];
    for (let s = p.samples.stack[i]; s >= 0; s = parent[s]) names.push(p.frames.name[frame[s]]);
    const key = names.length ? names.reverse().join(';') : '(idle)';
    m.set(key, (m.get(key) ?? 0) + p.samples.weight[i]);
  }
  return m;
}

export function totalWeight(p: Profile): number {
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) t += p.samples.weight[i];
  return t;
}

export function assertClose(actual: number, expected: number, what = ''): void {
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} ≉ ${expected}`);
}

export function assertSamePaths(a: Map<string, number>, b: Map<string, number>, what: string): void {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of keys) {
    const x = a.get(k) ?? 0;
    const y = b.get(k) ?? 0;
    if (x === 0 && y === 0) continue;
    assertClose(y, x, `${what}: ${k}`);
  }
}

/** A loader outcome that is allowed: a consistent Profile, or a one-line ProfileFormatError. */
export function assertProfileOrFormatError(fn: () => Profile, what: string): Profile | undefined {
  let p: Profile;
  try {
    p = fn();
  } catch (err) {
    assert.ok(err instanceof ProfileFormatError, `${what}: threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    assert.ok(!err.message.includes('\n'), `${what}: multi-line message`);
    assert.ok(err.message.length < 600, `${what}: message too long`);
    return undefined;
  }
  assertConsistent(p, what);
  return p;
}

export function assertConsistent(p: Profile, what: string): void {
  const { frames, stacks, samples } = p;
  assert.equal(frames.name.length, frames.length, what);
  assert.equal(frames.line.length, frames.length, what);
  assert.equal(stacks.parent.length, stacks.length, what);
  for (let s = 0; s < stacks.length; s++) {
    assert.ok(stacks.parent[s] < s, `${what}: stack ${s} parent`);
    assert.ok(stacks.frame[s] >= 0 && stacks.frame[s] < frames.length, `${what}: stack ${s} frame`);
  }
  assert.equal(samples.stack.length, samples.length, what);
  for (let i = 0; i < samples.length; i++) {
    assert.ok(samples.stack[i] >= -1 && samples.stack[i] < stacks.length, `${what}: sample ${i} stack`);
    if (i) assert.ok(samples.time[i] >= samples.time[i - 1], `${what}: sample ${i} time order`);
  }
  assert.ok(Number.isFinite(p.durationMs), `${what}: duration`);
}
