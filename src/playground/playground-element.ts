import type { CompiledModules, RunEvent, RunOptions, RunRequest } from '../runner/protocol.ts';
import { loadEdit, saveEdit, forgetEdit } from './edits.ts';
import { openEditor, type CodeEditor } from './editor.ts';
import type { HistogramView } from './histogram-view.ts';
import type { OutcomePattern } from '../runner/outcomes.ts';
import { OutputView } from './output-view.ts';
import type { RunnerClient } from './runner-client.ts';
import { readShareHash, shareUrl } from './share-link.ts';
import { safeStorage } from './safe-storage.ts';
import { TimelinePanel } from './timeline/timeline-panel.ts';
import { isolationProblem } from '../site/isolation-status.ts';

type EndEvent = Extract<RunEvent, { type: 'end' }>;

/** What Playground.astro embeds as JSON for each example. */
interface EmbeddedExample {
  id: string;
  title: string;
  source: string;
  program: CompiledModules;
  options: RunOptions;
  /** Open the timeline by default. */
  timeline: boolean;
  /** Run ×N: the outcome pattern, when the example declares one. */
  outcome?: OutcomePattern;
  /** Run ×N: the default count. */
  repeat: number;
}

/** Set while a run is in progress; still set after a reload only if the tab died mid-run. */
const RUNNING_KEY = 'interleave:running';
const EDITING_HINT = 'Editing. Ctrl+Enter (⌘+Enter) runs; Escape, then Tab, leaves the editor.';
let runnerClient: Promise<RunnerClient> | null = null;
const startRunnerWorker = () =>
  new Worker(new URL('../runner/runner-worker.ts', import.meta.url), { type: 'module', name: 'interleave-runner' });
/**
 * The page's runner client, loaded (with comlink and the event checks) when the reader first
 * shows intent to run: pointer or focus on a playground, or a click. Reading costs nothing.
 * The runner worker starts at once, while the client's code loads, so the two overlap.
 */
