/**
 * The thread side of `show.*`: checks what a snippet passed, turns it into {@link ShowData}
 * (show-data.ts) and caps it, so that whatever the snippet draws (a million points, a cyclic
 * object in a cell, a label of a megabyte), what travels is small, plain and safe to render.
 *
 * Wrong input throws a TypeError naming what is wrong and where ("show.bars: the value of "b"
 * is NaN…"); it is thrown at the snippet's call, so the reader sees the snippet line. Input that
 * is only too large is cut, and each drawing carries notes saying what was left out.
 */
import { inspect } from './format.ts';
import {
  MAX_BARS,
  MAX_CELL,
  MAX_COLUMNS,
  MAX_EDGES,
  MAX_LABEL,
  MAX_NODES,
  MAX_NOTE,
  MAX_NOTES,
  MAX_POINTS,
  MAX_ROWS,
  MAX_SERIES,
  MAX_SHOW_BYTES,
  MAX_TITLE,
  type Bar,
  type BarsData,
  type GraphData,
  type GraphEdge,
  type LineData,
  type LineSeries,
  type ShowData,
  type TableCell,
  type TableData,
} from './show-data.ts';

/** Options every `show.*` call takes. */
export interface ShowOptions {
  /** Shown above the drawing (at most {@link MAX_TITLE} characters are kept). */
  title?: string;
}

/** `show.table` options. */
export interface TableOptions extends ShowOptions {
  /**
   * The columns, in order. For object rows, the keys to show; for array rows, the headings of
   * cells 0, 1, … Without it, the columns are the rows' keys (an array's are 0, 1, …) in the
   * order they first appear.
   */
  columns?: readonly string[];
}

/** `show.line` options. */
export interface LineOptions extends ShowOptions {
  /** Name of the x axis (e.g. "time (ms)"). */
  x?: string;
  /** Name of the y axis. */
  y?: string;
}

/** Object rows or arrays of cells; cells may be any value (non-text values are printed). */
export type TableRows = readonly (Readonly<Record<string, unknown>> | readonly unknown[])[];

/** Labelled values: `{ label: value }`, a Map, or `[label, value]` pairs. Values are finite, ≥ 0. */
export type LabelledValues = Readonly<Record<string, number>> | ReadonlyMap<unknown, number> | readonly (readonly [unknown, number])[];

/** A node id: a string, or a number (1 and "1" are the same node). */
export type NodeId = string | number;

/** A graph node: its id, or `{ id, label }` (the label is shown; the id, if no label). */
export type GraphNodeInput = NodeId | { readonly id: NodeId; readonly label?: string | number };

/** A directed edge from one node to another, with an optional label. */
export interface GraphEdgeInput {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly label?: string | number;
}

/**
 * A directed graph. Without `nodes`, the nodes are the edges' ends, in the order they appear;
 * with `nodes`, every edge must join two of them.
 */
export interface GraphInput {
  readonly nodes?: readonly GraphNodeInput[];
  readonly edges?: readonly GraphEdgeInput[];
}

/** Numbers to draw: y values at x = 0, 1, 2, … (an array or a typed array), or `[x, y]` pairs. */
export type LinePoints = readonly number[] | ArrayLike<number> | readonly (readonly [number, number])[];

/** One named series of a line chart. */
export interface LineSeriesInput {
  readonly name?: string;
  readonly points: LinePoints;
}

/** One series (values or pairs), one named series, or several named series. */
export type LineInput = LinePoints | LineSeriesInput | readonly LineSeriesInput[];

/** Builds the drawing with caps divided by 2^shrink (shrink > 0 only when it is too large). */
export type DrawingBuilder = (shrink: number) => ShowData;

const encoder = new TextEncoder();
/** Past this many halvings every cap is at its minimum; the drawing is as small as it gets. */
const MAX_SHRINK = 12;

/**
 * The JSON of the drawing `build` makes, at most {@link MAX_SHOW_BYTES} bytes of UTF-8: when the
 * capped drawing is still larger, its caps are halved until it fits (with a note saying so).
 */
export function fitDrawing(build: DrawingBuilder): string {
  let json = '';
  for (let shrink = 0; shrink <= MAX_SHRINK; shrink++) {
    json = JSON.stringify(build(shrink));
    if (encoder.encode(json).length <= MAX_SHOW_BYTES) break;
  }
  return json;
}

