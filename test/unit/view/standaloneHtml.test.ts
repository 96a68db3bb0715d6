import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Profile } from '../../../src/core/profile';
import { base64ToBytes, bytesToBase64, decodeEmbeddedProfile, decodeProfile, encodeProfile, type EmbeddedPayload } from '../../../src/core/view/embed';
import { escapeHtml, inlineScriptText, jsonForScriptElement, renderStandaloneHtml } from '../../../src/core/view/standaloneHtml';
import { emptyProfile, HOSTILE_FILE, HOSTILE_NAME, smallProfile } from '../../webview/fixtures';
import { ProfileBuilder } from '../../../src/core/profile';

const BUNDLE = { js: 'console.log("</script><!-- x");', css: 'body{color:red}</style><b>' };

function embeddedJson(html: string): string {
  const open = '<script type="application/json" id="uevr-profile-data">';
  const at = html.indexOf(open);
  assert.ok(at >= 0, 'payload element present');
  const end = html.indexOf('</script>', at);
  return html.slice(at + open.length, end);
}

function sameProfile(a: Profile, b: Profile): void {
  assert.equal(a.name, b.name);
  assert.equal(a.weightUnit, b.weightUnit);
  assert.deepEqual(a.frames.name, b.frames.name);
  assert.deepEqual(a.frames.file, b.frames.file);
  assert.deepEqual(Array.from(a.frames.line), Array.from(b.frames.line));
  assert.deepEqual(Array.from(a.stacks.parent), Array.from(b.stacks.parent));
  assert.deepEqual(Array.from(a.samples.stack), Array.from(b.samples.stack));
  assert.deepEqual(Array.from(a.samples.time), Array.from(b.samples.time));
  assert.deepEqual(Array.from(a.gameFrames?.duration ?? []), Array.from(b.gameFrames?.duration ?? []));
  assert.ok(b.samples.weight instanceof Float64Array && b.frames.kind instanceof Uint8Array);
}

describe('base64', () => {
  test('matches Node for every length and byte value', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 0xff);
      const ours = bytesToBase64(bytes);
      assert.equal(ours, Buffer.from(bytes).toString('base64'));
      assert.deepEqual(Array.from(base64ToBytes(ours)), Array.from(bytes));
    }
    const big = Uint8Array.from({ length: 200_003 }, (_, i) => i & 0xff);
    assert.equal(bytesToBase64(big), Buffer.from(big).toString('base64'));
  });

  test('rejects malformed input with a one-line error', () => {
    assert.throws(() => base64ToBytes('abc'), /multiple of 4/);
    assert.throws(() => base64ToBytes('ab<d'), /invalid base64 character at 2/);
    assert.throws(() => base64ToBytes('ab\u00e9d'), /invalid base64/);
  });
});

describe('profile embedding', () => {
  test('round-trips every table', () => {
    const p = smallProfile();
    sameProfile(p, decodeProfile(JSON.parse(JSON.stringify(encodeProfile(p)))));
  });

  test('NaN, infinities and empty tables survive the trip', () => {
    const b = new ProfileBuilder({ name: 'nan', source: 'uevrcap', weightUnit: 'milliseconds' });
    b.gameFrame(0, 0, 11, 2); // gcMs and luaMemoryKb default to NaN (unknown)
    b.sample(b.stackOf([b.frame('f')]), Infinity, 0);
    const back = decodeProfile(JSON.parse(JSON.stringify(encodeProfile(b.build()))));
    assert.ok(Number.isNaN(back.gameFrames?.gcMs[0]));
    assert.equal(back.samples.weight[0], Infinity);
    const empty = decodeProfile(JSON.parse(JSON.stringify(encodeProfile(emptyProfile()))));
    assert.equal(empty.samples.length, 0);
    assert.equal(empty.samples.time.length, 0);
  });

  test('hostile or truncated payloads fail with a clear error', () => {
    const good = encodeProfile(smallProfile());
    assert.throws(() => decodeEmbeddedProfile({ v: 2 } as unknown as EmbeddedPayload), /unsupported embedded payload version/);
    assert.throws(() => decodeEmbeddedProfile({ v: 1, title: 't', settings: { refreshRateHz: 90 } }), /no profile/);
    const noSamples = { ...good, tables: { ...good.tables } };
    delete noSamples.tables.samples;
    assert.throws(() => decodeProfile(noSamples), /lacks frames, stacks or samples/);
    const badCol = JSON.parse(JSON.stringify(good));
    badCol.tables.samples.time = { t: 'f64', b: 'AAAA' }; // 3 bytes: not a whole f64
    assert.throws(() => decodeProfile(badCol), /partial element/);
    const badType = JSON.parse(JSON.stringify(good));
    badType.tables.samples.time = { t: 'f32', b: 'AAAAAA==' };
    assert.throws(() => decodeProfile(badType), /unknown array type/);
    const framesJson = JSON.stringify(good.tables.frames);
    const proto = JSON.parse(JSON.stringify(good).replace(framesJson, `{"__proto__":{"polluted":1},${framesJson.slice(1)}`));
    const decoded = decodeProfile(proto);
    assert.equal((decoded.frames as unknown as { polluted?: number }).polluted, undefined);
    assert.equal(({} as { polluted?: number }).polluted, undefined);
    const junk = JSON.parse(JSON.stringify(good));
    junk.tables.samples.time = { x: 1 };
    assert.throws(() => decodeProfile(junk), /bad table column time/);
  });
});

