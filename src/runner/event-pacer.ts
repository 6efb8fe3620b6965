import type { RunEvent } from './protocol.ts';
import { TraceBacklog } from './trace-backlog.ts';

/** Most output lines waiting for the page at once; older ones are counted as dropped. */
export const MAX_PENDING_LINES = 1000;

/**
 * Most drawings (show.*) among them: a drawing may be 32 KiB and the page keeps no more than
 * about this many anyway, so a drawing loop sends the newest ones, not a backlog of old ones.
 */
export const MAX_PENDING_DRAWINGS = 20;

/** Lines and drawings: they keep their order and share the bound. */
type OutputEvent = Extract<RunEvent, { type: 'output' | 'show' }>;
type EndEvent = Extract<RunEvent, { type: 'end' }>;

/**
 * Sends run events to a slow receiver (the page) without ever queueing more than
 * MAX_PENDING_LINES: one batch is in flight at a time, and while the page is busy, new lines
 * replace the oldest waiting ones, which are sent on as a 'dropped' count. The page therefore
 * never receives a batch it cannot render in one frame, however fast a program prints.
 * The 'end' event always goes last, after every line before it. Trace records wait apart, in a
 * backlog with its own bound (trace-backlog.ts), and go as one merged event per batch.
 */
export class EventPacer {
  readonly #send: (events: RunEvent[]) => Promise<unknown>;
  #lines: OutputEvent[] = [];
  /** How many of #lines are drawings. */
  #drawings = 0;
  /** Dropped since the last batch, for the page's note: lines, and drawings apart. */
  #droppedLines = 0;
  #droppedDrawings = 0;
  #end: EndEvent | null = null;
  /** Trace records waiting, merged and bounded on their own (trace-backlog.ts). */
  readonly #trace = new TraceBacklog();
  #pumping: Promise<void> | null = null;

  constructor(send: (events: RunEvent[]) => Promise<unknown>) {
    this.#send = send;
  }

  push(events: RunEvent[]): void {
    for (const event of events) {
      if (event.type === 'output' || event.type === 'show') {
        this.#lines.push(event);
        if (event.type === 'show') this.#drawings++;
      } else if (event.type === 'dropped') {
        this.#droppedLines += event.lines;
        this.#droppedDrawings += event.drawings;
      }
      else if (event.type === 'end') this.#end = event;
      else if (event.type === 'trace') this.#trace.add(event);
    }
    const excess = this.#lines.length - MAX_PENDING_LINES;
    if (excess > 0) for (const event of this.#lines.splice(0, excess)) this.#drop(event);
    if (this.#drawings > MAX_PENDING_DRAWINGS) {
      // Drops the oldest drawings, keeping every line and the order of the rest.
      let surplus = this.#drawings - MAX_PENDING_DRAWINGS;
      this.#lines = this.#lines.filter((event) => {
        if (event.type !== 'show' || surplus <= 0) return true;
        surplus--;
        this.#drop(event);
        return false;
      });
    }
    this.#pumping ??= this.#pump();
  }

  /** Counts a waiting line or drawing that is dropped (already taken out of #lines). */
  #drop(event: OutputEvent): void {
    if (event.type === 'show') {
      this.#drawings--;
      this.#droppedDrawings++;
    } else this.#droppedLines++;
  }

  /** Resolves once everything pushed so far has been delivered. */
  async drained(): Promise<void> {
    while (this.#pumping) await this.#pumping;
  }

  async #pump(): Promise<void> {
    try {
      while (this.#lines.length > 0 || this.#droppedLines + this.#droppedDrawings > 0 || this.#end || !this.#trace.empty) {
        const batch: RunEvent[] = [];
        if (this.#droppedLines + this.#droppedDrawings > 0) {
          batch.push({ type: 'dropped', lines: this.#droppedLines, drawings: this.#droppedDrawings });
        }
        batch.push(...this.#lines);
        const trace = this.#trace.take();
        if (trace) batch.push(trace);
        if (this.#end) batch.push(this.#end);
        this.#lines = [];
        this.#drawings = 0;
        this.#droppedLines = 0;
        this.#droppedDrawings = 0;
        this.#end = null;
        await this.#send(batch);
      }
    } finally {
      this.#pumping = null;
    }
  }
}
