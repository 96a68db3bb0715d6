// Maps a script path as the game reports it to a file of the workspace. UEVR's chunk names are the
// full Windows paths of the scripts, Lua cuts `short_src` to 60 characters ("...ipts\\camera.lua"),
// and scripts from the global folder carry an unnormalised "..\\UEVR\\" segment. So: apply the user's
// mappings first (longest prefix wins), else match the longest path suffix among workspace files.

export interface PathMapping {
  from: string;
  to: string;
}

/** Lower-cased, forward slashes, no "@"/"=" chunk prefix, no "..." truncation marker, "a/x/../b" folded. */
export function normalizeReportedPath(p: string): string {
  let s = p.trim().replace(/^[@=]/, '').replace(/\\/g, '/');
  const truncated = s.startsWith('...');
  if (truncated) s = s.slice(3);
  const out: string[] = [];
  for (const part of s.split('/')) {
    if (part === '.' || (part === '' && out.length > 0)) continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else out.push(part);
  }
  return (truncated ? '...' : '') + out.join('/');
}

function comparable(p: string): string {
  return normalizeReportedPath(p).toLowerCase();
}

/**
 * Resolves a reported path. `candidates` are workspace file paths (any slash style); returns the
 * best candidate, or undefined when nothing matches at least the file name.
 */
export function resolveScriptPath(reported: string, mappings: readonly PathMapping[], candidates: readonly string[]): string | undefined {
  if (!reported) return undefined;
  const rep = comparable(reported);
  const truncated = rep.startsWith('...');
  const body = truncated ? rep.slice(3) : rep;

  // 1. Mappings: longest "from" that prefixes the reported path.
  if (!truncated) {
    let best: { m: PathMapping; len: number } | undefined;
    for (const m of mappings) {
      const from = comparable(m.from).replace(/\/$/, '');
      if (from && (body === from || body.startsWith(from + '/')) && (!best || from.length > best.len)) best = { m, len: from.length };
    }
    if (best) {
      const rest = normalizeReportedPath(reported).slice(best.len).replace(/^\//, '');
      const to = best.m.to.replace(/\\/g, '/').replace(/\/$/, '');
      const target = rest ? `${to}/${rest}` : to;
      const hit = candidates.find((c) => comparable(c) === comparable(target));
      return hit ?? target;
    }
  }

  // 2. Longest common suffix, counted in whole path segments; the file name must match.
  const repSegs = body.split('/').filter(Boolean);
  if (repSegs.length === 0) return undefined;
  let bestCand: string | undefined;
  let bestScore = 0;
  for (const c of candidates) {
    const segs = comparable(c).split('/').filter(Boolean);
    let score = 0;
    while (score < segs.length && score < repSegs.length && segs[segs.length - 1 - score] === repSegs[repSegs.length - 1 - score]) score++;
    // A truncated first segment ("ipts" of "scripts") still counts as half a match.
    if (truncated && score < repSegs.length && score < segs.length && score === repSegs.length - 1 && segs[segs.length - 1 - score].endsWith(repSegs[0])) score += 0.5;
    if (score > bestScore || (score === bestScore && score > 0 && bestCand !== undefined && c.length < bestCand.length)) {
      bestScore = score;
      bestCand = c;
    }
  }
  // A whole segment in common, or a path cut inside the file name itself ("...od.lua" of "mod.lua").
  const nameCut = truncated && repSegs.length === 1 && repSegs[0].endsWith('.lua');
  return bestScore >= 1 || (nameCut && bestScore > 0) ? bestCand : undefined;
}