// ── Shared pieces ───────────────────────────────────────────────────────────────────────────

/** Counts what was cut while building one drawing, for its notes. */
class Notes {
  readonly list: string[] = [];
  cutLabels = 0;
  cutCells = 0;

  add(note: string): void {
    this.list.push(note);
  }

  /** The notes field of the drawing: nothing when nothing was cut. */
  finish(shrink: number): { notes?: string[] } {
    if (this.cutLabels) this.add(`${plural(this.cutLabels, 'label')} longer than ${MAX_LABEL} characters cut`);
    if (this.cutCells) this.add(`${plural(this.cutCells, 'cell')} longer than ${MAX_CELL} characters cut`);
    if (shrink > 0) this.add(`cut further to fit the ${MAX_SHOW_BYTES / 1024} KB limit of one drawing`);
    return this.list.length ? { notes: this.list.slice(0, MAX_NOTES).map((note) => cut(note, MAX_NOTE)) } : {};
  }

  label(value: unknown): string {
    const text = oneLine(typeof value === 'string' ? value : String(value));
    if (text.length > MAX_LABEL) this.cutLabels++;
    return cut(text, MAX_LABEL);
  }
}

function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function count(n: number): string {
  return n.toLocaleString('en');
}

/** Text on one line: line breaks and tabs become spaces, so tables and labels stay aligned. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*|\t/g, ' ');
}

/** `text` cut to `max` code units, ending in "…", never in half a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A cap divided by 2^shrink, at least `min`. */
function scaled(cap: number, shrink: number, min = 1): number {
  return Math.max(min, Math.floor(cap / 2 ** shrink));
}

/** What a value is, for error messages: `a string ("abc")`, `a Map`, `a Point object`, `NaN`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'string':
      return `a string (${cut(JSON.stringify(value), 30)})`;
    case 'number':
      return Number.isNaN(value) ? 'NaN' : `the number ${value}`;
    case 'object': {
      if (Array.isArray(value)) return 'an array';
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      return typeof name === 'string' && name && name !== 'Object' ? `a ${name}${/^(Map|Set|Date|RegExp)$/.test(name) ? '' : ' object'}` : 'an object';
    }
    default:
      return `a ${typeof value}`;
  }
}

/**
 * What `list[i]` is, for error messages: like {@link describe}, but a hole of a sparse array
 * (`[1, , 3]`, `new Array(5)`) says so, for it reads as undefined but was never written.
 */
function describeAt(list: readonly unknown[], i: number): string {
  return i in list ? describe(list[i]) : 'an empty slot (a hole in the array)';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isNumberArrayLike(value: unknown): value is ArrayLike<number> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(typeof BigInt64Array !== 'undefined' && (value instanceof BigInt64Array || value instanceof BigUint64Array));
}

function readOptions<T extends ShowOptions>(method: string, options: unknown): Partial<T> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw new TypeError(`${method}: options must be an object like { title: "…" }; got ${describe(options)}.`);
  if (options.title !== undefined && typeof options.title !== 'string') {
    throw new TypeError(`${method}: the title must be a string; got ${describe(options.title)}.`);
  }
  return options as Partial<T>;
}

function title(options: ShowOptions): { title?: string } {
  return options.title === undefined ? {} : { title: cut(oneLine(options.title), MAX_TITLE) };
}

// ── show.table ──────────────────────────────────────────────────────────────────────────────

