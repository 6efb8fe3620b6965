/**
 * Threads, as in Python's `threading`: `new Thread({ target, args })` then `start()` runs
 * `target(...args)` in its own worker, truly in parallel with every other thread. Subclassing
 * works too: `class Downloader extends Thread { run() { … } }`.
 *
 * A Thread object is a view: the thread's state lives in the run's control block (its entry in
 * the thread table), so every worker that holds a Thread for the same id sees the same thread.
 * Its own bookkeeping (id, target, args) is kept in a WeakMap, not in fields, so that a
 * subclass instance's own fields are exactly the user's fields (those are shipped to the thread).
 *
 * What a thread's code can see: its arguments, the runtime's exports, JavaScript's globals and
 * the snippet's top-level functions, classes and imports. Not other top-level variables: each
 * thread loads its own copy of the snippet's declarations, and `let counter = 0` at the top is
 * not part of it (pass shared state as an argument, e.g. a Lock or a SharedArrayBuffer).
 */
import { blockOn } from './internal/blocking.ts';
import { controlBlock, currentThreadId, DEFAULT_THREAD_ID, DEFAULT_THREAD_NAME } from './internal/context.ts';
import { deadlineAfter, timeoutMs } from './internal/futex.ts';
import {
  THREAD_DONE,
  THREAD_RUNNING,
  THREAD_STARTING,
  type ControlBlock,
} from './internal/control-block.ts';
import { registerKind, SHARE, type ShareDescriptor } from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_SLEEP } from './internal/trace-ops.ts';

/** The main thread's id and name in every run: the ones a worker has before it enters a thread. */
export const MAIN_THREAD_ID = DEFAULT_THREAD_ID;
export const MAIN_THREAD_NAME = DEFAULT_THREAD_NAME;

/** What `new Thread(options)` takes (Python's keyword arguments). */
export interface ThreadOptions<Args extends unknown[] = unknown[]> {
  /** The function the thread runs: a top-level function of the snippet, or any function that
   * uses only its arguments and top-level declarations. */
  target?: (...args: Args) => unknown;
  /** Arguments for `target`. Runtime primitives and SharedArrayBuffers are shared; anything
   * else is copied (structured clone). */
  args?: Args;
  /** Default: "Thread-N". */
  name?: string;
  /** Daemon threads are stopped when the program ends instead of being waited for. Default:
   * the daemon flag of the thread that creates it (false for the main thread). */
  daemon?: boolean;
}

/**
 * How a thread is started, provided per job by the worker bootstrap (src/runtime/worker/):
 * it knows the program's modules and the channel to the host.
 */
export interface ThreadLauncher {
  /**
   * Packs `thread` for another worker (throws, naming the culprit, if it cannot be sent), then
   * calls `allocate` for its id and hands it to the host, which runs it in a pooled worker.
   */
  launch(thread: Thread, allocate: () => number): void;
  /** The next number for a default name ("Thread-N"), shared by every worker of the run. */
  nextThreadNumber(): number;
}

interface ThreadRecord {
  /** 0 until started. */
  id: number;
  name: string;
  daemon: boolean;
  target: ((...args: unknown[]) => unknown) | undefined;
  args: unknown[];
}

const records = new WeakMap<Thread, ThreadRecord>();
let launcher: ThreadLauncher | null = null;
/** This worker's own Thread object (set per job), so currentThread() keeps subclass identity. */
let current: Thread | null = null;

/** A thread of the running program. */
export class Thread {
  constructor(options: ThreadOptions<any> = {}) {
    const { target, args = [], name, daemon } = options;
    if (target !== undefined && typeof target !== 'function') {
      throw new TypeError(`Thread: target must be a function, got ${typeof target}.`);
    }
    if (!Array.isArray(args)) throw new TypeError('Thread: args must be an array.');
    records.set(this, {
      id: 0,
      name: name ?? `Thread-${requireLauncher().nextThreadNumber()}`,
      daemon: daemon ?? currentThread().daemon,
      target,
      args,
    });
  }

