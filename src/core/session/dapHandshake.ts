// Answers the requests a generic Debug Adapter Protocol client sends while it attaches (nvim-dap,
// Helix, vimspector, VS Code itself): `setBreakpoints`, `setExceptionBreakpoints`,
// `configurationDone` and `threads`. The session has nothing to stop or step — UEVR's Lua has no
// debug library — so these only tell the client so in its own terms: one thread named "Lua", every
// breakpoint unverified with the reason. Without them such a client reports "unknown command" and
// gives up on the attach. Kept apart from the server's state machine (server.ts), which only asks
// this module first.

/** Capabilities that make generic clients send the handshake requests answered here. */
export const GENERIC_DAP_CAPABILITIES = {
  supportsConfigurationDoneRequest: true,
  /** None: there are no exceptions to break on, but clients that see the field send setExceptionBreakpoints. */
  exceptionBreakpointFilters: [] as never[],
} as const;

export const LUA_THREAD = { id: 1, name: 'Lua' } as const;

export const BREAKPOINT_MESSAGE = "UEVR's Lua cannot stop at breakpoints (no debug library); capture a profile instead";

/** More than this many breakpoints in one request is refused (each answer is larger than the ask). */
export const MAX_BREAKPOINTS = 1000;

export interface HandshakeAnswer {
  success: boolean;
  body?: unknown;
  message?: string;
}

const HANDSHAKE_COMMANDS = new Set(['setBreakpoints', 'setExceptionBreakpoints', 'configurationDone', 'threads']);

export function isGenericDapRequest(command: string): boolean {
  return HANDSHAKE_COMMANDS.has(command);
}

/** Line numbers of a setBreakpoints request: `breakpoints[].line`, else the deprecated `lines`. */
function requestedLines(args: Record<string, unknown> | undefined): Array<number | undefined> | string {
  const list = Array.isArray(args?.breakpoints) ? (args.breakpoints as unknown[]) : Array.isArray(args?.lines) ? (args.lines as unknown[]) : [];
  if (list.length > MAX_BREAKPOINTS) return `setBreakpoints: more than ${MAX_BREAKPOINTS} breakpoints in one request`;
  return list.map((b) => {
    const line = typeof b === 'number' ? b : b && typeof b === 'object' ? (b as { line?: unknown }).line : undefined;
    return typeof line === 'number' && Number.isSafeInteger(line) && line >= 0 ? line : undefined;
  });
}

/** The answer to one of the handshake requests, or undefined when `command` is not one of them. */
export function answerGenericDapRequest(command: string, args: Record<string, unknown> | undefined): HandshakeAnswer | undefined {
  switch (command) {
    case 'configurationDone':
      return { success: true };
    case 'threads':
      return { success: true, body: { threads: [LUA_THREAD] } };
    case 'setExceptionBreakpoints':
      return { success: true, body: { breakpoints: [] } };
    case 'setBreakpoints': {
      const lines = requestedLines(args);
      if (typeof lines === 'string') return { success: false, message: lines, body: { error: { id: 1, format: lines } } };
      // One answer per requested breakpoint, in order (the protocol matches them by position).
      return { success: true, body: { breakpoints: lines.map((line) => ({ verified: false, ...(line !== undefined ? { line } : {}), message: BREAKPOINT_MESSAGE })) } };
    }
    default:
      return undefined;
  }
}
