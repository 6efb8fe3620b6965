/**
 * Draws a run's timeline as SVG, with the text summary beside it. Loaded on the first draw.
 *
 * Cheap at any size: the time axis is cut into bins of BIN_PX pixels, each lane draws one
 * rectangle per run of bins with the same dominant state, marks that share a bin are one tick
 * (and one stop for the keyboard, as are the waits that begin in a bin and a queue's changes in
 * a bin), and at most MAX_HANDOFF_LINES hand-offs are drawn, one per bin and pair of threads.
 * So the element count depends on the width, not on the records (and the lanes are capped).
 *
 * Hovering and the keyboard are timeline-details.ts's. Every name is set with textContent.
 */
import './timeline.css';
import { TRACE_EVENT_FIELDS } from '../../runner/trace-event.ts';
import { HINT, listen, refocus, type DetailsView } from './timeline-details.ts';
import { axisTicks, BIN_PX, LABEL_WIDTH, LANE_GAP, LANE_HEIGHT, type Cell, type Drawing, type Row } from './timeline-geometry.ts';
import { LANE_STATES, MAX_LANES, MAX_QUEUE_ROWS, ModelBuilder, type Lane, type TimelineModel, type TraceData } from './timeline-model.ts';
import { formatMs, nameObject, summarize } from './timeline-text.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Narrower than this and the drawing scrolls sideways (phones). */
const MIN_PLOT_WIDTH = 420;
const AXIS_HEIGHT = 22;
const QUEUE_HEIGHT = 28;
const MAX_HANDOFF_LINES = 400;
const THREAD_COLOURS = 8;
/** Records turned into the model per task: a few ms each, so no task of a large draw is long. */
const RECORDS_PER_TASK = 20_000;

interface View extends DetailsView {
  note: HTMLElement;
  summary: HTMLElement;
  /** Counts draws; a draw that a newer one overtook while it yielded gives up. */
  generation: number;
}

const views = new WeakMap<HTMLElement, View>();
let markerIds = 0;

/**
 * Draws `data` into `root` (replacing the last drawing there, keeping the keyboard position).
 * A large trace is read in slices of RECORDS_PER_TASK records, yielding to the page between
 * them; `data` may grow meanwhile (a live run): what it held when the call began is drawn.
 * Returns what it drew, a whole run ('final') or one still going ('live'), or null if a newer
 * call overtook it and it drew nothing.
 */
export async function renderTimeline(root: HTMLElement, data: TraceData): Promise<'final' | 'live' | null> {
  let view = views.get(root);
  // The panel may have replaced the drawing with a note (TimelinePanel.untraced): start over.
  if (!view || view.note.parentNode !== root) {
    view = createView(root);
    views.set(root, view);
  }
  const generation = ++view.generation;
  const snapshot: TraceData = { ...data, chunks: [...data.chunks] };
  const builder = new ModelBuilder(snapshot);
  let inTask = 0;
  for (const chunk of snapshot.chunks) {
    const count = chunk.length / TRACE_EVENT_FIELDS;
    for (let from = 0; from < count; ) {
      const to = Math.min(count, from + RECORDS_PER_TASK - inTask);
      builder.add(chunk, from, to);
      inTask += to - from;
      from = to;
      if (inTask < RECORDS_PER_TASK) continue;
      inTask = 0;
      await nextTask();
      if (view.generation !== generation) return null;
    }
  }
  draw(view, builder.finish());
  return snapshot.endMs === null ? 'live' : 'final';
}

/** Lets the page handle input and paint before the next slice of work. */
function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  parent?.append(node);
  return node;
}

const LEGEND: [string, string][] = [
  ['tl-run pg-thread-0', 'running'],
  ['tl-s-lock', 'blocked on a lock'],
  ['tl-s-condition', 'condition'],
  ['tl-s-queue', 'queue'],
  ['tl-s-event', 'event'],
  ['tl-s-barrier', 'barrier'],
  ['tl-s-sleep', 'sleeping'],
  ['tl-s-wait', 'other wait'],
  ['tl-key-acquire', 'acquire (above) / release (below)'],
  ['tl-key-put', 'put (above) / get (below)'],
  ['tl-key-handoff', 'hand-off'],
];

