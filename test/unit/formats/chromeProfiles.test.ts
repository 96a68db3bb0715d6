// CPU profiles inside Chrome traces (DevTools "Profile"/"ProfileChunk" and old "CpuProfile" events)
// and heap profiles: hand-made files shaped like DevTools' output, with exact expected weights.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfile } from '../../../src/core/formats';
import { assertClose, pathWeights } from './helpers';

const enc = (s: unknown) => new TextEncoder().encode(typeof s === 'string' ? s : JSON.stringify(s));
const cf = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' });

describe('CPU profiles in Chrome traces', () => {
  const meta = [
    { ph: 'M', name: 'process_name', pid: 7, tid: 0, args: { name: 'Renderer' } },
    { ph: 'M', name: 'thread_name', pid: 7, tid: 1, args: { name: 'CrRendererMain' } },
  ];
  // Busy browser events on another thread must not win over the CPU profile.
  const busy = Array.from({ length: 20 }, (_, i) => ({ ph: 'X', name: 'Task', pid: 9, tid: 9, ts: i * 1000, dur: 900 }));
  const chunks = [
    { ph: 'P', name: 'Profile', id: '0x1', pid: 7, tid: 1, ts: 1000, args: { data: { startTime: 1000 } } },
    {
      ph: 'P', name: 'ProfileChunk', id: '0x1', pid: 7, tid: 55, ts: 1100,
      args: { data: { cpuProfile: { nodes: [{ id: 1, callFrame: cf('(root)') }, { id: 2, parent: 1, callFrame: cf('main', 'app.js', 9) }], samples: [2, 2] }, timeDeltas: [100, 200] } },
    },
    { ph: 'P', name: 'ProfileChunk', id: '0x1', pid: 7, tid: 55, ts: 1500 }, // lost data: no args
    {
      ph: 'P', name: 'ProfileChunk', id: '0x1', pid: 7, tid: 55, ts: 1600,
      args: { data: { cpuProfile: { nodes: [{ id: 3, parent: 2, callFrame: cf('work', 'app.js', 20) }, { id: 5, parent: 4, callFrame: cf('orphan') }], samples: [3, 5, 4, 2] }, timeDeltas: [300, 400, 500, 600] } },
    },
  ];

  test('chunks join by id, the profile wins over busier duration events, lost nodes are tolerated', () => {
    const p = loadProfile(enc({ traceEvents: [...meta, ...busy, ...chunks] }), 'devtools.json');
    assert.equal(p.meta.data, 'cpu-profile');
    assert.equal(p.meta.thread, 'Renderer / CrRendererMain');
    // Sample times: 1100, 1300, 1600, 2000, (2500 on missing node 4: dropped), 3100; each lasts to
    // the next; the last (no endTime) as long as the interval before it (0.6 ms).
    const w = Object.fromEntries([...pathWeights(p)].map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
    assert.deepEqual(w, { main: 1.1, 'main;work': 0.4, orphan: 0.5 });
    assert.equal(p.meta.danglingNodeReferences, 2); // parent 4 of node 5, and the sample on node 4
    const main = p.frames.name.indexOf('main');
    assert.equal(p.frames.line[main], 10);
    assert.equal(p.frames.file[main], 'app.js');
  });

  test('old timelines: one CpuProfile event with its own timeDeltas', () => {
    const ev = {
      ph: 'I', name: 'CpuProfile', pid: 7, tid: 1, ts: 5,
      args: { data: { cpuProfile: { nodes: [{ id: 1, callFrame: cf('(root)'), children: [2] }, { id: 2, callFrame: cf('f') }], samples: [2, 1, 2], timeDeltas: [0, 1000, 1000], startTime: 0, endTime: 3000 } } },
    };
    const p = loadProfile(enc([...meta, ev]), 'timeline.json');
    assert.equal(p.meta.data, 'cpu-profile');
    assertClose(pathWeights(p).get('f')!, 2);
    assertClose(pathWeights(p).get('(idle)')!, 1);
  });
});

describe('heap profiles', () => {
  test('bytes per allocating stack', () => {
    const head = {
      callFrame: cf('(root)'), selfSize: 0,
      children: [
        { callFrame: cf('load', 'a.js', 0), selfSize: 100, children: [{ callFrame: cf('parse', 'a.js', 4), selfSize: 50, children: [] }] },
        { callFrame: cf('render', 'b.js', 1), selfSize: 0, children: [] },
      ],
    };
    const p = loadProfile(enc({ head }), 'x.heapprofile');
    assert.equal(p.weightUnit, 'bytes');
    assert.deepEqual(Object.fromEntries(pathWeights(p)), { load: 100, 'load;parse': 50 });
    assert.throws(() => loadProfile(enc({ head: { callFrame: cf('(root)'), selfSize: 0 } }), 'e.heapprofile'), /no allocations/);
  });
});
