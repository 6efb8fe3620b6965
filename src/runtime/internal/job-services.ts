/**
 * What a worker's current job offers the runtime beyond the thread launcher (thread.ts): the
 * things only the bootstrap can do, because only it holds the channel to the host and the
 * snippet's modules. The bootstrap installs them per job ({@link setJobServices}) and removes
 * them after; outside a run there are none, and the features that need them say so.
 */
import type { FunctionRef } from '../platform/protocol.ts';

/** Per-job services (see the module comment). */
export interface JobServices {
  /** Asks the host to stop the worker running thread `threadId` at once (Process.terminate). */
  terminate(threadId: number): void;
  /** The next process number of the run ("Process-N"), shared by every worker of the run. */
  nextProcessNumber(): number;
  /**
   * How `fn` travels to another worker (as a thread target does: by name when it is a top-level
   * function of the snippet, else as source text). Throws, in the reader's words, for a
   * built-in or bound function.
   */
  packFunction(fn: Function): FunctionRef;
  /** The function a {@link FunctionRef} stands for in this worker. */
  unpackFunction(ref: FunctionRef): (...args: unknown[]) => unknown;
  /**
   * A task's "x is not defined" for a top-level variable or a closure's variable → an Error
   * that says why and what to do (as a thread's uncaught error gets); null otherwise.
   */
  explainError(error: unknown, ref: FunctionRef, threadName: string): Error | null;
}

let services: JobServices | null = null;

/** Called by the bootstrap around each job. */
export function setJobServices(value: JobServices | null): void {
  services = value;
}

/** This job's services; throws the runtime's "only inside a run" Error outside one. */
export function jobServices(what: string): JobServices {
  if (!services) {
    throw new Error(`${what} only work inside a program run by Interleave (the playground or \`npx interleave run\`).`);
  }
  return services;
}
