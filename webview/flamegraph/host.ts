// The webview's link to its host: VS Code (acquireVsCodeApi) or, in the standalone HTML export, a
// shim that reads the embedded profile and keeps state in memory. The app only sees `Host`.
import * as l10n from '@vscode/l10n';
import type { DiffMessage, FromWebviewMessage, PackedDiffMessage, PackedProfileMessage, ProfileMessage, ToWebviewMessage, ViewState } from '../../src/core/view/messages';
import { unpackProfile } from '../../src/core/view/packProfile';
import { decodeEmbeddedProfile, type EmbeddedPayload } from '../../src/core/view/embed';

export interface Host {
  readonly standalone: boolean;
  post(msg: FromWebviewMessage): void;
  getState(): ViewState | undefined;
  setState(s: ViewState): void;
  /** Start listening; `onMessage` gets every extension→webview message. */
  listen(onMessage: (msg: ToWebviewMessage) => void): void;
}

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

/** Id of the <script type="application/json"> element the standalone exporter writes. */
export const EMBED_ELEMENT_ID = 'uevr-profile-data';

export function createHost(): Host {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      standalone: false,
      post: (m) => api.postMessage(m),
      getState: () => (api.getState() as ViewState | undefined) ?? undefined,
      setState: (s) => api.setState(s),
      listen: (on) =>
        window.addEventListener('message', (e: MessageEvent) => {
          const msg = e.data as ToWebviewMessage | PackedProfileMessage | PackedDiffMessage;
          const fail = (err: unknown) => api.postMessage({ type: 'error', message: l10n.t('cannot read the profile: {0}', err instanceof Error ? err.message : String(err)) });
          if (msg && msg.type === 'profilePacked') {
            unpackMessage(msg).then(on, fail);
          } else if (msg && msg.type === 'diffPacked') {
            unpackDiff(msg).then(on, fail);
          } else {
            on(msg);
          }
        }),
    };
  }
  return createStandaloneHost();
}

/** Raw DEFLATE → bytes, with the browser's own inflater (native code, not the page's JS). */
async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates and unpacks a `profilePacked` message into the `profile` message the app expects. */
async function unpackMessage(m: PackedProfileMessage): Promise<ProfileMessage> {
  return { type: 'profile', profile: unpackProfile(m.header, await inflate(m.data)), settings: m.settings, title: m.title };
}

/** Likewise for `diffPacked` → `diff`. */
async function unpackDiff(m: PackedDiffMessage): Promise<DiffMessage> {
  const [before, after] = await Promise.all([inflate(m.before.data), inflate(m.after.data)]);
  return {
    type: 'diff',
    before: unpackProfile(m.before.header, before),
    after: unpackProfile(m.after.header, after),
    settings: m.settings,
    title: m.title,
    ...(m.beforeLabel !== undefined ? { beforeLabel: m.beforeLabel } : {}),
    ...(m.afterLabel !== undefined ? { afterLabel: m.afterLabel } : {}),
  };
}

function createStandaloneHost(): Host {
  let state: ViewState | undefined;
  let listener: ((msg: ToWebviewMessage) => void) | undefined;
  return {
    standalone: true,
    post: (m) => {
      if (m.type === 'ready') {
        // The exported page answers its own `ready` with the embedded profile, as the extension would.
        const el = document.getElementById(EMBED_ELEMENT_ID);
        if (!el || !listener) return;
        try {
          const payload = JSON.parse(el.textContent ?? '') as EmbeddedPayload;
          performance.mark('uevr-json-parsed');
          const msg = decodeEmbeddedProfile(payload);
          performance.mark('uevr-decoded');
          const on = listener;
          setTimeout(() => on(msg), 0);
        } catch (e) {
          showStandaloneError(l10n.t('Cannot read the embedded profile: {0}', e instanceof Error ? e.message : String(e)));
        }
      }
      // openSource has nowhere to go outside VS Code: the app shows file:line itself.
    },
    getState: () => state,
    setState: (s) => {
      state = s;
    },
    listen: (on) => {
      listener = on;
    },
  };
}

function showStandaloneError(text: string): void {
  const div = document.createElement('div');
  div.className = 'fg-error';
  div.textContent = text;
  document.body.appendChild(div);
}
