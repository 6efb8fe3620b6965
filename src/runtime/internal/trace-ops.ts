/**
 * Trace operation codes: the `op` field of a trace record (see trace.ts). The code is the
 * index in {@link TRACE_OPS}, so {@link TRACE_OPS}[op] is its name for a timeline.
 */
export const TRACE_OPS = [
  'acquire', //         a lock, RLock or semaphore was taken; arg: RLock depth / semaphore count after
  'release', //         a lock, RLock or semaphore was given back; arg: as for acquire
  'block', //           the thread starts sleeping in blockOn; object: what it waits on (join: the
  //                    thread; sleep: 0); arg: the wait's kind, as an index in WAIT_KINDS
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
  'put', //             an item went into a queue; arg: the queue's depth (items) after
  'get', //             an item came out of a queue; arg: the queue's depth after
  'task-done', //       Queue.taskDone; arg: unfinished tasks after
  'shutdown', //        a queue was shut down; arg: 1 if immediate
  'send', //            a pipe Connection sent a value; arg: values waiting in that direction after
  'recv', //            a pipe Connection received a value; arg: values waiting after
  'close', //           a pipe Connection was closed
  'read', //            a shared Value / SharedArray element was read; arg: the value (SharedArray: the index)
  'write', //           a shared Value / SharedArray element was written; arg: as for read
  'terminate', //       Process.terminate / kill; object: the process's thread id; arg: the exit code it gets
  'exit', //            a process ended; object: its thread id; arg: its exit code
  'submit', //          a task went into an executor's queue; object: the executor; arg: tasks queued after
  'task-start', //      a pool worker took a task; object: the executor; arg: tasks queued after
  'task-end', //        a task finished; object: the executor; arg: the future's index
  'cancel', //          a pending future was cancelled; object: the executor; arg: the future's index
  'manager-read', //    a Manager dict/list was read; object: the container; arg: its size
  'manager-write', //   a Manager dict/list was changed; object: the container; arg: its size after
  'wait-line', //       a wait went on long enough to look up its snippet line (blocking.ts); object: as
  //                    for its block; arg: the line
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
export const OP_PUT = 14;
export const OP_GET = 15;
export const OP_TASK_DONE = 16;
export const OP_SHUTDOWN = 17;
export const OP_SEND = 18;
export const OP_RECV = 19;
export const OP_CLOSE = 20;
export const OP_READ = 21;
export const OP_WRITE = 22;
export const OP_TERMINATE = 23;
export const OP_EXIT = 24;
export const OP_SUBMIT = 25;
export const OP_TASK_START = 26;
export const OP_TASK_END = 27;
export const OP_CANCEL = 28;
export const OP_MANAGER_READ = 29;
export const OP_MANAGER_WRITE = 30;
export const OP_WAIT_LINE = 31;
