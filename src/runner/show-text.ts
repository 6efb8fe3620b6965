/**
 * Drawings (show.*) as plain text, for the command-line runner: aligned tables, bars of block
 * characters, edge lists, and sparklines. Pure; the lines come back without thread labels.
 */
import { chartFraction, formatChartNumber, type BarsData, type GraphData, type LineData, type ShowData, type TableData } from '../runtime/internal/show-data.ts';

/** Width of the longest bar, in character cells. */
export const BAR_WIDTH = 40;
/** Widest sparkline, in character cells (longer series are averaged into this many). */
export const SPARK_WIDTH = 60;
/** A bar's last cell, in eighths: '' for none, '▏' for 1/8 … '▉' for 7/8. */
const PARTIAL_BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const FULL_BLOCK = '█';
const SPARKS = '▁▂▃▄▅▆▇█';
const COLUMN_GAP = '  ';

/** The drawing as lines of text: its title, the drawing, then what was left out, in parentheses. */
export function showText(data: ShowData): string[] {
  const lines: string[] = data.title === undefined ? [] : [data.title];
  switch (data.kind) {
    case 'table':
      lines.push(...tableText(data));
      break;
    case 'bars':
      lines.push(...barsText(data));
      break;
    case 'graph':
      lines.push(...graphText(data));
      break;
    case 'line':
      lines.push(...lineText(data));
      break;
  }
  for (const note of data.notes ?? []) lines.push(`(${note})`);
  return lines.map((line) => line.trimEnd());
}

/** Which columns hold only numbers (and empty cells): they are right-aligned, on the page too. */
export function numericColumns({ columns, rows }: TableData): boolean[] {
  return columns.map((_, c) => rows.some((row) => row[c] !== null) && rows.every((row) => row[c] === null || typeof row[c] === 'number'));
}

function tableText(data: TableData): string[] {
  const { columns, rows } = data;
  if (columns.length === 0) return [`(a table of ${rows.length} empty row${rows.length === 1 ? '' : 's'})`];
  const text = rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell))));
  const numeric = numericColumns(data);
  const widths = columns.map((column, c) => Math.max(column.length, ...text.map((row) => row[c].length)));
  const align = (cells: string[]) => cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(COLUMN_GAP);
  return [align(columns), widths.map((width) => '─'.repeat(width)).join(COLUMN_GAP), ...text.map(align)];
}

/** A bar of `fraction` × BAR_WIDTH cells, to the nearest eighth of a cell. */
export function barText(fraction: number): string {
  const eighths = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH * 8);
  return FULL_BLOCK.repeat(Math.floor(eighths / 8)) + PARTIAL_BLOCKS[eighths % 8];
}

function barsText({ bars }: BarsData): string[] {
  if (bars.length === 0) return ['(no bars)'];
  const max = Math.max(...bars.map((bar) => bar.value));
  const width = Math.max(...bars.map((bar) => bar.label.length));
  return bars.map((bar) => {
    const drawn = barText(max > 0 ? bar.value / max : 0);
    return `${bar.label.padEnd(width)}  ${drawn}${drawn ? ' ' : ''}${formatChartNumber(bar.value)}`;
  });
}

function graphText({ nodes, edges }: GraphData): string[] {
  const lines = edges.map((edge) => `${nodes[edge.from]} → ${nodes[edge.to]}${edge.label === undefined ? '' : ` (${edge.label})`}`);
  const linked = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
  nodes.forEach((node, i) => {
    if (!linked.has(i)) lines.push(`${node} (no edges)`);
  });
  return lines.length ? lines : ['(an empty graph)'];
}

/** `values` as a sparkline of at most SPARK_WIDTH cells, on the scale min … max. */
export function sparkline(values: number[], min: number, max: number): string {
  const cells = Math.min(values.length, SPARK_WIDTH);
  let text = '';
  for (let c = 0; c < cells; c++) {
    const start = Math.floor((c * values.length) / cells);
    const stop = Math.floor(((c + 1) * values.length) / cells);
    // The mean, summed as v / n: a sum of values near 1e308 would overflow to Infinity.
    const n = stop - start;
    let mean = 0;
    for (let i = start; i < stop; i++) mean += values[i] / n;
    const level = Math.round(chartFraction(mean, min, max) * (SPARKS.length - 1));
    // No range (min = max), or a mean just outside it by rounding: the nearest level.
    text += SPARKS[Number.isNaN(level) ? 0 : Math.min(SPARKS.length - 1, Math.max(0, level))];
  }
  return text;
}

function lineText({ series, x, y }: LineData): string[] {
  const points = series.flatMap((line) => line.points);
  if (points.length === 0) return ['(no points)'];
  const range = (values: number[]) => values.reduce(([low, high], v) => [Math.min(low, v), Math.max(high, v)], [Infinity, -Infinity]);
  const [minY, maxY] = range(points.map((point) => point[1]));
  const [minX, maxX] = range(points.map((point) => point[0]));
  const width = Math.max(...series.map((line) => line.name.length));
  const lines = series.map((line) => {
    const ys = line.points.map((point) => point[1]);
    const name = width > 0 ? `${line.name.padEnd(width)}  ` : '';
    if (ys.length === 0) return `${name}(no points)`;
    const [low, high] = range(ys);
    return `${name}${sparkline(ys, minY, maxY)}  min ${formatChartNumber(low)}, max ${formatChartNumber(high)}, last ${formatChartNumber(ys[ys.length - 1])}`;
  });
  const axis = (name: string, axisName: string | undefined, low: number, high: number) =>
    `${name}${axisName ? ` (${axisName})` : ''}: ${formatChartNumber(low)} to ${formatChartNumber(high)}`;
  lines.push(`${axis('x', x, minX, maxX)}; ${axis('y', y, minY, maxY)}`);
  return lines;
}
