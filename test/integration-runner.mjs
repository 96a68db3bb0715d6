// Launches VS Code with the extension under development and the integration tests
// (out/test/integration/index.js), through @vscode/test-electron.
// Where VS Code cannot be downloaded (this machine, CI) the shared test host stands in for the
// executable: $VSCODE_EXECUTABLE when set, else it is installed from ../shared/tools/vscode-test-host.
import { runTests } from '@vscode/test-electron';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = process.argv[2] ?? join(root, 'out/integration-results.json');

function findExecutable() {
  if (process.env.VSCODE_EXECUTABLE) return process.env.VSCODE_EXECUTABLE;
  const install = resolve(root, '../shared/tools/vscode-test-host/install.sh');
  if (existsSync(install)) {
    console.log('[integration] VSCODE_EXECUTABLE is not set: preparing the shared VS Code test host');
    return execFileSync('sh', [install], { stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
  }
  return undefined; // test-electron downloads desktop VS Code (machines with internet)
}

const vscodeExecutablePath = findExecutable();
const userDataDir = mkdtempSync(join(tmpdir(), 'uevr-prof-user-'));
// Tests change settings and write captures: give them a copy of the fixture workspace, not the repo's.
const workspace = mkdtempSync(join(tmpdir(), 'uevr-prof-ws-'));
// UEVR_TEST_WORKSPACE: another folder to copy instead (the screenshot pass uses the example mods).
cpSync(process.env.UEVR_TEST_WORKSPACE ?? join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
const sessionsDir = mkdtempSync(join(tmpdir(), 'uevr-prof-sessions-'));
// A stand-in %APPDATA%\UnrealVRMod with one game profile, for the agent installer's tests.
const uevrDir = mkdtempSync(join(tmpdir(), 'uevr-prof-unrealvrmod-'));
mkdirSync(join(uevrDir, 'TestGame', 'scripts'), { recursive: true });
mkdirSync(join(uevrDir, 'TestGame', 'plugins'), { recursive: true });
try {
  const code = await runTests({
    ...(vscodeExecutablePath ? { vscodeExecutablePath } : {}),
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/integration/index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      `--user-data-dir=${userDataDir}`,
    ],
    extensionTestsEnv: {
      UEVR_TEST_RESULTS_FILE: resultsFile,
      UEVR_PROFILER_SESSIONS_DIR: sessionsDir,
      UEVR_PROFILER_UEVR_DIR: uevrDir,
      UEVR_PROFILER_REPO_ROOT: root,
      // The extension mirrors its log to the extension host's console, which the runner prints.
      UEVR_PROFILER_LOG_TO_CONSOLE: '1',
      // Set to a folder to have the tests save screenshots of each view (used for the README).
      ...(process.env.UEVR_SCREENSHOT_DIR ? { UEVR_SCREENSHOT_DIR: process.env.UEVR_SCREENSHOT_DIR } : {}),
    },
  });
  process.exit(code);
} catch (err) {
  console.error(`[integration] VS Code did not finish the tests: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