/** Checks `show.table`'s arguments; the builder caps rows and columns. */
export function prepareTable(rows: unknown, rawOptions?: unknown): DrawingBuilder {
  const method = 'show.table';
  const options = readOptions<TableOptions>(method, rawOptions);
  if (!Array.isArray(rows)) {
    throw new TypeError(`${method}: expected an array of rows (objects or arrays); got ${describe(rows)}.`);
  }
  const given: unknown = options.columns;
  if (given !== undefined && !Array.isArray(given)) {
    throw new TypeError(`${method}: columns must be an array of strings; got ${describe(given)}.`);
  }
  // Loops by index, here and below: forEach and every skip the holes of a sparse array.
  if (given) {
    for (let i = 0; i < given.length; i++) {
      if (typeof given[i] !== 'string') throw new TypeError(`${method}: column ${i} is ${describeAt(given, i)}; columns must be strings.`);
    }
  }
  // Only the rows that can be shown are looked at (a million rows cost nothing more than 100),
  // and only as many of their columns as can be shown are kept (see tableColumns).
  const shown: (Record<string, unknown> | unknown[])[] = [];
  for (let i = 0; i < Math.min(rows.length, MAX_ROWS); i++) {
    const row: unknown = rows[i];
    if (!(i in rows) || (!Array.isArray(row) && !isPlainObject(row))) {
      throw new TypeError(`${method}: row ${i} is ${describeAt(rows, i)}; each row must be a plain object ({ name: value }) or an array of cells.`);
    }
    shown.push(row);
  }
  const { keys, total } = given ? { keys: [...given] as string[], total: given.length } : tableColumns(shown);
  return (shrink) => {
    const notes = new Notes();
    const rowCap = scaled(MAX_ROWS, shrink);
    const columnCount = Math.min(keys.length, MAX_COLUMNS);
    const columns = keys.slice(0, columnCount);
    const cells = (row: Record<string, unknown> | unknown[]): TableCell[] =>
      columns.map((key, i) => tableCell(Array.isArray(row) && given ? row[i] : (row as Record<string, unknown>)[key], notes));
    const data: TableData = {
      kind: 'table',
      ...title(options),
      columns: columns.map((column) => notes.label(column)),
      rows: shown.slice(0, rowCap).map(cells),
    };
    if (rows.length > rowCap) notes.add(`showing the first ${count(rowCap)} of ${count(rows.length)} rows`);
    if (total > columnCount) notes.add(`showing the first ${count(columnCount)} of ${count(total)} columns`);
    return Object.assign(data, notes.finish(shrink));
  };
}

/**
 * The columns of rows without `columns`: the first MAX_COLUMNS keys in the order they first
 * appear (an array row's are 0, 1, …), and how many distinct keys there are in all, for the
 * note. An array row is measured by its length, never by its keys, so rows of a million cells
 * make no million key strings; an object row's keys are its own, already there.
 */
function tableColumns(rows: readonly (Record<string, unknown> | unknown[])[]): { keys: string[]; total: number } {
  const keys = new Set<string>();
  /** Object keys met once `keys` was full. */
  const more = new Set<string>();
  /** The longest array row: its indices 0 … width − 1 are columns. */
  let width = 0;
  for (const row of rows) {
    if (Array.isArray(row)) {
      width = Math.max(width, row.length);
      for (let i = 0; i < row.length && keys.size < MAX_COLUMNS; i++) keys.add(String(i));
    } else {
      for (const key of Object.keys(row)) {
        if (keys.has(key)) continue;
        if (keys.size < MAX_COLUMNS) keys.add(key);
        else more.add(key);
      }
    }
  }
  // The indices 0 … width − 1 are columns too; those already among the keys count once.
  let indicesSeen = 0;
  for (const key of [...keys, ...more]) if (isIndexBelow(key, width)) indicesSeen++;
  return { keys: [...keys], total: keys.size + more.size + width - indicesSeen };
}

/** Whether `key` is an array index (as Object.keys writes it: "0", "12", never "01") below `width`. */
function isIndexBelow(key: string, width: number): boolean {
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < width && String(n) === key;
}

/** A cell: finite numbers stay numbers; anything else becomes one line of text, as console.log prints it. */
function tableCell(value: unknown, notes: Notes): TableCell {
  if (value === undefined) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // inspect copes with cycles ([Circular]), huge arrays (100 entries) and deep nesting.
  const text = oneLine(typeof value === 'string' ? value : inspect(value, 1));
  if (text.length > MAX_CELL) notes.cutCells++;
  return cut(text, MAX_CELL);
}

// ── show.bars ───────────────────────────────────────────────────────────────────────────────

