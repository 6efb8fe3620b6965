/**
 * Processes, as Python's `multiprocessing.Process`: `new Process({ target, args })`, then
 * `start()`, `join()`, `exitCode`, `terminate()`. Subclassing works as for Thread
 * (`class Worker extends Process { run() { … } }`, declared at the top level).
 *
 * What makes a process a process here: it runs in its own worker (as a thread does) but shares
 * no memory with its parent unless given something shared on purpose.
 * - Its arguments are copies, down to the bytes: a typed array over a SharedArrayBuffer (or the
 *   buffer itself) passed to a THREAD is the same memory on both sides; passed to a PROCESS it
 *   is copied at start(), so the process's writes are not seen by the parent, and the parent's
 *   not by the process. Only the runtime's shared objects stay shared: Value, SharedArray,
 *   Queue, Pipe ends, Manager containers, locks, events…
 * - It has its own GIL when the run simulates one (`gil: true`): a CPU-bound process does not
 *   wait for the parent's threads, as in CPython.
 * - It has its own pid (a positive number, distinct for each process of the run) and an exit
 *   code: 0 when `run()` returned, 1 when it threw (the error is reported in its output, as a
 *   thread's is), -15 after `terminate()` and -9 after `kill()` (Python's -SIGTERM, -SIGKILL).
 *
 * In the program's lifecycle a process is like a thread: the program waits for non-daemon
 * processes at its end and stops daemon ones; joining one takes part in deadlock detection.
 * `terminate()` really stops it, even in an endless loop: its worker is terminated (the
 * worker pool starts a fresh one).
 *
 * Since a Process is started and joined exactly like a Thread, it is one (`Process extends
 * Thread`): `currentThread()` in a process returns its Process, and `enumerate()` lists live
 * processes too (as Thread objects). Its `ident` is its pid.
 */
import { currentThreadId } from './internal/context.ts';
import { copySharedMemory } from './internal/isolate.ts';
import { jobServices } from './internal/job-services.ts';
import { registerKind, SHARE, type ShareDescriptor } from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_EXIT, OP_TERMINATE } from './internal/trace-ops.ts';
import { Thread, threadView, type ThreadOptions } from './thread.ts';

/** Words of a process's own state buffer. */
const EXIT_CODE = 0;
const PID = 1;
const STATE_WORDS = 2;
/** EXIT_CODE while the process has not exited (no real exit code is this small). */
const NOT_EXITED = -0x8000_0000;
/** Pids are this plus the process's number in the run (Process-1 has pid 1001). */
const PID_BASE = 1000;
/** Python's exit codes after terminate() (-SIGTERM) and kill() (-SIGKILL). */
const SIGTERM = 15;
const SIGKILL = 9;

/** What `new Process(options)` takes: the same options as a Thread (Python's keyword arguments). */
export type ProcessOptions<Args extends unknown[] = unknown[]> = ThreadOptions<Args>;

const states = new WeakMap<Thread, Int32Array>();

/** A process of the running program. See the module comment. */
export class Process extends Thread {
  /**
   * `target`, `args`, `name` (default "Process-N"), `daemon` (default: the creating thread's
   * flag), as for Thread. `args` are copied at start(), shared memory included (see the module
   * comment). Throws outside a run.
   */
  constructor(options: ProcessOptions<any> = {}) {
    const number = jobServices('Processes').nextProcessNumber();
    super({ ...options, name: options.name ?? `Process-${number}` });
    const state = new Int32Array(new SharedArrayBuffer(STATE_WORDS * Int32Array.BYTES_PER_ELEMENT));
    state[EXIT_CODE] = NOT_EXITED;
    state[PID] = PID_BASE + number;
    states.set(this, state);
  }

  /** The process id: a positive number, distinct for every process of the run; null before start(). */
  get pid(): number | null {
    return super.ident === null ? null : stateOf(this)[PID];
  }

