/**
 * RLock: a reentrant lock, as Python's `threading.RLock`.
 *
 * The thread that holds it may acquire it again; it is released when that thread has called
 * release() once per acquire(). Only the holding thread may release it: a release by any other
 * thread, or of an RLock nobody holds, throws a UsageError and changes nothing.
 *
 * State: the futex mutex word of internal/futex.ts, the recursion depth (written only by the
 * holder) and the owner (in the control block's object table, so the watchdog sees it).
 */
import { UsageError } from './errors.ts';
import { currentThreadId, threadLabel } from './internal/context.ts';
import { NO_THREAD } from './internal/control-block.ts';
import {
  acquireTimeoutMs,
  deadlineAfter,
  mutexLockSlow,
  mutexTryLock,
  mutexUnlock,
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
import {
  HELD_BY_ME,
  REACQUIRE_AFTER_WAIT,
  RELEASE_FOR_WAIT,
  withHeld,
  type ConditionLock,
} from './lock.ts';

/** The futex mutex word (internal/futex.ts). */
const STATE = 0;
/** How many times the holder has acquired it; only the holder reads or writes it. */
const DEPTH = 1;
const WORDS = 2;

let reviving: SharedState | null = null;

/** A reentrant lock shared by every thread it is passed to. See the module comment. */
export class RLock implements Shareable, ConditionLock {
  readonly #state: SharedState;
  readonly #words: Int32Array;
  readonly #guard: Disposable;

  constructor() {
    this.#state = reviving ?? SharedState.create('rlock', WORDS);
    reviving = null;
    this.#words = this.#state.words;
    this.#guard = { [Symbol.dispose]: () => this.release() };
  }

  /**
   * Takes the lock, or goes one level deeper if this thread already holds it (never waits
   * then). Returns false only if `blocking: false` or `timeout` ms passed while another thread
   * held it. Throws a RangeError for a negative timeout or a timeout with `blocking: false`.
   */
  acquire(options?: AcquireOptions): boolean {
    const timeout = options === undefined ? Infinity : acquireTimeoutMs(options, 'rlock.acquire');
    const me = currentThreadId();
    if (this.#state.owner() === me) {
      const depth = this.#words[DEPTH] + 1;
      this.#words[DEPTH] = depth;
      trace(OP_ACQUIRE, this.#state.id, depth);
      return true;
    }
    if (!mutexTryLock(this.#words, STATE)) {
      if (timeout === 0) return false;
      const got = mutexLockSlow(this.#words, STATE, deadlineAfter(timeout), {
        kind: 'rlock',
        object: this.#state.id,
        owner: this.#state.owner(),
      });
      if (!got) return false;
    }
    this.#state.ownerWords[this.#state.ownerIndex] = me;
    this.#words[DEPTH] = 1;
    trace(OP_ACQUIRE, this.#state.id, 1);
    return true;
  }

  /**
   * Goes one level out; the last release frees the lock for other threads. Throws a
   * UsageError, changing nothing, if the calling thread does not hold it.
   */
  release(): void {
    const me = currentThreadId();
    const owner = this.#state.owner();
    if (owner !== me) {
      const what =
        owner === NO_THREAD
          ? 'but it is not locked'
          : `by ${threadLabel(me)}, but ${threadLabel(owner)} holds it`;
      throw new UsageError(
        `${this.#state.label()} was released${atLine()} ${what}. An RLock can only be released ` +
          `by the thread that acquired it, once per acquire(); rlock.withLock(() => …) or ` +
          '`using _ = rlock.hold()` pair them for you.',
      );
    }
    const depth = this.#words[DEPTH] - 1;
    this.#words[DEPTH] = depth;
    trace(OP_RELEASE, this.#state.id, depth);
    if (depth > 0) return;
    // Clear the owner before unlocking: after the unlock a new owner may write its id.
    this.#state.ownerWords[this.#state.ownerIndex] = NO_THREAD;
    mutexUnlock(this.#words, STATE);
  }

  /** Whether some thread holds it right now (a snapshot: it may change at once). */
  locked(): boolean {
    return this.#state.owner() !== NO_THREAD;
  }

  /** Runs `fn` holding the lock and returns its result; released even if `fn` throws. */
  withLock<T>(fn: () => T): T {
    return withHeld(this, fn);
  }

  /** Acquires and returns a guard that releases when disposed: `using _ = rlock.hold();`. */
  hold(): Disposable {
    this.acquire();
    return this.#guard;
  }

  /** The thread id holding it, or 0 when free (diagnostics; may change at once). */
  get owner(): number {
    return this.#state.owner();
  }

  /** The lock's id in the run's object table (0 if it has none). */
  get id(): number {
    return this.#state.id;
  }

  toString(): string {
    const owner = this.#state.owner();
    const held = owner === NO_THREAD ? 'unlocked' : `held by ${threadLabel(owner)}, depth ${this.#words[DEPTH]}`;
    return `${this.#state.label()}: ${held}`;
  }

  [SHARE](): ShareDescriptor {
    return this.#state.describe();
  }

  [HELD_BY_ME](): boolean {
    return this.#state.owner() === currentThreadId();
  }

  [RELEASE_FOR_WAIT](): number {
    const depth = this.#words[DEPTH];
    this.#words[DEPTH] = 1;
    this.release();
    return depth;
  }

  [REACQUIRE_AFTER_WAIT](depth: number): void {
    this.acquire();
    this.#words[DEPTH] = depth;
  }
}

registerKind('rlock', (descriptor) => {
  reviving = SharedState.revive(descriptor);
  return new RLock();
});