/** Checks `show.bars`'s arguments (every value, not only the shown ones); the builder caps the bars. */
export function prepareBars(values: unknown, rawOptions?: unknown): DrawingBuilder {
  const method = 'show.bars';
  const options = readOptions<ShowOptions>(method, rawOptions);
  let entries: [unknown, unknown][];
  if (values instanceof Map) entries = [...values.entries()];
  else if (Array.isArray(values)) {
    entries = [];
    for (let i = 0; i < values.length; i++) {
      const entry: unknown = values[i];
      if (!(i in values) || !Array.isArray(entry) || entry.length !== 2) {
        throw new TypeError(`${method}: entry ${i} is ${describeAt(values, i)}, not a [label, value] pair.`);
      }
      entries.push([entry[0], entry[1]]);
    }
  } else if (isPlainObject(values)) entries = Object.entries(values);
  else {
    throw new TypeError(`${method}: expected { label: value }, a Map, or [label, value] pairs; got ${describe(values)}.`);
  }
  const labelOf = (label: unknown) => (typeof label === 'string' ? label : inspect(label, 0));
  for (const [label, value] of entries) {
    if (typeof value === 'number' && value >= 0 && value < Infinity) continue;
    // Only a wrong value is worth printing its label for.
    const where = `${method}: the value of ${cut(JSON.stringify(labelOf(label)), MAX_LABEL)} is`;
    if (typeof value !== 'number') throw new TypeError(`${where} ${describe(value)}; every value must be a number.`);
    if (!Number.isFinite(value)) throw new TypeError(`${where} ${value}; every value must be a finite number.`);
    throw new TypeError(`${where} ${value}; bars start at 0, so values must be 0 or more.`);
  }
  return (shrink) => {
    const notes = new Notes();
    const cap = scaled(MAX_BARS, shrink);
    const bars: Bar[] = entries.slice(0, cap).map(([label, value]) => ({ label: notes.label(labelOf(label)), value: value as number }));
    if (entries.length > cap) notes.add(`showing the first ${count(cap)} of ${count(entries.length)} bars`);
    const data: BarsData = { kind: 'bars', ...title(options), bars };
    return Object.assign(data, notes.finish(shrink));
  };
}

// ── show.graph ──────────────────────────────────────────────────────────────────────────────

/** Checks `show.graph`'s argument (ids, duplicate nodes, edges to unknown nodes); the builder caps it. */
export function prepareGraph(graph: unknown, rawOptions?: unknown): DrawingBuilder {
  const method = 'show.graph';
  const options = readOptions<ShowOptions>(method, rawOptions);
  if (typeof graph !== 'object' || graph === null || Array.isArray(graph)) {
    throw new TypeError(`${method}: expected { nodes, edges }; got ${describe(graph)}.`);
  }
  const { nodes: rawNodes, edges: rawEdges = [] } = graph as { nodes?: unknown; edges?: unknown };
  if (rawNodes !== undefined && !Array.isArray(rawNodes)) throw new TypeError(`${method}: nodes must be an array; got ${describe(rawNodes)}.`);
  if (!Array.isArray(rawEdges)) throw new TypeError(`${method}: edges must be an array; got ${describe(rawEdges)}.`);

  const idText = (id: unknown, where: string): string => {
    if (typeof id === 'string') return id;
    if (typeof id === 'number' && Number.isFinite(id)) return String(id);
    throw new TypeError(`${method}: ${where} must be a string or a finite number; got ${describe(id)}.`);
  };
  const labelText = (label: unknown, where: string): string | undefined => {
    if (label === undefined || typeof label === 'string') return label;
    if (typeof label === 'number') return String(label);
    throw new TypeError(`${method}: ${where} must be a string or a number; got ${describe(label)}.`);
  };

  /** Node ids → their index; labels by index. */
  const index = new Map<string, number>();
  const labels: string[] = [];
  for (let i = 0; rawNodes && i < rawNodes.length; i++) {
    const node: unknown = rawNodes[i];
    if (!(i in rawNodes)) throw new TypeError(`${method}: node ${i} is ${describeAt(rawNodes, i)}; each node is an id or { id, label }.`);
    const isNode = typeof node === 'object' && node !== null && !Array.isArray(node);
    const id = idText(isNode ? (node as { id?: unknown }).id : node, isNode ? `node ${i}'s id` : `node ${i}`);
    if (index.has(id)) throw new TypeError(`${method}: node ${i} repeats the id ${JSON.stringify(id)}; ids must be unique.`);
    index.set(id, labels.length);
    labels.push((isNode && labelText((node as { label?: unknown }).label, `node ${i}'s label`)) || id);
  }
  const end = (id: string, i: number): number => {
    let at = index.get(id);
    if (at === undefined) {
      if (rawNodes) {
        throw new TypeError(`${method}: edge ${i} refers to ${JSON.stringify(id)}, which is not among the nodes (add it, or leave nodes out to take them from the edges).`);
      }
      at = labels.length;
      index.set(id, at);
      labels.push(id);
    }
    return at;
  };
  const edges: GraphEdge[] = [];
  for (let i = 0; i < rawEdges.length; i++) {
    const edge: unknown = rawEdges[i];
    if (!(i in rawEdges) || typeof edge !== 'object' || edge === null || Array.isArray(edge)) {
      throw new TypeError(`${method}: edge ${i} is ${describeAt(rawEdges, i)}; each edge is { from, to, label? }.`);
    }
    const { from, to, label } = edge as { from?: unknown; to?: unknown; label?: unknown };
    const result: GraphEdge = { from: end(idText(from, `edge ${i}'s from`), i), to: end(idText(to, `edge ${i}'s to`), i) };
    const text = labelText(label, `edge ${i}'s label`);
    if (text !== undefined) result.label = text;
    edges.push(result);
  }

  return (shrink) => {
    const notes = new Notes();
    const nodeCap = scaled(MAX_NODES, shrink);
    const edgeCap = scaled(MAX_EDGES, shrink);
    const kept = edges.filter((edge) => edge.from < nodeCap && edge.to < nodeCap);
    const data: GraphData = {
      kind: 'graph',
      ...title(options),
      nodes: labels.slice(0, nodeCap).map((label) => notes.label(label)),
      edges: kept.slice(0, edgeCap).map((edge) => (edge.label === undefined ? { ...edge } : { ...edge, label: notes.label(edge.label) })),
    };
    if (labels.length > nodeCap) notes.add(`showing the first ${count(nodeCap)} of ${count(labels.length)} nodes`);
    if (edges.length > data.edges.length) notes.add(`showing ${count(data.edges.length)} of ${count(edges.length)} edges`);
    return Object.assign(data, notes.finish(shrink));
  };
}

