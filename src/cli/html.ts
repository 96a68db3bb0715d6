// The standalone flame-graph page (src/core/view/standaloneHtml.ts) with the built webview inlined.
import { existsSync, readFileSync } from 'node:fs';
import type { Profile } from '../core/profile/types';
import { renderStandaloneHtml } from '../core/view/standaloneHtml';
import { InputError } from './errors';
import { webviewBundlePaths } from './paths';

export function profileToHtml(profile: Profile, refreshRateHz: number): string {
  const paths = webviewBundlePaths();
  if (!paths) {
    throw new InputError('html export needs the built flame-graph webview (dist/webview/flamegraph.js): run `npm run build` first');
  }
  const bundle = { js: readFileSync(paths.js, 'utf8'), css: existsSync(paths.css) ? readFileSync(paths.css, 'utf8') : '' };
  return renderStandaloneHtml(profile, { title: profile.name || 'UEVR profile', refreshRateHz }, bundle);
}
