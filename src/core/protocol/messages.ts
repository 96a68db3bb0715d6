// The UEVR profiler protocol, version 1: DAP-shaped messages (requests, responses, events) with a
// few standard DAP commands (initialize, attach, disconnect, output/terminated/exited events) and
// custom ones for profiling. docs/protocol.md documents every message and field; keep both in step.
import type {
  CallbackInfo,
  FrameMetrics,
  LogLine,
  SampledFrameInfo,
  StackDef,
  ScriptError,
  ScriptReset,
  SessionInfo,
} from './types';

/** Bumped on any incompatible change of a message or of the handshake. */
export const PROTOCOL_VERSION = 1;

export interface RequestMessage {
  seq: number;
  type: 'request';
  command: string;
  arguments?: Record<string, unknown>;
}

export interface ResponseMessage {
  seq: number;
  type: 'response';
  request_seq: number;
  success: boolean;
  command: string;
  message?: string;
  body?: unknown;
}

export interface EventMessage {
  seq: number;
  type: 'event';
  event: string;
  body?: unknown;
}

export type ProtocolMessage = RequestMessage | ResponseMessage | EventMessage;

// ---- requests: arguments and response bodies -------------------------------------------------

/** DAP `initialize` arguments (all optional here; unknown fields are ignored as DAP requires). */
export interface InitializeArguments {
  clientID?: string;
  clientName?: string;
  adapterID?: string;
  /** The highest profiler protocol version the client speaks (custom; default 1). */
  uevrProtocolVersion?: number;
}

/** `initialize` response body: DAP capabilities plus the profiler's own (prefixed `uevr`). */
export interface InitializeResponseBody {
  supportsTerminateRequest: false;
  /** True: generic DAP clients send it while attaching; it is answered (src/core/session/dapHandshake.ts). */
  supportsConfigurationDoneRequest: boolean;
  exceptionBreakpointFilters?: never[];
  uevrProtocolVersion: number;
  uevrSession: SessionInfo;
  uevrSampling: boolean;
  uevrMinSamplingHz: number;
  uevrMaxSamplingHz: number;
  uevrPerEyeCallbacks: boolean;
  uevrScriptReset: boolean;
  /** Custom requests this session accepts after attach. */
  uevrRequests: string[];
  /** Custom events this session may send after attach. */
  uevrEvents: string[];
}

export interface AttachArguments {
  token: string;
}

export interface SessionInfoResponseBody {
  protocol: number;
  session: SessionInfo;
  callbacks: CallbackInfo[];
  /** Session clock now (ms), to relate event times to the request. */
  now: number;
  capturing: boolean;
  samplingHz: number;
}

export interface StartCaptureArguments {
  samplingHz?: number;
}

export interface StartCaptureResponseBody {
  captureId: number;
  /** Effective rate after clamping to the session's limits (0 when the session cannot sample). */
  samplingHz: number;
  /** Session clock (ms) at the start: frames that start earlier do not belong to the capture. */
  startTime: number;
}

export interface StopCaptureResponseBody {
  captureId: number;
  stopTime: number;
  /** Samples sent to this client in `samples` events for this capture (all sent before this response). */
  samples: number;
}

export interface ConfigureSamplingArguments {
  samplingHz: number;
}

export interface ConfigureSamplingResponseBody {
  samplingHz: number;
}

export interface DisconnectArguments {
  restart?: boolean;
  terminateDebuggee?: boolean;
}

/** Request name → [arguments, response body]. */
export interface RequestMap {
  initialize: [InitializeArguments, InitializeResponseBody];
  attach: [AttachArguments, Record<string, never> | undefined];
  sessionInfo: [Record<string, never>, SessionInfoResponseBody];
  startCapture: [StartCaptureArguments, StartCaptureResponseBody];
  stopCapture: [Record<string, never>, StopCaptureResponseBody];
  configureSampling: [ConfigureSamplingArguments, ConfigureSamplingResponseBody];
  resetScripts: [Record<string, never>, Record<string, never> | undefined];
  disconnect: [DisconnectArguments, Record<string, never> | undefined];
}
export type RequestName = keyof RequestMap;

export const CUSTOM_REQUESTS = ['sessionInfo', 'startCapture', 'stopCapture', 'configureSampling', 'resetScripts'] as const;

// ---- events ------------------------------------------------------------------------------------

export interface FramesEventBody {
  frames: FrameMetrics[];
  /** Frames dropped since the previous `frames` event because this client read too slowly. */
  dropped: number;
}

export interface SamplesEventBody {
  captureId: number;
  newFrames: SampledFrameInfo[];
  /** [id, parent, frame, line]: line = the frame's current line, 0 (or absent) = unknown. */
  newStacks: Array<StackDef>;
  samples: Array<[stack: number, time: number, weight: number, frame: number]>;
}

export interface CallbackRegisteredEventBody {
  callback: CallbackInfo;
}

