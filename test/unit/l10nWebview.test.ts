// The webviews' own UI text (toolbar, tabs, table headers, tooltips, empty states, messages) goes
// through l10n.t of @vscode/l10n, which webview/l10n.ts feeds with the bundle the extension host puts
// into the page; and l10n/bundle.l10n.json (the English source a translator starts from, made by
// `npm run l10n:export`) holds every key that src/ and webview/ ask for, so a new string without a
// re-export fails here instead of shipping untranslatable.
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

/** Index just past the ')' that closes the '(' at `open`, skipping string and template contents. */
function closeParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return text.length;
}

/** The top-level comma-separated arguments of the call whose '(' is at `open`. */
function args(text: string, open: number): string[] {
  const end = closeParen(text, open) - 1;
  const out: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < end; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < end && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start, end));
  return out;
}

/**
 * Whether `expr` shows a literal word to the user: a string literal with letters that is not the
 * key of an l10n.t call. `${…}` parts of templates are code. Callers pass only UI positions (a CSS
 * class there would count as a word).
 */
function literalWord(expr: string): boolean {
  // Drop the arguments of l10n.t(…) calls: their first literal is the key, the rest are code.
  let rest = expr;
  for (let at = rest.indexOf('l10n.t('); at >= 0; at = rest.indexOf('l10n.t(')) rest = rest.slice(0, at) + rest.slice(closeParen(rest, at + 6));
  for (const m of rest.matchAll(/'([^'\\\n]*(?:\\.[^'\\\n]*)*)'|"([^"\\\n]*(?:\\.[^"\\\n]*)*)"|`([^`]*)`/g)) {
    const body = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\$\{[^}]*\}/g, '');
    // A word of three letters or two words; a unit alone ("ms", "MB") is not a sentence.
    if (/[A-Za-z]{3,}|[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(body)) return true;
  }
  return false;
}

/** `file:line: what` for each UI position of `text` that is given a literal word. */
export function webviewOffenders(text: string, name = 'sample'): string[] {
  const out: string[] = [];
  const line = (i: number) => text.slice(0, i).split('\n').length;
  // Assignments: from `=` to the end of the statement.
  for (const m of text.matchAll(/\.(textContent|innerText|title|placeholder|ariaLabel)\s*=(?!=)/g)) {
    const from = (m.index ?? 0) + m[0].length;
    const semi = text.indexOf(';', from);
    const rhs = text.slice(from, semi < 0 ? undefined : semi);
    if (literalWord(rhs)) out.push(`${name}:${line(m.index ?? 0)}: ${m[1]} =`);
  }
  // setAttribute('aria-label' | 'title' | 'placeholder', …): the value argument.
  for (const m of text.matchAll(/setAttribute\(\s*'(aria-label|title|placeholder|aria-description)'/g)) {
    const open = (m.index ?? 0) + 'setAttribute'.length;
    if (literalWord(args(text, open).slice(1).join(','))) out.push(`${name}:${line(m.index ?? 0)}: ${m[1]} attribute`);
  }
  // el(tag, class, text, …): the text argument becomes textContent.
  for (const m of text.matchAll(/\bel\(/g)) {
    const open = (m.index ?? 0) + 2;
    const a = args(text, open);
    if (a.length >= 3 && literalWord(a[2])) out.push(`${name}:${line(m.index ?? 0)}: el() text`);
  }
  // Tables of labels ({ label: 'Function' }) and tooltips in object literals.
  for (const m of text.matchAll(/\b(label|title|tooltip|ariaLabel)\s*:\s*(['"`])/g)) {
    const from = (m.index ?? 0) + m[0].length - 1;
    const end = text.indexOf(m[2], from + 1);
    if (literalWord(text.slice(from, end + 1))) out.push(`${name}:${line(m.index ?? 0)}: ${m[1]}:`);
  }
  return out;
}

test('the scanner catches a literal in each UI position and passes l10n.t', () => {
  const bad = [
    "b.textContent = 'Reset zoom';",
    "b.title = open ? 'Hide the lines' : l10n.t('Show');",
    "this.search.placeholder = `Search ${what} (/)`;",
    "c.setAttribute('aria-label', 'Zoom path');",
    "el('button', 'fg-button', 'All frames', bar);",
    "const TABS = [{ id: 'flame', label: 'Flame Graph' }];",
  ];
  for (const s of bad) assert.equal(webviewOffenders(s).length, 1, s);
  const fine = [
    "b.textContent = l10n.t('Reset zoom');",
    "b.title = open ? l10n.t('Hide the lines') : l10n.t('Show the lines of {0}', fns.name[fn]);",
    "e.textContent = `${formatMs(x)} ms`;",
    "e.textContent = '';",
    "c.setAttribute('aria-label', l10n.t('Zoom path'));",
    "el('button', 'fg-button', l10n.t('All frames'), bar);",
    "el('div', 'fg-empty', undefined, root);",
    "b.className = 'fg-button';",
  ];
  for (const s of fine) assert.deepEqual(webviewOffenders(s), [], s);
});

test('UI text of the webviews goes through l10n.t (no literal in textContent, title, placeholder, aria-label, el())', () => {
  const offenders: string[] = [];
  let wrapped = 0;
  for (const f of files(join(root, 'webview'))) {
    const text = readFileSync(f, 'utf8');
    wrapped += (text.match(/\bl10n\.t\(/g) ?? []).length;
    offenders.push(...webviewOffenders(text, f.slice(root.length + 1)));
  }
  assert.deepEqual(offenders, []);
  assert.ok(wrapped >= 60, `${wrapped} webview strings go through l10n.t`);
});

/** The literal keys of every l10n.t / vscode.l10n.t call in `dir` (template keys cannot be exported). */
function keys(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files(join(root, dir))) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\bl10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`([^`$]*)`)/g)) {
      const raw = m[1] ?? m[2] ?? m[3] ?? '';
      // The key as the runtime sees it: unescape \' \" \\ \n.
      const key = raw.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
      out.set(key, `${f.slice(root.length + 1)}:${text.slice(0, m.index).split('\n').length}`);
    }
  }
  return out;
}

test('l10n/bundle.l10n.json is up to date: every l10n.t key of src/ and webview/ is in it (npm run l10n:export)', () => {
  const bundle = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string | { message: string }>;
  const missing: string[] = [];
  const all = new Map([...keys('src'), ...keys('webview')]);
  for (const [k, where] of all) if (!(k in bundle)) missing.push(`${where}: ${JSON.stringify(k)}`);
  assert.deepEqual(missing, [], 'run npm run l10n:export');
  assert.ok(all.size >= 200, `${all.size} keys`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { l10n?: string };
  assert.equal(pkg.l10n, './l10n');
});