  /** The thread's name, used in output labels and error reports. Settable before start(). */
  get name(): string {
    return record(this).name;
  }
  set name(value: string) {
    const entry = record(this);
    if (entry.id !== 0) throw new Error(`Cannot rename ${entry.name} after start(): set the name before starting it.`);
    entry.name = String(value);
  }

  /** A number identifying the thread in this run, or null before start(). */
  get ident(): number | null {
    const { id } = record(this);
    return id === 0 ? null : id;
  }

  /** Whether the program ends without waiting for this thread. Settable before start(). */
  get daemon(): boolean {
    return record(this).daemon;
  }
  set daemon(value: boolean) {
    const entry = record(this);
    if (entry.id !== 0) throw new Error(`Cannot change the daemon flag of ${entry.name} after start().`);
    entry.daemon = Boolean(value);
  }

  /**
   * Starts the thread: from now on it runs in parallel. Returns at once.
   * Throws if called twice, or when the run's thread limit (maxThreads) is reached.
   */
  start(): void {
    const entry = record(this);
    if (entry.id !== 0) throw new Error(`${entry.name} was already started: a thread can only be started once.`);
    const control = requireControl();
    // The id is taken only once the thread is known to be sendable: a failed start leaves no
    // half-started entry in the thread table.
    requireLauncher().launch(this, () => (entry.id = control.allocateThread(entry.name, entry.daemon)));
  }

  /** What the thread does: calls `target(...args)`. Subclasses override it. */
  run(): unknown {
    const { target, args } = record(this);
    return target?.(...args);
  }

  /**
   * Waits until the thread has finished, or at most `timeout` ms (-1, null or undefined: no
   * limit; anything else but a number ≥ 0 is a RangeError). Returns true when it has finished. Really blocks this thread (Atomics.wait); takes part in deadlock detection.
   * Throws when the thread was never started or when a thread joins itself.
   */
  join(timeout?: number | null): boolean {
    // Checked first, as every primitive does: -1, null or undefined wait forever.
    const deadline = deadlineAfter(timeoutMs(timeout, 'thread.join'));
    const entry = record(this);
    if (entry.id === 0) throw new Error(`Cannot join ${entry.name}: it was never started (call start() first).`);
    if (entry.id === currentThreadId()) throw new Error(`${entry.name} cannot join itself: it would wait forever.`);
    const control = requireControl();
    const index = control.threadStateIndex(entry.id);
    for (;;) {
      const state = Atomics.load(control.words, index);
      if (state === THREAD_DONE) return true;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      // The state word is the futex: a finishing thread stores DONE, then notifies it.
      blockOn({ kind: 'join', object: entry.id, owner: entry.id, timeout: remaining }, (ms) =>
        Atomics.wait(control.words, index, state, ms),
      );
    }
  }

  /** True from start() until the thread's run() has returned or thrown. */
  isAlive(): boolean {
    const { id } = record(this);
    if (id === 0) return false;
    const state = requireControl().threadState(id);
    return state === THREAD_STARTING || state === THREAD_RUNNING;
  }

  toString(): string {
    const { id, name, daemon } = record(this);
    const status = id === 0 ? 'initial' : this.isAlive() ? 'started' : 'stopped';
    return `<${this.constructor.name}(${name}, ${status}${daemon ? ' daemon' : ''}${id ? ` ${id}` : ''})>`;
  }

  /** Sent to another thread, a Thread becomes a view of the same thread (by id). */
  [SHARE](): ShareDescriptor {
    const { id, name, daemon } = record(this);
    if (id === 0) throw new Error(`Only a started thread can be passed to another thread (${name} was not started).`);
    return { $interleave: 'thread', id, name, daemon };
  }
}

registerKind('thread', (descriptor) =>
  threadView(descriptor.id as number, descriptor.name as string, descriptor.daemon as boolean),
);

