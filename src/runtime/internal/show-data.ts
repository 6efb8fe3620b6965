/**
 * Drawings (`show.table/bars/graph/line`) as they travel from a snippet's thread to the page and
 * to the command-line runner: plain JSON data, already validated and capped by the thread that
 * drew it (show-normalise.ts). Every string is text to be shown as text, never markup.
 *
 * This file is on the page's critical path (the page checks every event with {@link isShowData}
 * before it touches it), so it holds only the shapes, the caps and the validator.
 */

/** Longest title of a drawing, in UTF-16 code units; longer titles are cut with "…". */
export const MAX_TITLE = 120;
/** Longest label (a column heading, bar label, node or edge label, series or axis name). */
export const MAX_LABEL = 60;
/** Longest table cell. */
export const MAX_CELL = 100;
/** Rows a table shows; later rows are left out and counted in a note. */
export const MAX_ROWS = 100;
/** Columns a table shows. */
export const MAX_COLUMNS = 12;
/** Bars a bar chart shows. */
export const MAX_BARS = 50;
/** Nodes a graph shows (edges touching left-out nodes are left out too). */
export const MAX_NODES = 60;
/** Edges a graph shows. */
export const MAX_EDGES = 120;
/** Series a line chart shows. */
export const MAX_SERIES = 8;
/** Points a line chart keeps in all (longer series are downsampled, keeping peaks and dips). */
export const MAX_POINTS = 1000;
/** Notes (what was capped) a drawing carries. */
export const MAX_NOTES = 8;
/** Longest note. */
export const MAX_NOTE = 200;
/**
 * The most UTF-8 bytes of a drawing's JSON. Well under an output ring (64 KiB), so a drawing is
 * always one record; data that is still larger after the caps is cut further, with a note.
 */
export const MAX_SHOW_BYTES = 32 * 1024;

/** A table cell: text, a finite number (right-aligned), or null for an empty cell. */
export type TableCell = string | number | null;

/** Fields every drawing has. */
interface Drawing {
  /** Shown above the drawing. */
  title?: string;
  /** What was left out or cut, in the reader's words ("showing the first 100 of 2,000 rows"). */
  notes?: string[];
}

/** `show.table`: rows of cells under column headings; every row has one cell per column. */
export interface TableData extends Drawing {
  kind: 'table';
  columns: string[];
  rows: TableCell[][];
}

/** One bar: its label and a finite value ≥ 0. */
export interface Bar {
  label: string;
  value: number;
}

/** `show.bars`: labelled values, drawn as horizontal bars from 0, in the order given. */
export interface BarsData extends Drawing {
  kind: 'bars';
  bars: Bar[];
}

/** An edge between two nodes, given by their index in `nodes`. */
export interface GraphEdge {
  from: number;
  to: number;
  label?: string;
}

/** `show.graph`: a directed graph; `nodes` are the node labels, edges refer to them by index. */
export interface GraphData extends Drawing {
  kind: 'graph';
  nodes: string[];
  edges: GraphEdge[];
}

/** One line of a line chart: `[x, y]` points, finite numbers, in the order drawn. */
export interface LineSeries {
  name: string;
  points: [number, number][];
}

/** `show.line`: values over time (or over any x), one or more series. */
export interface LineData extends Drawing {
  kind: 'line';
  series: LineSeries[];
  /** Axis names. */
  x?: string;
  y?: string;
}

/** A drawing's data, as it travels from a snippet to the page and the command-line runner. */
export type ShowData = TableData | BarsData | GraphData | LineData;

/** The kinds of drawing, as `ShowData['kind']`. */
export type ShowKind = ShowData['kind'];

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;
const isFinite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isIndex = (value: unknown, length: number): boolean => Number.isInteger(value) && (value as number) >= 0 && (value as number) < length;
const isList = (value: unknown, max: number): value is unknown[] => Array.isArray(value) && value.length <= max;
const optional = (value: unknown, test: (value: unknown) => boolean): boolean => value === undefined || test(value);

