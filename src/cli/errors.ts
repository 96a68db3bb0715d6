// Exit codes of uevr-prof: 0 ok, 1 a check failed, 2 bad usage or unreadable input. Commands throw
// these; main() turns them into the code and a one-line message (never a stack trace).
export class UsageError extends Error {
  readonly exitCode = 2;
}
export class InputError extends Error {
  readonly exitCode = 2;
}
export class CheckFailedError extends Error {
  readonly exitCode = 1;
}

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
