// Reads the corpus index (/work/realmods/INDEX.md: one row per scripts folder with its repository,
// commit and path in the repository) so labels can name public code by repository, path and commit.
import { existsSync, readFileSync } from 'node:fs';

export interface FolderSource {
  folder: string;
  repo: string;
  commit: string;
  pathInRepo: string;
}

export function readCorpusIndex(indexPath: string): Map<string, FolderSource> {
  const out = new Map<string, FolderSource>();
  if (!existsSync(indexPath)) return out;
  const lines = readFileSync(indexPath, 'utf8').split('\n');
  let cols: string[] | null = null;
  for (const l of lines) {
    if (!l.startsWith('|')) continue;
    const cells = l.split('|').slice(1, -1).map((c) => c.trim());
    if (cells[0] === 'folder') {
      cols = cells;
      continue;
    }
    if (!cols || cells[0].startsWith('---')) continue;
    const get = (name: string): string => cells[cols!.indexOf(name)] ?? '';
    out.set(cells[0], { folder: cells[0], repo: get('repo'), commit: get('commit'), pathInRepo: get('path in repo') });
  }
  return out;
}
