// The page's graph layout: layers from the sources, cycles, and boxes that never overlap.
import { describe, expect, it } from 'vitest';
import { assignLayers, layoutGraph } from '../../../src/playground/show/graph-layout.ts';
import type { GraphData } from '../../../src/runtime/internal/show-data.ts';

describe('graph layout', () => {
  it('puts each node after every node that points to it: the longest path from a source', () => {
    // 0 → 1 → 2, 0 → 2, 3 → 2: every edge points to a later layer.
    expect(assignLayers(4, [{ from: 0, to: 1 }, { from: 1, to: 2 }, { from: 0, to: 2 }, { from: 3, to: 2 }])).toEqual([0, 1, 2, 0]);
  });

  it('sets aside the edges that close cycles, also where no node is a source', () => {
    // 0 → 1 → 2 → 0 (no source), 3 → 3, 4 alone
    expect(assignLayers(5, [{ from: 0, to: 1 }, { from: 1, to: 2 }, { from: 2, to: 0 }, { from: 3, to: 3 }])).toEqual([0, 1, 2, 0, 0]);
    // a → b → c → b: the search from the source a finds c → b closing the cycle.
    expect(assignLayers(3, [{ from: 0, to: 1 }, { from: 1, to: 2 }, { from: 2, to: 1 }])).toEqual([0, 1, 2]);
  });

  it('places boxes without overlaps, inside the picture, and routes every edge', () => {
    const data: GraphData = {
      kind: 'graph',
      nodes: ['roots', 'a long label of an object', 'b', 'c', 'd'],
      edges: [
        { from: 0, to: 1, label: 'first' },
        { from: 1, to: 2 },
        { from: 2, to: 1, label: 'back' },
        { from: 0, to: 3 },
        { from: 3, to: 3, label: 'self' },
        { from: 2, to: 4 },
      ],
    };
    const layout = layoutGraph(data);
    for (const node of layout.nodes) {
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.y).toBeGreaterThanOrEqual(0);
      expect(node.x + node.width).toBeLessThanOrEqual(layout.width);
      expect(node.y + node.height).toBeLessThanOrEqual(layout.height);
    }
    for (const [i, a] of layout.nodes.entries()) {
      for (const b of layout.nodes.slice(i + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.label} and ${b.label} overlap`).toBe(true);
      }
    }
    expect(layout.edges).toHaveLength(data.edges.length);
    for (const edge of layout.edges) {
      expect(edge.path).toMatch(/^M[\d.]+,[\d.]+ [LQC]/);
      expect(edge.labelY).toBeGreaterThanOrEqual(0);
    }
    expect(layout.edges.map((edge) => edge.label)).toEqual(['first', undefined, 'back', undefined, 'self', undefined]);
    // Layers run left to right: a later layer starts right of an earlier one.
    expect(layout.nodes[1].x).toBeGreaterThan(layout.nodes[0].x + layout.nodes[0].width);
  });

  it('handles the empty graph', () => {
    const layout = layoutGraph({ kind: 'graph', nodes: [], edges: [] });
    expect(layout.nodes).toEqual([]);
    expect(layout.width).toBeGreaterThan(0);
  });
});
