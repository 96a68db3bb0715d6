// The in-VS Code half of bench/vscode-open.bench.ts: opens each capture in the flame graph editor and
// measures the time from the command to the webview showing the profile (its summary line is set in
// the same task that paints the first frame). Registers no test unless the benchmark asks for it.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, frameTexts, waitFor } from './helpers';

const files = process.env.UEVR_BENCH_FILES ? (JSON.parse(process.env.UEVR_BENCH_FILES) as Array<{ path: string; samples: number; runs: number }>) : [];

if (files.length > 0) {
  describe('benchmark: open a capture to first paint', function () {
    this.timeout(600_000);
    const results: Array<{ samples: number; ms: number[]; error?: string }> = [];
    after(() => writeFileSync(process.env.UEVR_BENCH_OUT ?? '/dev/null', JSON.stringify(results, null, 1)));

    for (const f of files) {
      it(`${f.samples} samples`, async () => {
        const api = await activateExtension();
        const row = { samples: f.samples, ms: [] as number[] };
        results.push(row);
        const count = f.samples.toLocaleString('en-US');
        for (let run = 0; run < f.runs; run++) {
          await closeAllEditors();
          const t0 = Date.now();
          await vscode.commands.executeCommand('uevrProfiler.openCapture', vscode.Uri.file(f.path));
          await waitFor('the profile in the editor', () => (api.flameGraphs.activeDocument?.uri.fsPath === f.path ? true : undefined), 600_000, 20);
          await waitFor('the webview to show it', async () => ((await frameTexts())?.some((x) => x.text.includes(`${count} samples`)) ? true : undefined), 600_000, 20);
          row.ms.push(Date.now() - t0);
        }
        await closeAllEditors();
      });
    }
  });
}
