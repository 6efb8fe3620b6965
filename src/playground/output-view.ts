import type { RunEvent } from '../runner/protocol.ts';
import type { ShowData } from '../runtime/internal/show-data.ts';

/** A console line or a drawing (show.*): they share the log, its order and its bound. */
type OutputEvent = Extract<RunEvent, { type: 'output' | 'show' }>;
/** A block of text after the output (an error report), queued behind what is still pending. */
type NoteEntry = { type: 'note'; text: string; kind: 'error' | 'info' };
type Entry = OutputEvent | NoteEntry;

/** How many lines (drawings included) stay in the page; older ones are replaced by a "N earlier lines hidden" note (see hiddenText). */
export const MAX_VISIBLE_LINES = 500;
/** How many drawings stay in the page; older ones are removed and counted as hidden. */
export const MAX_VISIBLE_DRAWINGS = 20;
/** Lines written per animation frame: enough to keep up with any reader, small enough for a smooth page. */
const LINES_PER_FRAME = 50;
/** A drawing's share of a frame's budget, in lines (a drawing is a small SVG or table). */
const DRAWING_COST = 10;
const THREAD_COLOURS = 8;

type Renderer = (data: ShowData) => HTMLElement;
/** The drawings' renderers, loaded on the page's first drawing (with their CSS); shared by every view. */
let renderer: Renderer | null = null;
let loadingRenderer: Promise<void> | null = null;

function loadRenderer(): Promise<void> {
  loadingRenderer ??= import('./show/index.ts').then(
    (module) => void (renderer = module.renderDrawing),
    () => void (renderer = unavailable),
  );
  return loadingRenderer;
}

/** What a drawing becomes when its renderer could not be loaded (offline) or failed. */
function unavailable(data: ShowData): HTMLElement {
  const text = document.createElement('span');
  text.textContent = `(a ${data.kind} drawing that could not be shown here; the command-line runner prints it as text)`;
  return text;
}

/**
 * Renders a run's output into a `role="log"` element. Lines arrive in bursts (an output flood
 * sends thousands at once). They wait in a queue of at most MAX_VISIBLE_LINES (older ones are
 * counted as hidden) and are written at most LINES_PER_FRAME per animation frame, so the
 * page's work per frame is bounded. `idle()` lets the sender wait until the queue has drained:
 * that is the back-pressure that keeps a flood from piling up anywhere.
 * Drawings (show.*) take their place among the lines, cost DRAWING_COST lines of a frame, and
 * at most MAX_VISIBLE_DRAWINGS stay; the first one loads the renderers, and nothing after it is
 * written before it (order is kept).
 * Every string from the worker is set with textContent: output is text, never HTML.
 */
