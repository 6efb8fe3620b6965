/**
 * What a drawn timeline says about the place under the pointer or the keyboard: hovering shows
 * the marks or the state there; the drawing is one focusable element whose arrow keys step
 * between stops (marks, waits, a queue's changes; Left/Right along a row, Up/Down between rows,
 * Home/End). Both write into the details line (text only) and ring what they describe. The
 * line is live only for the keyboard: hovering would make a screen reader read every move.
 */
import { BIN_PX, LABEL_WIDTH, LANE_GAP, type Cell, type Drawing, type Row } from './timeline-geometry.ts';
import type { QueueTrack } from './timeline-model.ts';
import { describeDepths, describeMarks, describeSpan, describeWaits, formatMs, nameObject } from './timeline-text.ts';

/** Bins either side of the pointer in which a mark counts as hovered. */
const NEAR_BINS = 4;
export const HINT = 'Hover over the timeline, or focus it and use the arrow keys, for details.';

/** The parts of a timeline view the details use. */
export interface DetailsView {
  scroll: HTMLElement;
  plot: HTMLElement;
  details: HTMLElement;
  ring: SVGRectElement;
  drawing: Drawing | null;
  /** The stop the keyboard is on: row index and cell index. */
  focus: { row: number; cell: number } | null;
}

/** Wires pointer and keyboard on `view.plot`. */
export function listen(view: DetailsView): void {
  const plot = view.plot;
  plot.addEventListener('pointermove', (event) => hover(view, event));
  plot.addEventListener('pointerleave', () => {
    if (document.activeElement === plot && view.focus) showFocus(view);
    else clearDetails(view);
  });
  plot.addEventListener('focus', () => {
    view.focus ??= firstStop(view);
    showFocus(view);
  });
  plot.addEventListener('blur', () => clearDetails(view));
  plot.addEventListener('keydown', (event) => {
    if (move(view, event.key)) event.preventDefault();
  });
}

/** After a redraw: keeps the keyboard on the same mark (if still there) and the ring on it. */
export function refocus(view: DetailsView): void {
  const rows = view.drawing?.rows ?? [];
  const had = view.focus;
  view.focus = had && rows[had.row]?.cells.length ? { row: had.row, cell: Math.min(had.cell, rows[had.row].cells.length - 1) } : null;
  if (document.activeElement === view.plot) {
    view.focus ??= firstStop(view);
    showFocus(view);
  } else {
    view.ring.setAttribute('visibility', 'hidden');
  }
}

function hover(view: DetailsView, event: PointerEvent): void {
  const drawing = view.drawing;
  if (!drawing) return;
  const box = view.plot.getBoundingClientRect();
  const px = event.clientX - box.left;
  const py = event.clientY - box.top;
  const index = drawing.rows.findIndex((row) => py >= row.y - LANE_GAP / 2 && py < row.y + row.height + LANE_GAP / 2);
  const row = drawing.rows[index];
  if (!row || px < LABEL_WIDTH) return clearDetails(view);
  const bin = Math.floor((px - LABEL_WIDTH) / BIN_PX);
  const time = drawing.model.start + (bin + 0.5) * drawing.binMs;
  if (row.queue) {
    view.ring.setAttribute('visibility', 'hidden');
    setDetails(view, `${nameObject(drawing.model, row.queue.object)}: depth ${depthAt(row.queue, time)} at ${formatMs(time)}`, false);
    return;
  }
  // The marks of this lane near the pointer; else the state under it.
  let nearest = -1;
  row.cells.forEach((cell, i) => {
    if (cell.kind !== 'marks' || Math.abs(cell.bin - bin) > NEAR_BINS) return;
    if (nearest < 0 || Math.abs(cell.bin - bin) < Math.abs(row.cells[nearest].bin - bin)) nearest = i;
  });
  if (nearest >= 0) return showCell(view, index, nearest, false);
  view.ring.setAttribute('visibility', 'hidden');
  const span = row.lane!.spans.find((candidate) => candidate.from <= time && time <= candidate.to);
  setDetails(view, span ? describeSpan(drawing.model, row.lane!, span) : `${row.lane!.name}: no records at ${formatMs(time)}`, false);
}

