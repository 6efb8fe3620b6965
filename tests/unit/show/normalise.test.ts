// show.*'s checks, caps and normalisation (thread side), and the page's validator of the result.
import { describe, expect, it } from 'vitest';
import {
  isShowData,
  MAX_BARS,
  MAX_CELL,
  MAX_COLUMNS,
  MAX_EDGES,
  MAX_LABEL,
  MAX_NODES,
  MAX_POINTS,
  MAX_ROWS,
  MAX_SERIES,
  MAX_SHOW_BYTES,
  type BarsData,
  type GraphData,
  type LineData,
  type ShowData,
  type TableData,
} from '../../../src/runtime/internal/show-data.ts';
import { downsample, fitDrawing, prepareBars, prepareGraph, prepareLine, prepareTable } from '../../../src/runtime/internal/show-normalise.ts';

/** What a show.* call sends: the JSON, parsed; it must also pass the page's validator. */
function sent<T extends ShowData>(build: (shrink: number) => ShowData): T {
  const json = fitDrawing(build);
  expect(new TextEncoder().encode(json).length).toBeLessThanOrEqual(MAX_SHOW_BYTES);
  const data = JSON.parse(json) as T;
  expect(isShowData(data)).toBe(true);
  return data;
}

describe('show.table', () => {
  it('takes object rows (columns in first-seen order) and array rows', () => {
    const table = sent<TableData>(prepareTable([{ a: 1, b: 'x' }, { c: true, a: 2 }], { title: 'T' }));
    expect(table).toEqual({ kind: 'table', title: 'T', columns: ['a', 'b', 'c'], rows: [[1, 'x', null], [2, null, 'true']] });
    const arrays = sent<TableData>(prepareTable([['a', 1], ['b', 2]], { columns: ['name', 'n'] }));
    expect(arrays.columns).toEqual(['name', 'n']);
    expect(arrays.rows).toEqual([['a', 1], ['b', 2]]);
  });

  it('prints cyclic, NaN, infinite and nested cell values as text, on one line', () => {
    const row: Record<string, unknown> = { n: NaN, inf: -Infinity, big: 10n, text: 'two\nlines' };
    row.self = row;
    const table = sent<TableData>(prepareTable([row]));
    expect(table.rows[0]).toEqual(['NaN', '-Infinity', '10n', 'two lines', expect.stringContaining('[Circular]')]);
  });

  it('caps rows, columns and cells, and says so', () => {
    const wide = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
    const table = sent<TableData>(prepareTable(Array.from({ length: 1_000_000 }, () => wide)));
    expect(table.columns).toHaveLength(MAX_COLUMNS);
    expect(table.rows.length).toBeLessThanOrEqual(MAX_ROWS);
    expect(table.rows[0][0]).toHaveLength(MAX_CELL);
    expect(String(table.rows[0][0]).endsWith('…')).toBe(true);
    expect(table.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^showing the first \d+ of 1,000,000 rows$/),
        `showing the first ${MAX_COLUMNS} of 30 columns`,
        expect.stringMatching(/cells longer than 100 characters cut/),
        // 100 rows × 12 cells × 100 characters is more than a drawing may carry.
        'cut further to fit the 32 KB limit of one drawing',
      ]),
    );
  });

  it('rejects what is not rows, naming the row', () => {
    class Point {
      x = 1;
    }
    expect(() => prepareTable('rows')).toThrow(new TypeError('show.table: expected an array of rows (objects or arrays); got a string ("rows").'));
    expect(() => prepareTable([{ a: 1 }, new Point()])).toThrow(/row 1 is a Point object; each row must be a plain object/);
    expect(() => prepareTable([new Map()])).toThrow(/row 0 is a Map;/);
    expect(() => prepareTable([1])).toThrow(/row 0 is the number 1;/);
    expect(() => prepareTable([], { columns: 'a' } as never)).toThrow(/columns must be an array of strings/);
    expect(() => prepareTable([], { title: 5 } as never)).toThrow(/the title must be a string; got the number 5/);
  });
});