/** The Thread object of the thread calling it. */
export function currentThread(): Thread {
  if (current) return current;
  const id = currentThreadId();
  const control = controlBlock();
  return id === MAIN_THREAD_ID || !control
    ? mainThread()
    : threadView(id, control.threadName(id), control.isDaemon(id));
}

let main: Thread | null = null;

/** The main thread (the snippet's top level). */
export function mainThread(): Thread {
  main ??= threadView(MAIN_THREAD_ID, MAIN_THREAD_NAME, false);
  return main;
}

/** The threads alive right now, the main thread included while it runs. */
export function enumerate(): Thread[] {
  const control = controlBlock();
  if (!control) return [currentThread()];
  const alive: Thread[] = [];
  for (let id = 1; id <= control.threadCount(); id++) {
    const state = control.threadState(id);
    if (state !== THREAD_STARTING && state !== THREAD_RUNNING) continue;
    if (id === currentThreadId()) alive.push(currentThread());
    else if (id === MAIN_THREAD_ID) alive.push(mainThread());
    else alive.push(threadView(id, control.threadName(id), control.isDaemon(id)));
  }
  return alive;
}

/** How many threads are alive right now (the length of enumerate()). */
export function activeCount(): number {
  return enumerate().length;
}

// A futex word nobody ever notifies: sleep waits on it for its full time.
const sleepWord = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

/**
 * Blocks the calling thread for `ms` milliseconds (really: Atomics.wait, no busy loop).
 * Other threads keep running; with the GIL on, sleeping hands the GIL over.
 */
export function sleep(ms: number): void {
  if (typeof ms !== 'number') {
    const got = typeof ms === 'string' ? `the string '${ms}'` : typeof ms;
    throw new TypeError(`sleep(ms) needs a number of milliseconds, got ${got}.`);
  }
  if (!(ms >= 0)) throw new RangeError(`sleep(ms) needs a number of milliseconds ≥ 0, got ${ms}.`);
  trace(OP_SLEEP, 0, ms);
  const deadline = performance.now() + ms;
  for (;;) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) return;
    blockOn({ kind: 'sleep', object: 0, timeout: remaining }, (ms) => Atomics.wait(sleepWord, 0, 0, ms));
  }
}

// ── For the worker bootstrap (not part of the public surface) ─────────────────────────────

/** Called by the bootstrap before each job: how this worker starts threads. */
export function setThreadLauncher(value: ThreadLauncher | null): void {
  launcher = value;
}

/** Called by the bootstrap before running a thread: the object currentThread() returns. */
export function setCurrentThread(thread: Thread | null): void {
  current = thread;
  if (thread === null) main = null;
}

/**
 * A Thread object for an already started thread `id` (how a thread sees itself, the main
 * thread, or a Thread passed to it). With `prototype`, a revived subclass instance.
 */
export function threadView(
  id: number,
  name: string,
  daemon: boolean,
  options: { prototype?: object; target?: (...args: unknown[]) => unknown; args?: unknown[] } = {},
): Thread {
  const thread = Object.create(options.prototype ?? Thread.prototype) as Thread;
  records.set(thread, { id, name, daemon, target: options.target, args: options.args ?? [] });
  return thread;
}

/** What a thread was constructed with: its target and args (the bootstrap ships these). */
export function threadCall(thread: Thread): { target: ((...args: unknown[]) => unknown) | undefined; args: unknown[] } {
  const { target, args } = record(thread);
  return { target, args };
}

function record(thread: Thread): ThreadRecord {
  const entry = records.get(thread);
  if (!entry) throw new TypeError('This is not a Thread (did a subclass constructor forget super()?).');
  return entry;
}

function requireControl(): ControlBlock {
  const control = controlBlock();
  if (!control) throw new Error(notInRun);
  return control;
}

function requireLauncher(): ThreadLauncher {
  if (!launcher) throw new Error(notInRun);
  return launcher;
}

const notInRun = 'Threads only work inside a program run by Interleave (the playground or `npx interleave run`).';
