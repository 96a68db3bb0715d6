// Seeded fuzz of every importer: truncations, byte flips, type mutations of valid JSON. Every
// outcome is a consistent Profile or a one-line ProfileFormatError.
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { EXPORT_FORMATS, exportProfile, loadProfile } from '../../../src/core/formats';
import { enc, fixtureFiles, tryLoad } from './helpers';
import { seededRandom } from '../../../src/core/random';


const rng = seededRandom;

describe('fuzz (seeded)', () => {
  const inputs: Array<[string, Uint8Array]> = fixtureFiles().map((f) => [f.name, new Uint8Array(readFileSync(f.path))]);
  const p = loadProfile(inputs.find(([n]) => n === 'samples-with-stackframes.json')![1], 'x.json');
  for (const f of EXPORT_FORMATS) inputs.push([`export.${f}`, enc(exportProfile(p, f))]);

  test('truncations at random points', () => {
    const r = rng(1);
    for (const [name, bytes] of inputs) {
      for (let k = 0; k < 12; k++) {
        const cut = Math.floor(r() * bytes.length);
        tryLoad(bytes.subarray(0, cut), name, `${name} cut at ${cut}`);
      }
    }
  });

  test('byte flips and insertions', () => {
    const r = rng(2);
    const specials = [0x22, 0x5b, 0x5d, 0x7b, 0x7d, 0x2c, 0x3a, 0x3b, 0x20, 0x0a, 0x30, 0x2d, 0x65, 0x00, 0xff];
    for (const [name, bytes] of inputs) {
      for (let k = 0; k < 12; k++) {
        const b = bytes.slice();
        const flips = 1 + Math.floor(r() * 4);
        for (let j = 0; j < flips; j++) {
          const at = Math.floor(r() * b.length);
          b[at] = r() < 0.5 ? specials[Math.floor(r() * specials.length)] : Math.floor(r() * 256);
        }
        tryLoad(b, name, `${name} flip #${k}`);
      }
    }
  });

  test('structurally valid JSON with wrong types everywhere', () => {
    const r = rng(3);
    const odd = [null, true, -1, 1e308, '', 'x', [], {}, [[]], { __proto__: 1 }, '__proto__', 0.5, -0];
    for (const [name, bytes] of inputs) {
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        continue;
      }
      for (let k = 0; k < 10; k++) {
        const v = structuredClone(value);
        // Replace a random node of the tree with an odd value.
        const nodes: Array<[Record<string, unknown> | unknown[], string | number]> = [];
        const walk = (x: unknown) => {
          if (Array.isArray(x)) x.forEach((c, i) => (nodes.push([x, i]), walk(c)));
          else if (x && typeof x === 'object') for (const key of Object.keys(x)) (nodes.push([x as Record<string, unknown>, key]), walk((x as Record<string, unknown>)[key]));
        };
        walk(v);
        if (!nodes.length) continue;
        const [parent, key] = nodes[Math.floor(r() * nodes.length)];
        (parent as Record<string, unknown>)[key as string] = odd[Math.floor(r() * odd.length)];
        tryLoad(enc(JSON.stringify(v)), name, `${name} mutation #${k}`);
      }
    }
  });
});

