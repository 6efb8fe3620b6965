/**
 * ThreadPoolExecutor and ProcessPoolExecutor, as Python's `concurrent.futures`: a fixed number
 * of pool workers (threads, or processes) run the tasks given to `submit(fn, ...args)` (which
 * returns a Future) or `map(fn, items)`, in the order they were submitted.
 *
 *   using pool = new ThreadPoolExecutor({ maxWorkers: 4 });
 *   const squares = [...pool.map(square, [1, 2, 3])];       // [1, 4, 9], in input order
 *   const future = pool.submit(download, url);               // a Future
 *   console.log(future.result());                            // waits for it
 *
 * `using` (or `shutdown()`) waits for the tasks and stops the workers: Python's `with`.
 *
 * What a task can be: `fn` is shipped to the workers as a Thread's target is — by name when it
 * is a top-level function of the snippet (recommended), else as source text, so a closure's
 * variables are not there (the task then fails with the same explanation a thread gets).
 * `fn` must return its result (a Promise is refused). Arguments and results are copied
 * (structured-clone data). In a ThreadPoolExecutor, runtime objects (Lock, Value, Queue,
 * Future, Manager containers…) and SharedArrayBuffers (also under typed arrays) in the
 * arguments are shared, as with a Thread. In a ProcessPoolExecutor only the runtime's shared
 * objects are; plain shared memory is copied, as for a Process.
 *
 * How it works: tasks travel as bytes through a Queue (shared memory, no message per task);
 * results come back in the executor's shared memory (internal/task-pool.ts). Shared objects
 * cannot travel as bytes, so each one is given to the workers when they start: a task with a
 * shared object the running workers do not have yet starts a new set of workers with it (the
 * old ones finish the tasks queued before it, then stop). Give the same shared objects to many
 * tasks and this happens once; a new SharedArrayBuffer (or Lock…) for every task restarts the
 * workers every time: maxWorkers then bounds each set of workers, not all of them, and since
 * each worker is a thread of the run, the run's maxThreads (which counts every thread the run
 * ever starts) soon stops the program with "Too many threads". So create shared objects once,
 * before submitting, and pass the same ones to every task. While old workers finish their
 * queue, more than maxWorkers tasks may run at once.
 *
 * Workers are started on demand (one per submit while none is idle, up to maxWorkers) and are
 * daemon threads / processes: an executor that is never shut down does not keep the program
 * alive (Python would finish its queued tasks at exit; shut it down, or use `using`, to wait).
 * An executor belongs to the thread that created it: it cannot be passed to another thread
 * (pass Futures instead).
 */
import { Empty, ShutDown, UsageError } from './errors.ts';
import { Future, futureOf, runDoneCallbacks, describeTaskError, type TaskOutcome } from './future.ts';
import { currentThreadName } from './internal/context.ts';
import { deadlineAfter, msUntil, timeoutMs } from './internal/futex.ts';
import { copySharedMemory } from './internal/isolate.ts';
import { jobServices } from './internal/job-services.ts';
import { registerRuntimeFunction } from './internal/runtime-functions.ts';
import { SHARE } from './internal/share.ts';
import { FAILED, FINISHED, PoolCore, type TaskItem } from './internal/task-pool.ts';
import { trace } from './internal/trace.ts';
import { OP_SUBMIT, OP_TASK_END, OP_TASK_START } from './internal/trace-ops.ts';
import { ValueDecoder, ValueEncoder } from './internal/value-codec.ts';
import type { FunctionRef } from './platform/protocol.ts';
import { Process } from './process.ts';
import { objectQueue, type Queue } from './queue.ts';
import { Thread } from './thread.ts';
import { isThenable } from './internal/thenable.ts';

/** Options of the executors. */
export interface ExecutorOptions {
  /**
   * Most tasks run at once (and pool workers started). Default: ThreadPoolExecutor
   * min(32, cores + 4), ProcessPoolExecutor the number of cores (Python's defaults).
   */
  maxWorkers?: number;
}

/** Options of `executor.map`. */
export interface MapOptions {
  /** Most ms, counted from the map() call, until every result is there; then the iteration throws TimeoutError. */
  timeout?: number;
}

