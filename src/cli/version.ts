// The version `uevr-prof --version` prints and SARIF names: the package's own, read at build time
// (esbuild inlines the one field; tsx reads package.json when run from source).
import { version } from '../../package.json';

export const CLI_VERSION: string = version;
