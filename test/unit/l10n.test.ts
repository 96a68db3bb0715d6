// User-facing strings of the extension go through vscode.l10n.t, so a translation (a bundle under
// l10n/) reaches every notification, error and prompt. This guards the notifications and errors:
// a literal message handed to them directly is untranslatable.
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
  assert.ok(wrapped >= 60, `${wrapped} strings go through vscode.l10n.t`);
});
