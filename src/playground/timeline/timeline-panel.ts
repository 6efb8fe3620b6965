import { RecordChunks, type TraceEvent } from '../../runner/trace-event.ts';
import type { TraceData } from './timeline-model.ts';

/** Most trace records the page keeps for one run; older ones are dropped and counted. */
export const MAX_TIMELINE_RECORDS = 100_000;
/** While a run goes on and the timeline is open, it is redrawn at most this often. */
const LIVE_REDRAW_MS = 500;

type Renderer = typeof import('./timeline-view.ts');

/**
 * The always-loaded part of a playground's timeline: it keeps the run's trace (bounded, newest
 * kept) and draws it when the <details> is open, after the run and live while it runs. The
 * drawing code (timeline-view.ts and what it needs) is imported on the first draw.
 */
export class TimelinePanel {
  readonly #details: HTMLDetailsElement;
  readonly #body: HTMLElement;
  #records = new RecordChunks(MAX_TIMELINE_RECORDS);
  #data: TraceData = emptyData(this.#records);
  #timer: ReturnType<typeof setTimeout> | null = null;
  #renderer: Promise<Renderer> | null = null;
  /** Until the first run, the markup's own "run the example" text stays. */
  #started = false;

  constructor(details: HTMLDetailsElement, body: HTMLElement, open: boolean) {
    this.#details = details;
    this.#body = body;
    details.open = open;
    details.addEventListener('toggle', () => this.#schedule(0));
  }

  /** Whether the timeline is open: a run records a trace only then (tracing costs the run time). */
  get open(): boolean {
    return this.#details.open;
  }

  /** A run starts: forget the last one. */
  reset(): void {
    this.#started = true;
    this.#records = new RecordChunks(MAX_TIMELINE_RECORDS);
    this.#data = emptyData(this.#records);
    delete this.#body.dataset.drawn;
    this.#schedule(0);
  }

  /** No trace is coming (a Run ×N batch keeps none): the timeline shows `message` instead. */
  untraced(message: string): void {
    this.#started = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    delete this.#body.dataset.drawn;
    const note = document.createElement('p');
    note.className = 'pg-timeline-empty';
    note.textContent = message;
    this.#body.replaceChildren(note);
  }

  push(event: TraceEvent): void {
    const data = this.#data;
    for (const thread of event.threads) data.threads.set(thread.id, thread);
    for (const object of event.objects) data.objects.set(object.id, object);
    data.dropped += event.dropped + this.#records.add(event.records); // data.chunks is #records.chunks.
    this.#schedule(LIVE_REDRAW_MS);
  }

  /** The run ended `durationMs` after it started. */
  end(durationMs: number): void {
    this.#data.endMs = durationMs;
    this.#schedule(0);
  }

  #schedule(delay: number): void {
    if (!this.#details.open || !this.#started) return;
    if (this.#timer !== null) {
      if (delay > 0) return; // A redraw is due already.
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => void this.#draw(), delay);
  }

  async #draw(): Promise<void> {
    this.#timer = null;
    let view: Renderer;
    try {
      view = await (this.#renderer ??= import('./timeline-view.ts'));
    } catch {
      this.#renderer = null;
      this.#body.textContent = 'The timeline could not be loaded (are you offline?). Close and open it to try again.';
      return;
    }
    if (!this.#details.open) return;
    const data = this.#data;
    // Says whether the drawing shows a whole run ('final') or one still going ('live'): what the
    // drawing itself was made from, and only if no newer draw overtook it.
    const drawn = await view.renderTimeline(this.#body, data);
    if (drawn !== null && data === this.#data) this.#body.dataset.drawn = drawn;
  }
}

function emptyData(records: RecordChunks): TraceData {
  return { chunks: records.chunks, threads: new Map(), objects: new Map(), dropped: 0, endMs: null };
}
