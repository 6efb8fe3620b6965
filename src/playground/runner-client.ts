import * as Comlink from 'comlink';
import { isRunEvent, type RunEvent, type RunRequest } from '../runner/protocol.ts';
import type { RunnerApi } from '../runner/runner-worker.ts';

type EndEvent = Extract<RunEvent, { type: 'end' }>;

/** If the runner does not confirm a stop within this time, its whole worker is terminated. */
const STOP_GRACE_MS = 150;

/**
 * The page's side of the runner worker: one per page, started on first use (or when the
 * reader shows intent to run), shared by every playground on the page. One run at a time.
 */
export class RunnerClient {
  #worker: Worker | null = null;
  #api: Comlink.Remote<RunnerApi> | null = null;
  /** The run in progress: `finish` ends it (once); `ended` resolves after its 'end' was delivered. */
  #current: { finish: (event: EndEvent) => void; ended: Promise<EndEvent> } | null = null;
  #startedAt = 0;
  readonly #startWorker: () => Worker;
  /** A worker started before this client loaded (see playground-element.ts), used first. */
  #early: Worker | null;

  /** `startWorker` starts a runner worker; `early` is one already started, if any. */
  constructor(startWorker: () => Worker, early: Worker | null = null) {
    this.#startWorker = startWorker;
    this.#early = early;
  }

  /** Starts the runner worker and its pool ahead of a run. Safe to call often. */
  warm(): void {
    void this.#connect().warm();
  }

  /**
   * Runs a program. Events are validated, then passed to `onEvent` in order; the runner sends
   * its next batch only once `ready()` has resolved (back-pressure). The returned promise
   * resolves with the final 'end' event, whatever happens to the worker.
   */
  run(
    request: RunRequest,
    onEvent: (event: RunEvent) => void,
    ready: () => Promise<void>,
  ): Promise<EndEvent> {
    const api = this.#connect();
    this.#startedAt = performance.now();
    let finish!: (event: EndEvent) => void;
    const ended = new Promise<EndEvent>((resolve) => {
      let settled = false;
      finish = (event: EndEvent) => {
        if (settled) return;
        settled = true;
        if (this.#current === run) this.#current = null;
        resolve(event);
      };
    });
    const run = { finish, ended };
    this.#current = run;
    // Typed as the runner declares it, but checked as the untrusted data it is.
    const receive = async (events: RunEvent[]): Promise<void> => {
      if (!Array.isArray(events)) return;
      for (const event of events as unknown[]) {
        if (!isRunEvent(event)) continue; // Malformed: dropped, never used.
        if (this.#current !== run) return; // Ended already (stopped, or the runner replaced).
        if (event.type === 'end') finish(event);
        else onEvent(event);
      }
      if (this.#current === run) await ready();
    };
    api.run(request, Comlink.proxy(receive)).catch((error: unknown) => {
      finish({ type: 'end', status: 'error', durationMs: this.#elapsed(), message: `The runner failed: ${String(error)}` });
    });
    return ended;
  }

  /**
   * Stops the current run and resolves once its 'end' has been delivered; if the runner does
   * not confirm in time, its whole worker is terminated and the run ends as stopped.
   */
  async stop(): Promise<void> {
    const run = this.#current;
    if (!run || !this.#api) return;
    this.#api.stop().catch(() => {}); // The worker may be terminated before it answers.
    const late = new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS));
    if (!(await Promise.race([run.ended.then(() => true), late]))) {
      this.#terminate();
      run.finish({ type: 'end', status: 'stopped', durationMs: this.#elapsed() });
    }
    await run.ended;
  }

  #elapsed(): number {
    return performance.now() - this.#startedAt;
  }

  #connect(): Comlink.Remote<RunnerApi> {
    if (this.#api) return this.#api;
    this.#worker = this.#early ?? this.#startWorker();
    this.#early = null;
    this.#worker.addEventListener('error', () => {
      this.#terminate();
      this.#current?.finish({ type: 'end', status: 'error', durationMs: this.#elapsed(), message: 'The runner stopped unexpectedly.' });
    });
    this.#api = Comlink.wrap<RunnerApi>(this.#worker);
    return this.#api;
  }

  #terminate(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#api?.[Comlink.releaseProxy]();
    this.#api = null;
  }
}
