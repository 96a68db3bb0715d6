// Lua 5.4 lexer. Tokenises the whole text up front into an array (the parser needs cheap lookahead
// and error recovery). Mirrors llex.c's acceptance rules (greedy numerals, escape checks, long
// brackets with levels) so that a lexically invalid file is rejected exactly where Lua rejects it;
// unlike Lua it does not stop at the first error: it records it and keeps going.
// Offsets are UTF-16 code units (what LSP positions use by default).

export const enum T {
  EOF = 0,
  Name,
  Number,
  String,
  Keyword,
  Op,
  /** A lexical error: the text is kept so the parser can step over it. */
  Error,
}

export interface Token {
  t: T;
  /** Name/keyword/operator text, decoded string value, or numeral text. */
  v: string;
  s: number;
  e: number;
  /** True when a line break separates this token from the previous one (used by error recovery). */
  nl: boolean;
}

export interface Comment {
  /** Text after `--` (for long comments: the content between the brackets). */
  text: string;
  start: number;
  end: number;
  long: boolean;
}

export interface LexError {
  message: string;
  start: number;
  end: number;
}

export const KEYWORDS = new Set([
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in',
  'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while',
]);

export interface LexResult {
  /** Every identifier used in the text (fixes pick names that collide with none of them). */
  names: Set<string>;
  tokens: Token[];
  comments: Comment[];
  errors: LexError[];
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isAlpha = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isAlnum = (c: number): boolean => isAlpha(c) || isDigit(c);
// Lua's lisspace: ' ', \t, \n, \v, \f, \r
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** Lua's numeral grammar (what luaO_str2num accepts), applied to the greedy numeral text. */
const DEC_NUM = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_NUM = /^0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?$/;

export function isValidNumeral(text: string): boolean {
  return DEC_NUM.test(text) || HEX_NUM.test(text);
}

/** Two-char operators keyed by (first char code << 8 | second), single-char operators by code. */
const OPS2 = new Set(['==', '~=', '<=', '>=', '//', '::', '<<', '>>', '..'].map((o) => (o.charCodeAt(0) << 8) | o.charCodeAt(1)));
const OPS1 = new Uint8Array(128);
for (const o of '+-*/%^#&~|<>=(){}[];:,.') OPS1[o.charCodeAt(0)] = 1;

/** `from`/`to` lex a slice of the text with absolute offsets (incremental re-parsing of one statement). */
export function lex(src: string, opts: { allowShebang?: boolean; from?: number; to?: number } = {}): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const errors: LexError[] = [];
  const names = new Set<string>();
  const n = Math.min(src.length, opts.to ?? src.length);
  let i = opts.from ?? 0;
  let nl = true;
  // A file's start as luaL_loadfilex reads it (lauxlib.c, skipcomment/skipBOM): a UTF-8 byte-order
  // mark (here U+FEFF, the text being decoded) is skipped, then a first line starting with '#'. UEVR
  // runs scripts with sol2's safe_script_file and require uses the file searcher, both luaL_loadfilex
  // (UEVR lua-api/lib/src/ScriptState.cpp run_script), so a BOM is valid at the start of a mod file.
  // `load` of a string skips neither (allowShebang false).
  if (opts.allowShebang && i === 0) {
    if (src.charCodeAt(0) === 0xfeff) i = 1;
    if (src.charCodeAt(i) === 35 /* # */) while (i < n && src.charCodeAt(i) !== 10) i++;
  }

  /** At `[`: returns the level of a long bracket `[==[` or -1 (not a long bracket), -2 for `[=` without `[`. */
  function longBracketLevel(at: number): number {
    let j = at + 1;
    let level = 0;
    while (src.charCodeAt(j) === 61 /* = */) {
      level++;
      j++;
    }
    if (src.charCodeAt(j) === 91 /* [ */) return level;
    return level === 0 ? -1 : -2;
  }