// ── show.line ───────────────────────────────────────────────────────────────────────────────

/** A checked series: y values, and x values (null: x is the index). */
interface Series {
  name: string;
  xs: ArrayLike<number> | null;
  ys: ArrayLike<number>;
}

/** Checks `show.line`'s arguments (every point is finite); the builder downsamples long series. */
export function prepareLine(input: unknown, rawOptions?: unknown): DrawingBuilder {
  const method = 'show.line';
  const options = readOptions<LineOptions>(method, rawOptions);
  for (const axis of ['x', 'y'] as const) {
    if (options[axis] !== undefined && typeof options[axis] !== 'string') {
      throw new TypeError(`${method}: the ${axis} axis name must be a string; got ${describe(options[axis])}.`);
    }
  }
  const described = describeSeries(method, input);
  const series = described.slice(0, MAX_SERIES);
  return (shrink) => {
    const notes = new Notes();
    const budget = scaled(Math.floor(MAX_POINTS / Math.max(1, series.length)), shrink, 2);
    const downsampled: string[] = [];
    const lines: LineSeries[] = series.map(({ name, xs, ys }) => {
      const points = ys.length > budget ? downsample(xs, ys, budget) : Array.from(ys, (y, i): [number, number] => [xs ? xs[i] : i, y]);
      if (points.length < ys.length) downsampled.push(`${name ? `${JSON.stringify(name)}: ` : ''}${count(ys.length)} points drawn as ${count(points.length)}`);
      return { name: notes.label(name), points };
    });
    if (downsampled.length) notes.add(`downsampled, keeping each stretch's lowest and highest point: ${downsampled.join('; ')}`);
    if (described.length > series.length) notes.add(`showing the first ${count(series.length)} of ${count(described.length)} series`);
    const data: LineData = { kind: 'line', ...title(options), series: lines };
    if (options.x !== undefined) data.x = notes.label(options.x);
    if (options.y !== undefined) data.y = notes.label(options.y);
    return Object.assign(data, notes.finish(shrink));
  };
}

