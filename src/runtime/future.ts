/**
 * Future, asCompleted and wait, as Python's `concurrent.futures`.
 *
 * A Future is what `executor.submit(fn, ...args)` returns: the eventual outcome of one task.
 * Its state and outcome live in the executor's shared memory (internal/task-pool.ts), so a
 * Future passed to another thread (in a Thread's args, or a task's) is the same future there.
 *
 * Waiting (`result`, `exception`, `wait`, `asCompleted`) really blocks the calling thread
 * (Atomics.wait through blockOn) and takes part in deadlock detection: a thread waiting for a
 * future that nothing will ever complete is reported with the others. Times are ms.
 *
 * A task's error is re-raised by `result()` as the same kind of error (TypeError, RangeError,
 * the runtime's errors; others as Error with the original name), whose stack is the task's
 * snippet lines followed by the line that called result().
 *
 * Done callbacks: a function cannot move to another thread, so a callback runs in the thread
 * that added it: at once if the future is already done, otherwise as soon as that thread next
 * uses a future or an executor (result, exception, cancel, cancelled, running, wait,
 * asCompleted, submit, map, shutdown — also while it blocks in one of them, on every
 * completion). So a thread that adds callbacks and then waits (for a result, or in shutdown)
 * sees them run. Each callback runs at most once: exactly once if its thread is still running
 * when the future is done; a thread that ends first takes its pending callbacks with it.
 * An error thrown by a callback is printed and ignored, as in Python.
 */
import { CancelledError, TimeoutError } from './errors.ts';
import * as runtimeErrors from './errors.ts';
import { deadlineAfter, msUntil, timeoutMs } from './internal/futex.ts';
import { writeOutput } from './internal/output.ts';
import { decodeFromThread, registerKind, SHARE, type Shareable, type ShareDescriptor } from './internal/share.ts';
import { toSnippetStack } from './internal/snippet-stack.ts';
import { CANCELLED, FAILED, FINISHED, PENDING, PoolCore, RUNNING } from './internal/task-pool.ts';
import { trace } from './internal/trace.ts';
import { OP_CANCEL } from './internal/trace-ops.ts';
import { decodeValue } from './internal/value-codec.ts';

/** What a task's error becomes in shared memory (see {@link Future.exception}). */
export interface TaskFailure {
  name: string;
  message: string;
  /** The raw stack lines of the task's snippet frames (mapped to snippet lines when shown). */
  frames: string;
}

/** The outcome of a task as it is stored: [true, value] or [false, failure]. */
export type TaskOutcome = [ok: true, value: unknown] | [ok: false, failure: TaskFailure];

/** A snippet frame in a raw stack (the modules' sourceURLs; see snippet-stack.ts). */
const SNIPPET_FRAME = /interleave-snippet-(main|thread)\.js:\d+:\d+/;

/** Splits a task's error into what is stored (name, message, its snippet frames). */
export function describeTaskError(error: unknown): TaskFailure {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: toSnippetStack(error), frames: '' };
  }
  const frames = (error.stack ?? '').split('\n').filter((line) => SNIPPET_FRAME.test(line));
  return { name: error.name, message: error.message, frames: frames.join('\n') };
}

const BUILT_IN_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

/** The error `result()` throws for a failure: same class where known, the task's frames first. */
function reviveTaskError(failure: TaskFailure): Error {
  const known = BUILT_IN_ERRORS[failure.name] ?? (runtimeErrors as Record<string, unknown>)[failure.name];
  const error = typeof known === 'function' ? new (known as ErrorConstructor)(failure.message) : new Error(failure.message);
  if (error.name !== failure.name) error.name = failure.name;
  const here = (new Error().stack ?? '').split('\n').slice(1).join('\n');
  error.stack = [`${failure.name}: ${failure.message}`, failure.frames, here].filter(Boolean).join('\n');
  return error;
}

// ── Done callbacks (see the module comment) ──────────────────────────────────────────────────

const callbacks: { future: Future<any>; fns: ((future: Future<any>) => void)[] }[] = [];

/**
 * Runs the callbacks of this thread whose futures are done. Called by every Future, wait,
 * asCompleted and executor operation, and after every wake-up inside them.
 */
export function runDoneCallbacks(): void {
  for (let i = 0; i < callbacks.length; ) {
    const entry = callbacks[i];
    if (!entry.future.done()) {
      i++;
      continue;
    }
    callbacks.splice(i, 1);
    for (const fn of entry.fns) invokeCallback(fn, entry.future);
  }
}

/**
 * Forgets every pending done callback of this worker. Called by the bootstrap when a job ends:
 * the callbacks belong to the thread that added them, which has finished, so they must never
 * run in a later thread of the same worker.
 */
export function clearDoneCallbacks(): void {
  callbacks.length = 0;
}

