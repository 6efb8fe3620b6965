import type { RunEvent } from './protocol.ts';

/** Most output lines waiting for the page at once; older ones are counted as dropped. */
export const MAX_PENDING_LINES = 1000;

type OutputEvent = Extract<RunEvent, { type: 'output' }>;
type EndEvent = Extract<RunEvent, { type: 'end' }>;

/**
 * Sends run events to a slow receiver (the page) without ever queueing more than
 * MAX_PENDING_LINES: one batch is in flight at a time, and while the page is busy, new lines
 * replace the oldest waiting ones, which are sent on as a 'dropped' count. The page therefore
 * never receives a batch it cannot render in one frame, however fast a program prints.
 * The 'end' event always goes last, after every line before it.
 */
export class EventPacer {
  readonly #send: (events: RunEvent[]) => Promise<unknown>;
  #lines: OutputEvent[] = [];
  #dropped = 0;
  #end: EndEvent | null = null;
  #pumping: Promise<void> | null = null;

  constructor(send: (events: RunEvent[]) => Promise<unknown>) {
    this.#send = send;
  }

  push(events: RunEvent[]): void {
    for (const event of events) {
      if (event.type === 'output') this.#lines.push(event);
      else if (event.type === 'dropped') this.#dropped += event.count;
      else this.#end = event;
    }
    const excess = this.#lines.length - MAX_PENDING_LINES;
    if (excess > 0) {
      this.#lines.splice(0, excess);
      this.#dropped += excess;
    }
    this.#pumping ??= this.#pump();
  }

  /** Resolves once everything pushed so far has been delivered. */
  async drained(): Promise<void> {
    while (this.#pumping) await this.#pumping;
  }

  async #pump(): Promise<void> {
    try {
      while (this.#lines.length > 0 || this.#dropped > 0 || this.#end) {
        const batch: RunEvent[] = [];
        if (this.#dropped > 0) batch.push({ type: 'dropped', count: this.#dropped });
        batch.push(...this.#lines);
        if (this.#end) batch.push(this.#end);
        this.#lines = [];
        this.#dropped = 0;
        this.#end = null;
        await this.#send(batch);
      }
    } finally {
      this.#pumping = null;
    }
  }
}
