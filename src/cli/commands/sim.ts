// `uevr-prof sim`: runs a simulated UEVR session on a folder of mod scripts and serves it on 127.0.0.1
// like a game would (announced in the sessions folder), until killed.
import { resolve } from 'node:path';
import { SessionServer } from '../../core/session/server';
import { announceSession, defaultSessionsDir, newToken } from '../../core/session/discovery';
import { parse, num, str } from '../args';
import { InputError, UsageError } from '../errors';
import { finishScriptErrors, SIM_FLAGS, SIM_FLAGS_USAGE, simFlags, startSimulation } from '../simBridge';
import type { Command } from './types';
import { rateOrDefault } from '../../core/budget';

export const simCommand: Command = {
  summary: 'run a simulated UEVR session on a folder of mod scripts until killed',
  usage: `sim --scripts DIR [--port N] [--hz 90] [--game NAME] [--sessions-dir DIR] ${SIM_FLAGS_USAGE}`,
  async run(argv, io) {
    const p = parse(argv, { scripts: { type: 'string' }, port: { type: 'string' }, hz: { type: 'string' }, game: { type: 'string' }, 'sessions-dir': { type: 'string' }, ...SIM_FLAGS }, 'sim');
    if (p.positionals.length) throw new UsageError(`sim: unexpected argument "${p.positionals[0]}"`);
    const scripts = str(p, 'scripts');
    if (!scripts) throw new UsageError('sim: missing --scripts DIR');
    const port = num(p, 'port', 'sim', { min: 0, max: 65535 });
    const hz = rateOrDefault(num(p, 'hz', 'sim', { min: 1, max: 1000 }));
    const sessionsDir = str(p, 'sessions-dir') ?? defaultSessionsDir(io.env);
    // --game names the simulated game (the name a real session reports), e.g. to tell two apart.
    const game = str(p, 'game');
    const sim = await startSimulation(resolve(io.cwd, scripts), { refreshRateHz: hz, realtime: true, ...(game ? { game } : {}), ...simFlags(p, 'sim') }, io);
    // Read by the extension (SimulatorProcess) to say "N scripts failed to load": keep the wording.
    const loaded = sim.loadSummary();
    if (loaded.failed > 0) io.stderr(`${loaded.failed} of ${loaded.scripts} scripts failed to load\n`);
    const token = newToken();
    let server: SessionServer;
    try {
      server = await SessionServer.start({ backend: sim, token, port: port ?? 'auto' });
    } catch (e) {
      finishScriptErrors(sim);
      await sim.dispose();
      throw new InputError(`sim: cannot listen on 127.0.0.1:${port ?? 'auto'}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const disc = announceSession({ port: server.port, token, game: sim.info.game }, sessionsDir);
    io.stdout(`simulated session "${sim.info.game}" at ${hz} Hz on 127.0.0.1:${server.port}\n`);
    // The token is a secret: shown on a terminal (for `capture --attach`), never into pipes and logs.
    io.stdout(io.stdoutIsTTY ? `token ${token}\n` : 'token: see the discovery file\n');
    io.stdout(`discovery file ${disc.file}\n`);
    io.stdout('press Ctrl+C to stop\n');
    const reason = await new Promise<string>((r) => {
      server.onBackendEnded((why) => r(`session ended: ${why}`));
      if (io.signal.aborted) r('stopped');
      io.signal.addEventListener('abort', () => r('stopped'));
    });
    disc.dispose();
    finishScriptErrors(sim);
    await server.close();
    await sim.dispose();
    io.stderr(`${reason}\n`);
    return 0;
  },
};
