/**
 * The scales of a line chart (line.ts): data values to SVG coordinates, and the values to write
 * on the axes. Pure, and finite for any finite data, however large: a range past the largest
 * number (−1e308 … 1e308) is measured in halves, and a range that cannot be widened around a
 * flat line puts the line mid-chart.
 */
import { chartFraction } from '../../runtime/internal/show-data.ts';

/** The chart's drawing box (it scales with the page; the text scales with it). */
export const WIDTH = 420;
export const HEIGHT = 220;
export const PLOT = { left: 60, right: 14, top: 12, bottom: 40 } as const;

/** How a line chart's values map to the picture. */
export interface LineScale {
  /** The x coordinate of an x value, y coordinate of a y value (rounded to 0.1). */
  x(value: number): number;
  y(value: number): number;
  /** The values to write on each axis: both ends of x; bottom, middle and top of y (one value when all are equal). */
  xTicks: number[];
  yTicks: number[];
}

/** The scales for `points` (at least one), each axis from its lowest to its highest value. */
export function lineScale(points: readonly (readonly [number, number])[]): LineScale {
  const [minX, maxX] = padded(points.map((point) => point[0]));
  const [minY, maxY] = padded(points.map((point) => point[1]));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  return {
    x: (x) => round(PLOT.left + at(x, minX, maxX) * plotWidth),
    y: (y) => round(PLOT.top + (1 - at(y, minY, maxY)) * plotHeight),
    xTicks: minX === maxX ? [minX] : [minX, maxX],
    // The middle as a sum of halves: minY + maxY may overflow.
    yTicks: minY === maxY ? [minY] : [minY, minY / 2 + maxY / 2, maxY],
  };
}

/** Where `value` lies on an axis from `low` to `high`, 0 … 1; mid-axis when the axis has no range. */
function at(value: number, low: number, high: number): number {
  const fraction = chartFraction(value, low, high);
  return Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0.5;
}

/**
 * min … max of `values`, widened when they are all equal (a flat line sits mid-chart). When
 * widening would overflow (values near ±1.8e308), the range stays flat and `at` centres it.
 */
function padded(values: number[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  if (low !== high) return [low, high];
  const pad = Math.abs(low) || 1;
  const [below, above] = [low - pad, high + pad];
  return Number.isFinite(below) && Number.isFinite(above) ? [below, above] : [low, high];
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
