// Drawings as the command-line runner prints them.
import { describe, expect, it } from 'vitest';
import { formatChartNumber } from '../../../src/runtime/internal/show-data.ts';
import { barText, showText, sparkline } from '../../../src/runner/show-text.ts';

describe('showText', () => {
  it('aligns a table: numbers right, text left, empty cells blank', () => {
    expect(showText({ kind: 'table', title: 'Work', columns: ['thread', 'items'], rows: [['alpha', 12], ['b', null], ['c', 7]] })).toEqual([
      'Work',
      'thread  items',
      '──────  ─────',
      'alpha      12',
      'b',
      'c           7',
    ]);
  });

  it('draws bars of block characters to the nearest eighth, with their values', () => {
    expect(barText(1)).toBe('█'.repeat(40));
    expect(barText(0.5 + 1 / 80)).toBe(`${'█'.repeat(20)}▌`);
    expect(barText(0)).toBe('');
    expect(showText({ kind: 'bars', bars: [{ label: 'long label', value: 4 }, { label: 'b', value: 1.5 }, { label: 'c', value: 0 }], notes: ['x'] })).toEqual([
      `long label  ${'█'.repeat(40)} 4`,
      `b           ${'█'.repeat(15)} 1.5`,
      'c           0',
      '(x)',
    ]);
  });

  it('lists a graph as edges, then nodes without edges', () => {
    expect(showText({ kind: 'graph', nodes: ['a', 'b', 'c'], edges: [{ from: 0, to: 1, label: 'next' }, { from: 1, to: 0 }] })).toEqual([
      'a → b (next)',
      'b → a',
      'c (no edges)',
    ]);
  });

  it('draws each series as a sparkline on a shared scale, with the axes', () => {
    expect(
      showText({
        kind: 'line',
        series: [
          { name: 'up', points: [[0, 0], [1, 1], [2, 2], [3, 3]] },
          { name: 'flat', points: [[0, 0.1 + 0.2], [3, 0.1 + 0.2]] },
        ],
        x: 'step',
      }),
    ).toEqual(['up    ▁▃▆█  min 0, max 3, last 3', 'flat  ▂▂  min 0.3, max 0.3, last 0.3', 'x (step): 0 to 3; y: 0 to 3']);
    expect(sparkline(Array.from({ length: 600 }, (_, i) => i), 0, 599)).toHaveLength(60);
  });

  it('says when there is nothing to draw', () => {
    expect(showText({ kind: 'bars', bars: [] })).toEqual(['(no bars)']);
    expect(showText({ kind: 'line', series: [] })).toEqual(['(no points)']);
    expect(showText({ kind: 'graph', nodes: [], edges: [] })).toEqual(['(an empty graph)']);
  });
});

describe('huge finite values', () => {
  it('draws a sparkline of values near ±1e308 without overflowing (no "undefined" cells)', () => {
    const big = Number.MAX_VALUE;
    // 120 values averaged into 60 cells: the sum of two values near 1.8e308 would be Infinity.
    expect(sparkline(Array.from({ length: 120 }, () => big), -big, big)).toBe('█'.repeat(60));
    expect(sparkline(Array.from({ length: 120 }, () => -big), -big, big)).toBe('▁'.repeat(60));
    expect(showText({ kind: 'line', series: [{ name: '', points: [[0, -big], [1, 0], [2, big]] }] })[0]).toMatch(/^▁[▄▅]█  min/);
    expect(showText({ kind: 'line', series: [{ name: '', points: [[0, 1e308], [1, 1e308]] }] })[0]).toMatch(/^▁▁  min/);
    for (let level = 0; level < 200; level++) expect(sparkline([level / 100 - 0.5], 0, 1)).toMatch(/^[▁▂▃▄▅▆▇█]$/);
  });

  it('draws bars of huge values in proportion', () => {
    const big = Number.MAX_VALUE;
    expect(showText({ kind: 'bars', bars: [{ label: 'a', value: big }, { label: 'b', value: big / 2 }] })).toEqual([
      `a  ${'█'.repeat(40)} ${formatChartNumber(big)}`,
      `b  ${'█'.repeat(20)} ${formatChartNumber(big / 2)}`,
    ]);
  });
});
