import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallTree } from '../../../src/core/profile/types';
import { buildCallTree } from '../../../src/core/profile';
import { flameGraphSpans, hitTest, layoutSpans, parentsFromSizes, pathToNode } from '../../../src/core/view/flameLayout';
import { smallProfile } from '../../webview/fixtures';

/**
 *   0 root 100
 *   ├─ 1 A 60 ─┬─ 2 A1 59.1
 *   │          ├─ 3 A2 0.3 ── 4 A2x 0.3
 *   │          ├─ 5 A3 0.3
 *   │          └─ 6 A4 0.3
 *   └─ 7 B 40
 */
function handTree(): CallTree {
  const total = Float64Array.from([100, 60, 59.1, 0.3, 0.3, 0.3, 0.3, 40]);
  return {
    length: 8,
    parent: Int32Array.from([-1, 0, 1, 1, 3, 1, 1, 0]),
    frame: Int32Array.from([-1, 0, 1, 2, 3, 4, 5, 6]),
    line: new Int32Array(8),
    depth: Int32Array.from([0, 1, 2, 2, 3, 2, 2, 1]),
    size: Int32Array.from([8, 6, 1, 2, 1, 1, 1, 1]),
    total,
    self: Float64Array.from([0, 0, 59.1, 0, 0.3, 0.3, 0.3, 40]),
    samples: total,
    maxDepth: 3,
  };
}

const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-4, `${a} ≈ ${b}`);

describe('flameGraphSpans', () => {
  test('children start where the previous sibling ended, inside the parent', () => {
    const s = flameGraphSpans(handTree());
    const expected = [0, 0, 0, 59.1, 59.1, 59.4, 59.7, 60];
    expected.forEach((v, i) => close(s.start[i], v));
    assert.deepEqual(Array.from(s.width), Array.from(handTree().total));
  });

  test('a model call tree lays out left-heavy and fills its root', () => {
    const tree = buildCallTree(smallProfile());
    const s = flameGraphSpans(tree);
    assert.equal(tree.total[0], 80);
    // Every child ends within its parent.
    for (let i = 1; i < tree.length; i++) {
      const p = tree.parent[i];
      assert.ok(s.start[i] >= s.start[p] - 1e-9 && s.start[i] + s.width[i] <= s.start[p] + s.width[p] + 1e-9);
    }
  });
});

describe('layoutSpans', () => {
  test('draws wide nodes and merges adjacent sub-pixel siblings into one rect', () => {
    const r = layoutSpans(flameGraphSpans(handTree()), { x0: 0, x1: 100, widthPx: 100, firstDepth: 0, rows: 10 });
    assert.deepEqual(Array.from(r.node), [0, 1, 2, 7, -1]);
    assert.deepEqual(Array.from(r.row), [0, 1, 2, 1, 2]);
    close(r.x[4], 59.1);
    close(r.w[4], 0.9);
    close(r.w[2], 59.1);
    close(r.x[3], 60);
    close(r.w[3], 40);
    assert.equal(r.tinyNodes, 4);
  });

  test('a merged run narrower than minPx is dropped', () => {
    const r = layoutSpans(flameGraphSpans(handTree()), { x0: 0, x1: 100, widthPx: 100, firstDepth: 0, rows: 10, minPx: 1 });
    assert.deepEqual(Array.from(r.node), [0, 1, 2, 7]);
  });

  test('zoomed to A: B is culled, A fills the width, tiny nodes become visible', () => {
    const r = layoutSpans(flameGraphSpans(handTree()), { x0: 59.1, x1: 60, widthPx: 90, firstDepth: 0, rows: 10 });
    // scale 100 px per unit: A2, A2x, A3, A4 are 30 px each; A1 ends at the left edge and is culled.
    assert.deepEqual(Array.from(r.node), [0, 1, 3, 4, 5, 6]);
    close(r.x[0], 0);
    close(r.w[0], 90);
    close(r.x[2], 0);
    close(r.w[2], 30);
    close(r.x[4], 30);
    close(r.x[5], 60);
    assert.deepEqual(Array.from(r.row), [0, 1, 2, 3, 2, 2]);
  });

  test('vertical scroll and row limit cull by depth', () => {
    const s = flameGraphSpans(handTree());
    const scrolled = layoutSpans(s, { x0: 0, x1: 100, widthPx: 100, firstDepth: 1, rows: 1 });
    assert.deepEqual(Array.from(scrolled.node), [1, 7]);
    assert.deepEqual(Array.from(scrolled.row), [0, 0]);
  });

  test('an empty domain or zero-size viewport yields nothing', () => {
    const s = flameGraphSpans(handTree());
    assert.equal(layoutSpans(s, { x0: 5, x1: 5, widthPx: 100, firstDepth: 0, rows: 5 }).count, 0);
    assert.equal(layoutSpans(s, { x0: 0, x1: 100, widthPx: 100, firstDepth: 0, rows: 0 }).count, 0);
  });

  test('a 500k-node tree lays out into a bounded number of rects', () => {
    // A flat root with 500k equal children: 1000 px can show at most ~1000 of them + merged runs.
    const n = 500_001;
    const size = new Int32Array(n).fill(1);
    size[0] = n;
    const depth = new Int32Array(n).fill(1);
    depth[0] = 0;
    const total = new Float64Array(n).fill(1);
    total[0] = n - 1;
    const parent = new Int32Array(n);
    parent[0] = -1;
    const tree: CallTree = { length: n, parent, frame: new Int32Array(n), line: new Int32Array(n), depth, size, total, self: total, samples: total, maxDepth: 1 };
    const r = layoutSpans(flameGraphSpans(tree), { x0: 0, x1: n - 1, widthPx: 1000, firstDepth: 0, rows: 40 });
    assert.equal(r.count, 2); // root + one merged run covering the whole row
    close(r.w[1], 1000);
    assert.equal(r.tinyNodes, n - 1);
  });

  test('corrupt trees (NaN weights, zero sizes) neither crash nor loop', () => {
    const t = handTree();
    const s = flameGraphSpans(t);
    const width = Float64Array.from(s.width);
    width[7] = NaN;
    const size = Int32Array.from(s.size);
    size[5] = 0;
    const r = layoutSpans({ ...s, width, size }, { x0: 0, x1: 100, widthPx: 100, firstDepth: 0, rows: 10 });
    assert.deepEqual(Array.from(r.node), [0, 1, 2, -1]);
  });
});

describe('hit testing and paths', () => {
  test('hitTest finds the rect under a point', () => {
    const r = layoutSpans(flameGraphSpans(handTree()), { x0: 0, x1: 100, widthPx: 100, firstDepth: 0, rows: 10 });
    assert.equal(r.node[hitTest(r, 70, 1)], 7);
    assert.equal(r.node[hitTest(r, 10, 2)], 2);
    assert.equal(hitTest(r, 70, 3), -1);
  });

  test('pathToNode and parentsFromSizes', () => {
    const t = handTree();
    assert.deepEqual(pathToNode(t.parent, 4), [0, 1, 3, 4]);
    assert.deepEqual(Array.from(parentsFromSizes(t.size, t.depth)), Array.from(t.parent));
  });
});
