import { dropOldest, TRACE_EVENT_FIELDS, type TraceEvent } from '../../runner/trace-event.ts';
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
  #data: TraceData = emptyData();
  #records = 0;
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

  /** A run starts: forget the last one. */
  reset(): void {
    this.#started = true;
    this.#data = emptyData();
    delete this.#body.dataset.drawn;
    this.#records = 0;
    this.#schedule(0);
  }

  push(event: TraceEvent): void {
    const data = this.#data;
    data.chunks.push(event.records);
    this.#records += event.records.length / TRACE_EVENT_FIELDS;
    for (const thread of event.threads) data.threads.set(thread.id, thread);
    for (const object of event.objects) data.objects.set(object.id, object);
    data.dropped += event.dropped;
    if (this.#records > MAX_TIMELINE_RECORDS) {
      const dropped = dropOldest(data.chunks, this.#records - MAX_TIMELINE_RECORDS);
      this.#records -= dropped;
      data.dropped += dropped;
    }
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
    await view.renderTimeline(this.#body, data);
    // Says whether the drawing shows a whole run ('final') or one still going ('live').
    if (data === this.#data) this.#body.dataset.drawn = data.endMs === null ? 'live' : 'final';
  }
}

function emptyData(): TraceData {
  return { chunks: [], threads: new Map(), objects: new Map(), dropped: 0, endMs: null };
}
