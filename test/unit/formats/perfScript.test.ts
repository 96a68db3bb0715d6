import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfile, ProfileFormatError } from '../../../src/core/formats';
import { assertProfileOrFormatError, pathWeights } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);
const perf = `# ========
# captured on: today
# ========
#
app     9/9     100.000000:    1001001 cpu-clock:
\t             643 _Z4betav+0x10 (/w/app)
\t             6f3 main (/w/app)
\t           21b97 __libc_start_main (/lib/libc.so)

swapper     0 [001] 100.000500:    1001001 cpu-clock:
\tffffffffad135f6f [unknown] ([kernel.kallsyms])

app     9/9     100.001000:    1001001 cpu-clock:
\t             6f3 main (/w/app)
\t           21b97 __libc_start_main (/lib/libc.so)

swapper     0 [001] 100.001500:    1001001 cpu-clock:
\tffffffffad135f6f [unknown] ([kernel.kallsyms])

swapper     0 [001] 100.002500:    1001001 cpu-clock:
\tffffffffad135f6f [unknown] ([kernel.kallsyms])
`;

describe('perf script', () => {
  test('stacks root first, offsets dropped, the busy thread over the idle task', () => {
    const p = loadProfile(enc(perf.replace(/\n/g, '\r\n')), 'perf.txt');
    assert.equal(p.meta.format, 'perf script output');
    assert.equal(p.meta.thread, 'app (pid 9)');
    assert.deepEqual(Object.fromEntries(pathWeights(p)), { '__libc_start_main;main;_Z4betav': 1, '__libc_start_main;main': 1 });
    assert.deepEqual(Array.from(p.samples.time), [0, 1]);
    assert.equal(p.frames.file[p.frames.name.indexOf('main')], '/w/app');
  });

  test('broken perf output fails in one line or loads', () => {
    assert.throws(() => loadProfile(enc('# only a header comment\n# and another\n'), 'p.txt'), (e: unknown) => e instanceof ProfileFormatError);
    for (let cut = 0; cut < perf.length; cut += 37) assertProfileOrFormatError(() => loadProfile(enc(perf.slice(0, cut)), 'cut.txt'), `cut ${cut}`);
  });
});
