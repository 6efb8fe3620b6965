/**
 * Condition: a condition variable, as Python's `threading.Condition`.
 *
 * A thread holding the condition's lock calls wait() to release the lock and sleep until
 * another thread calls notify() / notifyAll() (also holding the lock); wait() takes the lock
 * back before it returns. Waiting or notifying without holding the lock throws a UsageError.
 *
 * Algorithm: a sequence counter (as Rust's std `condvar/futex.rs`). wait() reads the counter
 * while still holding the lock, releases the lock and sleeps only while the counter is
 * unchanged; notify bumps the counter (under the lock) before waking. So a notify that happens
 * after wait() released the lock is never lost. A wait may, rarely, return without a matching
 * notify (a spurious wake-up, e.g. notify(1) reaching a waiter that was just about to sleep as
 * well as one already asleep): check the condition in a loop, or use waitFor().
 */
import { UsageError } from './errors.ts';
import { currentThreadId, threadLabel } from './internal/context.ts';
import { blockOn } from './internal/blocking.ts';
import { deadlineAfter, futexWait, msUntil, timeoutMs, type AcquireOptions } from './internal/futex.ts';
import {
  atLine,
  decodeFromThread,
  registerKind,
  SHARE,
  SharedState,
  type Shareable,
  type ShareDescriptor,
} from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_NOTIFY, OP_WAIT } from './internal/trace-ops.ts';
import { HELD_BY_ME, Lock, REACQUIRE_AFTER_WAIT, RELEASE_FOR_WAIT, type ConditionLock } from './lock.ts';
import { RLock } from './rlock.ts';

/** The sequence counter: bumped by every notify; waiters sleep on it. */
const SEQUENCE = 0;
const WORDS = 1;

let reviving: { state: SharedState; lock: ConditionLock } | null = null;

/** A condition variable shared by every thread it is passed to. See the module comment. */
export class Condition implements Shareable {
  /** The lock this condition waits with (the one given, or its own RLock). */
  readonly lock: Lock | RLock;
  readonly #state: SharedState;
  readonly #words: Int32Array;

  /** `lock`: a Lock or RLock to use; by default a new RLock, as in Python. */
  constructor(lock?: Lock | RLock) {
    if (reviving !== null) {
      this.#state = reviving.state;
      this.lock = reviving.lock as Lock | RLock;
      reviving = null;
    } else {
      if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
        throw new TypeError('new Condition(lock): lock must be a Lock or an RLock.');
      }
      this.lock = lock ?? new RLock();
      this.#state = SharedState.create('condition', WORDS);
    }
    this.#words = this.#state.words;
  }

  /** Acquires the underlying lock (see Lock.acquire / RLock.acquire). */
  acquire(options?: AcquireOptions): boolean {
    return this.lock.acquire(options);
  }

  /** Releases the underlying lock. */
  release(): void {
    this.lock.release();
  }

  /** Runs `fn` holding the underlying lock; released even if `fn` throws. */
  withLock<T>(fn: () => T): T {
    return this.lock.withLock(fn);
  }

  /** Acquires the underlying lock; the guard releases it: `using _ = condition.hold();`. */
  hold(): Disposable {
    return this.lock.hold();
  }

  /**
   * Releases the lock, sleeps until notified or until `timeout` ms pass (default: no limit),
   * then re-acquires the lock (always, even after a timeout). Returns false if it timed out.
   * Throws a UsageError if the calling thread does not hold the lock.
   */
  wait(timeout?: number): boolean {
    const ms = timeoutMs(timeout, 'condition.wait');
    this.#mustHoldLock('wait');
    trace(OP_WAIT, this.#state.id, 0);
    // Read under the lock: any notify from now on changes it, so it cannot be missed.
    const sequence = Atomics.load(this.#words, SEQUENCE);
    const saved = (this.lock as ConditionLock)[RELEASE_FOR_WAIT]();
    try {
      const result = blockOn({ kind: 'condition', object: this.#state.id, timeout: ms }, (left) =>
        futexWait(this.#words, SEQUENCE, sequence, left),
      );
      return result !== 'timed-out';
    } finally {
      (this.lock as ConditionLock)[REACQUIRE_AFTER_WAIT](saved);
    }
  }

  /**
   * Waits until `predicate()` is truthy, re-checking after every wake-up, for at most
   * `timeout` ms in total. Returns the predicate's last value (falsy means it timed out).
   * Must be called holding the lock, like wait().
   */
  waitFor<T>(predicate: () => T, timeout?: number): T {
    const deadline = deadlineAfter(timeoutMs(timeout, 'condition.waitFor'));
    let result = predicate();
    while (!result) {
      const left = msUntil(deadline);
      if (left === 0) break;
      this.wait(left);
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` threads waiting on this condition (default 1). Must be called holding the
   * lock (UsageError otherwise). Woken threads run once they get the lock back.
   */
  notify(n = 1): void {
    if (!(n >= 0)) throw new RangeError(`condition.notify(n): n must be ≥ 0, got ${String(n)}.`);
    this.#mustHoldLock('notify');
    if (n === 0) return;
    trace(OP_NOTIFY, this.#state.id, n);
    Atomics.add(this.#words, SEQUENCE, 1);
    Atomics.notify(this.#words, SEQUENCE, n);
  }

  /** Wakes every thread waiting on this condition. Must be called holding the lock. */
  notifyAll(): void {
    this.notify(Infinity);
  }

  /** The condition's id in the run's object table (0 if it has none). */
  get id(): number {
    return this.#state.id;
  }

  toString(): string {
    return this.#state.label();
  }

  [SHARE](): ShareDescriptor {
    return this.#state.describe({ lock: this.lock[SHARE]() });
  }

  #mustHoldLock(method: 'wait' | 'notify'): void {
    if ((this.lock as ConditionLock)[HELD_BY_ME]()) return;
    throw new UsageError(
      `${threadLabel(currentThreadId())} called ${method}()${atLine()} on ${this.#state.label()} ` +
        `without holding its lock. Call it inside condition.withLock(() => …) (or between ` +
        `condition.acquire() and condition.release()), so that checking the shared state and ` +
        `${method === 'wait' ? 'going to sleep' : 'changing it'} happen under the same lock.`,
    );
  }
}

registerKind('condition', (descriptor) => {
  const lock = decodeFromThread(descriptor.lock) as ConditionLock;
  reviving = { state: SharedState.revive(descriptor), lock };
  return new Condition();
});
