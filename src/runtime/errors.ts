/**
 * The errors the runtime throws on purpose. Every message says what happened, where (which
 * object, which thread) and how to fix it, in the reader's words.
 */
import type { DeadlockReport } from './internal/deadlock.ts';

/**
 * A barrier was broken (aborted, reset while threads waited, a wait timed out, or its action
 * threw) while this thread was waiting at it or arrived at it. As Python's
 * `threading.BrokenBarrierError`.
 */
export class BrokenBarrierError extends Error {
  override name = 'BrokenBarrierError';
}

/**
 * The run can never make progress: threads wait for each other in a cycle, or every live thread
 * waits for something no running thread can do. `report` says who waits on what.
 */
export class DeadlockError extends Error {
  override name = 'DeadlockError';
  readonly report: DeadlockReport;

  constructor(message: string, report: DeadlockReport) {
    super(message);
    this.report = report;
  }
}

/** A wait that was given a time limit ran out of time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * A primitive was used in a way that cannot be right: releasing a lock that is not locked,
 * releasing an RLock another thread holds, waiting on a Condition without holding its lock,
 * releasing a BoundedSemaphore more often than it was acquired. (Python raises RuntimeError or
 * ValueError for these.) Nothing was changed when it is thrown.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * `get` found a queue empty: `getNowait()`, `get({ block: false })`, or a `get` whose timeout
 * ran out before an item arrived. As Python's `queue.Empty`. The queue is unchanged.
 */
export class Empty extends Error {
  override name = 'Empty';
}

/**
 * `put` found a bounded queue full (its `maxsize` items, or its memory limit): `putNowait()`,
 * `put(item, { block: false })`, or a `put` whose timeout ran out before a slot freed up. As
 * Python's `queue.Full`. The item was not added.
 */
export class Full extends Error {
  override name = 'Full';
}

/**
 * The queue was shut down (`queue.shutdown()`): every `put` throws it, and so does a `get` once
 * the queue is empty (after `shutdown(true)`, at once). As Python 3.13's `queue.ShutDown`.
 */
export class ShutDown extends Error {
  override name = 'ShutDown';
}

/**
 * `recv()` on a pipe Connection whose other end was closed and whose buffer is empty: nothing
 * more can ever arrive. As Python's `EOFError` from `Connection.recv()`.
 */
export class EOFError extends Error {
  override name = 'EOFError';
}

/**
 * `send()` on a pipe Connection whose other end was closed: nobody can ever receive it. As
 * Python's `BrokenPipeError`. The value was not sent.
 */
export class BrokenPipeError extends Error {
  override name = 'BrokenPipeError';
}

/**
 * The Future was cancelled (`future.cancel()`, or `shutdown({ cancelFutures: true })`) before
 * its task started, so it has no result: `result()` and `exception()` throw this. As Python's
 * `concurrent.futures.CancelledError`.
 */
export class CancelledError extends Error {
  override name = 'CancelledError';
}
