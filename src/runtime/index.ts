/**
 * The runtime's public surface: what a snippet imports as "interleave" (compiled snippets read
 * it as `globalThis.__interleave`). Re-exports only; every name is documented where it is
 * defined. Named one by one, so that internals a module exports for its siblings stay private.
 */
export { Thread, currentThread, mainThread, enumerate, activeCount, sleep } from './thread.ts';
export type { ThreadOptions } from './thread.ts';
export { Lock } from './lock.ts';
export type { AcquireOptions } from './lock.ts';
export { RLock } from './rlock.ts';
export { Condition } from './condition.ts';
export { Semaphore, BoundedSemaphore } from './semaphore.ts';
export { Event } from './event.ts';
export { Barrier } from './barrier.ts';
export type { BarrierOptions } from './barrier.ts';
export { Queue, LifoQueue, PriorityQueue, SimpleQueue } from './queue.ts';
export type { QueueWaitOptions, PriorityItem } from './queue.ts';
export { Pipe, Connection } from './pipe.ts';
export type { PipeOptions, RecvOptions } from './pipe.ts';
export { Value, SharedArray } from './shared-value.ts';
export type { SharedType, SharedTypeValue, SharedTypedArray, SharedValueOptions } from './shared-value.ts';
export { Process } from './process.ts';
export type { ProcessOptions } from './process.ts';
export { ThreadPoolExecutor, ProcessPoolExecutor } from './executor.ts';
export type { ExecutorOptions, MapOptions, ShutdownOptions } from './executor.ts';
export { Future, asCompleted, wait, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED } from './future.ts';
export type { WaitOptions } from './future.ts';
export { Manager, ManagerDict, ManagerList } from './manager.ts';
export type { ManagerKey } from './manager.ts';
export { show } from './show.ts';
export type {
  Show,
  ShowOptions,
  TableOptions,
  TableRows,
  LabelledValues,
  GraphInput,
  GraphNodeInput,
  GraphEdgeInput,
  NodeId,
  LineInput,
  LineOptions,
  LinePoints,
  LineSeriesInput,
} from './show.ts';
export {
  BrokenBarrierError,
  CancelledError,
  BrokenPipeError,
  DeadlockError,
  Empty,
  EOFError,
  Full,
  ShutDown,
  TimeoutError,
  UsageError,
} from './errors.ts';