  /** Reads a long bracket body starting at `at` (the opening `[`). Returns content and end offset. */
  function readLong(at: number, level: number, what: string): { text: string; end: number; ok: boolean } {
    let j = at + level + 2;
    // A first newline right after the opening bracket is skipped (\r\n, \n\r, \n or \r).
    const c0 = src.charCodeAt(j);
    if (c0 === 10 || c0 === 13) {
      const c1 = src.charCodeAt(j + 1);
      j += (c1 === 10 || c1 === 13) && c1 !== c0 ? 2 : 1;
    }
    const closer = ']' + '='.repeat(level) + ']';
    const k = src.indexOf(closer, j);
    if (k < 0 || k + closer.length > n) {
      errors.push({ message: `unfinished long ${what}`, start: at, end: n });
      return { text: src.slice(j, n), end: n, ok: false };
    }
    return { text: src.slice(j, k), end: k + closer.length, ok: true };
  }

  /** Reads a quoted string starting at the quote. Decodes escapes; reports Lua's errors. */
  function readString(at: number): { value: string; end: number; ok: boolean } {
    const q = src.charCodeAt(at);
    let j = at + 1;
    let out = '';
    let ok = true;
    const fail = (message: string, s: number, e: number): void => {
      if (ok) errors.push({ message, start: s, end: e });
      ok = false;
    };
    for (;;) {
      if (j >= n) {
        fail('unfinished string', at, n);
        return { value: out, end: n, ok };
      }
      const c = src.charCodeAt(j);
      if (c === q) return { value: out, end: j + 1, ok };
      if (c === 10 || c === 13) {
        fail('unfinished string', at, j);
        return { value: out, end: j, ok };
      }
      if (c !== 92 /* \ */) {
        out += src[j];
        j++;
        continue;
      }
      const escStart = j;
      j++;
      const e = src.charCodeAt(j);
      switch (e) {
        case 97: out += '\x07'; j++; break; // a
        case 98: out += '\b'; j++; break;
        case 102: out += '\f'; j++; break;
        case 110: out += '\n'; j++; break;
        case 114: out += '\r'; j++; break;
        case 116: out += '\t'; j++; break;
        case 118: out += '\v'; j++; break;
        case 92: out += '\\'; j++; break;
        case 34: out += '"'; j++; break;
        case 39: out += "'"; j++; break;
        case 10:
        case 13: {
          const e2 = src.charCodeAt(j + 1);
          j += (e2 === 10 || e2 === 13) && e2 !== e ? 2 : 1;
          out += '\n';
          break;
        }
        case 120: { // x: exactly two hex digits
          const h1 = src.charCodeAt(j + 1);
          const h2 = src.charCodeAt(j + 2);
          if (!isHex(h1) || !isHex(h2)) {
            fail('hexadecimal digit expected', escStart, Math.min(n, j + 3));
            j += isHex(h1) ? 2 : 1;
            break;
          }
          out += String.fromCharCode(parseInt(src.slice(j + 1, j + 3), 16));
          j += 3;
          break;
        }
        case 122: { // z: skip following whitespace including line breaks
          j++;
          while (j < n && isSpace(src.charCodeAt(j))) j++;
          break;
        }
        case 117: { // u{XXX}
          if (src.charCodeAt(j + 1) !== 123) {
            fail("missing '{' in \\u{xxxx}", escStart, j + 2);
            j++;
            break;
          }
          let k = j + 2;
          let v = 0;
          let digits = 0;
          let tooBig = false;
          while (isHex(src.charCodeAt(k))) {
            v = v * 16 + parseInt(src[k], 16);
            if (v > 0x7fffffff) tooBig = true;
            digits++;
            k++;
          }
          if (digits === 0) {
            fail('hexadecimal digit expected', escStart, k + 1);
            j = k;
            break;
          }
          if (tooBig) {
            fail('UTF-8 value too large', escStart, k);
            j = k;
            break;
          }
          if (src.charCodeAt(k) !== 125) {
            fail("missing '}' in \\u{xxxx}", escStart, k + 1);
            j = k;
            break;
          }
          out += v <= 0x10ffff ? String.fromCodePoint(v) : '\ufffd';
          j = k + 1;
          break;
        }
        default: {
          if (isDigit(e)) {
            let k = j;
            let v = 0;
            while (k < j + 3 && isDigit(src.charCodeAt(k))) {
              v = v * 10 + (src.charCodeAt(k) - 48);
              k++;
            }
            if (v > 255) fail('decimal escape too large', escStart, k);
            else out += String.fromCharCode(v);
            j = k;
            break;
          }
          if (j >= n) break; // loop reports the unfinished string
          fail('invalid escape sequence', escStart, j + 1);
          j++;
        }
      }
    }
  }