describe('show.bars', () => {
  it('takes an object, a Map or pairs, in order', () => {
    const expected = [
      { label: 'a', value: 1 },
      { label: 'b', value: 2.5 },
    ];
    expect(sent<BarsData>(prepareBars({ a: 1, b: 2.5 })).bars).toEqual(expected);
    expect(sent<BarsData>(prepareBars(new Map([['a', 1], ['b', 2.5]]))).bars).toEqual(expected);
    expect(sent<BarsData>(prepareBars([['a', 1], ['b', 2.5]])).bars).toEqual(expected);
    expect(sent<BarsData>(prepareBars([[3, 1]])).bars).toEqual([{ label: '3', value: 1 }]);
  });

  it('rejects NaN, infinite, negative and non-number values, naming the label', () => {
    expect(() => prepareBars({ a: 1, b: NaN })).toThrow(new TypeError('show.bars: the value of "b" is NaN; every value must be a finite number.'));
    expect(() => prepareBars({ c: Infinity })).toThrow(/the value of "c" is Infinity/);
    expect(() => prepareBars({ d: -2 })).toThrow(/the value of "d" is -2; bars start at 0/);
    expect(() => prepareBars({ e: '3' } as never)).toThrow(/the value of "e" is a string \("3"\); every value must be a number/);
    expect(() => prepareBars([['a', 1, 2]] as never)).toThrow(/entry 0 is an array, not a \[label, value\] pair/);
    expect(() => prepareBars(42 as never)).toThrow(/expected \{ label: value \}, a Map, or \[label, value\] pairs; got the number 42/);
    expect(() => prepareBars(new Set() as never)).toThrow(/got a Set/);
  });

  it('caps bars and labels, and says so', () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`${'x'.repeat(1000)}${i}`, i]));
    const bars = sent<BarsData>(prepareBars(many));
    expect(bars.bars).toHaveLength(MAX_BARS);
    expect(bars.bars[0].label).toHaveLength(MAX_LABEL);
    expect(bars.notes).toEqual([`showing the first ${MAX_BARS} of 500 bars`, `${MAX_BARS} labels longer than ${MAX_LABEL} characters cut`]);
  });
});

