// The inline debug adapter of the `uevr` debug type: VS Code's debug UI drives the SessionManager.
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as vscode from 'vscode';
import { errorMessage, UserError } from '../log';
import type { UevrAttachConfiguration } from '../debug';
import type { LiveSession } from './liveSession';
import type { AttachTarget, SessionManager } from './sessionManager';

/** A DAP request as VS Code hands it to an inline adapter (the protocol's own types, not ours). */
type DapRequest = DebugProtocol.Request;

/** Resolves `session` of a launch configuration into something to connect to (may ask the user). */
export type TargetResolver = (config: UevrAttachConfiguration) => Promise<AttachTarget | undefined>;

/**
 * The `uevr` debug type, implemented inline in the extension host: VS Code's debug UI (F5, the
 * toolbar's stop, the Debug Console) drives the SessionManager. There is nothing to step through —
 * UEVR's Lua has no debug library — so this adapter only attaches, streams the session's log as
 * `output` events, and disconnects.
 */
export class UevrDebugAdapter implements vscode.DebugAdapter {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private seq = 1;
  private readonly subs: vscode.Disposable[] = [];
  private attached = false;

  constructor(
    private readonly manager: SessionManager,
    private readonly resolveTarget: TargetResolver,
    private readonly config: UevrAttachConfiguration,
  ) {}

  handleMessage(message: vscode.DebugProtocolMessage): void {
    void this.dispatch(message as DapRequest);
  }

  private send(msg: Omit<DebugProtocol.Response, 'seq'> | Omit<DebugProtocol.Event, 'seq'>): void {
    const out: DebugProtocol.ProtocolMessage = { seq: this.seq++, ...msg };
    this.emitter.fire(out as vscode.DebugProtocolMessage);
  }

  private respond(req: DapRequest, body?: unknown, error?: string): void {
    this.send({ type: 'response', request_seq: req.seq, command: req.command, success: !error, ...(error ? { message: error } : {}), ...(body !== undefined ? { body } : {}) });
  }

  private event(event: string, body?: unknown): void {
    this.send({ type: 'event', event, ...(body !== undefined ? { body } : {}) });
  }

  private async dispatch(req: DapRequest): Promise<void> {
    try {
      switch (req.command) {
        case 'initialize':
          this.respond(req, { supportsConfigurationDoneRequest: true, supportTerminateDebuggee: false, supportsTerminateRequest: true } satisfies DebugProtocol.Capabilities);
          this.event('initialized');
          return;
        case 'attach':
          await this.attach(req);
          return;
        case 'configurationDone':
          this.respond(req);
          return;
        case 'threads':
          this.respond(req, { threads: [{ id: 1, name: vscode.l10n.t('UEVR scripts (game thread)') }] } satisfies DebugProtocol.ThreadsResponse['body']);
          return;
        case 'disconnect':
        case 'terminate':
          this.detach();
          await this.manager.detach();
          this.respond(req);
          if (req.command === 'terminate') this.event('terminated');
          return;
        case 'startCapture':
        case 'stopCapture':
          await vscode.commands.executeCommand(`uevrProfiler.${req.command}`);
          this.respond(req);
          return;
        default:
          this.respond(req, undefined, `UEVR sessions do not support "${req.command}": UEVR's Lua has no debugger; use captures instead.`);
      }
    } catch (err) {
      this.respond(req, undefined, err instanceof UserError ? err.message : errorMessage(err));
    }
  }

  private async attach(req: DapRequest): Promise<void> {
    const target = await this.resolveTarget(this.config);
    if (!target) {
      this.respond(req, undefined, 'No UEVR session was chosen.');
      this.event('terminated');
      return;
    }
    const session = await this.manager.attach(target, this.config.refreshRate);
    this.attached = true;
    this.subs.push(this.manager.onOutput((text) => this.event('output', { category: 'console', output: text } satisfies DebugProtocol.OutputEvent['body'])));
    this.follow(session);
    this.respond(req);
    this.event('output', { category: 'console', output: `${vscode.l10n.t('Attached to {0}. Capture with the toolbar\'s record button or the UEVR commands.', session.label)}\n` });
    for (const e of session.startupErrors) this.event('output', { category: 'stderr', output: `${e}\n` });
  }

  /**
   * Stays in the debug session while the manager reattaches to a restarted game (then follows the
   * new session); ends it when the manager gives up and has no session.
   */
  private follow(session: LiveSession): void {
    this.subs.push(
      session.onEnded((reason) => {
        this.event('output', { category: 'important', output: `${vscode.l10n.t('UEVR session ended: {0}', reason ?? vscode.l10n.t('disconnected'))}\n` });
        const wait = this.manager.onDidChangeSession((s) => {
          if (!s) {
            wait.dispose();
            this.event('terminated');
          } else if (s !== session) {
            wait.dispose();
            this.event('output', { category: 'important', output: `${vscode.l10n.t('Reattached to {0}.', s.label)}\n` });
            this.follow(s);
          }
        });
        this.subs.push(wait);
      }),
    );
  }

  private detach(): void {
    for (const s of this.subs.splice(0)) s.dispose();
    this.attached = false;
  }

  get isAttached(): boolean {
    return this.attached;
  }

  dispose(): void {
    this.detach();
    this.emitter.dispose();
  }
}

export class UevrDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(
    private readonly manager: SessionManager,
    private readonly resolveTarget: TargetResolver,
  ) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    return new vscode.DebugAdapterInlineImplementation(new UevrDebugAdapter(this.manager, this.resolveTarget, session.configuration as UevrAttachConfiguration));
  }
}
