/**
 * The page's drawings of `show.*` data, loaded by the output view on the first drawing of a
 * page (with show.css), so pages that draw nothing never load them.
 */
import { isShowData, type ShowData } from '../../runtime/internal/show-data.ts';
import { renderBars } from './bars.ts';
import { renderGraph } from './graph.ts';
import { renderLine } from './line.ts';
import { renderTable } from './table.ts';

/**
 * Renders drawing data as an element; all text is set as text. The page's event check
 * (isRunEvent) looked only at the kind: the data is checked in full here, before any of it is
 * used, and malformed data is shown as a short notice instead.
 */
export function renderDrawing(data: ShowData): HTMLElement {
  if (!isShowData(data)) {
    const notice = document.createElement('span');
    notice.className = 'show-note';
    notice.textContent = '(a drawing whose data was malformed; it was not shown)';
    return notice;
  }
  switch (data.kind) {
    case 'table':
      return renderTable(data);
    case 'bars':
      return renderBars(data);
    case 'graph':
      return renderGraph(data);
    case 'line':
      return renderLine(data);
  }
}
