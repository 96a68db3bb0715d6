// `uevr-prof demo`: runs the example mods in the simulated session, captures a few seconds, prints the
// report and writes the capture, a speedscope file and a standalone HTML page (the five-minute tour).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { readCapture } from '../../core/capture/reader';
import { recordCapture } from '../../core/session/recorder';
import { parse, num, str } from '../args';
import { InputError, UsageError } from '../errors';
import { packageRoot } from '../paths';
import { computeReport, formatReport } from '../report';
import { finishScriptErrors, startSimulation } from '../simBridge';
import { attachInProcess, progressPrinter } from './capture';
import { exportTo, writeChunks } from './convert';
import type { Command } from './types';
import { rateOrDefault } from '../../core/budget';
import { SAMPLING_RATE } from '../../core/settings';

export const demoCommand: Command = {
  summary: 'run the example mods in the simulated session, capture a few seconds, print the report and write capture, speedscope and HTML files',
  usage: 'demo [--seconds 4] [--out DIR] [--scripts DIR] [--hz 90]',
  async run(argv, io) {
    const p = parse(argv, { seconds: { type: 'string' }, out: { type: 'string' }, scripts: { type: 'string' }, hz: { type: 'string' } }, 'demo');
    if (p.positionals.length) throw new UsageError(`demo: unexpected argument "${p.positionals[0]}"`);
    const seconds = num(p, 'seconds', 'demo', { min: 0.5, max: 600 }) ?? 4;
    const hz = rateOrDefault(num(p, 'hz', 'demo', { min: 1, max: 1000 }));
    const outDir = resolve(io.cwd, str(p, 'out') ?? join('out', 'demo'));
    const scripts = str(p, 'scripts') ? resolve(io.cwd, str(p, 'scripts')!) : [join(packageRoot(), 'examples'), join(io.cwd, 'examples')].find((d) => existsSync(d));
    if (!scripts) throw new InputError('demo: the examples/ folder of mods was not found (give --scripts DIR)');

    io.stderr(`demo: running the mods of ${scripts} in the simulated UEVR session at ${hz} Hz\n`);
    const sim = await startSimulation(scripts, { refreshRateHz: hz, realtime: true, game: 'Demo' }, io);
    const capPath = join(outDir, 'demo.uevrcap');
    let ok = false;
    try {
      const t = await attachInProcess(sim);
      try {
        const { mkdirSync } = await import('node:fs');
        mkdirSync(outDir, { recursive: true });
        const progress = progressPrinter(io, seconds);
        const r = await recordCapture(t.client, capPath, { seconds, samplingHz: SAMPLING_RATE.default, onProgress: progress.update, signal: io.signal, tool: 'uevr-prof demo' });
        progress.done();
        if (!r.complete) io.stderr(`capture ended early: ${r.reason}\n`);
        ok = r.frames > 0;
      } finally {
        await t.dispose();
      }
    } finally {
      finishScriptErrors(sim);
      await sim.dispose();
    }
    if (!ok) throw new InputError('demo: the simulated session produced no frames');

    const profile = readCapture(readFileSync(capPath), capPath);
    const report = computeReport(profile, { refreshRateHz: hz });
    io.stdout(formatReport(report, 12));
    const speedscope = join(outDir, 'demo.speedscope.json');
    await writeChunks(speedscope, exportTo('speedscope', profile, hz));
    const written = [capPath, speedscope];
    const html = join(outDir, 'demo.html');
    try {
      await writeChunks(html, exportTo('html', profile, hz));
      written.push(html);
    } catch (e) {
      io.stderr(`demo: no HTML page: ${(e as Error).message}\n`);
    }
    io.stdout('\nwrote:\n');
    for (const f of written) io.stdout(`  ${relative(io.cwd, f) || f}\n`);
    return written.length === 3 ? 0 : 2;
  },
};
