/**
 * A bar chart: a table of label, bar and value, so it reads as text (to screen readers too) and
 * fits a phone's width. Used for `show.bars` and for the playground's Run ×N histogram.
 */
import { formatChartNumber, type BarsData } from '../../runtime/internal/show-data.ts';
import { figure, html, scrolling } from './dom.ts';
import './show.css';

/** Room kept beside the longest bar for its value. */
const VALUE_ROOM = '9ch';

/** Options of {@link renderBars}. */
export interface BarsOptions {
  /** The chart's caption; the data's title when not given. */
  caption?: string;
}

/**
 * Renders labelled values as horizontal bars from 0 (the longest bar is the largest value),
 * each with its value as text. Returns a `<figure>`; every label is set as text.
 */
export function renderBars(data: BarsData, options: BarsOptions = {}): HTMLElement {
  const max = Math.max(0, ...data.bars.map((bar) => bar.value));
  const table = html('table', 'show-bars-table');
  const body = html('tbody', '');
  for (const bar of data.bars) {
    const row = html('tr', '');
    const label = html('th', 'show-label', bar.label);
    label.scope = 'row';
    const cell = html('td', 'show-bar-cell');
    const line = html('span', 'show-bar-line');
    const fill = html('span', 'show-bar');
    // The longest bar leaves room for its value beside it.
    fill.style.inlineSize = `calc((100% - ${VALUE_ROOM}) * ${max > 0 ? bar.value / max : 0})`;
    line.append(fill, html('span', 'show-value', formatChartNumber(bar.value)));
    cell.append(line);
    row.append(label, cell);
    body.append(row);
  }
  table.append(body);
  const content = data.bars.length ? [scrolling(table)] : [html('p', 'show-empty', 'No bars.')];
  return figure('bars', options.caption ?? data.title, 'Bar chart', content, data.notes);
}
