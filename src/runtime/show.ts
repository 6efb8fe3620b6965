/**
 * `show`: drawings from a snippet. The page draws them in the output, in order with the console
 * lines of every thread; the command-line runner prints them as text (aligned tables, bars of
 * block characters, edge lists, sparklines).
 *
 * Callable from any thread. Each call checks its data where it is called (wrong data throws a
 * TypeError naming what is wrong, reported at the snippet's line), caps it (see the MAX_*
 * constants in internal/show-data.ts: 100 rows, 50 bars, 60 nodes, 1,000 points…; the drawing
 * says what it left out) and sends it as plain data: nothing a snippet shows is ever treated as
 * HTML. Like console.log, a call waits only if the thread's output is full.
 */
import { writeDrawing } from './internal/output.ts';
import {
  fitDrawing,
  prepareBars,
  prepareGraph,
  prepareLine,
  prepareTable,
  type GraphInput,
  type LabelledValues,
  type LineInput,
  type LineOptions,
  type ShowOptions,
  type TableOptions,
  type TableRows,
} from './internal/show-normalise.ts';

export type {
  GraphEdgeInput,
  GraphInput,
  GraphNodeInput,
  LabelledValues,
  LineInput,
  LineOptions,
  LinePoints,
  LineSeriesInput,
  NodeId,
  ShowOptions,
  TableOptions,
  TableRows,
} from './internal/show-normalise.ts';

/** The drawing functions, as `show.table(…)`, `show.bars(…)`, `show.graph(…)`, `show.line(…)`. */
export interface Show {
  /**
   * A table. Rows are plain objects (their keys are the columns, in the order they first
   * appear) or arrays of cells; `options.columns` picks and orders the keys, or names the
   * cells of array rows. Numbers are right-aligned; other values print as console.log prints
   * them, on one line.
   *
   * Caps: the first 100 rows and 12 columns, 100 characters a cell, 60 a heading; the table
   * says what it left out.
   * @throws TypeError when `rows` is not an array, or a row is neither a plain object nor an array
   *   (a hole of a sparse array included), naming its index.
   * @example show.table([{ thread: 'a', items: 3 }, { thread: 'b', items: 5 }], { title: 'Work done' });
   */
  table(rows: TableRows, options?: TableOptions): void;

  /**
   * A bar chart (or a histogram): one horizontal bar per label, from 0, in the order given.
   * Values are finite numbers, 0 or more.
   *
   * Caps: the first 50 bars, 60 characters a label.
   * @throws TypeError for a value that is not a number, NaN, infinite or negative (naming its label),
   *   or data that is not `{ label: value }`, a Map, or `[label, value]` pairs.
   * @example show.bars({ 'Thread-1': 12, 'Thread-2': 9 }, { title: 'Items per thread' });
   */
  bars(values: LabelledValues, options?: ShowOptions): void;

  /**
   * A directed graph, laid out in layers from its sources, arrows labelled. Nodes are ids or
   * `{ id, label }`; edges are `{ from, to, label? }` between ids. Without `nodes`, the edges'
   * ends are the nodes. Cycles and self-loops are fine.
   *
   * Caps: the first 60 nodes and 120 edges (edges to left-out nodes are left out), 60
   * characters a label.
   * @throws TypeError for a repeated node id, an edge to a node not in `nodes`, or an id that
   *   is not a string or a finite number.
   * @example show.graph({ edges: [{ from: 'root', to: 'a', label: 'next' }, { from: 'a', to: 'root' }] });
   */
  graph(graph: GraphInput, options?: ShowOptions): void;

  /**
   * A line chart of values over time (or any x): y values at x = 0, 1, 2, … (an array or a
   * typed array), `[x, y]` pairs, or several series `{ name, points }`. Every value must be
   * finite.
   *
   * Caps: 8 series and 1,000 points in all; a longer series is downsampled (each stretch keeps
   * its lowest and highest point, so peaks survive), and the chart says so. A million points
   * are fine: the work is done in the calling thread, never on the page.
   * @throws TypeError for a value that is NaN, infinite or not a number, or a hole of a sparse array
   *   (naming its index and series).
   * @example show.line([3, 5, 4, 8], { title: 'Queue length', x: 'step', y: 'items' });
   */
  line(series: LineInput, options?: LineOptions): void;
}

/** Draws tables, bar charts, graphs and line charts in the output. See {@link Show}. */
export const show: Show = Object.freeze({
  table: (rows: TableRows, options?: TableOptions) => writeDrawing(fitDrawing(prepareTable(rows, options))),
  bars: (values: LabelledValues, options?: ShowOptions) => writeDrawing(fitDrawing(prepareBars(values, options))),
  graph: (graph: GraphInput, options?: ShowOptions) => writeDrawing(fitDrawing(prepareGraph(graph, options))),
  line: (series: LineInput, options?: LineOptions) => writeDrawing(fitDrawing(prepareLine(series, options))),
});
