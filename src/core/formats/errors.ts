// Errors the importers raise. Every failure a user can cause with a file is a ProfileFormatError
// whose message is one line: "<file>: <format>: <what is wrong>", fit for a notification.

const MAX_REASON = 300;

export class ProfileFormatError extends Error {
  override readonly name = 'ProfileFormatError';
  readonly fileName: string;
  readonly format: string;
  readonly reason: string;

  constructor(fileName: string, format: string, reason: string) {
    const oneLine = reason.replace(/\s+/g, ' ').trim();
    const short = oneLine.length > MAX_REASON ? `${oneLine.slice(0, MAX_REASON)}…` : oneLine;
    super(`${fileName}: ${format}: ${short}`);
    this.fileName = fileName;
    this.format = format;
    this.reason = short;
  }
}

/** Raised when the caller's AbortSignal fires during a load. */
export class ProfileLoadAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor(fileName: string) {
    super(`${fileName}: loading was cancelled`);
  }
}

/** Thrown by importers with just the reason; loadProfile adds the file name and format. */
export class FormatProblem extends Error {
  override readonly name = 'FormatProblem';
}

export function fail(reason: string): never {
  throw new FormatProblem(reason);
}