function invokeCallback(fn: (future: Future<any>) => void, future: Future<any>): void {
  try {
    fn(future);
  } catch (error) {
    writeOutput('error', `Exception calling a done callback of ${future}:\n${toSnippetStack(error)}`);
  }
}

// ── Future ──────────────────────────────────────────────────────────────────────────────────

let reviving: { core: PoolCore; index: number } | null = null;
/** A future's shared core and index, for this module (set by Future's static block). */
let partsOf: (future: Future<any>) => { core: PoolCore; index: number };

/** The eventual outcome of a task submitted to an executor. See the module comment. */
export class Future<T = unknown> implements Shareable {
  readonly #core: PoolCore;
  readonly #index: number;

  /** Futures are made by `executor.submit` and `executor.map`; this constructor is not public API. */
  constructor() {
    if (reviving === null) {
      throw new TypeError('Futures are made by an executor: executor.submit(fn, ...args) returns one.');
    }
    this.#core = reviving.core;
    this.#index = reviving.index;
    reviving = null;
  }

  /**
   * Cancels the task if it has not started: returns true (also when it was already cancelled),
   * and the task never runs. Returns false if it is running or done (it then runs to the end).
   */
  cancel(): boolean {
    const state = this.#state();
    if (state === CANCELLED) return true;
    if (state !== PENDING || !this.#core.tryCancel(this.#index)) return this.#state() === CANCELLED;
    trace(OP_CANCEL, this.#core.id, this.#index);
    runDoneCallbacks();
    return true;
  }

  /** Whether the future was cancelled. */
  cancelled(): boolean {
    runDoneCallbacks();
    return this.#state() === CANCELLED;
  }

  /** Whether a pool worker is running the task right now. */
  running(): boolean {
    runDoneCallbacks();
    return this.#state() === RUNNING;
  }

  /** Whether the future is done: its task returned or threw, or it was cancelled. */
  done(): boolean {
    const state = this.#state();
    return state === FINISHED || state === FAILED || state === CANCELLED;
  }

  /**
   * The task's return value, waiting for it as long as it takes, or at most `timeout` ms (then
   * a TimeoutError; the task goes on). Throws CancelledError if the future was cancelled, and
   * the task's own error (see the module comment) if it threw.
   */
  result(timeout?: number): T {
    const failure = this.#settled(timeout, 'future.result');
    if (failure) throw reviveTaskError(failure);
    return (decodeValue(this.#core.outcome(this.#index)) as TaskOutcome)[1] as T;
  }

  /**
   * The error the task threw (as `result()` would throw it), or null if it returned. Waits as
   * `result()` does; throws TimeoutError and CancelledError as it does.
   */
  exception(timeout?: number): Error | null {
    const failure = this.#settled(timeout, 'future.exception');
    return failure ? reviveTaskError(failure) : null;
  }

  /**
   * Calls `fn(future)` once the future is done: at once if it already is, else in this thread
   * when it next uses a future or an executor (see the module comment). Each added function
   * runs exactly once.
   */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (typeof fn !== 'function') throw new TypeError('future.addDoneCallback(fn): fn must be a function.');
    if (this.done()) {
      invokeCallback(fn as (future: Future<any>) => void, this);
      return;
    }
    const entry = callbacks.find((candidate) => candidate.future === this);
    if (entry) entry.fns.push(fn as (future: Future<any>) => void);
    else callbacks.push({ future: this, fns: [fn as (future: Future<any>) => void] });
  }

  toString(): string {
    const names = ['pending', 'running', 'cancelled', 'finished', 'finished raised'];
    return `<Future #${this.#index + 1} of ${this.#core.state.label()}: ${names[this.#state()]}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Sent to another thread, a Future is a view of the same future. */
  [SHARE](): ShareDescriptor {
    return { $interleave: 'future', core: this.#core[SHARE](), index: this.#index };
  }

  #state(): number {
    return this.#core.futureState(this.#index);
  }

  /** Waits until done (or throws TimeoutError / CancelledError); the failure, if the task threw. */
  #settled(timeout: number | undefined, where: string): TaskFailure | null {
    const deadline = deadlineAfter(timeoutMs(timeout, where));
    waitUntil([this], deadline, () => this.done());
    const state = this.#state();
    if (state === CANCELLED) throw new CancelledError(`${this} was cancelled before its task started: it has no result.`);
    if (state === FAILED) return (decodeValue(this.#core.outcome(this.#index)) as TaskOutcome)[1] as TaskFailure;
    if (state === FINISHED) return null;
    throw new TimeoutError(`${this} did not finish within ${timeout} ms (${where}).`);
  }

  static {
    partsOf = (future) => ({ core: future.#core, index: future.#index });
  }
}

/** A view of future `index` of `core` (executors make futures this way). */
export function futureOf<T>(core: PoolCore, index: number): Future<T> {
  reviving = { core, index };
  return new Future<T>();
}

registerKind('future', (descriptor) => {
  const { core, index } = descriptor as ShareDescriptor & { core: ShareDescriptor; index: number };
  const revived = decodeCore(core);
  return futureOf(revived, index);
});

/** The core's kind is registered by task-pool.ts: it revives as every shared object does. */
function decodeCore(descriptor: ShareDescriptor): PoolCore {
  return decodeFromThread(descriptor) as PoolCore;
}

/**
 * Blocks until `ready()` is true or `deadline` (a performance.now() time) passes, running done
 * callbacks on every wake-up. Sleeps on the completion word of the first future's executor;
 * when the futures belong to several executors it sleeps in slices of
 * {@link MULTI_EXECUTOR_SLICE_MS} and re-checks (a completion elsewhere cannot wake it).
 */
function waitUntil(futures: Future<any>[], deadline: number, ready: () => boolean): void {
  const cores = new Set(futures.map((future) => partsOf(future).core.state.buffer));
  const core = futures.length > 0 ? partsOf(futures[0]).core : null;
  for (;;) {
    runDoneCallbacks();
    if (core === null) return;
    const seen = core.completions();
    if (ready()) return;
    const left = msUntil(deadline);
    if (left === 0) return;
    // A task on another core usually completes within microseconds: re-read the completion
    // word a bounded number of times before paying for a sleep and a wake-up.
    let spin = COMPLETION_SPIN_LIMIT;
    while (spin > 0 && core.completions() === seen) spin--;
    if (spin > 0) continue;
    core.waitForCompletion(seen, cores.size > 1 ? Math.min(left, MULTI_EXECUTOR_SLICE_MS) : left);
  }
}

/** How many times a waiter re-reads the completion word before sleeping (a few µs). */
const COMPLETION_SPIN_LIMIT = 2000;

/** How long a wait on futures of several executors sleeps before re-checking them all. */
const MULTI_EXECUTOR_SLICE_MS = 10;

// ── asCompleted and wait ─────────────────────────────────────────────────────────────────────

/**
 * The futures (of one executor or several; waiting on several executors' futures re-checks
 * every 10 ms, and such a wait is not a deadlock candidate), each yielded once as it completes (done or cancelled): those already done first,
 * then in the order they finish. Duplicates are yielded once. With `timeout` (ms, counted from
 * this call), a TimeoutError is thrown from the iteration if they are not all done in time.
 */
export function asCompleted<T>(futures: Iterable<Future<T>>, timeout?: number): Generator<Future<T>, void, undefined> {
  const deadline = deadlineAfter(timeoutMs(timeout, 'asCompleted'));
  const pending = [...new Set(futures)];
  const total = pending.length;
  return (function* (): Generator<Future<T>, void, undefined> {
    while (pending.length > 0) {
      waitUntil(pending, deadline, () => pending.some((future) => future.done()));
      const done = pending.filter((future) => future.done());
      if (done.length === 0) {
        throw new TimeoutError(`asCompleted: ${pending.length} (of ${total}) futures unfinished after ${timeout} ms.`);
      }
      for (const future of done) {
        pending.splice(pending.indexOf(future), 1);
        yield future;
      }
    }
  })();
}

/** `wait` returns when any future finishes or is cancelled. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** `wait` returns when any future finishes by throwing, or when all are done. */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** `wait` returns when all futures are done (the default). */
export const ALL_COMPLETED = 'ALL_COMPLETED';

/** Options of {@link wait}. */
export interface WaitOptions {
  /** Most ms to wait; then `wait` returns what is done so far (it does not throw). Default: no limit. */
  timeout?: number;
  /** When to return: {@link FIRST_COMPLETED}, {@link FIRST_EXCEPTION} or {@link ALL_COMPLETED} (default). */
  returnWhen?: typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;
}

/**
 * Waits for the futures as `returnWhen` says, at most `timeout` ms, and returns them split into
 * `done` (finished or cancelled) and `notDone`. As Python's `concurrent.futures.wait`.
 */
export function wait<T>(futures: Iterable<Future<T>>, options: WaitOptions = {}): { done: Set<Future<T>>; notDone: Set<Future<T>> } {
  const { timeout, returnWhen = ALL_COMPLETED } = options;
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw new RangeError(`wait: returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${String(returnWhen)}.`);
  }
  const all = [...new Set(futures)];
  const deadline = deadlineAfter(timeoutMs(timeout, 'wait'));
  const failed = (future: Future<T>) => {
    const { core, index } = partsOf(future);
    return core.futureState(index) === FAILED;
  };
  waitUntil(all, deadline, () => {
    if (returnWhen === FIRST_COMPLETED) return all.some((future) => future.done());
    if (returnWhen === FIRST_EXCEPTION && all.some(failed)) return true;
    return all.every((future) => future.done());
  });
  const done = new Set<Future<T>>();
  const notDone = new Set<Future<T>>();
  for (const future of all) (future.done() ? done : notDone).add(future);
  return { done, notDone };
}
