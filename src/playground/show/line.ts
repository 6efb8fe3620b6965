/**
 * `show.line` as an SVG chart: one polyline per series on shared axes, a legend, and the
 * series summarised as text (min, max, last) for screen readers.
 */
import { formatChartNumber, type LineData } from '../../runtime/internal/show-data.ts';
import { asText, figure, html, svg, svgText } from './dom.ts';
import { HEIGHT, lineScale, PLOT, WIDTH } from './line-scale.ts';
import './show.css';

/** Series colours (show.css defines them for both themes). */
const COLOURS = 8;

/** Renders a line chart; names are set as text. */
export function renderLine(data: LineData): HTMLElement {
  const points = data.series.flatMap((series) => series.points);
  if (points.length === 0) return figure('line', data.title, 'Line chart', [html('p', 'show-empty', 'No points.')], data.notes);
  const scale = lineScale(points);
  const { x: sx, y: sy } = scale;
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;

  const picture = svg('svg', { class: 'show-line-svg', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img' });
  picture.setAttribute('aria-label', summary(data));
  const axes = svg('g', { class: 'show-axes' });
  for (const y of scale.yTicks) {
    axes.append(
      svg('line', { x1: PLOT.left, x2: WIDTH - PLOT.right, y1: sy(y), y2: sy(y), class: 'show-grid' }),
      svgText(formatChartNumber(y), { x: PLOT.left - 6, y: sy(y), 'text-anchor': 'end', 'dominant-baseline': 'central', class: 'show-tick' }),
    );
  }
  const [firstX, lastX] = [scale.xTicks[0], scale.xTicks[scale.xTicks.length - 1]];
  const xTicks = scale.xTicks.length > 1 ? ([[firstX, 'start'], [lastX, 'end']] as const) : ([[firstX, 'middle']] as const);
  for (const [x, anchor] of xTicks) {
    axes.append(svgText(formatChartNumber(x), { x: sx(x), y: HEIGHT - PLOT.bottom + 16, 'text-anchor': anchor, class: 'show-tick' }));
  }
  if (data.x) axes.append(svgText(data.x, { x: PLOT.left + plotWidth / 2, y: HEIGHT - 6, 'text-anchor': 'middle', class: 'show-axis-name' }));
  if (data.y) axes.append(svgText(data.y, { x: 12, y: PLOT.top + plotHeight / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${PLOT.top + plotHeight / 2})`, class: 'show-axis-name' }));
  picture.append(axes);

  data.series.forEach((series, i) => {
    const colour = `show-series-${i % COLOURS}`;
    if (series.points.length === 1) {
      const [[x, y]] = series.points;
      picture.append(svg('circle', { cx: sx(x), cy: sy(y), r: 3, class: `show-dot ${colour}` }));
    } else {
      picture.append(svg('polyline', { points: series.points.map(([x, y]) => `${sx(x)},${sy(y)}`).join(' '), class: `show-polyline ${colour}` }));
    }
  });

  const body: Node[] = [picture];
  if (data.series.length > 1 || data.series[0]?.name) {
    const legend = html('ul', 'show-legend');
    data.series.forEach((series, i) => {
      const item = html('li', '');
      item.append(html('span', `show-swatch show-series-${i % COLOURS}`), document.createTextNode(series.name || `series ${i + 1}`));
      legend.append(item);
    });
    body.push(legend);
  }
  body.push(asText(data));
  return figure('line', data.title, 'Line chart', body, data.notes);
}

/** One sentence per series for assistive technology: its range and last value. */
function summary(data: LineData): string {
  const parts = data.series.map((series, i) => {
    const ys = series.points.map((point) => point[1]);
    const name = series.name || (data.series.length > 1 ? `series ${i + 1}` : 'values');
    if (ys.length === 0) return `${name}: no points`;
    return `${name}: ${ys.length} points from ${formatChartNumber(Math.min(...ys))} to ${formatChartNumber(Math.max(...ys))}, last ${formatChartNumber(ys[ys.length - 1])}`;
  });
  return `Line chart. ${parts.join('; ')}.`;
}
