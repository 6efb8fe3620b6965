import type { CompiledModules, RunEvent, RunOptions, RunRequest } from '../runner/protocol.ts';
import { loadEdit, saveEdit, forgetEdit } from './edits.ts';
import { openEditor, type CodeEditor } from './editor.ts';
import { OutputView } from './output-view.ts';
import { RunnerClient } from './runner-client.ts';
import { readShareHash, shareUrl } from './share-link.ts';
import { isolationProblem } from '../site/isolation-status.ts';

type EndEvent = Extract<RunEvent, { type: 'end' }>;

/** What Playground.astro embeds as JSON for each example. */
interface EmbeddedExample {
  id: string;
  title: string;
  source: string;
  program: CompiledModules;
  options: RunOptions;
}

/** Set while a run is in progress; still set after a reload only if the tab died mid-run. */
const RUNNING_KEY = 'interleave:running';
const EDITING_HINT = 'Editing. Ctrl+Enter (⌘+Enter) runs; Escape, then Tab, leaves the editor.';
const runner = new RunnerClient();
/** The playground whose program is running; starting another run stops it first. */
let active: InterleavePlayground | null = null;
/** The playground the page's editor is in (the editor moves; its hint goes with it). */
let editing: InterleavePlayground | null = null;

/**
 * <interleave-playground>: the toolbar, code, status and output of one example. The code is
 * highlighted at build time and readable without JavaScript; this element adds running,
 * editing (the editor loads on first edit), reset, share and copy.
 */
class InterleavePlayground extends HTMLElement {
  #example!: EmbeddedExample;
  #code = '';
  #editor: CodeEditor | null = null;
  #output!: OutputView;
  #status!: HTMLElement;
  #notice!: HTMLElement;
  #running = false;

  connectedCallback(): void {
    const data = this.querySelector('script.pg-example')?.textContent;
    if (!data) return;
    this.#example = JSON.parse(data) as EmbeddedExample;
    this.#status = this.#part('.pg-status');
    this.#notice = this.#part('.pg-notice');
    this.#output = new OutputView(this.#part('.pg-output'));
    this.#setCode(loadEdit(this.#example.source) ?? this.#example.source);

    for (const button of this.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
      button.addEventListener('click', () => this.#act(button.dataset.action ?? ''));
    }
    this.#part('.pg-code').addEventListener('click', () => {
      if (!this.#editor && !getSelection()?.toString()) void this.#edit();
    });
    const warm = () => runner.warm();
    this.addEventListener('pointerenter', warm, { once: true });
    this.addEventListener('focusin', warm, { once: true });
    this.addEventListener('touchstart', warm, { once: true, passive: true });
    this.#reportCrashedRun();
    this.dataset.ready = '';
  }

  /**
   * A program that exhausts memory can take the whole tab down (Chromium ends the page's
   * process when a worker runs out of memory). Edits are saved as they are typed, so nothing is
   * lost; after the reload, this says what happened.
   */
  #reportCrashedRun(): void {
    if (sessionStore()?.getItem(RUNNING_KEY) !== this.#example.id) return;
    sessionStore()?.removeItem(RUNNING_KEY);
    this.#status.dataset.status = 'error';
    this.#status.textContent =
      'Error: the last run of this example ended abruptly and the page reloaded. It most likely ran out of memory. Your code is kept.';
  }

  get exampleId(): string {
    return this.#example.id;
  }

  /** Loads shared code; it is shown, never run, until the reader presses Run. */
  loadShared(code: string): void {
    this.#setCode(code);
    this.#editor?.setValue(code);
    this.#say('Loaded the shared code. Press Run to run it.');
    this.scrollIntoView({ block: 'center' });
  }