/** Options of `executor.shutdown`. */
export interface ShutdownOptions {
  /** Wait until every queued task has run and the workers have stopped. Default true. */
  wait?: boolean;
  /** Cancel the tasks that have not started (their futures become cancelled). Default false. */
  cancelFutures?: boolean;
}

type Task = (...args: any[]) => unknown;

/** What a pool worker is: a Thread or a Process. */
interface WorkerKind {
  /** The worker's class. */
  create(options: { target: Task; args: unknown[]; name: string; daemon: boolean }): Thread;
  /** What the task arguments become before they are encoded (a process's own copy). */
  prepare(args: unknown[]): unknown[];
  /** Which objects the workers must be given at start to share them (see the module comment). */
  shares(value: object): boolean;
}

const cores = (): number => Math.max(1, Number((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency) || 4);

/** One generation of workers: the work queue they serve and the shared objects they were given. */
interface Generation {
  tasks: Queue<TaskItem>;
  /** How many shared-table entries its workers have. */
  tableLength: number;
  started: number;
}

/** What both executors do. Not exported: ThreadPoolExecutor and ProcessPoolExecutor are the public faces. */
abstract class Executor implements Disposable {
  readonly #kind: WorkerKind;
  readonly #prefix: string;
  readonly #maxWorkers: number;
  readonly #core: PoolCore;
  readonly #workers: Thread[] = [];
  readonly #generations: Generation[] = [];
  /** Shared objects given to the workers, by their index in the encoded arguments. */
  readonly #table: object[] = [];
  readonly #tableIndex = new Map<object, number>();
  readonly #functions = new Map<Function, FunctionRef>();
  readonly #encoder: ValueEncoder;

  constructor(kind: WorkerKind, prefix: string, options: ExecutorOptions, defaultWorkers: number) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`new ${prefix}(options): options go in an object, e.g. new ${prefix}({ maxWorkers: 4 }).`);
    }
    const { maxWorkers = defaultWorkers } = options;
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1) {
      throw new RangeError(`new ${prefix}: maxWorkers must be an integer ≥ 1, got ${String(maxWorkers)}.`);
    }
    jobServices('Executors');
    this.#kind = kind;
    this.#maxWorkers = maxWorkers;
    this.#core = PoolCore.create();
    this.#prefix = `${prefix}-${this.#core.id}`;
    this.#encoder = new ValueEncoder({ encodeShared: (value) => (kind.shares(value) ? this.#share(value) : undefined) });
    this.#generations.push({ tasks: objectQueue<TaskItem>(), tableLength: 0, started: 0 });
  }

  /** Most tasks run at once. */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * Schedules `fn(...args)` on a pool worker and returns its Future at once. Throws a UsageError
   * after shutdown(), and a TypeError for a function or arguments that cannot be sent (a
   * built-in function, a class instance's methods…), naming what and where.
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<R> {
    runDoneCallbacks();
    if (typeof fn !== 'function') throw new TypeError(`executor.submit(fn, ...args): fn must be a function, got ${typeof fn}.`);
    if (this.#core.isShut()) {
      throw new UsageError(`Cannot submit a task to ${this.#label()} after shutdown(): create a new executor.`);
    }
    let ref = this.#functions.get(fn);
    if (ref === undefined) {
      ref = jobServices('Executors').packFunction(fn);
      this.#functions.set(fn, ref);
    }
    const bytes = this.#encoder.encode(this.#kind.prepare(args), 'args').slice();
    let generation = this.#generations.at(-1)!;
    if (this.#table.length > generation.tableLength) generation = this.#nextGeneration();
    const index = this.#core.allocateFuture();
    if (generation.started === 0 || (generation.started < this.#maxWorkers && this.#core.idleWorkers() === 0)) {
      this.#startWorker(generation);
    }
    generation.tasks.put([index, ref, bytes]);
    trace(OP_SUBMIT, this.#core.id, generation.tasks.qsize());
    return futureOf<R>(this.#core, index);
  }

  /**
   * Submits `fn(item)` for every item at once, and returns an iterator over the results in the
   * order of the items (each waited for when reached). A task's error is thrown when its result
   * is reached; with `timeout` (ms, from this call) a TimeoutError when time runs out. Leaving
   * the iteration early (break, an error) cancels the tasks that have not started.
   * `[...pool.map(fn, items)]` collects them in an array.
   */
  map<T, R>(fn: (item: T) => R, items: Iterable<T>, options: MapOptions = {}): Generator<R, void, undefined> {
    const deadline = deadlineAfter(timeoutMs(options.timeout, 'executor.map'));
    const futures = Array.from(items, (item) => this.submit(fn, item));
    return (function* (): Generator<R, void, undefined> {
      try {
        for (const future of futures) {
          const left = msUntil(deadline);
          yield future.result(left === Infinity ? undefined : left);
        }
      } finally {
        for (const future of futures) future.cancel();
      }
    })();
  }

  /**
   * Stops accepting tasks. With `cancelFutures`, the tasks not started yet are cancelled; the
   * others still run. With `wait` (the default), returns once they have all run and the
   * workers have stopped. Calling it again is harmless.
   */
  shutdown(options: ShutdownOptions = {}): void {
    const { wait = true, cancelFutures = false } = options;
    runDoneCallbacks();
    this.#core.shut();
    for (const { tasks } of this.#generations) {
      if (cancelFutures) {
        for (;;) {
          let item: TaskItem;
          try {
            item = tasks.getNowait();
          } catch (error) {
            if (error instanceof Empty || error instanceof ShutDown) break;
            throw error;
          }
          futureOf(this.#core, item[0]).cancel();
        }
      }
      tasks.shutdown();
    }
    if (wait) for (const worker of this.#workers) worker.join();
    runDoneCallbacks();
  }

  /** `using pool = new ThreadPoolExecutor(…)`: shutdown() (waiting) at the end of the block. */
  [Symbol.dispose](): void {
    this.shutdown();
  }

  toString(): string {
    return `<${this.#label()}: ${this.#maxWorkers} workers${this.#core.isShut() ? ', shut down' : ''}>`;
  }

  /** An executor stays with the thread that made it; say so instead of a generic refusal. */
  [SHARE](): never {
    throw new TypeError(
      `${this.#label()} cannot be passed to another thread: submit tasks from the thread that created it, ` +
        'and pass the Futures it returns instead.',
    );
  }

  #label(): string {
    const id = this.#core.id;
    return id === 0 ? this.constructor.name : `${this.constructor.name} #${id}`;
  }

  /** The shared-table index of `value`, adding it (workers started from now on get it). */
  #share(value: object): number {
    let index = this.#tableIndex.get(value);
    if (index === undefined) {
      index = this.#table.push(value) - 1;
      this.#tableIndex.set(value, index);
    }
    return index;
  }

  /** New workers with the whole table; the previous generation finishes its queue and stops. */
  #nextGeneration(): Generation {
    const previous = this.#generations.at(-1)!;
    previous.tasks.shutdown();
    const generation = { tasks: objectQueue<TaskItem>(), tableLength: this.#table.length, started: 0 };
    this.#generations.push(generation);
    return generation;
  }

  #startWorker(generation: Generation): void {
    const worker = this.#kind.create({
      target: serveTasks as Task,
      args: [this.#core, generation.tasks, this.#table.slice()],
      name: `${this.#prefix}_${this.#workers.length}`,
      daemon: true,
    });
    try {
      worker.start();
    } catch (error) {
      // Usually the run's thread limit, reached because new shared objects keep starting new
      // sets of workers (see the module comment): say so, and how to avoid it.
      if (this.#generations.length > 1 && error instanceof Error && error.message.startsWith('Too many threads')) {
        error.message +=
          ` ${this.#label()} has started ${this.#workers.length} workers although maxWorkers is ${this.#maxWorkers}: ` +
          `its tasks keep bringing shared objects (Locks, Values, SharedArrayBuffers…) its workers were not given, ` +
          `and each time it must start new workers that have them. ` +
          `Create the shared objects once, before submitting, and pass the same ones to every task ` +
          `(for example one Lock for all tasks, or one SharedArrayBuffer that tasks index into).`;
      }
      throw error;
    }
    this.#workers.push(worker);
    generation.started++;
  }
}

/**
 * A pool of threads, as Python's `concurrent.futures.ThreadPoolExecutor`. Tasks share memory
 * with the submitting thread as threads do (see the module comment).
 */
export class ThreadPoolExecutor extends Executor {
  /** `maxWorkers`: most tasks at once (default min(32, cores + 4)). Throws outside a run. */
  constructor(options: ExecutorOptions = {}) {
    super(
      {
        create: (options) => new Thread(options),
        prepare: (args) => args,
        shares: (value) => SHARE in value || value instanceof SharedArrayBuffer,
      },
      'ThreadPoolExecutor',
      options,
      Math.min(32, cores() + 4),
    );
  }
}

/**
 * A pool of processes, as Python's `concurrent.futures.ProcessPoolExecutor`. Each task's
 * arguments are copied into the worker process, plain shared memory included; only the
 * runtime's shared objects stay shared (see the module comment and process.ts).
 */
export class ProcessPoolExecutor extends Executor {
  /** `maxWorkers`: most tasks at once (default: the number of cores). Throws outside a run. */
  constructor(options: ExecutorOptions = {}) {
    super(
      {
        create: (options) => new Process(options),
        prepare: (args) => copySharedMemory(args, 'plain'),
        shares: (value) => SHARE in value,
      },
      'ProcessPoolExecutor',
      options,
      cores(),
    );
  }
}

// ── The pool worker (runs in the worker thread or process) ─────────────────────────────────

/**
 * A pool worker's loop: takes tasks from `tasks` until it is shut down and empty, runs each
 * whose future was not cancelled, and stores its outcome in `core`. `table` is the shared
 * objects the tasks' encoded arguments refer to by index.
 */
function serveTasks(core: PoolCore, tasks: Queue<TaskItem>, table: unknown[]): void {
  const services = jobServices('Executors');
  const decoder = new ValueDecoder({ decodeShared: (index) => table[index] });
  const encoder = new ValueEncoder();
  const functions = new Map<string, (...args: unknown[]) => unknown>();
  const name = currentThreadName();
  for (;;) {
    let item: TaskItem;
    core.markIdle(1);
    try {
      item = tasks.get();
    } catch (error) {
      if (error instanceof ShutDown) return;
      throw error;
    } finally {
      core.markIdle(-1);
    }
    const [index, ref, bytes] = item as [number, FunctionRef, Uint8Array];
    if (!core.tryStart(index)) continue; // cancelled while queued
    trace(OP_TASK_START, core.id, tasks.qsize());
    let outcome: TaskOutcome;
    try {
      const key = ref.kind === 'source' ? ref.source : `${ref.kind}:${ref.name}`;
      let fn = functions.get(key);
      if (fn === undefined) functions.set(key, (fn = services.unpackFunction(ref)));
      const value = fn(...(decoder.decode(bytes) as unknown[]));
      if (isThenable(value)) {
        throw new TypeError(
          `The task returned a Promise: executors run plain functions and send back what they return. ` +
            'Make the function synchronous (sleep(ms) instead of awaiting a timer), or use an async Thread target.',
        );
      }
      outcome = [true, value];
    } catch (error) {
      outcome = [false, describeTaskError(services.explainError(error, ref, name) ?? error)];
    }
    let encoded: Uint8Array;
    try {
      encoded = encoder.encode(outcome, 'the result');
    } catch (error) {
      outcome = [false, describeTaskError(error)];
      encoded = encoder.encode(outcome);
    }
    try {
      core.settle(index, outcome[0] ? FINISHED : FAILED, encoded);
    } catch (error) {
      // Too large for what is left of the arena: the future fails with that (small) error
      // instead, so nobody waits for it forever.
      core.settle(index, FAILED, encoder.encode([false, describeTaskError(error)]));
    }
    trace(OP_TASK_END, core.id, index);
  }
}

registerRuntimeFunction('executor-worker', serveTasks as (...args: unknown[]) => unknown);
