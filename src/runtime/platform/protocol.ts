/**
 * The message protocol between the host (src/runner/host.ts) and the workers it runs threads
 * in. Two directions, a few typed kinds, nothing else on the wire. Shared state (the control
 * block, output rings, primitives) travels as `SharedArrayBuffer`s inside these messages.
 */

/** A function sent to another worker. */
export type FunctionRef =
  /** A top-level function of the snippet, found by name in the thread module's exports. */
  | { kind: 'export'; name: string }
  /**
   * Any other function (an arrow, a closure): its source text, evaluated in the thread; `at` is
   * where that text is in the compiled modules (so the thread's stack lines are snippet lines).
   */
  | { kind: 'source'; source: string; at?: { module: 'main' | 'thread'; line: number; column: number } }
  /** A function of the runtime itself (an executor's worker loop), by its registered name. */
  | { kind: 'runtime'; name: string };

/** What a new thread runs, as it can be sent to another worker. */
export interface ThreadSpec {
  /** `class X extends Thread`: X, a top-level class of the snippet (thread module export). */
  className?: string;
  /** The subclass instance's own fields, encoded with encodeForThread. */
  fields?: unknown;
  /** The `target` option, if any. */
  target?: FunctionRef;
  /** The `args` option, encoded with encodeForThread. */
  args: unknown;
  /** Set when the thread is a Process: its own state (exit code) words, see process.ts. */
  process?: { state: SharedArrayBuffer };
  /**
   * The GIL words of the process this thread belongs to, when that is not the main program
   * (each process has its own GIL, as in CPython); absent: the run's GIL in the control block.
   */
  gil?: SharedArrayBuffer;
}

/** The program a run executes (see CompiledProgram in src/runner/compile.ts). */
export interface JobProgram {
  main: string;
  thread: string;
  exports: string[];
  topLevelVariables: { name: string; line: number }[];
  gil: boolean;
  /** Column maps of the two modules (snippet-stack.ts), when compile made them. */
  columns?: { main?: number[][]; thread?: number[][] };
}

/** Everything a worker needs to run one thread of one run. */
export interface Job {
  run: number;
  threadId: number;
  name: string;
  daemon: boolean;
  /** The run's control block (src/runtime/internal/control-block.ts). */
  control: SharedArrayBuffer;
  /** This thread's console ring (src/runtime/internal/output.ts). */
  output: SharedArrayBuffer;
  program: JobProgram;
  /** Absent for the main thread, which runs `program.main`. */
  spec?: ThreadSpec;
  /** The run's shared counters, Int32 words at RUN_COUNTER indices (see below). */
  counters: SharedArrayBuffer;
  /** Whether the run simulates a GIL (its words are in the control block). */
  gil: boolean;
  /** GIL switch interval in ms. */
  switchIntervalMs: number;
}

/** Word indices in {@link Job.counters}. */
export const RUN_COUNTER = {
  /** The last number given to a default thread name ("Thread-N"). */
  threadNumber: 0,
  /** The next output line's sequence number (output.ts). */
  outputSequence: 1,
  /** The last number given to a process ("Process-N", and its pid). */
  processNumber: 2,
} as const;
export const RUN_COUNTER_WORDS = 3;

export type HostToWorker = { type: 'job'; job: Job };

/** An error as it crosses to the host, with its stack already in snippet coordinates. */
export interface ThreadFailure {
  /** The error's class name ("Error", "TypeError", "DeadlockError" …). */
  name: string;
  message: string;
  /** The stack, rewritten to snippet lines (toSnippetStack). */
  stack: string;
  /** Where it was thrown in the snippet, when known. */
  line?: number;
  column?: number;
}

export type WorkerToHost =
  /** The worker has loaded the runtime and is ready for jobs (sent once, at start-up). */
  | { type: 'ready' }
  /** `Thread.start()` in this worker: the host picks a worker for the new thread. */
  | {
      type: 'start';
      run: number;
      threadId: number;
      name: string;
      daemon: boolean;
      spec: ThreadSpec;
      output: SharedArrayBuffer;
    }
  /** The job ended; `error` is set when the thread's code threw. */
  | { type: 'done'; run: number; threadId: number; error?: ThreadFailure }
  /** `Process.terminate()`: stop the worker running thread `threadId` now (the pool replaces it). */
  | { type: 'terminate'; run: number; threadId: number };
