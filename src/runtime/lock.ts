/**
 * Lock: a mutual-exclusion lock, as Python's `threading.Lock`.
 *
 * At most one thread holds it at a time. It is not reentrant: a thread that acquires a Lock it
 * already holds waits forever (use RLock for that). As in Python, any thread may release a held
 * Lock, not only the one that acquired it; releasing a Lock that is not locked throws a
 * UsageError.
 *
 * The algorithm is the three-state futex mutex in internal/futex.ts: an uncontended
 * acquire+release is one compare-exchange and one exchange; only contention sleeps, after a
 * short bounded spin, in `Atomics.wait`.
 */
import { UsageError } from './errors.ts';
import { currentThreadId } from './internal/context.ts';
import { NO_THREAD } from './internal/control-block.ts';
import {
  acquireTimeoutMs,
  deadlineAfter,
  mutexLockSlow,
  mutexTryLock,
  mutexUnlock,
  UNLOCKED,
  type AcquireOptions,
} from './internal/futex.ts';
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
import { isThenable } from './internal/thenable.ts';

export type { AcquireOptions } from './internal/futex.ts';

/** The lock's futex word: UNLOCKED, LOCKED or CONTENDED (internal/futex.ts). */
const STATE = 0;
const WORDS = 1;

/** Anything with acquire/release that `withHeld` can hold around a function. */
export interface Holdable {
  acquire(): boolean;
  release(): void;
}

/**
 * Runs `fn` while holding `lock`: acquires, calls, releases even if `fn` throws. If `fn` returns
 * a promise, the lock is released when the promise settles. Returns what `fn` returned.
 */
export function withHeld<T>(lock: Holdable, fn: () => T): T {
  lock.acquire();
  let result: T;
  try {
    result = fn();
  } catch (error) {
    lock.release();
    throw error;
  }
  if (isThenable(result)) {
    return result.then(
      (value) => {
        lock.release();
        return value;
      },
      (error: unknown) => {
        lock.release();
        throw error;
      },
    ) as T;
  }
  lock.release();
  return result;
}


/**
 * How a Condition uses its lock (Lock or RLock): check that the calling thread holds it, let it
 * go completely while waiting, and take it back as it was. Symbol-keyed so it stays off the
 * public surface.
 */
export const HELD_BY_ME = Symbol('heldByMe');
export const RELEASE_FOR_WAIT = Symbol('releaseForWait');
export const REACQUIRE_AFTER_WAIT = Symbol('reacquireAfterWait');

/** A lock a Condition can wait with. */
export interface ConditionLock extends Holdable {
  [HELD_BY_ME](): boolean;
  /** Releases completely; returns what {@link REACQUIRE_AFTER_WAIT} needs to restore it. */
  [RELEASE_FOR_WAIT](): number;
  [REACQUIRE_AFTER_WAIT](saved: number): void;
  acquire(options?: AcquireOptions): boolean;
  withLock<T>(fn: () => T): T;
  hold(): Disposable;
}

let reviving: SharedState | null = null;

/** A mutual-exclusion lock shared by every thread it is passed to. See the module comment. */
export class Lock implements Shareable, ConditionLock {
  readonly #state: SharedState;
  readonly #words: Int32Array;
  // Copied out of #state: the fast path writes the owner on every acquire and release.
  readonly #ownerWords: Int32Array;
  readonly #ownerIndex: number;
  readonly #guard: Disposable;

  constructor() {
    this.#state = reviving ?? SharedState.create('lock', WORDS);
    reviving = null;
    this.#words = this.#state.words;
    this.#ownerWords = this.#state.ownerWords;
    this.#ownerIndex = this.#state.ownerIndex;
    this.#guard = { [Symbol.dispose]: () => this.release() };
  }

  /**
   * Takes the lock, waiting while another thread holds it. Returns true once held, false if
   * `blocking: false` and it was taken, or if `timeout` ms passed first.
   * Throws a RangeError for a negative timeout or a timeout with `blocking: false`.
   */
  acquire(options?: AcquireOptions): boolean {
    // The common case (no options, free lock) is one compare-exchange and a store.
    if (options === undefined) {
      if (mutexTryLock(this.#words, STATE)) return this.#took();
      return this.#acquireSlow(Infinity);
    }
    const timeout = acquireTimeoutMs(options, 'lock.acquire');
    if (mutexTryLock(this.#words, STATE)) return this.#took();
    return timeout > 0 && this.#acquireSlow(timeout);
  }

  /**
   * Releases the lock (any thread may, as in Python); one waiting thread, if any, gets it next.
   * Throws a UsageError, changing nothing, if the lock is not locked.
   */
  release(): void {
    if (Atomics.load(this.#words, STATE) === UNLOCKED) {
      throw new UsageError(
        `${this.#state.label()} was released${atLine()} but it is not locked. Every release() ` +
          `must match one earlier acquire(); lock.withLock(() => …) or ` +
          '`using _ = lock.hold()` pair them for you.',
      );
    }
    // Clear the owner before unlocking: after the unlock a new owner may write its id.
    this.#ownerWords[this.#ownerIndex] = NO_THREAD;
    trace(OP_RELEASE, this.#state.id, 0);
    mutexUnlock(this.#words, STATE);
  }

  /** Whether some thread holds the lock right now (a snapshot: it may change at once). */
  locked(): boolean {
    return Atomics.load(this.#words, STATE) !== UNLOCKED;
  }

  /**
   * Runs `fn` holding the lock and returns its result; the lock is released even if `fn`
   * throws (or, for an async `fn`, when its promise settles). Python's `with lock:`.
   */
  withLock<T>(fn: () => T): T {
    return withHeld(this, fn);
  }

  /**
   * Acquires the lock and returns a guard that releases it when disposed, for
   * `using _ = lock.hold();` (released at the end of the enclosing block).
   */
  hold(): Disposable {
    this.acquire();
    return this.#guard;
  }

  /** The thread id holding the lock, or 0 when it is free (diagnostics; may change at once). */
  get owner(): number {
    return this.#state.owner();
  }

  /** The lock's id in the run's object table (0 if it has none). */
  get id(): number {
    return this.#state.id;
  }

  toString(): string {
    return `${this.#state.label()}: ${this.locked() ? 'locked' : 'unlocked'}`;
  }

  [SHARE](): ShareDescriptor {
    return this.#state.describe();
  }

  [HELD_BY_ME](): boolean {
    return this.locked() && this.#state.owner() === currentThreadId();
  }

  [RELEASE_FOR_WAIT](): number {
    this.release();
    return 1;
  }

  [REACQUIRE_AFTER_WAIT](): void {
    this.acquire();
  }

  #took(): true {
    this.#ownerWords[this.#ownerIndex] = currentThreadId();
    trace(OP_ACQUIRE, this.#state.id, 0);
    return true;
  }

  #acquireSlow(timeout: number): boolean {
    const got = mutexLockSlow(this.#words, STATE, deadlineAfter(timeout), {
      kind: 'lock',
      object: this.#state.id,
      owner: this.#state.owner(),
    });
    return got && this.#took();
  }
}

registerKind('lock', (descriptor) => {
  reviving = SharedState.revive(descriptor);
  return new Lock();
});
