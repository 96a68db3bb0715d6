// Offset <-> (line, character) conversion for a source text. Lines and characters are 0-based (LSP
// style); character counts UTF-16 code units. Line starts are found once; lookups are binary searches.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export class LineIndex {
  /** Offset of the first character of each line. */
  readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line containing offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(o);
    return { line, character: o - this.starts[line] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  offset(p: Position): number {
    if (p.line >= this.starts.length) return this.text.length;
    if (p.line < 0) return 0;
    const lineEnd = p.line + 1 < this.starts.length ? this.starts[p.line + 1] : this.text.length;
    return Math.min(this.starts[p.line] + Math.max(0, p.character), lineEnd);
  }

  /** Text of a 0-based line without its line break. */
  lineText(line: number): string {
    const s = this.starts[line] ?? this.text.length;
    let e = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    while (e > s && (this.text.charCodeAt(e - 1) === 10 || this.text.charCodeAt(e - 1) === 13)) e--;
    return this.text.slice(s, e);
  }

  /** Leading whitespace of a line (to indent inserted code like its neighbours). */
  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lineText(line))![0];
  }
}