  /** The same as {@link pid} (as in Python, a process's ident is its pid). */
  override get ident(): number | null {
    return this.pid;
  }

  /**
   * null until the process has ended; then 0 (run() returned), 1 (it threw), or minus the
   * signal number after terminate() (-15) or kill() (-9).
   */
  get exitCode(): number | null {
    const code = Atomics.load(stateOf(this), EXIT_CODE);
    return code === NOT_EXITED ? null : code;
  }

  /**
   * Stops the process now, wherever it is (an endless loop, a blocking wait): its worker is
   * terminated, its exit code becomes -15, and join() returns once it is gone. Like a killed
   * process, it releases nothing: locks it held stay held, items it was writing may be lost.
   * Does nothing if the process has already ended. Throws if it was never started.
   */
  terminate(): void {
    this.#stop(-SIGTERM);
  }

  /** As {@link terminate}, with exit code -9 (Python's kill(), SIGKILL). */
  kill(): void {
    this.#stop(-SIGKILL);
  }

  #stop(code: number): void {
    const id = super.ident;
    if (id === null) throw new Error(`Cannot terminate ${this.name}: it was never started (call start() first).`);
    // Whoever sets the exit code first (this call, or the process ending by itself) decides it.
    if (Atomics.compareExchange(stateOf(this), EXIT_CODE, NOT_EXITED, code) !== NOT_EXITED) return;
    trace(OP_TERMINATE, id, code);
    jobServices('Processes').terminate(id);
  }

  override toString(): string {
    const code = this.exitCode;
    const status = super.ident === null ? 'initial' : code !== null ? `stopped exitcode=${code}` : this.isAlive() ? 'started' : 'stopped';
    return `<${this.constructor.name}(${this.name}, ${status}${this.daemon ? ' daemon' : ''})>`;
  }

  /** Sent to another thread or process, a Process becomes a view of the same process. */
  override [SHARE](): ShareDescriptor {
    const id = super.ident;
    if (id === null) throw new Error(`Only a started process can be passed to another thread (${this.name} was not started).`);
    return { $interleave: 'process', id, name: this.name, daemon: this.daemon, state: stateOf(this).buffer };
  }
}

registerKind('process', (descriptor) => {
  const process = threadView(descriptor.id as number, descriptor.name as string, descriptor.daemon as boolean, {
    prototype: Process.prototype,
  });
  states.set(process, new Int32Array(descriptor.state as SharedArrayBuffer));
  return process;
});

function stateOf(process: Thread): Int32Array {
  const state = states.get(process);
  if (!state) throw new TypeError('This is not a Process (did a subclass constructor forget super()?).');
  return state;
}

// ── For the worker bootstrap and targets.ts (not part of the public surface) ──────────────

/** A process's own state buffer (sent with its start request), or null for a plain thread. */
export function processState(thread: Thread): SharedArrayBuffer | null {
  return (states.get(thread)?.buffer as SharedArrayBuffer | undefined) ?? null;
}

/** What a process's arguments become on their way to it: copies of all plain shared memory. */
export function isolateForProcess<T>(value: T): T {
  return copySharedMemory(value, 'shared');
}

/** Makes `thread` (revived by the bootstrap in the process's worker) a view of its process. */
export function attachProcess(thread: Thread, state: SharedArrayBuffer): void {
  states.set(thread, new Int32Array(state));
}

/**
 * Records how a process ended (0 returned, 1 threw or its worker died), unless it was
 * terminated first. Called by the bootstrap before it marks the thread done, and by the host
 * when the process's worker fails.
 */
export function recordExit(state: SharedArrayBuffer, failed: boolean): void {
  const words = new Int32Array(state);
  const code = failed ? 1 : 0;
  Atomics.compareExchange(words, EXIT_CODE, NOT_EXITED, code);
  trace(OP_EXIT, currentThreadId(), Atomics.load(words, EXIT_CODE));
}