describe('show.graph', () => {
  it('numbers nodes, takes them from the edges when not given, and keeps cycles and self-loops', () => {
    const graph = sent<GraphData>(
      prepareGraph({ edges: [{ from: 'a', to: 'b', label: 'next' }, { from: 'b', to: 'a' }, { from: 'b', to: 'b', label: 7 }] }),
    );
    expect(graph).toEqual({
      kind: 'graph',
      nodes: ['a', 'b'],
      edges: [
        { from: 0, to: 1, label: 'next' },
        { from: 1, to: 0 },
        { from: 1, to: 1, label: '7' },
      ],
    });
    const labelled = sent<GraphData>(prepareGraph({ nodes: [{ id: 1, label: 'root' }, 2], edges: [{ from: 1, to: '2' }] }));
    expect(labelled.nodes).toEqual(['root', '2']);
    expect(labelled.edges).toEqual([{ from: 0, to: 1 }]);
  });

  it('accepts node objects that refer to themselves (only id and label are read)', () => {
    const node: Record<string, unknown> = { id: 'n' };
    node.self = node;
    expect(sent<GraphData>(prepareGraph({ nodes: [node] })).nodes).toEqual(['n']);
  });

  it('rejects repeated ids, unknown ends and bad ids', () => {
    expect(() => prepareGraph({ nodes: ['a', 'a'] })).toThrow(new TypeError('show.graph: node 1 repeats the id "a"; ids must be unique.'));
    expect(() => prepareGraph({ nodes: ['a'], edges: [{ from: 'a', to: 'zed' }] })).toThrow(/edge 0 refers to "zed", which is not among the nodes/);
    expect(() => prepareGraph({ edges: [{ from: NaN, to: 'a' }] })).toThrow(/edge 0's from must be a string or a finite number; got NaN/);
    expect(() => prepareGraph({ nodes: [{ id: {} }] } as never)).toThrow(/node 0's id must be a string or a finite number; got an object/);
    expect(() => prepareGraph({ edges: 'a->b' } as never)).toThrow(/edges must be an array/);
    expect(() => prepareGraph([] as never)).toThrow(/expected \{ nodes, edges \}; got an array/);
    expect(() => prepareGraph({ edges: [{ from: 'a', to: 'b', label: {} }] } as never)).toThrow(/edge 0's label must be a string or a number/);
  });

  it('caps nodes and edges, dropping edges to left-out nodes', () => {
    const edges = Array.from({ length: 10_000 }, (_, i) => ({ from: i, to: i + 1 }));
    const graph = sent<GraphData>(prepareGraph({ edges }));
    expect(graph.nodes).toHaveLength(MAX_NODES);
    expect(graph.edges).toHaveLength(MAX_NODES - 1);
    expect(graph.edges.every((edge) => edge.to < MAX_NODES)).toBe(true);
    expect(graph.notes).toEqual([`showing the first ${MAX_NODES} of 10,001 nodes`, `showing ${MAX_NODES - 1} of 10,000 edges`]);
    const dense = sent<GraphData>(prepareGraph({ edges: Array.from({ length: 1000 }, (_, i) => ({ from: i % 10, to: (i * 7) % 10 })) }));
    expect(dense.edges).toHaveLength(MAX_EDGES);
  });
});

describe('show.line', () => {
  it('takes values, pairs, a typed array and named series', () => {
    expect(sent<LineData>(prepareLine([5, 6])).series).toEqual([{ name: '', points: [[0, 5], [1, 6]] }]);
    expect(sent<LineData>(prepareLine([[10, 1], [20, 2]])).series).toEqual([{ name: '', points: [[10, 1], [20, 2]] }]);
    expect(sent<LineData>(prepareLine(new Int32Array([7, 8]))).series[0].points).toEqual([[0, 7], [1, 8]]);
    const named = sent<LineData>(prepareLine([{ name: 'up', points: [1] }, { points: [[0, 2]] }], { x: 'time', y: 'items' }));
    expect(named.series.map((series) => series.name)).toEqual(['up', 'series 2']);
    expect([named.x, named.y]).toEqual(['time', 'items']);
  });

  it('downsamples a million points, keeping the peak and the dip, and says so', () => {
    const values = new Float64Array(1_000_000).map((_, i) => Math.sin(i / 5000));
    values[123_457] = 50;
    values[876_543] = -50;
    const line = sent<LineData>(prepareLine(values));
    const points = line.series[0].points;
    expect(points.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(points).toContainEqual([123_457, 50]);
    expect(points).toContainEqual([876_543, -50]);
    expect(points.map(([x]) => x)).toEqual([...points.map(([x]) => x)].sort((a, b) => a - b));
    expect(line.notes?.[0]).toMatch(/^downsampled, keeping each stretch's lowest and highest point: 1,000,000 points drawn as [\d,]+$/);
  });

  it('shares the point budget between series and caps the series', () => {
    const series = Array.from({ length: 20 }, (_, i) => ({ name: `s${i}`, points: Array.from({ length: 5000 }, (_, j) => j * i) }));
    const line = sent<LineData>(prepareLine(series));
    expect(line.series).toHaveLength(MAX_SERIES);
    expect(line.series.reduce((sum, s) => sum + s.points.length, 0)).toBeLessThanOrEqual(MAX_POINTS);
    expect(line.notes).toContain(`showing the first ${MAX_SERIES} of 20 series`);
  });

  it('rejects NaN, infinite and non-number values, naming where', () => {
    expect(() => prepareLine([1, NaN])).toThrow(new TypeError('show.line: value 1 is NaN; every value must be a finite number.'));
    expect(() => prepareLine(new Float32Array([0, 0, Infinity]))).toThrow(/value 2 is Infinity/);
    expect(() => prepareLine([{ name: 'lat', points: [[0, 1], [1, NaN]] }])).toThrow(/point 1 of series "lat" has y = NaN/);
    expect(() => prepareLine([1, '2'] as never)).toThrow(/value 1 is a string \("2"\), not a number/);
    expect(() => prepareLine([[1, 2, 3]] as never)).toThrow(/point 0 is an array, not an \[x, y\] pair/);
    expect(() => prepareLine('1,2,3' as never)).toThrow(/expected numbers, \[x, y\] pairs, or series/);
    expect(() => prepareLine([{ name: 3, points: [] }] as never)).toThrow(/series 0's name must be a string/);
    expect(() => prepareLine([1], { x: 1 } as never)).toThrow(/the x axis name must be a string/);
  });

  it('downsample keeps at most the budget, in order', () => {
    const ys = Array.from({ length: 101 }, (_, i) => (i % 10) * (i % 3));
    const points = downsample(null, ys, 20);
    expect(points.length).toBeLessThanOrEqual(20);
    expect(points[0][0]).toBe(0);
  });
});

describe('isShowData (the page trusts nothing from a worker)', () => {
  const good: ShowData[] = [
    { kind: 'table', columns: ['a'], rows: [[1], ['x'], [null]] },
    { kind: 'bars', bars: [{ label: 'a', value: 0 }] },
    { kind: 'graph', nodes: ['a', 'b'], edges: [{ from: 0, to: 1, label: 'x' }] },
    { kind: 'line', series: [{ name: '', points: [[0, 1]] }], x: 't' },
  ];

  it('accepts well-formed data', () => {
    for (const data of good) expect(isShowData(data)).toBe(true);
  });

  it('rejects anything malformed or over a cap', () => {
    const bad: unknown[] = [
      null,
      'table',
      { kind: 'pie', notes: [] },
      { kind: 'table', columns: ['a', 'b'], rows: [[1]] },
      { kind: 'table', columns: ['a'], rows: [[{}]] },
      { kind: 'table', columns: ['a'], rows: [['x'.repeat(MAX_CELL + 1)]] },
      { kind: 'table', columns: ['a'], rows: Array.from({ length: MAX_ROWS + 1 }, () => [1]) },
      { kind: 'bars', bars: [{ label: 'a', value: NaN }] },
      { kind: 'bars', bars: [{ label: 'a', value: -1 }] },
      { kind: 'bars', bars: [{ label: 'x'.repeat(MAX_LABEL + 1), value: 1 }] },
      { kind: 'bars', bars: [], title: 42 },
      { kind: 'bars', bars: [], notes: ['x'.repeat(1000)] },
      { kind: 'graph', nodes: ['a'], edges: [{ from: 0, to: 1 }] },
      { kind: 'graph', nodes: ['a'], edges: [{ from: 0.5, to: 0 }] },
      { kind: 'graph', nodes: [{ label: 'a' }], edges: [] },
      { kind: 'line', series: [{ name: '', points: [[0, Infinity]] }] },
      { kind: 'line', series: [{ name: '', points: [[0, 1, 2]] }] },
      { kind: 'line', series: [{ name: '', points: Array.from({ length: MAX_POINTS + 1 }, (_, i) => [i, i]) }] },
    ];
    for (const data of bad) expect(isShowData(data), JSON.stringify(data)?.slice(0, 80)).toBe(false);
  });
});

describe("sparse arrays (holes are the snippet's error, named at the call, never sent)", () => {
  it('show.line: a hole among values, pairs or series is reported with its index', () => {
    expect(() => prepareLine([1, , 3])).toThrow(new TypeError('show.line: value 1 is an empty slot (a hole in the array), not a number.'));
    expect(() => prepareLine(new Array(5))).toThrow(/value 0 is an empty slot \(a hole in the array\), not a number/);
    expect(() => prepareLine([[0, 1], , [2, 3]])).toThrow(/point 1 is an empty slot \(a hole in the array\), not an \[x, y\] pair/);
    expect(() => prepareLine([{ name: 'a', points: [1] }, , { name: 'b', points: [2] }] as never)).toThrow(/series 1 is an empty slot \(a hole in the array\)/);
    expect(() => prepareLine({ name: 'lat', points: [1, , 3] })).toThrow(/value 1 of series "lat" is an empty slot/);
  });

  it('show.table: a hole among the rows or the columns is reported with its index', () => {
    expect(() => prepareTable([{ a: 1 }, , { a: 2 }], { columns: ['a'] })).toThrow(
      new TypeError('show.table: row 1 is an empty slot (a hole in the array); each row must be a plain object ({ name: value }) or an array of cells.'),
    );
    expect(() => prepareTable([, { a: 1 }])).toThrow(/row 0 is an empty slot/);
    expect(() => prepareTable([{ a: 1 }], { columns: [, 'a'] as never })).toThrow(/column 0 is an empty slot \(a hole in the array\); columns must be strings/);
    // A hole inside an array row is an empty cell, like undefined.
    expect(sent<TableData>(prepareTable([[1, , 3]], { columns: ['a', 'b', 'c'] })).rows).toEqual([[1, null, 3]]);
  });

  it('show.bars and show.graph: a hole among the entries, nodes or edges is reported with its index', () => {
    expect(() => prepareBars([, ['a', 1]] as never)).toThrow(new TypeError('show.bars: entry 0 is an empty slot (a hole in the array), not a [label, value] pair.'));
    expect(() => prepareGraph({ nodes: ['a', , 'b'] } as never)).toThrow(/node 1 is an empty slot \(a hole in the array\)/);
    expect(() => prepareGraph({ edges: [{ from: 'a', to: 'b' }, , { from: 'b', to: 'a' }] } as never)).toThrow(/edge 1 is an empty slot \(a hole in the array\)/);
  });

  it('isShowData rejects holes anywhere (every() would skip them)', () => {
    const bad: unknown[] = [
      { kind: 'line', series: [{ name: '', points: [[0, 1], , [2, 3]] }] },
      { kind: 'line', series: [{ name: '', points: [[0, 1]] }, , { name: '', points: [] }] },
      { kind: 'table', columns: ['a'], rows: [[1], , [2]] },
      { kind: 'table', columns: ['a', 'b'], rows: [[1, ,]] },
      { kind: 'table', columns: ['a', , 'c'], rows: [] },
      { kind: 'bars', bars: [, { label: 'a', value: 1 }] },
      { kind: 'graph', nodes: ['a', , 'b'], edges: [] },
      { kind: 'graph', nodes: ['a'], edges: [, { from: 0, to: 0 }] },
      { kind: 'bars', bars: [], notes: ['a', , 'b'] },
    ];
    for (const data of bad) expect(isShowData(data), JSON.stringify(data)).toBe(false);
  });
});

describe('show.table without columns: wide rows cost no more than the columns shown', () => {
  it('does not turn every index of a huge array row into a key, and still counts the columns', () => {
    // A row of a million cells, a hundred times: Object.keys would make 10^8 key strings.
    const wide = new Array<number>(1_000_000).fill(1);
    const keys = Object.keys;
    Object.keys = ((value: object) => {
      if (Array.isArray(value) && value.length > 1000) throw new Error(`Object.keys of an array of ${value.length} cells`);
      return keys(value);
    }) as typeof Object.keys;
    let table: TableData;
    try {
      table = sent<TableData>(prepareTable(Array.from({ length: 100 }, () => wide)));
    } finally {
      Object.keys = keys;
    }
    expect(table.columns).toEqual(Array.from({ length: MAX_COLUMNS }, (_, i) => String(i)));
    expect(table.notes).toContain(`showing the first ${MAX_COLUMNS} of 1,000,000 columns`);
  });

  it('counts the columns of object and array rows together, each key once', () => {
    const objectKeys = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    // Keys k0…k19, then indices 0…29 of an array row, then k5 (seen) and "3" (an index, seen) and "x".
    const table = sent<TableData>(prepareTable([objectKeys, new Array(30).fill(0), { k5: 1, 3: 2, x: 3 }]));
    expect(table.columns).toEqual(Array.from({ length: MAX_COLUMNS }, (_, i) => `k${i}`));
    expect(table.notes).toContain(`showing the first ${MAX_COLUMNS} of 51 columns`);
    // Few columns: every one, in first-seen order, as before.
    expect(sent<TableData>(prepareTable([['a', 1], { 0: 'b', z: 2 }])).columns).toEqual(['0', '1', 'z']);
  });
});

describe('show.bars builds its error text only for a wrong value', () => {
  it('does not print the labels of valid entries while checking them', () => {
    let touched = 0;
    const counting = new Proxy({}, {
      get: (target, key, receiver) => (touched++, Reflect.get(target, key, receiver)),
      getPrototypeOf: (target) => (touched++, Reflect.getPrototypeOf(target)),
      ownKeys: (target) => (touched++, Reflect.ownKeys(target)),
    });
    const entries = new Map<unknown, number>(Array.from({ length: 1000 }, (_, i) => [i === 0 ? counting : `label ${i}`, i]));
    prepareBars(entries);
    expect(touched).toBe(0);
    expect(() => prepareBars(new Map<unknown, number>([[counting, 1], ['bad', -1]]))).toThrow(/the value of "bad" is -1/);
  });
});