export class OutputView {
  readonly #log: HTMLElement;
  readonly #hiddenNote: HTMLElement;
  #pending: Entry[] = [];
  /** Drawings among #pending. */
  #pendingDrawings = 0;
  /** Lines and drawings hidden: by the page (it keeps a bound) or dropped by the runner. */
  #hidden = 0;
  #hiddenDrawings = 0;
  #visible = 0;
  /** Drawings in the log. */
  #drawings = 0;
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
    this.#pendingDrawings = 0;
    this.#hidden = 0;
    this.#hiddenDrawings = 0;
    this.#visible = 0;
    this.#drawings = 0;
    this.#colours.clear();
    this.#hiddenNote.hidden = true;
    this.#log.replaceChildren(this.#hiddenNote);
  }

  /** Queues a line or a drawing; it appears on a next animation frame. */
  push(event: OutputEvent): void {
    this.#pending.push(event);
    if (event.type === 'show') {
      this.#pendingDrawings++;
      if (this.#pendingDrawings > MAX_VISIBLE_DRAWINGS) {
        // A drawing that could never be visible is counted, not kept.
        this.#pending.splice(this.#pending.findIndex((entry) => entry.type === 'show'), 1);
        this.#pendingDrawings--;
        this.#hiddenDrawings++;
      }
    }
    if (this.#pending.length > MAX_VISIBLE_LINES) {
      // Lines that could never be visible are counted, not kept.
      for (const dropped of this.#pending.splice(0, this.#pending.length - MAX_VISIBLE_LINES)) this.#countHidden(dropped);
    }
    this.#frame ||= requestAnimationFrame(() => this.#flush());
  }

  /** Resolves once every queued line has been written. */
  idle(): Promise<void> {
    if (this.#pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Lines and drawings the runner itself dropped before sending (its own bound). */
  addHidden(lines: number, drawings: number): void {
    this.#hidden += lines;
    this.#hiddenDrawings += drawings;
    this.#frame ||= requestAnimationFrame(() => this.#flush());
  }

  /** A block of plain text (an error report or a deadlock explanation), after all the output. */
  note(text: string, kind: 'error' | 'info'): void {
    this.#pending.push({ type: 'note', text, kind });
    this.flush();
  }

  /** Writes everything queued now (used before the final status). */
  flush(): void {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#flush(Infinity);
  }

  #flush(limit = LINES_PER_FRAME): void {
    this.#frame = 0;
    const fragment = document.createDocumentFragment();
    let budget = limit;
    let taken = 0;
    let waiting = false;
    for (; taken < this.#pending.length && budget > 0; taken++) {
      const entry = this.#pending[taken];
      if (entry.type === 'note') {
        fragment.append(this.#note(entry));
      } else if (entry.type === 'output') {
        fragment.append(this.#line(entry));
        this.#visible++;
        budget--;
      } else if (renderer) {
        fragment.append(this.#drawing(entry, renderer));
        this.#visible++;
        this.#drawings++;
        this.#pendingDrawings--;
        budget -= DRAWING_COST;
      } else {
        // Nothing overtakes a drawing: the rest waits for the renderers, then goes on.
        waiting = true;
        void loadRenderer().then(() => (this.#frame ||= requestAnimationFrame(() => this.#flush())));
        break;
      }
    }
    this.#pending.splice(0, taken);
    this.#log.append(fragment);
    this.#trim();
    if (this.#hidden > 0 || this.#hiddenDrawings > 0) {
      this.#hiddenNote.hidden = false;
      this.#hiddenNote.textContent = hiddenText(this.#hidden, this.#hiddenDrawings);
    }
    this.#log.scrollTop = this.#log.scrollHeight;
    if (this.#pending.length === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
    } else if (!waiting) {
      this.#frame = requestAnimationFrame(() => this.#flush());
    }
  }

  /** Removes the oldest lines and drawings past the bounds, counting them as hidden. */
  #trim(): void {
    while (this.#drawings > MAX_VISIBLE_DRAWINGS) {
      this.#log.querySelector(':scope > .pg-drawing')?.remove();
      this.#drawings--;
      this.#visible--;
      this.#hiddenDrawings++;
    }
    while (this.#visible > MAX_VISIBLE_LINES) {
      const oldest = this.#hiddenNote.nextElementSibling;
      if (!oldest) break;
      oldest.remove();
      this.#visible--;
      if (oldest.classList.contains('pg-drawing')) {
        this.#drawings--;
        this.#hiddenDrawings++;
      } else this.#hidden++;
    }
  }

  #countHidden(entry: Entry): void {
    if (entry.type === 'show') {
      this.#pendingDrawings--;
      this.#hiddenDrawings++;
    } else if (entry.type === 'output') this.#hidden++;
  }

  #note(entry: NoteEntry): HTMLElement {
    const block = document.createElement('pre');
    block.className = `pg-note pg-note-${entry.kind}`;
    block.textContent = entry.text;
    return block;
  }

  /** A drawing, labelled with its thread and time like a line. */
  #drawing(event: Extract<OutputEvent, { type: 'show' }>, render: Renderer): HTMLElement {
    const content = document.createElement('div');
    content.className = 'pg-text';
    try {
      content.append(render(event.data));
    } catch {
      content.append(unavailable(event.data));
    }
    const entry = this.#labelled(event, 'pg-line pg-drawing', content);
    // Laid out even when scrolled away: a drawing is much taller than the 1.5em a line is guessed at.
    entry.style.contentVisibility = 'visible';
    return entry;
  }

  #line(event: Extract<OutputEvent, { type: 'output' }>): HTMLElement {
    const text = document.createElement('span');
    text.className = 'pg-text';
    text.textContent = event.text;
    return this.#labelled(event, `pg-line pg-${event.level}`, text);
  }

  /** An entry of the log: time, thread, then `content` (the text or the drawing). */
  #labelled(event: OutputEvent, className: string, content: HTMLElement): HTMLElement {
    const line = document.createElement('div');
    line.className = className;
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
    line.append(time, thread, content);
    return line;
  }
}

/** The note on what was hidden: "1,200 earlier lines hidden", "4 earlier lines and 1 drawing hidden"… */
export function hiddenText(lines: number, drawings: number): string {
  const count = (n: number, noun: string, nouns: string) => `${n.toLocaleString('en')} ${n === 1 ? noun : nouns}`;
  if (drawings === 0) return `${count(lines, 'earlier line', 'earlier lines')} hidden`;
  if (lines === 0) return `${count(drawings, 'earlier drawing', 'earlier drawings')} hidden`;
  return `${count(lines, 'earlier line', 'earlier lines')} and ${count(drawings, 'drawing', 'drawings')} hidden`;
}

function formatTime(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
