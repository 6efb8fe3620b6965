/**
 * Who am I, in this worker: the thread this worker is running right now and the run's
 * control block. A worker runs one thread at a time; the bootstrap calls {@link enterThread}
 * before a job and {@link leaveThread} after it.
 *
 * Before any enterThread (plain Node, a unit test) the context is thread 1, "MainThread",
 * with no control block: primitives still work, they just record no waits and no trace.
 */
import type { ControlBlock } from './control-block.ts';
import { attachTraceRing } from './trace.ts';

/** The thread id used when no thread has been entered. */
export const DEFAULT_THREAD_ID = 1;
/** The thread name used when no thread has been entered (Python's name for it). */
export const DEFAULT_THREAD_NAME = 'MainThread';

let threadId = DEFAULT_THREAD_ID;
let threadName = DEFAULT_THREAD_NAME;
let control: ControlBlock | null = null;

/** What enterThread needs: the thread's id and name in the run, and the run's control block. */
export interface ThreadIdentity {
  id: number;
  name: string;
  control: ControlBlock | null;
}

/**
 * Makes this worker thread `id` of the run whose control block is `control`: primitives then
 * record owners, waits and trace records under that id. Also attaches the thread's trace ring.
 */
export function enterThread(identity: ThreadIdentity): void {
  threadId = identity.id;
  threadName = identity.name;
  control = identity.control;
  attachTraceRing(control, threadId);
}

/** Back to the default context (no run). Called when a pooled worker finishes its job. */
export function leaveThread(): void {
  enterThread({ id: DEFAULT_THREAD_ID, name: DEFAULT_THREAD_NAME, control: null });
}

/** The id (1-based) of the thread running in this worker. */
export function currentThreadId(): number {
  return threadId;
}

/** The name of the thread running in this worker. */
export function currentThreadName(): string {
  return threadName;
}

/** The run's control block, or null outside a run. */
export function controlBlock(): ControlBlock | null {
  return control;
}

/** How messages name thread `id`: its name in quotes ("Thread-2"), from the control block. */
export function threadLabel(id: number): string {
  if (id === threadId) return `"${threadName}"`;
  const name = control !== null && id >= 1 && id <= control.maxThreads ? control.threadName(id) : '';
  return name ? `"${name}"` : `thread ${id}`;
}