function runner(): Promise<RunnerClient> {
  if (!runnerClient) {
    const early = startRunnerWorker();
    // A worker that failed before the client could listen is not handed over: the client
    // starts its own, whose failure it then sees and reports.
    let failed = false;
    early.addEventListener('error', () => (failed = true), { once: true });
    runnerClient = import('./runner-client.ts').then(({ RunnerClient }) => new RunnerClient(startRunnerWorker, failed ? null : early));
  }
  return runnerClient;
}
const session = safeStorage('sessionStorage');
/** Every run() call takes the next token; only the newest call of a playground may finish it. */
let lastRunToken = 0;
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
  /** Set by Stop; a batch starts no further run once it is set. */
  #stopRequested = false;
  /** Created on the first Run ×N (its code loads then). */
  #histogramView: HistogramView | null = null;
  #timeline!: TimelinePanel;
  /** The token of this playground's newest run() call; an older run's end is ignored. */
  #runToken = 0;
  /** The editor being loaded: a second Edit waits for it instead of loading another. */
  #opening: Promise<void> | null = null;
  /** Counts Resets, so that an editor which finishes loading after one is closed again. */
  #resets = 0;

  connectedCallback(): void {
    const data = this.querySelector('script.pg-example')?.textContent;
    if (!data) return;
    this.#example = JSON.parse(data) as EmbeddedExample;
    this.#status = this.#part('.pg-status');
    this.#notice = this.#part('.pg-notice');
    this.#output = new OutputView(this.#part('.pg-output'));
    this.#timeline = new TimelinePanel(this.#part('.pg-timeline') as HTMLDetailsElement, this.#part('.pg-timeline-body'), this.#example.timeline);
    const count = this.#part('.pg-repeat-count') as HTMLInputElement;
    count.value = String(this.#example.repeat);
    count.max = String(MAX_BATCH_RUNS);
    count.addEventListener('input', () => (this.#button('repeat').textContent = `Run ×${repeatCount(count)}`));
    this.#button('repeat').textContent = `Run ×${repeatCount(count)}`;
    this.#setCode(loadEdit(this.#example.source) ?? this.#example.source);

    for (const button of this.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
      button.addEventListener('click', () => this.#act(button.dataset.action ?? ''));
    }
    this.#part('.pg-code').addEventListener('click', () => {
      if (!this.#editor && !getSelection()?.toString()) void this.#edit();
    });
    const problem = isolationProblem();
    if (problem) {
      // Nothing can run here: say so now, rather than after a click, and start no runner.
      this.#button('run').disabled = true;
      this.#button('repeat').disabled = true;
      this.#showProblem(problem);
    } else {
      const warm = () => void runner().then((client) => client.warm());
      this.addEventListener('pointerenter', warm, { once: true });
      this.addEventListener('focusin', warm, { once: true });
      this.addEventListener('touchstart', warm, { once: true, passive: true });
    }
    this.#reportCrashedRun();
    this.dataset.ready = '';
  }

  /**
   * A program that exhausts memory can take the whole tab down (Chromium ends the page's
   * process when a worker runs out of memory). Edits are saved as they are typed, so nothing is
   * lost; after the reload, this says what happened.
   */
  #reportCrashedRun(): void {
    if (session.get(RUNNING_KEY) !== this.#example.id) return;
    session.remove(RUNNING_KEY);
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

  /** A notice from outside the playground (a damaged share link). Always text. */
  say(message: string): void {
    this.#say(message);
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
      case 'repeat':
        void this.runMany(repeatCount(this.#part('.pg-repeat-count') as HTMLInputElement));
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

  #edit(): Promise<void> {
    if (this.#editor) {
      this.#editor.focus();
      return Promise.resolve();
    }
    this.#opening ??= this.#openEditor().finally(() => (this.#opening = null));
    return this.#opening;
  }

  async #openEditor(): Promise<void> {
    const resets = this.#resets;
    this.#say('Loading the editor…');
    const editor = await openEditor({
      container: this.#part('.pg-editor'),
      exampleId: this.#example.id,
      value: this.#code,
      label: `Code of ${this.#example.title}`,
      onChange: (value) => {
        this.#setCode(value);
        saveEdit(this.#example.source, value);
      },
      onRun: () => void this.run(),
    });
    if (this.#resets !== resets) {
      editor.close(); // Reset while it loaded: the reader is back to the article's version.
      return;
    }
    if (editor.value !== this.#code) editor.setValue(this.#code); // A share link came in meanwhile.
    this.#editor = editor;
    this.toggleAttribute('data-editing', true);
    if (editing !== this) editing?.dropEditingHint();
    editing = this;
    this.#say(EDITING_HINT);
    editor.focus();
  }

  /** The editor has moved to another playground. */
  dropEditingHint(): void {
    if (this.#notice.textContent === EDITING_HINT) this.#say('');
  }

  #reset(): void {
    this.#resets++;
    forgetEdit(this.#example.source);
    this.#editor?.close();
    this.#editor = null;
    this.removeAttribute('data-editing');
    this.#setCode(this.#example.source);
    this.#say('Back to the article’s version.');
  }

  async #share(): Promise<void> {
    const url = await shareUrl(this.#example.id, this.#code, new URL(location.href));
    await this.#copy(url, 'Share link copied to the clipboard.', `The clipboard is not available here; copy this link: ${url}`);
  }

  async #copy(
    text: string,
    done: string,
    unavailable = 'The clipboard is not available here; select the text and copy it instead.',
  ): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.#say(done);
    } catch {
      this.#say(unavailable);
    }
  }

  #say(message: string): void {
    this.#notice.textContent = message;
  }

  #setRunning(running: boolean): void {
    this.#running = running;
    const stop = this.#button('stop');
    // A disabled button drops focus to the page: keep the keyboard reader in the toolbar.
    if (!running && stop === document.activeElement) this.#button('run').focus();
    stop.disabled = !running;
  }

  #button(action: string): HTMLButtonElement {
    return this.#part(`button[data-action="${action}"]`) as HTMLButtonElement;
  }

  #showProblem(problem: string): void {
    this.#status.dataset.status = 'error';
    this.#status.textContent = `Error: ${problem}`;
  }

  /**
   * Takes the page's one run slot for this playground: stops whatever runs (here or elsewhere)
   * and waits for its end, then clears the last run's output. Resolves with the run's token, or
   * null when the run cannot or should not start (no isolation, or Run was pressed again).
   */
  async #begin(): Promise<number | null> {
    const problem = isolationProblem();
    if (problem) {
      this.#showProblem(problem);
      return null;
    }
    const token = ++lastRunToken;
    this.#runToken = token;
    while ((active && active !== this) || this.#running) {
      await (active && active !== this ? active : this).stop();
      if (this.#runToken !== token) return null; // Run was pressed again meanwhile: that call goes on.
    }
    active = this;
    this.#stopRequested = false;
    session.set(RUNNING_KEY, this.#example.id);
    this.#setRunning(true);
    this.#output.clear();
    this.#histogramView?.clear();
    this.#timeline.reset();
    this.#editor?.setMarkers([]);
    this.#status.dataset.status = 'running';
    return token;
  }

  /** What to run: the compiled article version, or the reader's edited source. */
  #request(extra: RunOptions): RunRequest {
    const options = { ...this.#example.options, ...extra };
    return this.#code === this.#example.source
      ? { kind: 'compiled', program: this.#example.program, options }
      : { kind: 'source', source: this.#code, options };
  }

  async run(): Promise<void> {
    const token = await this.#begin();
    if (token === null) return;
    const client = await runner();
    // Stop pressed before the run could reach the runner (in Run's own task, or while the
    // client loaded): the program never starts.
    if (this.#stopRequested) return this.#finish(token, { type: 'end', status: 'stopped', durationMs: 0 });
    this.#status.textContent = 'Running…';
    // Tracing slows a run down a little: a run records its timeline only if the reader has it open.
    const trace = this.#timeline.open;
    if (!trace) this.#timeline.untraced('This run recorded no timeline: a run records one only while the timeline is open. Press Run again to record one.');
    const end = await client.run(
      this.#request({ trace }),
      (event) => {
        if (event.type === 'output' || event.type === 'show') this.#output.push(event);
        else if (event.type === 'dropped') this.#output.addHidden(event.lines, event.drawings);
        else if (event.type === 'trace') this.#timeline.push(event);
      },
      () => this.#output.idle(),
    );
    this.#finish(token, end);
  }

  /**
   * Run ×N: runs the program `count` times, each a fresh run without a trace, and draws the
   * histogram of their outcomes as they come in. Stop ends the batch.
   */
  async runMany(count: number): Promise<void> {
    const token = await this.#begin();
    if (token === null) return;
    this.#status.textContent = `Run 1 of ${count}…`;
    this.#timeline.untraced('Run ×N keeps no timeline (it makes many runs). Press Run for the timeline of one run.');
    // Run ×N's code loads on its first use: a reader who never presses it never pays for it.
    let loaded;
    try {
      loaded = await Promise.all([import('../runner/run-batch.ts'), import('./histogram-view.ts'), runner()]);
    } catch {
      this.#settle();
      this.#status.dataset.status = 'error';
      this.#status.textContent = 'Error: Run ×N could not be loaded (are you offline?). Try again.';
      return;
    }
    const [{ runBatch, batchStatusText }, { HistogramView }, client] = loaded;
    const histogram = (this.#histogramView ??= new HistogramView(this.#part('.pg-histogram'), this.#example.title));
    const request = this.#request({});
    let progressSaidAt = performance.now();
    const result = await runBatch({
      count,
      pattern: this.#example.outcome,
      runOnce: (onEvent) => client.run(request, onEvent, () => Promise.resolve()),
      stopRun: () => client.stop(),
      onProgress: (outcomes) => {
        if (token !== this.#runToken) return;
        // The status is a live region: a screen reader hears progress once a second, not per run.
        if (outcomes.length < count && performance.now() - progressSaidAt >= PROGRESS_INTERVAL_MS) {
          progressSaidAt = performance.now();
          this.#status.textContent = `Run ${outcomes.length + 1} of ${count}…`;
        }
        histogram.show(outcomes);
      },
      cancelled: () => this.#stopRequested || token !== this.#runToken,
    });
    this.#settle();
    if (token !== this.#runToken) return;
    histogram.show(result.outcomes);
    this.#status.dataset.status = result.status === 'finished' ? 'finished' : result.status === 'stopped' ? 'stopped' : 'timed-out';
    this.#status.textContent = batchStatusText(result, count);
    if (result.failure?.end.message) {
      const { run, end } = result.failure;
      const how = end.status === 'timed-out' ? 'a timeout' : end.status === 'error' ? 'an error' : `a ${end.status}`;
      this.#output.note(`Run ${run} ended with ${how}:\n${end.message}`, 'error');
    }
  }

  async stop(): Promise<void> {
    this.#stopRequested = true;
    if (this.#running) await (await runner()).stop();
  }

  /** Gives the page's run slot back (a single run or a batch has ended). */
  #settle(): void {
    session.remove(RUNNING_KEY);
    if (active === this) active = null;
    this.#setRunning(false);
  }

  /**
   * A run has ended. A newer run() call of this playground waits for this before it starts (a
   * playground has one run at a time), so the running state is always this run's to clear; the
   * status and output are not, when Run was pressed again meanwhile.
   */
  #finish(token: number, end: EndEvent): void {
    this.#settle();
    if (token !== this.#runToken) return;
    this.#timeline.end(end.durationMs);
    this.#output.flush();
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

/** How often Run ×N's progress is written to the status line (a live region). */
const PROGRESS_INTERVAL_MS = 1000;

/** Most runs one Run ×N may make. */
const MAX_BATCH_RUNS = 500;

/** The batch size the reader chose, kept within 2…MAX_BATCH_RUNS whatever was typed. */
function repeatCount(input: HTMLInputElement): number {
  const value = Math.round(Number(input.value));
  return Number.isFinite(value) ? Math.min(MAX_BATCH_RUNS, Math.max(2, value)) : 20;
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
addEventListener('pagehide', () => session.remove(RUNNING_KEY));

// A share link (#run=…) loads its code into the matching playground; it never runs it. The hash
// is then removed, so that a reload shows the reader's later edits, not the shared code again.
void readShareHash(location.hash).then((shared) => {
  if (!shared) return;
  const playgrounds = [...document.querySelectorAll<InterleavePlayground>('interleave-playground')];
  const target = shared === 'damaged' ? undefined : playgrounds.find((p) => p.exampleId === shared.exampleId);
  if (shared !== 'damaged' && target) {
    target.loadShared(shared.code);
    history.replaceState(history.state, '', location.pathname + location.search);
    return;
  }
  playgrounds[0]?.say(
    shared === 'damaged'
      ? 'The share link in the address is damaged (perhaps cut off when it was copied); its code could not be loaded.'
      : `The share link in the address is for an example that is not on this page (${shared.exampleId}); its code was not loaded.`,
  );
});