/** DAP `output` event; log lines of the session and of the mods. */
export interface OutputEventBody {
  category: 'console' | 'stdout' | 'stderr' | 'important';
  output: string;
  source?: { path: string };
  line?: number;
  data?: { level: LogLine['level']; time: number };
}

export interface ExitedEventBody {
  exitCode: number;
}

export interface TerminatedEventBody {
  /** Why the session ended or the server closed this connection (custom field). */
  reason?: string;
}

/** Event name → body. */
export interface EventMap {
  initialized: Record<string, never> | undefined;
  frames: FramesEventBody;
  samples: SamplesEventBody;
  callbackRegistered: CallbackRegisteredEventBody;
  output: OutputEventBody;
  scriptError: ScriptError;
  scriptReset: ScriptReset;
  terminated: TerminatedEventBody;
  exited: ExitedEventBody;
}
export type EventName = keyof EventMap;

export const CUSTOM_EVENTS = ['frames', 'samples', 'callbackRegistered', 'scriptError', 'scriptReset'] as const;

// ---- validation --------------------------------------------------------------------------------

/** Longest command/event name accepted (longer is garbage, and would be echoed back in errors). */
const MAX_NAME = 64;

function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the envelope of a decoded message. Returns the message or a one-line reason. */
export function validateMessage(v: Record<string, unknown>): ProtocolMessage | string {
  if (!isUint(v.seq)) return 'field "seq" must be a non-negative integer';
  switch (v.type) {
    case 'request':
      if (typeof v.command !== 'string' || v.command.length === 0 || v.command.length > MAX_NAME) {
        return `field "command" must be a string of 1..${MAX_NAME} characters`;
      }
      if (v.arguments !== undefined && !isPlainObject(v.arguments)) return 'field "arguments" must be an object';
      return v as unknown as RequestMessage;
    case 'response':
      if (!isUint(v.request_seq)) return 'field "request_seq" must be a non-negative integer';
      if (typeof v.success !== 'boolean') return 'field "success" must be a boolean';
      if (typeof v.command !== 'string') return 'field "command" must be a string';
      if (v.message !== undefined && typeof v.message !== 'string') return 'field "message" must be a string';
      return v as unknown as ResponseMessage;
    case 'event':
      if (typeof v.event !== 'string' || v.event.length === 0 || v.event.length > MAX_NAME) {
        return `field "event" must be a string of 1..${MAX_NAME} characters`;
      }
      return v as unknown as EventMessage;
    default:
      return 'field "type" must be "request", "response" or "event"';
  }
}

type FieldType = 'string' | 'number' | 'boolean';
interface FieldRule {
  type: FieldType;
  required?: boolean;
  /** For numbers: finite and within [min, max]. */
  min?: number;
  max?: number;
  maxLength?: number;
}

/** Argument rules of every request the server accepts. Unknown fields are ignored (DAP style). */
const ARGUMENT_RULES: Record<RequestName, Record<string, FieldRule>> = {
  initialize: {
    clientID: { type: 'string', maxLength: 256 },
    clientName: { type: 'string', maxLength: 256 },
    adapterID: { type: 'string', maxLength: 256 },
    uevrProtocolVersion: { type: 'number', min: 1, max: 1e6 },
  },
  attach: { token: { type: 'string', required: true, maxLength: 1024 } },
  sessionInfo: {},
  startCapture: { samplingHz: { type: 'number', min: 0, max: 1e6 } },
  stopCapture: {},
  configureSampling: { samplingHz: { type: 'number', required: true, min: 0, max: 1e6 } },
  resetScripts: {},
  disconnect: { restart: { type: 'boolean' }, terminateDebuggee: { type: 'boolean' } },
};

export function isKnownRequest(command: string): command is RequestName {
  return Object.prototype.hasOwnProperty.call(ARGUMENT_RULES, command);
}

/** Checks a request's arguments against its rules. Returns undefined when valid, else a reason. */
export function validateArguments(command: RequestName, args: Record<string, unknown> | undefined): string | undefined {
  const rules = ARGUMENT_RULES[command];
  const a = args ?? {};
  for (const [name, rule] of Object.entries(rules)) {
    const v = a[name];
    if (v === undefined) {
      if (rule.required) return `${command}: missing argument "${name}"`;
      continue;
    }
    if (typeof v !== rule.type) return `${command}: argument "${name}" must be a ${rule.type}`;
    if (rule.type === 'number') {
      const n = v as number;
      if (!Number.isFinite(n) || (rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
        return `${command}: argument "${name}" must be a number in [${rule.min ?? '-inf'}, ${rule.max ?? 'inf'}]`;
      }
    }
    if (rule.type === 'string' && rule.maxLength !== undefined && (v as string).length > rule.maxLength) {
      return `${command}: argument "${name}" is longer than ${rule.maxLength} characters`;
    }
  }
  return undefined;
}
