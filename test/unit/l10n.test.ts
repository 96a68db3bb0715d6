// User-facing strings of the extension go through vscode.l10n.t, so a translation (a bundle under
// l10n/) reaches every notification, error and prompt. This guards the notifications and errors, the
// context of showError (shown when the error is not a UserError), the words of quick picks, progress,
// hovers, tree items and debug console lines, and the comparison of a picked button with its label: a
// literal there is untranslatable (or, for a button, stops working once translated). Webview UI text
// goes through @vscode/l10n instead (the webviews have no vscode.l10n): test/unit/l10nWebview.test.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.ts') ? [p] : [];
  });
}

test('notifications and user errors in src/extension are localizable (vscode.l10n.t)', () => {
  const literal = /(show(?:Error|Warning|Information)Message|new UserError)\(\s*['"`]/g;
  const offenders: string[] = [];
  let wrapped = 0;
  for (const f of files(join(root, 'src/extension'))) {
    const text = readFileSync(f, 'utf8');
    wrapped += (text.match(/vscode\.l10n\.t\(/g) ?? []).length;
    // A module without the vscode import (it is loaded outside VS Code too) cannot call vscode.l10n.
    if (!text.includes("import * as vscode from 'vscode'")) continue;
    for (const m of text.matchAll(literal)) offenders.push(`${f.slice(root.length + 1)}:${text.slice(0, m.index).split('\n').length}`);
  }
  assert.deepEqual(offenders, []);
  assert.ok(wrapped >= 180, `${wrapped} strings go through vscode.l10n.t`);
});

/** Line numbers of the matches of `re` in `text` (1-based), leaving out those already through l10n. */
function lines(text: string, re: RegExp, sentence: (m: string) => boolean = () => true): number[] {
  return [...text.matchAll(re)].filter((m) => !m[0].includes('l10n.t(') && sentence(m[0])).map((m) => text.slice(0, m.index).split('\n').length);
}

// Words (two or more of them) in a literal: identifiers, paths and single tokens are not sentences.
// In a template literal the `${…}` parts are code, not words: each counts as one word.
const WORDS = /[A-Za-z]{2,} [A-Za-z]/;
const hasWords = (literal: string): boolean => WORDS.test(literal.replace(/\$\{[^}]*\}/g, 'X'));
const UI_FIELD = String.raw`\b(?:title|placeHolder|prompt|tooltip|hoverMessage|contentText|message|label|description|detail|output|openLabel|name)\s*[:=]\s*`;
const CLASSES: Array<[string, (text: string) => number[]]> = [
  ["showError's context", (t) => lines(t, /showError\(\s*[\w.]+\s*,\s*['"`]/g)],
  ['a UI field given a literal sentence', (t) => lines(t, new RegExp(`${UI_FIELD}(?:'[^'\n]*'|"[^"\n]*"|\`[^\`\n]*\`)`, 'g'), hasWords)],
  ['a panel title given a literal', (t) => lines(t, /createWebviewPanel\(\s*'[^']*',\s*['"`]/g)],
  ['a picked button compared with a literal label', (t) => lines(t, /\b(?:pick|picked|answer|choice|action|a)\s*===\s*['"`]/g)],
];

test('quick picks, progress, hovers, tree items, console lines and button checks are localizable too', () => {
  const offenders: string[] = [];
  for (const f of files(join(root, 'src/extension'))) {
    const text = readFileSync(f, 'utf8');
    if (!text.includes("import * as vscode from 'vscode'")) continue;
    for (const [what, find] of CLASSES) for (const line of find(text)) offenders.push(`${f.slice(root.length + 1)}:${line}: ${what}`);
  }
  assert.deepEqual(offenders, []);
});

test('modules of src/extension without vscode.l10n throw structured errors, not user-facing sentences', () => {
  // Such a module (loaded outside VS Code too) cannot localize: it throws data and a caller that has
  // vscode.l10n words it (e.g. SimulatorStartError, worded in the session manager).
  const offenders: string[] = [];
  for (const f of files(join(root, 'src/extension'))) {
    const text = readFileSync(f, 'utf8');
    if (text.includes("from 'vscode'")) continue;
    for (const line of lines(text, /new UserError\(|show(?:Error|Warning|Information)Message\(/g)) offenders.push(`${f.slice(root.length + 1)}:${line}`);
  }
  assert.deepEqual(offenders, []);
});

test('the scanner catches what it is meant to (each class on a sample line)', () => {
  const samples: Record<string, string> = {
    "showError's context": "await showError(log, 'Installing the agent', e);",
    'a UI field given a literal sentence': "const x = { title: `Exporting ${name}` };",
    'a panel title given a literal': "vscode.window.createWebviewPanel('x.y', `Compare: ${a}`, 1);",
    'a picked button compared with a literal label': `if (pick === "Don't alert again") stop();`,
  };
  for (const [what, find] of CLASSES) {
    assert.equal(find(samples[what]).length, 1, `${what} not caught`);
    const fine = "const y = { title: vscode.l10n.t('Export profile'), label: 'html', name: 'x.lua', description: `${e.game} · ${new Date(d).toLocaleString()}` };";
    assert.equal(find(fine).length, 0, `${what}: false positive`);
  }
});