function createView(root: HTMLElement): View {
  const note = element('p', 'tl-note');
  const legend = element('ul', 'tl-legend');
  legend.setAttribute('aria-label', 'Legend');
  for (const [swatch, text] of LEGEND) {
    const item = element('li', '');
    item.append(element('span', `tl-swatch ${swatch}`), text);
    legend.append(item);
  }
  const scroll = element('div', 'tl-scroll');
  const plot = element('div', 'tl-plot');
  plot.tabIndex = 0;
  plot.setAttribute('role', 'group');
  plot.setAttribute('aria-label', 'Timeline. Left and Right arrows move between the marks and waits of a thread, Up and Down between threads and queues.');
  scroll.append(plot);
  const details = element('p', 'tl-details', HINT);
  // Live, but not role=status: a playground's one status is its run status.
  details.setAttribute('aria-live', 'polite');
  const summary = element('ul', 'tl-summary');
  summary.setAttribute('aria-label', 'Timeline summary');
  root.replaceChildren(note, legend, scroll, details, summary);
  const ring = svg('rect', { class: 'tl-ring', rx: 3 });
  const view: View = { note, scroll, plot, details, summary, ring, drawing: null, focus: null, generation: 0 };
  listen(view);
  return view;
}

function draw(view: View, model: TimelineModel): void {
  const width = Math.max(view.scroll.clientWidth, LABEL_WIDTH + MIN_PLOT_WIDTH + 8);
  const plotWidth = width - LABEL_WIDTH - 8;
  const bins = Math.max(1, Math.floor(plotWidth / BIN_PX));
  const binMs = Math.max(model.end - model.start, 1e-3) / bins;
  const rows: Row[] = [];
  let y = AXIS_HEIGHT + LANE_GAP / 2;
  for (const lane of model.lanes) {
    rows.push({ y, height: LANE_HEIGHT, lane, cells: [] });
    y += LANE_HEIGHT + LANE_GAP;
  }
  for (const queue of model.queues) {
    rows.push({ y, height: QUEUE_HEIGHT, queue, cells: [] });
    y += QUEUE_HEIGHT + LANE_GAP;
  }
  const drawing: Drawing = { model, rows, plotWidth, binMs, bins };
  const x = (time: number) => LABEL_WIDTH + ((time - model.start) / binMs) * BIN_PX;
  const binOf = (time: number) => Math.min(bins - 1, Math.max(0, Math.floor((time - model.start) / binMs)));

  const root = svg('svg', { width, height: y, class: 'tl-svg', 'aria-hidden': 'true' });
  drawAxis(root, model, x, y);
  const markerId = `tl-arrow-${++markerIds}`;
  const defs = svg('defs', {}, root);
  const marker = svg('marker', { id: markerId, viewBox: '0 0 6 6', refX: 5, refY: 3, markerWidth: 6, markerHeight: 6, orient: 'auto' }, defs);
  svg('path', { d: 'M0,0 L6,3 L0,6 z', class: 'tl-arrow' }, marker);

  rows.forEach((row, index) => {
    const group = svg('g', { class: row.lane ? 'tl-lane' : 'tl-queue' }, root);
    const label = svg('text', { x: 4, y: row.y + row.height / 2 + 4, class: 'tl-label' }, group);
    const name = row.lane ? `${row.lane.name}${row.lane.process ? ' (process)' : ''}` : `${nameObject(model, row.queue!.object)} depth`;
    label.textContent = name.length > 18 ? `${name.slice(0, 17)}…` : name;
    svg('title', {}, label).textContent = name;
    if (row.lane) {
      drawLane(group, row, index, drawing, x, binOf);
    } else {
      drawQueue(group, row, drawing, x, binOf);
    }
  });
  drawHandOffs(root, drawing, x, binOf, markerId);
  root.append(view.ring);
  view.plot.replaceChildren(root);
  view.drawing = drawing;

  refocus(view);

  const notes: string[] = [];
  if (model.running) notes.push('Live: the run is still going.');
  if (model.hiddenThreads > 0 || model.hiddenQueues > 0) {
    const left = [model.hiddenThreads > 0 ? plural(model.hiddenThreads, 'thread') : '', model.hiddenQueues > 0 ? plural(model.hiddenQueues, 'queue') : ''];
    notes.push(`Only the first ${MAX_LANES} threads and ${MAX_QUEUE_ROWS} queues are drawn: ${left.filter(Boolean).join(' and ')} left out.`);
  }
  if (model.dropped > 0) notes.push(`${model.dropped.toLocaleString('en')} events were dropped: the trace is bounded, so the oldest events, and events that come faster than they can be kept, are left out.`);
  notes.push(`${model.records.toLocaleString('en')} events over ${formatMs(model.end - model.start)}.`);
  view.note.textContent = notes.join(' ');
  view.summary.replaceChildren(...summarize(model).map((line) => element('li', '', line)));
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
}