/**
 * Whether every element of `list` passes `test`. Unlike `list.every`, which skips them, a hole
 * (`[1, , 3]`: a worker's sparse array) fails.
 */
function all(list: readonly unknown[], test: (value: unknown) => boolean): boolean {
  for (let i = 0; i < list.length; i++) if (!(i in list) || !test(list[i])) return false;
  return true;
}

/**
 * True when `value` is well-formed, capped drawing data the page may render: the right shape
 * for its kind, every string within its cap, every number finite, every count within its cap.
 * Anything else (data from a misbehaving worker) is rejected whole.
 */
export function isShowData(value: unknown): value is ShowData {
  if (!isObject(value)) return false;
  if (!optional(value.title, (title) => isText(title, MAX_TITLE))) return false;
  if (!optional(value.notes, (notes) => isList(notes, MAX_NOTES) && all(notes, (note) => isText(note, MAX_NOTE)))) return false;
  switch (value.kind) {
    case 'table':
      return isTable(value);
    case 'bars':
      return isList(value.bars, MAX_BARS) && all(value.bars, (bar) => isObject(bar) && isText(bar.label, MAX_LABEL) && isFinite(bar.value) && bar.value >= 0);
    case 'graph':
      return isGraph(value);
    case 'line':
      return isLine(value);
    default:
      return false;
  }
}

function isTable(value: Fields): boolean {
  const { columns, rows } = value;
  if (!isList(columns, MAX_COLUMNS) || !all(columns, (column) => isText(column, MAX_LABEL))) return false;
  const isCell = (cell: unknown) => cell === null || isFinite(cell) || isText(cell, MAX_CELL);
  return isList(rows, MAX_ROWS) && all(rows, (row) => Array.isArray(row) && row.length === columns.length && all(row, isCell));
}

function isGraph(value: Fields): boolean {
  const { nodes, edges } = value;
  if (!isList(nodes, MAX_NODES) || !all(nodes, (node) => isText(node, MAX_LABEL))) return false;
  return (
    isList(edges, MAX_EDGES) &&
    all(
      edges,
      (edge) =>
        isObject(edge) &&
        isIndex(edge.from, nodes.length) &&
        isIndex(edge.to, nodes.length) &&
        optional(edge.label, (label) => isText(label, MAX_LABEL)),
    )
  );
}

function isLine(value: Fields): boolean {
  const { series } = value;
  if (!optional(value.x, (x) => isText(x, MAX_LABEL)) || !optional(value.y, (y) => isText(y, MAX_LABEL))) return false;
  if (!isList(series, MAX_SERIES)) return false;
  let points = 0;
  for (let i = 0; i < series.length; i++) {
    if (!(i in series)) return false;
    const line = series[i];
    if (!isObject(line) || !isText(line.name, MAX_LABEL) || !Array.isArray(line.points)) return false;
    points += line.points.length;
    if (points > MAX_POINTS) return false;
    if (!all(line.points, (point) => Array.isArray(point) && point.length === 2 && all(point, isFinite))) return false;
  }
  return true;
}

/** Significant digits of a chart's non-integer numbers: enough to read, few enough to align. */
const CHART_DIGITS = 4;

/**
 * A chart's number as the page and the command-line runner print it: integers whole, others to
 * 4 significant digits (0.1 + 0.2 prints as 0.3, 2/3 as 0.6667). Tables print numbers exactly.
 */
export function formatChartNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(CHART_DIGITS)));
}

/**
 * Where `value` lies between `low` and `high` (low < high), from 0 to 1, without overflowing:
 * finite values near ±1.8e308 have a range (high − low) past the largest number, so the halves
 * are subtracted instead. NaN when low ≥ high (no range), so callers choose what a flat range is.
 */
export function chartFraction(value: number, low: number, high: number): number {
  if (!(high > low)) return NaN;
  const span = high - low;
  if (Number.isFinite(span)) return (value - low) / span;
  return (value / 2 - low / 2) / (high / 2 - low / 2);
}