  #part(selector: string): HTMLElement {
    const element = this.querySelector<HTMLElement>(selector);
    if (!element) throw new Error(`Playground markup is missing ${selector}`);
    return element;
  }

  #act(action: string): void {
    switch (action) {
      case 'run':
        void this.run();
        break;
      case 'stop':
        void this.stop();
        break;
      case 'edit':
        void this.#edit();
        break;
      case 'reset':
        this.#reset();
        break;
      case 'share':
        void this.#share();
        break;
      case 'copy':
        void this.#copy(this.#code, 'Code copied to the clipboard.');
        break;
    }
  }

  /** Shows `code` as the current program: highlighted if it is the article's, plain if edited. */
  #setCode(code: string): void {
    this.#code = code;
    const edited = code !== this.#example.source;
    this.toggleAttribute('data-edited', edited);
    this.#part('.pg-edited code').textContent = edited ? code : '';
  }

  async #edit(): Promise<void> {
    if (this.#editor) return this.#editor.focus();
    const container = this.#part('.pg-editor');
    this.#say('Loading the editor…');
    this.#editor = await openEditor({
      container,
      exampleId: this.#example.id,
      value: this.#code,
      label: `Code of ${this.#example.title}`,
      onChange: (value) => {
        this.#setCode(value);
        saveEdit(this.#example.source, value);
      },
      onRun: () => void this.run(),
    });
    this.toggleAttribute('data-editing', true);
    if (editing !== this) editing?.dropEditingHint();
    editing = this;
    this.#say(EDITING_HINT);
    this.#editor.focus();
  }

  /** The editor has moved to another playground. */
  dropEditingHint(): void {
    if (this.#notice.textContent === EDITING_HINT) this.#say('');
  }

  #reset(): void {
    forgetEdit(this.#example.source);
    this.#editor?.close();
    this.#editor = null;
    this.removeAttribute('data-editing');
    this.#setCode(this.#example.source);
    this.#say('Back to the article’s version.');
  }

  async #share(): Promise<void> {
    const url = await shareUrl(this.#example.id, this.#code, new URL(location.href));
    await this.#copy(url, 'Share link copied to the clipboard.');
  }

  async #copy(text: string, done: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.#say(done);
    } catch {
      this.#say('The clipboard is not available here; select the text and copy it instead.');
    }
  }

  #say(message: string): void {
    this.#notice.textContent = message;
  }

  #setRunning(running: boolean): void {
    this.#running = running;
    this.toggleAttribute('data-running', running);
    this.#button('stop').disabled = !running;
  }

  #button(action: string): HTMLButtonElement {
    return this.#part(`button[data-action="${action}"]`) as HTMLButtonElement;
  }

  async run(): Promise<void> {
    const problem = isolationProblem();
    if (problem) {
      this.#status.dataset.status = 'error';
      this.#status.textContent = `Error: ${problem}`;
      return;
    }
    if (active && active !== this) await active.stop();
    if (this.#running) await this.stop();
    active = this;
    sessionStore()?.setItem(RUNNING_KEY, this.#example.id);
    this.#setRunning(true);
    this.#output.clear();
    this.#editor?.setMarkers([]);
    this.#status.dataset.status = 'running';
    this.#status.textContent = 'Running…';
    const { options, program } = this.#example;
    const request: RunRequest =
      this.#code === this.#example.source
        ? { kind: 'compiled', program, options }
        : { kind: 'source', source: this.#code, options };
    const end = await runner.run(
      request,
      (event) => {
        if (event.type === 'output') this.#output.push(event);
        else if (event.type === 'dropped') this.#output.addHidden(event.count);
      },
      () => this.#output.idle(),
    );
    this.#finish(end);
  }

  async stop(): Promise<void> {
    if (this.#running) await runner.stop();
  }

  #finish(end: EndEvent): void {
    sessionStore()?.removeItem(RUNNING_KEY);
    this.#output.flush();
    if (active === this) active = null;
    this.#setRunning(false);
    this.#status.dataset.status = end.status;
    this.#status.textContent = statusText(end);
    if (end.message && end.status !== 'finished') {
      this.#output.note(end.message, end.status === 'deadlock' || end.status === 'error' ? 'error' : 'info');
    }
    if (end.line !== undefined && end.message) {
      this.#editor?.setMarkers([{ line: end.line, column: end.column ?? 1, message: end.message }]);
    }
  }
}

function sessionStore(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

function statusText(end: EndEvent): string {
  const took = formatDuration(end.durationMs);
  const where = end.line === undefined ? '' : ` at line ${end.line}${end.column === undefined ? '' : `, column ${end.column}`}`;
  switch (end.status) {
    case 'finished':
      return `Finished in ${took}`;
    case 'stopped':
      return `Stopped after ${took}`;
    case 'timed-out':
      return `Timed out after ${took}: the program ran past its time limit`;
    case 'deadlock':
      return `Deadlock${where}: every thread is waiting and none can continue (details below)`;
    case 'error':
      return `Error${where}: ${(end.message ?? 'the program failed').split('\n')[0]}`;
  }
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

customElements.define('interleave-playground', InterleavePlayground);

// Leaving the page normally is not a crash (a crash fires no pagehide).
addEventListener('pagehide', () => sessionStore()?.removeItem(RUNNING_KEY));

// A share link (#run=…) loads its code into the matching playground; it never runs it.
void readShareHash(location.hash).then((shared) => {
  if (!shared) return;
  for (const playground of document.querySelectorAll<InterleavePlayground>('interleave-playground')) {
    if (playground.exampleId === shared.exampleId) return playground.loadShared(shared.code);
  }
});
