// `npm run bench`: runs every bench/*.bench.ts (or those whose name contains an argument), one after
// another so they do not compete for the 2 cores, and prints each one's output. Each benchmark
// measures its own baseline in the same run and prints ratios; see docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  console.log(`\n##### ${f}  (${new Date().toISOString()})`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', join(here, f)], { stdio: 'inherit', cwd: join(here, '..') });
  if (r.status !== 0) {
    console.log(`##### ${f} exited ${r.status}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
