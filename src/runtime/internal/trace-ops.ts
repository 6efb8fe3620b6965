/**
 * Trace operation codes: the `op` field of a trace record (see trace.ts). The code is the
 * index in {@link TRACE_OPS}, so {@link TRACE_OPS}[op] is its name for a timeline.
 */
export const TRACE_OPS = [
  'acquire', //         a lock, RLock or semaphore was taken; arg: RLock depth / semaphore count after
  'release', //         a lock, RLock or semaphore was given back; arg: as for acquire
  'block', //           the thread starts sleeping in blockOn; object: what it waits on
  'wake', //            the thread woke in blockOn; arg: 1 if the wait timed out
  'wait', //            Condition.wait or Event.wait began
  'notify', //          Condition.notify / notifyAll; arg: how many were asked to wake
  'set', //             Event.set
  'clear', //           Event.clear
  'barrier-wait', //    arrived at a barrier; arg: arrival index
  'barrier-pass', //    a barrier generation completed
  'barrier-break', //   a barrier was broken (abort, reset with waiters, timeout, failing action)
  'thread-start', //    a thread began running; object: its thread id
  'thread-end', //      a thread finished; object: its thread id
  'sleep', //           sleep(ms); arg: ms
] as const;

/** The name of a trace operation. */
export type TraceOpName = (typeof TRACE_OPS)[number];

export const OP_ACQUIRE = 0;
export const OP_RELEASE = 1;
export const OP_BLOCK = 2;
export const OP_WAKE = 3;
export const OP_WAIT = 4;
export const OP_NOTIFY = 5;
export const OP_SET = 6;
export const OP_CLEAR = 7;
export const OP_BARRIER_WAIT = 8;
export const OP_BARRIER_PASS = 9;
export const OP_BARRIER_BREAK = 10;
export const OP_THREAD_START = 11;
export const OP_THREAD_END = 12;
export const OP_SLEEP = 13;
