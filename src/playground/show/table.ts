/** `show.table` as an HTML table: headings, then rows; numbers right-aligned. */
import type { TableData } from '../../runtime/internal/show-data.ts';
import { numericColumns } from '../../runner/show-text.ts';
import { figure, html, scrolling } from './dom.ts';
import './show.css';

/** Renders a table; every cell is set as text. */
export function renderTable(data: TableData): HTMLElement {
  const table = html('table', 'show-table');
  // A column of numbers is right-aligned, its heading too.
  const numeric = numericColumns(data);
  const head = html('tr', '');
  for (const [c, column] of data.columns.entries()) {
    const heading = html('th', numeric[c] ? 'show-number' : '', column);
    heading.scope = 'col';
    head.append(heading);
  }
  const body = html('tbody', '');
  for (const row of data.rows) {
    const line = html('tr', '');
    for (const [c, cell] of row.entries()) line.append(html('td', numeric[c] ? 'show-number' : '', cell === null ? '' : String(cell)));
    body.append(line);
  }
  table.append(html('thead', ''), body);
  table.tHead!.append(head);
  return figure('table', data.title, 'Table', [scrolling(table)], data.notes);
}
