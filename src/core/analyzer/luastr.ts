// Quoting a JS string as a Lua 5.4 string literal (for fixes that write literals).
export function luaQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 32 || c === 127) out += `\\${String(c).padStart(3, '0')}`;
    else out += ch; // callers only quote ASCII/BMP text that came from the (UTF-8) source itself
  }
  return out + '"';
}
