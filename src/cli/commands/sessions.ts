// `uevr-prof sessions`: lists the live sessions announced in the sessions folder (never their tokens).
import { defaultSessionsDir, listSessions } from '../../core/session/discovery';
import { parse, str } from '../args';
import { UsageError } from '../errors';
import type { Command } from './types';

export const sessionsCommand: Command = {
  summary: 'list live sessions from their discovery files (--all also shows ignored files and why)',
  usage: 'sessions [--sessions-dir DIR] [--all] [--json]',
  async run(argv, io) {
    const p = parse(argv, { 'sessions-dir': { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } }, 'sessions');
    if (p.positionals.length) throw new UsageError(`sessions: unexpected argument "${p.positionals[0]}"`);
    const dir = str(p, 'sessions-dir') ?? defaultSessionsDir(io.env);
    const r = listSessions(dir);
    // The token is a secret: never printed; attach with --session FILE instead.
    const sessions = r.sessions.map(({ token: _token, ...s }) => s);
    if (p.values.json) {
      io.stdout(`${JSON.stringify({ dir, sessions, ignored: p.values.all ? r.ignored : undefined }, null, 2)}\n`);
      return 0;
    }
    if (sessions.length === 0) io.stdout(`no live sessions in ${dir}\n`);
    for (const s of sessions) io.stdout(`${s.game}  127.0.0.1:${s.port}  pid ${s.pid}  since ${s.startedAt}  ${s.file}\n`);
    if (p.values.all) for (const i of r.ignored) io.stdout(`ignored ${i.file}: ${i.reason}\n`);
    return 0;
  },
};