describe('renderStandaloneHtml', () => {
  const html = renderStandaloneHtml(smallProfile(), { title: `<b>${HOSTILE_NAME}</b>`, refreshRateHz: 90, nonce: 'testnonce123' }, BUNDLE);

  test('has a strict CSP with the nonce on its only script and style', () => {
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-testnonce123'; style-src 'nonce-testnonce123';/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|https?:\/\//);
    assert.equal((html.match(/<script nonce="testnonce123">/g) ?? []).length, 1);
    assert.equal((html.match(/<style nonce="testnonce123">/g) ?? []).length, 1);
  });

  test('no profile string can close the payload element or open a tag', () => {
    // Exactly two script elements (the JSON payload and the bundle), none injected.
    assert.equal((html.match(/<\/script/gi) ?? []).length, 2);
    assert.equal((html.match(/<script/gi) ?? []).length, 2);
    assert.ok(!html.includes('alert(1)</script>'));
    assert.ok(!html.includes('<img'));
    const payload = embeddedJson(html);
    assert.doesNotMatch(payload, /[<>&\u2028\u2029]/);
    const msg = decodeEmbeddedProfile(JSON.parse(payload) as EmbeddedPayload);
    assert.equal(msg.type, 'profile');
    if (msg.type === 'profile') {
      assert.ok(msg.profile.frames.name.includes(HOSTILE_NAME));
      assert.ok(msg.profile.frames.file.includes(HOSTILE_FILE));
      assert.equal(msg.title, `<b>${HOSTILE_NAME}</b>`);
      assert.equal(msg.settings.refreshRateHz, 90);
      sameProfile(smallProfile(), msg.profile);
    }
  });

  test('the title element is escaped text', () => {
    assert.match(html, /<title>&#60;b&#62;&#60;\/script&#62;&#60;script&#62;alert\(1\)&#60;\/script&#62;&#60;\/b&#62; — UEVR Flame Graph<\/title>/);
  });

  test('the bundle cannot end its own element early', () => {
    assert.ok(html.includes('console.log("<\\/script><\\!-- x");'));
    assert.ok(html.includes('body{color:red}<\\/style><b>'));
    assert.equal((html.match(/<\/style/gi) ?? []).length, 1);
    assert.equal(inlineScriptText('a</SCRIPT>b'), 'a<\\/SCRIPT>b');
  });

  test('line separators and every hostile character are \\u-escaped in JSON', () => {
    const s = jsonForScriptElement({ a: '</script>\u2028\u2029&<!--' });
    assert.equal(s, '{"a":"\\u003c/script\\u003e\\u2028\\u2029\\u0026\\u003c!--"}');
    assert.deepEqual(JSON.parse(s), { a: '</script>\u2028\u2029&<!--' });
    assert.equal(escapeHtml(`"'<>&`), '&#34;&#39;&#60;&#62;&#38;');
  });

  test('a diff page embeds both profiles', () => {
    const d = renderStandaloneHtml(smallProfile('after'), { title: 'cmp', refreshRateHz: 72, before: smallProfile('before'), beforeLabel: 'old', afterLabel: 'new' }, BUNDLE);
    const msg = decodeEmbeddedProfile(JSON.parse(embeddedJson(d)) as EmbeddedPayload);
    assert.equal(msg.type, 'diff');
    if (msg.type === 'diff') {
      assert.equal(msg.before.name, 'before');
      assert.equal(msg.after.name, 'after');
      assert.equal(msg.beforeLabel, 'old');
      assert.equal(msg.settings.refreshRateHz, 72);
    }
  });

  test('an invalid nonce is replaced by a random one', () => {
    const h = renderStandaloneHtml(smallProfile(), { title: 't', refreshRateHz: 90, nonce: `"><script>` }, BUNDLE);
    const m = /script-src 'nonce-([A-Za-z0-9]{32})'/.exec(h);
    assert.ok(m);
    assert.ok(h.includes(`<script nonce="${m[1]}">`));
  });
});