function describeSeries(method: string, input: unknown): Series[] {
  const isNamed = (value: unknown): value is { name?: unknown; points?: unknown } =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
  if (isNamed(input)) return [namedSeries(method, input, 0, true)];
  if (isNumberArrayLike(input)) return [pointSeries(method, input, '', '')];
  if (!Array.isArray(input)) {
    throw new TypeError(`${method}: expected numbers, [x, y] pairs, or series ({ name, points }); got ${describe(input)}.`);
  }
  if (input.length > 0 && isNamed(input[0])) {
    const series: Series[] = [];
    for (let i = 0; i < input.length; i++) {
      const one: unknown = input[i];
      if (!(i in input) || !isNamed(one)) throw new TypeError(`${method}: series ${i} is ${describeAt(input, i)}; each series is { name, points }.`);
      series.push(namedSeries(method, one, i, input.length === 1));
    }
    return series;
  }
  return [pointSeries(method, input, '', '')];
}

function namedSeries(method: string, series: { name?: unknown; points?: unknown }, i: number, only: boolean): Series {
  const { name = only ? '' : `series ${i + 1}`, points } = series;
  if (typeof name !== 'string') throw new TypeError(`${method}: series ${i}'s name must be a string; got ${describe(name)}.`);
  const where = name ? ` of series ${JSON.stringify(cut(name, MAX_LABEL))}` : only ? '' : ` of series ${i}`;
  return pointSeries(method, points, name, where);
}

/** Checks one series' points: an array of numbers, a typed array, or [x, y] pairs, all finite. */
function pointSeries(method: string, points: unknown, name: string, where: string): Series {
  if (isNumberArrayLike(points)) {
    for (let i = 0; i < points.length; i++) {
      if (!Number.isFinite(points[i])) throw new TypeError(`${method}: value ${i}${where} is ${points[i]}; every value must be a finite number.`);
    }
    return { name, xs: null, ys: points };
  }
  if (!Array.isArray(points)) {
    throw new TypeError(`${method}: the points${where} must be an array of numbers or of [x, y] pairs; got ${describe(points)}.`);
  }
  // By index: forEach would skip the holes of a sparse array, which JSON then writes as null.
  if (points.length === 0 || !Array.isArray(points[0])) {
    for (let i = 0; i < points.length; i++) {
      const y: unknown = points[i];
      if (typeof y !== 'number') throw new TypeError(`${method}: value ${i}${where} is ${describeAt(points, i)}, not a number.`);
      if (!Number.isFinite(y)) throw new TypeError(`${method}: value ${i}${where} is ${y}; every value must be a finite number.`);
    }
    return { name, xs: null, ys: points as number[] };
  }
  const xs = new Float64Array(points.length);
  const ys = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const point: unknown = points[i];
    if (!Array.isArray(point) || point.length !== 2) throw new TypeError(`${method}: point ${i}${where} is ${describeAt(points, i)}, not an [x, y] pair.`);
    for (const [axis, value] of [['x', point[0]], ['y', point[1]]] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new TypeError(`${method}: point ${i}${where} has ${axis} = ${typeof value === 'number' ? value : describe(value)}; every value must be a finite number.`);
      }
    }
    xs[i] = point[0];
    ys[i] = point[1];
  }
  return { name, xs, ys };
}

/**
 * At most `budget` points of a long series: the series is cut into budget / 2 stretches of
 * consecutive points, and each stretch keeps its lowest and highest point, in their order, so
 * peaks and dips survive (an average would flatten them).
 */
export function downsample(xs: ArrayLike<number> | null, ys: ArrayLike<number>, budget: number): [number, number][] {
  const n = ys.length;
  const stretches = Math.max(1, Math.floor(budget / 2));
  const points: [number, number][] = [];
  const push = (i: number) => points.push([xs ? xs[i] : i, ys[i]]);
  for (let s = 0; s < stretches; s++) {
    const start = Math.floor((s * n) / stretches);
    const stop = Math.floor(((s + 1) * n) / stretches);
    if (start >= stop) continue;
    let low = start;
    let high = start;
    for (let i = start + 1; i < stop; i++) {
      if (ys[i] < ys[low]) low = i;
      if (ys[i] > ys[high]) high = i;
    }
    push(Math.min(low, high));
    if (low !== high) push(Math.max(low, high));
  }
  return points;
}