function drawAxis(root: SVGSVGElement, model: TimelineModel, x: (time: number) => number, height: number): void {
  const axis = svg('g', { class: 'tl-axis' }, root);
  for (const time of axisTicks(model.start, model.end)) {
    const at = x(time);
    svg('line', { x1: at, x2: at, y1: AXIS_HEIGHT - 4, y2: height }, axis);
    const text = svg('text', { x: at + 2, y: AXIS_HEIGHT - 8 }, axis);
    text.textContent = formatMs(time);
  }
}

/** One rectangle per run of bins with the same dominant state, then the mark ticks. */
function drawLane(group: SVGGElement, row: Row, index: number, drawing: Drawing, x: (t: number) => number, binOf: (t: number) => number): void {
  const lane = row.lane!;
  const { bins, binMs, model } = drawing;
  const states = LANE_STATES.length;
  const weights = new Float64Array(bins * states);
  for (const span of lane.spans) {
    const state = LANE_STATES.indexOf(span.state);
    const first = binOf(span.from);
    const last = binOf(span.to);
    for (let bin = first; bin <= last; bin++) {
      const from = Math.max(span.from, model.start + bin * binMs);
      const to = Math.min(span.to, model.start + (bin + 1) * binMs);
      // A zero-length span still shows (a thread that ran for less than the clock's tick).
      weights[bin * states + state] += Math.max(to - from, 1e-9);
    }
  }
  let runStart = 0;
  let runState = -1;
  const flush = (end: number) => {
    if (runState < 0) return;
    const state = LANE_STATES[runState];
    // Running is drawn in the thread's colour, the output's palette (Playground.astro).
    const className = state === 'running' ? `tl-run pg-thread-${index % THREAD_COLOURS}` : `tl-s-${state}`;
    svg('rect', { x: LABEL_WIDTH + runStart * BIN_PX, y: row.y, width: (end - runStart) * BIN_PX, height: LANE_HEIGHT, class: className }, group);
  };
  for (let bin = 0; bin <= bins; bin++) {
    let best = -1;
    if (bin < bins) {
      let most = 0;
      for (let state = 0; state < states; state++) {
        const weight = weights[bin * states + state];
        if (weight > most) {
          most = weight;
          best = state;
        }
      }
    }
    if (best !== runState) {
      flush(bin);
      runStart = bin;
      runState = best;
    }
  }

  const ticks: Record<string, string[]> = { acquire: [], release: [], put: [], get: [] };
  const marks = lane.marks;
  const markCells: Cell[] = [];
  for (let first = 0; first < marks.length; ) {
    const bin = binOf(marks[first].time);
    let end = first;
    const types = new Set<string>();
    while (end < marks.length && binOf(marks[end].time) === bin) types.add(marks[end++].type);
    markCells.push({ kind: 'marks', bin, last: bin, first, end });
    const at = x(model.start + (bin + 0.5) * binMs).toFixed(1);
    for (const type of types) {
      const above = type === 'acquire' || type === 'put';
      ticks[type].push(`M${at} ${above ? row.y - 6 : row.y + LANE_HEIGHT + 1}v5`);
    }
    first = end;
  }
  for (const [type, path] of Object.entries(ticks)) {
    if (path.length) svg('path', { d: path.join(''), class: `tl-tick tl-tick-${type}` }, group);
  }
  row.cells = mergeCells(waitCells(lane, binOf), markCells);
}