/**
 * Writes the details line if its text changes. `live`: said by a screen reader (the keyboard's
 * moves); the pointer's are not, or every move of the mouse would be read out.
 */
function setDetails(view: DetailsView, text: string, live: boolean): void {
  const politeness = live ? 'polite' : 'off';
  if (view.details.getAttribute('aria-live') !== politeness) view.details.setAttribute('aria-live', politeness);
  if (view.details.textContent !== text) view.details.textContent = text;
}

function depthAt(queue: QueueTrack, time: number): number {
  let depth = 0;
  for (let i = 0; i < queue.points.length && queue.points[i] <= time; i += 2) depth = queue.points[i + 1];
  return depth;
}

function firstStop(view: DetailsView): DetailsView['focus'] {
  const row = view.drawing?.rows.findIndex((candidate) => candidate.cells.length > 0) ?? -1;
  return row >= 0 ? { row, cell: 0 } : null;
}

/** Arrow keys, Home and End; true when the key was one of ours. */
function move(view: DetailsView, key: string): boolean {
  const rows = view.drawing?.rows ?? [];
  const focus = view.focus;
  if (!focus || !['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(key)) return false;
  const cells = rows[focus.row].cells;
  if (key === 'ArrowLeft') focus.cell = Math.max(0, focus.cell - 1);
  else if (key === 'ArrowRight') focus.cell = Math.min(cells.length - 1, focus.cell + 1);
  else if (key === 'Home') focus.cell = 0;
  else if (key === 'End') focus.cell = cells.length - 1;
  else {
    const bin = cells[focus.cell].bin;
    const step = key === 'ArrowUp' ? -1 : 1;
    for (let row = focus.row + step; row >= 0 && row < rows.length; row += step) {
      const candidates = rows[row].cells;
      if (candidates.length === 0) continue;
      let best = 0;
      candidates.forEach((cell, i) => {
        if (Math.abs(cell.bin - bin) < Math.abs(candidates[best].bin - bin)) best = i;
      });
      focus.row = row;
      focus.cell = best;
      break;
    }
  }
  showFocus(view);
  return true;
}

function showFocus(view: DetailsView): void {
  if (view.focus) showCell(view, view.focus.row, view.focus.cell, true);
  else setDetails(view, 'This timeline has nothing to step through.', true);
}

/** Rings a stop and describes it; `keyboard`: it was stepped to (live text, scrolled into view). */
function showCell(view: DetailsView, rowIndex: number, cellIndex: number, keyboard: boolean): void {
  const drawing = view.drawing!;
  const row = drawing.rows[rowIndex];
  const cell = row.cells[cellIndex];
  const left = LABEL_WIDTH + cell.bin * BIN_PX;
  view.ring.setAttribute('x', String(left - 4));
  view.ring.setAttribute('y', String(row.y - 8));
  view.ring.setAttribute('width', String((cell.last - cell.bin + 1) * BIN_PX + 8));
  view.ring.setAttribute('height', String(row.height + 16));
  view.ring.setAttribute('visibility', 'visible');
  setDetails(view, describeCell(drawing, row, cell), keyboard);
  if (keyboard) {
    const { scrollLeft, clientWidth } = view.scroll;
    if (left < scrollLeft + LABEL_WIDTH || left > scrollLeft + clientWidth - 16) view.scroll.scrollLeft = left - clientWidth / 2;
  }
}

function describeCell(drawing: Drawing, row: Row, cell: Cell): string {
  if (cell.kind === 'depths') return describeDepths(drawing.model, row.queue!, cell.first, cell.end);
  const lane = row.lane!;
  if (cell.kind === 'marks') return describeMarks(drawing.model, lane, lane.marks.slice(cell.first, cell.end));
  return describeWaits(drawing.model, lane, lane.spans.slice(cell.first, cell.end).filter((span) => span.state !== 'running'));
}

function clearDetails(view: DetailsView): void {
  view.ring.setAttribute('visibility', 'hidden');
  setDetails(view, HINT, false);
}
