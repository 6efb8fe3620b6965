/**
 * Semaphore and BoundedSemaphore, as Python's `threading.Semaphore` / `BoundedSemaphore`.
 *
 * A semaphore holds a count of permits. acquire() takes one, waiting while there are none;
 * release(n) gives n back and wakes up to n waiters. A BoundedSemaphore also checks that the
 * count never goes above its initial value: releasing more than was acquired is a bug, and
 * throws a UsageError (changing nothing).
 *
 * Algorithm: the count is the futex word. Taking a permit is a compare-exchange loop while the
 * count is positive; a waiter registers in WAITERS and sleeps while the count is 0. release()
 * adds to the count and then wakes only if WAITERS is non-zero. Both sides are sequentially
 * consistent, so either the releaser sees the waiter registered (and wakes it) or the waiter's
 * sleep sees the new count (and does not sleep): no wake-up is lost.
 */
import { UsageError } from './errors.ts';
import { blockOn } from './internal/blocking.ts';
import { KIND_LABELS } from './internal/control-block.ts';
import { acquireTimeoutMs, deadlineAfter, futexWait, msUntil, type AcquireOptions } from './internal/futex.ts';
import {
  atLine,
  registerKind,
  SHARE,
  SharedState,
  type Shareable,
  type ShareDescriptor,
} from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_ACQUIRE, OP_RELEASE } from './internal/trace-ops.ts';

/** Permits available now: the futex word waiters sleep on while it is 0. */
const VALUE = 0;
/** How many threads are in (or about to be in) a sleep on VALUE. */
const WAITERS = 1;
/** The initial value (the bound of a BoundedSemaphore). */
const INITIAL = 2;
const WORDS = 3;

let reviving: SharedState | null = null;

/** A counting semaphore shared by every thread it is passed to. See the module comment. */
export class Semaphore implements Shareable {
  readonly #state: SharedState;
  readonly #words: Int32Array;

  /** `value`: the initial number of permits, an integer ≥ 0 (default 1). */
  constructor(value = 1) {
    if (reviving !== null) {
      this.#state = reviving;
      reviving = null;
    } else {
      const kind = new.target === BoundedSemaphore ? 'bounded-semaphore' : 'semaphore';
      if (!Number.isInteger(value) || value < 0 || value > 0x7fff_ffff) {
        throw new RangeError(`new ${KIND_LABELS[kind]}(value): value must be an integer ≥ 0, got ${String(value)}.`);
      }
      this.#state = SharedState.create(kind, WORDS);
      this.#state.words[VALUE] = value;
      this.#state.words[INITIAL] = value;
    }
    this.#words = this.#state.words;
  }

  /**
   * Takes one permit, waiting while there are none. Returns false only if `blocking: false`
   * and none was free, or `timeout` ms passed first. Throws a RangeError for a negative
   * timeout or a timeout with `blocking: false`.
   */
  acquire(options?: AcquireOptions): boolean {
    const timeout = options === undefined ? Infinity : acquireTimeoutMs(options, 'semaphore.acquire');
    if (this.#tryTake()) return true;
    if (timeout === 0) return false;
    const deadline = deadlineAfter(timeout);
    for (;;) {
      const left = msUntil(deadline);
      if (left === 0) return false;
      // Register before the sleep re-checks VALUE, so a release in between sees us.
      Atomics.add(this.#words, WAITERS, 1);
      blockOn({ kind: this.#state.kind, object: this.#state.id, timeout: left }, (ms) =>
        futexWait(this.#words, VALUE, 0, ms),
      );
      Atomics.sub(this.#words, WAITERS, 1);
      if (this.#tryTake()) return true;
    }
  }

  /**
   * Gives back `n` permits (default 1) and wakes up to `n` waiting threads. Any thread may
   * release. A BoundedSemaphore throws a UsageError, changing nothing, if that would raise the
   * count above its initial value.
   */
  release(n = 1): void {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`semaphore.release(n): n must be an integer ≥ 1, got ${String(n)}.`);
    }
    let value: number;
    if (this.#state.kind === 'bounded-semaphore') {
      // Check and add in one step: a compare-exchange loop, so concurrent releases cannot
      // together pass the bound.
      value = Atomics.load(this.#words, VALUE);
      for (;;) {
        if (value + n > this.#words[INITIAL]) {
          throw new UsageError(
            `${this.#state.label()} was released${atLine()} more times than it was acquired: its ` +
              `count would go from ${value} to ${value + n}, above its initial value ` +
              `${this.#words[INITIAL]}. Every release() must match one earlier acquire().`,
          );
        }
        const seen = Atomics.compareExchange(this.#words, VALUE, value, value + n);
        if (seen === value) break;
        value = seen;
      }
    } else {
      value = Atomics.add(this.#words, VALUE, n);
    }
    trace(OP_RELEASE, this.#state.id, value + n);
    // Only after the count is up: a waiter registered by now will either be woken here or see
    // the new count when its sleep re-checks VALUE.
    if (Atomics.load(this.#words, WAITERS) > 0) Atomics.notify(this.#words, VALUE, n);
  }

  /** Permits available right now (a snapshot: it may change at once). */
  get value(): number {
    return Atomics.load(this.#words, VALUE);
  }

  /** The semaphore's id in the run's object table (0 if it has none). */
  get id(): number {
    return this.#state.id;
  }

  toString(): string {
    return `${this.#state.label()}: ${this.value} free`;
  }

  [SHARE](): ShareDescriptor {
    return this.#state.describe();
  }

  #tryTake(): boolean {
    let value = Atomics.load(this.#words, VALUE);
    while (value > 0) {
      const seen = Atomics.compareExchange(this.#words, VALUE, value, value - 1);
      if (seen === value) {
        trace(OP_ACQUIRE, this.#state.id, value - 1);
        return true;
      }
      value = seen;
    }
    return false;
  }
}

/**
 * A Semaphore that refuses to be released above its initial value: over-release throws a
 * UsageError instead of silently creating permits.
 */
export class BoundedSemaphore extends Semaphore {}

const revive = (descriptor: ShareDescriptor) => {
  reviving = SharedState.revive(descriptor);
  return descriptor.$interleave === 'bounded-semaphore' ? new BoundedSemaphore() : new Semaphore();
};
registerKind('semaphore', revive);
registerKind('bounded-semaphore', revive);