/** Keyboard stops for a lane's waits: the waits that begin in one bin are one stop. */
function waitCells(lane: Lane, binOf: (t: number) => number): Cell[] {
  const cells: Cell[] = [];
  const spans = lane.spans;
  for (let first = 0; first < spans.length; first++) {
    if (spans[first].state === 'running') continue;
    const bin = binOf(spans[first].from);
    let end = first + 1;
    let last = binOf(spans[first].to);
    for (; end < spans.length && binOf(spans[end].from) === bin; end++) {
      if (spans[end].state !== 'running') last = Math.max(last, binOf(spans[end].to));
    }
    cells.push({ kind: 'waits', bin, last, first, end });
    first = end - 1;
  }
  return cells;
}

/** Both lists in bin order; in one bin a wait comes before the marks (it began first). */
function mergeCells(waits: Cell[], marks: Cell[]): Cell[] {
  const cells: Cell[] = [];
  let i = 0;
  let j = 0;
  while (i < waits.length || j < marks.length) {
    if (j >= marks.length || (i < waits.length && waits[i].bin <= marks[j].bin)) cells.push(waits[i++]);
    else cells.push(marks[j++]);
  }
  return cells;
}

/** The queue's depth as a step line: the highest depth within each bin. */
function drawQueue(group: SVGGElement, row: Row, drawing: Drawing, x: (t: number) => number, binOf: (t: number) => number): void {
  const { points, max } = row.queue!;
  const depths = new Map<number, number>();
  for (let i = 0; i < points.length; i += 2) {
    const bin = binOf(points[i]);
    depths.set(bin, Math.max(depths.get(bin) ?? 0, points[i + 1]));
    // One keyboard stop per bin with changes (points come in time order).
    const cell = row.cells.at(-1);
    if (cell && cell.bin === bin) cell.end = i / 2 + 1;
    else row.cells.push({ kind: 'depths', bin, last: bin, first: i / 2, end: i / 2 + 1 });
  }
  const yOf = (depth: number) => (row.y + row.height - (depth / Math.max(max, 1)) * row.height).toFixed(1);
  svg('rect', { x: LABEL_WIDTH, y: row.y, width: drawing.plotWidth, height: row.height, class: 'tl-queue-bg' }, group);
  let d = '';
  for (const [bin, depth] of [...depths].sort((a, b) => a[0] - b[0])) {
    const at = LABEL_WIDTH + bin * BIN_PX;
    d += d ? `H${at}V${yOf(depth)}` : `M${at} ${yOf(depth)}`;
  }
  if (d) svg('path', { d: `${d}H${x(drawing.model.end)}`, class: 'tl-depth' }, group);
  const top = svg('text', { x: LABEL_WIDTH + drawing.plotWidth - 4, y: row.y + 9, class: 'tl-depth-max' }, group);
  top.textContent = `max ${max}`;
}

function drawHandOffs(root: SVGSVGElement, drawing: Drawing, x: (t: number) => number, binOf: (t: number) => number, markerId: string): void {
  const rowOf = new Map(drawing.rows.filter((row) => row.lane).map((row) => [row.lane!.id, row]));
  const group = svg('g', { class: 'tl-handoffs' }, root);
  const seen = new Set<string>();
  for (const handOff of drawing.model.handOffs) {
    const key = `${binOf(handOff.acquired)}:${handOff.from}:${handOff.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_HANDOFF_LINES) break;
    const from = rowOf.get(handOff.from);
    const to = rowOf.get(handOff.to);
    if (!from || !to) continue;
    const down = from.y < to.y;
    svg(
      'line',
      {
        x1: x(handOff.released),
        y1: down ? from.y + LANE_HEIGHT : from.y,
        x2: x(handOff.acquired),
        y2: down ? to.y - 1 : to.y + LANE_HEIGHT + 1,
        class: 'tl-handoff',
        'marker-end': `url(#${markerId})`,
      },
      group,
    );
  }
}
