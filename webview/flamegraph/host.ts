// The webview's link to its host: VS Code (acquireVsCodeApi) or, in the standalone HTML export, a
// shim that reads the embedded profile and keeps state in memory. The app only sees `Host`.
import type { FromWebviewMessage, PackedProfileMessage, ProfileMessage, ToWebviewMessage, ViewState } from '../../src/core/view/messages';
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
          const msg = e.data as ToWebviewMessage | PackedProfileMessage;
          if (msg && msg.type === 'profilePacked') {
            unpackMessage(msg).then(on, (err: unknown) => api.postMessage({ type: 'error', message: `cannot read the profile: ${err instanceof Error ? err.message : String(err)}` }));
          } else {
            on(msg);
          }
        }),
    };
  }
  return createStandaloneHost();
}

/** Inflates and unpacks a `profilePacked` message into the `profile` message the app expects. */
async function unpackMessage(m: PackedProfileMessage): Promise<ProfileMessage> {
  // The browser's own inflater: native code, off the main thread's JS.
  const stream = new Blob([m.data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return { type: 'profile', profile: unpackProfile(m.header, bytes), settings: m.settings, title: m.title };
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
          showStandaloneError(`Cannot read the embedded profile: ${e instanceof Error ? e.message : String(e)}`);
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
