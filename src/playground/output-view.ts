import type { RunEvent } from '../runner/protocol.ts';

type OutputEvent = Extract<RunEvent, { type: 'output' }>;

/** How many lines stay in the page; older ones are replaced by a "N earlier lines hidden" note. */
export const MAX_VISIBLE_LINES = 1000;
const THREAD_COLOURS = 8;

/**
 * Renders a run's output into a `role="log"` element. Lines arrive in bursts (an output flood
 * sends thousands per frame); they are queued and written once per animation frame, and only
 * the newest MAX_VISIBLE_LINES are ever kept, so the page's work per frame is bounded.
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

  constructor(log: HTMLElement) {
    this.#log = log;
    this.#hiddenNote = document.createElement('p');
    this.#hiddenNote.className = 'pg-hidden-note';
    this.#hiddenNote.hidden = true;
  }

  clear(): void {
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
    this.#flush();
  }

  #flush(): void {
    this.#frame = 0;
    const batch = this.#pending;
    this.#pending = [];
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