  let start = 0;
  function push(t: T, v: string, end: number): void {
    tokens.push({ t, v, s: start, e: end, nl });
    nl = false;
    i = end;
  }

  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10 || c === 13) {
      nl = true;
      i++;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    start = i;
    // Comments
    if (c === 45 /* - */ && src.charCodeAt(i + 1) === 45) {
      if (src.charCodeAt(i + 2) === 91) {
        const level = longBracketLevel(i + 2);
        if (level >= 0) {
          const r = readLong(i + 2, level, 'comment');
          comments.push({ text: r.text, start, end: r.end, long: true });
          i = r.end;
          continue;
        }
      }
      let j = i + 2;
      while (j < n && src.charCodeAt(j) !== 10 && src.charCodeAt(j) !== 13) j++;
      comments.push({ text: src.slice(i + 2, j), start, end: j, long: false });
      i = j;
      continue;
    }
    if (isAlpha(c)) {
      let j = i + 1;
      while (j < n && isAlnum(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      if (KEYWORDS.has(word)) push(T.Keyword, word, j);
      else {
        names.add(word);
        push(T.Name, word, j);
      }
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
      // Greedy like llex.c: hex digits, dots, exponent marks with optional sign, then one more
      // letter if touching (forces the error Lua gives for `3x`).
      let j = i;
      let expo1 = 101; // e
      let expo2 = 69; // E
      if (c === 48 && (src.charCodeAt(i + 1) === 120 || src.charCodeAt(i + 1) === 88)) {
        expo1 = 112; // p
        expo2 = 80; // P
        j += 2;
      }
      for (;;) {
        const d = src.charCodeAt(j);
        if (d === expo1 || d === expo2) {
          j++;
          const sgn = src.charCodeAt(j);
          if (sgn === 43 || sgn === 45) j++;
        } else if (isHex(d) || d === 46) j++;
        else break;
      }
      if (j < n && isAlpha(src.charCodeAt(j))) j++;
      const text = src.slice(i, j);
      if (!isValidNumeral(text)) {
        errors.push({ message: `malformed number near '${text}'`, start, end: j });
        push(T.Error, text, j);
      } else push(T.Number, text, j);
      continue;
    }
    if (c === 34 || c === 39) {
      const r = readString(i);
      push(r.ok ? T.String : T.Error, r.value, r.end);
      continue;
    }
    if (c === 91 /* [ */) {
      const level = longBracketLevel(i);
      if (level >= 0) {
        const r = readLong(i, level, 'string');
        push(r.ok ? T.String : T.Error, r.text, r.end);
        continue;
      }
      if (level === -2) {
        let j = i + 1;
        while (src.charCodeAt(j) === 61) j++;
        errors.push({ message: 'invalid long string delimiter', start, end: j });
        push(T.Error, src.slice(i, j), j);
        continue;
      }
    }
    const c1 = src.charCodeAt(i + 1);
    if (c === 46 && c1 === 46 && src.charCodeAt(i + 2) === 46) {
      push(T.Op, '...', i + 3);
      continue;
    }
    if (OPS2.has((c << 8) | c1)) {
      push(T.Op, src.slice(i, i + 2), i + 2);
      continue;
    }
    if (c < 128 && OPS1[c]) {
      push(T.Op, src[i], i + 1);
      continue;
    }
    // Anything else (non-ASCII outside strings, stray `$`, `@`, `!`, `` ` ``, `?`, control bytes).
    let j = i + 1;
    // Keep surrogate pairs together so the error range is one character.
    if (c >= 0xd800 && c <= 0xdbff && j < n) j++;
    errors.push({ message: `unexpected symbol near '${src.slice(i, j)}'`, start, end: j });
    push(T.Error, src.slice(i, j), j);
  }
  tokens.push({ t: T.EOF, v: '<eof>', s: n, e: n, nl: true });
  return { names, tokens, comments, errors };
}
