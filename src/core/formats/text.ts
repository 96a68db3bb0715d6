// Bytes → text. Profiles come as UTF-8 (with or without BOM) or, from Windows tools, UTF-16 LE/BE
// with a BOM; UTF-16 without a BOM is recognised by its zero bytes.

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

export function sniffEncoding(bytes: Uint8Array): { encoding: TextEncodingName; bomLength: number } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  // No BOM: ASCII text in UTF-16 has a zero in every other byte of its first characters.
  if (bytes.length >= 4) {
    const n = Math.min(bytes.length & ~1, 64);
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < n; i += 2) {
      if (bytes[i] === 0) evenZero++;
      if (bytes[i + 1] === 0) oddZero++;
    }
    if (oddZero >= n / 2 - 1 && evenZero === 0) return { encoding: 'utf-16le', bomLength: 0 };
    if (evenZero >= n / 2 - 1 && oddZero === 0) return { encoding: 'utf-16be', bomLength: 0 };
  }
  return { encoding: 'utf-8', bomLength: 0 };
}

export function decodeText(bytes: Uint8Array): string {
  const { encoding, bomLength } = sniffEncoding(bytes);
  let body = bytes.subarray(bomLength);
  if (encoding === 'utf-16be') {
    // Swap to LE rather than rely on the ICU build having a UTF-16BE decoder.
    const swapped = new Uint8Array(body.length & ~1);
    for (let i = 0; i + 1 < body.length; i += 2) {
      swapped[i] = body[i + 1];
      swapped[i + 1] = body[i];
    }
    body = swapped;
    return new TextDecoder('utf-16le').decode(body);
  }
  return new TextDecoder(encoding).decode(body);
}

/** The lines of decoded text without their ends (\n or \r\n), in one pass: the line importers' splitter. */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}
