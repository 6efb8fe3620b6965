import type { RunEvent } from '../runner/protocol.ts';

type OutputEvent = Extract<RunEvent, { type: 'output' }>;

/** How many lines stay in the page; older ones are replaced by a "N earlier lines hidden" note. */
export const MAX_VISIBLE_LINES = 500;
/** Lines written per animation frame: enough to keep up with any reader, small enough for a smooth page. */
const LINES_PER_FRAME = 50;
const THREAD_COLOURS = 8;

/**
 * Renders a run's output into a `role="log"` element. Lines arrive in bursts (an output flood
 * sends thousands at once). They wait in a queue of at most MAX_VISIBLE_LINES (older ones are
 * counted as hidden) and are written at most LINES_PER_FRAME per animation frame, so the
 * page's work per frame is bounded. `idle()` lets the sender wait until the queue has drained:
 * that is the back-pressure that keeps a flood from piling up anywhere.
 * Every string from the worker is set with textContent: output is text, never HTML.
 */
export class OutputView {
  readonly #log: HTMLElement;
  readonly #hiddenNote: HTMLElement;
  #pending: OutputEvent[] = [];
  #hidden = 0;
  #visible = 0;
  #frame = 0;
  #colours = new Map<number, number>();
  #idle: (() => void)[] = [];

  constructor(log: HTMLElement) {
    this.#log = log;
    this.#hiddenNote = document.createElement('p');
    this.#hiddenNote.className = 'pg-hidden-note';
    this.#hiddenNote.hidden = true;
  }

  clear(): void {
    for (const resolve of this.#idle.splice(0)) resolve();
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#pending = [];
    this.#hidden = 0;
    this.#visible = 0;
    this.#colours.clear();
    this.#hiddenNote.hidden = true;
    this.#log.replaceChildren(this.#hiddenNote);
  }

  /** Queues lines; they appear on the next animation frame. */
  push(event: OutputEvent): void {
    this.#pending.push(event);
    if (this.#pending.length > MAX_VISIBLE_LINES) {
      // Lines that could never be visible are counted, not kept.
      const excess = this.#pending.length - MAX_VISIBLE_LINES;
      this.#pending.splice(0, excess);
      this.#hidden += excess;
    }
    this.#frame ||= requestAnimationFrame(() => this.#flush());
  }

  /** Resolves once every queued line has been written. */
  idle(): Promise<void> {
    if (this.#pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Lines the runner itself dropped before sending (its own bound). */
  addHidden(count: number): void {
    this.#hidden += count;
    this.#frame ||= requestAnimationFrame(() => this.#flush());
  }

  /** A block of plain text (an error report or a deadlock explanation). */
  note(text: string, kind: 'error' | 'info'): void {
    this.flush();
    const block = document.createElement('pre');
    block.className = `pg-note pg-note-${kind}`;
    block.textContent = text;
    this.#log.append(block);
  }

  /** Writes everything queued now (used before the final status). */
  flush(): void {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#flush(Infinity);
  }

  #flush(limit = LINES_PER_FRAME): void {
    this.#frame = 0;
    const batch = this.#pending.splice(0, limit);
    const fragment = document.createDocumentFragment();
    for (const event of batch) fragment.append(this.#line(event));
    this.#log.append(fragment);
    this.#visible += batch.length;
    const excess = this.#visible - MAX_VISIBLE_LINES;
    if (excess > 0) {
      for (let i = 0; i < excess; i++) this.#hiddenNote.nextElementSibling?.remove();
      this.#visible -= excess;
      this.#hidden += excess;
    }
    if (this.#hidden > 0) {
      this.#hiddenNote.hidden = false;
      this.#hiddenNote.textContent = `${this.#hidden.toLocaleString('en')} earlier lines hidden`;
    }
    this.#log.scrollTop = this.#log.scrollHeight;
    if (this.#pending.length > 0) {
      this.#frame = requestAnimationFrame(() => this.#flush());
    } else {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  #line(event: OutputEvent): HTMLElement {
    const line = document.createElement('div');
    line.className = `pg-line pg-${event.level}`;
    line.dataset.thread = event.thread;
    let colour = this.#colours.get(event.threadId);
    if (colour === undefined) {
      colour = this.#colours.size % THREAD_COLOURS;
      this.#colours.set(event.threadId, colour);
    }
    const time = document.createElement('span');
    time.className = 'pg-time';
    time.textContent = formatTime(event.time);
    const thread = document.createElement('span');
    thread.className = `pg-thread pg-thread-${colour}`;
    thread.textContent = event.thread;
    const text = document.createElement('span');
    text.className = 'pg-text';
    text.textContent = event.text;
    line.append(time, thread, text);
    return line;
  }
}

function formatTime(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
