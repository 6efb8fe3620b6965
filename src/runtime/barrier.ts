/**
 * Barrier: a meeting point for a fixed number of threads, as Python's `threading.Barrier`.
 *
 * Each of `parties` threads calls wait(); none returns until all have arrived. Then all are
 * released together, each returning its arrival index (0 … parties - 1), and the barrier is
 * ready for the next round (a new generation). Just before the release, the last thread to
 * arrive runs the optional `action`.
 *
 * A barrier breaks — every thread waiting at it, and every later wait(), throws
 * BrokenBarrierError until reset() — when abort() is called, when reset() is called while
 * threads wait, when a wait times out, or when the action throws.
 *
 * Algorithm: Python's, state for state. An internal futex mutex guards STATE and COUNT; threads
 * sleep on a sequence counter (as in condition.ts) that every state change bumps. STATE:
 *   FILLING    threads are arriving
 *   DRAINING   all arrived; waiters are leaving; new arrivals wait until the last one left
 *   RESETTING  reset() while threads waited; they leave with BrokenBarrierError
 *   BROKEN     broken until reset()
 * So a thread that hurries back for the next round cannot overtake the ones still leaving,
 * and generations never mix. One deliberate difference from Python: a waiter whose generation
 * opened leaves normally even if abort() or reset() comes before it gets to run (Python would
 * raise BrokenBarrierError in it although its generation completed); GENERATION tells.
 */
import { BrokenBarrierError } from './errors.ts';
import { blockOn } from './internal/blocking.ts';
import { currentThreadName } from './internal/context.ts';
import {
  deadlineAfter,
  futexWait,
  msUntil,
  mutexLockSlow,
  mutexTryLock,
  mutexUnlock,
  timeoutMs,
} from './internal/futex.ts';
import {
  registerKind,
  reviveFunction,
  SHARE,
  SharedState,
  type Shareable,
  type ShareDescriptor,
} from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_BARRIER_BREAK, OP_BARRIER_PASS, OP_BARRIER_WAIT } from './internal/trace-ops.ts';

/** The internal futex mutex guarding STATE and COUNT. */
const MUTEX = 0;
/** Bumped (under MUTEX) by every state change; the futex word threads sleep on. */
const SEQUENCE = 1;
const STATE = 2;
/** Threads inside wait() right now (arrived and not yet left). */
const COUNT = 3;
/** Bumped (under MUTEX) each time a generation opens. */
const GENERATION = 4;
const WORDS = 5;

const FILLING = 0;
const DRAINING = 1;
const RESETTING = 2;
const BROKEN = 3;

/** Options of {@link Barrier}. */
export interface BarrierOptions {
  /**
   * Run by the last thread to arrive, before any is released. It runs in whichever thread
   * arrives last; in any thread but the one that created the barrier it is a copy made from
   * its source text, so it can use its globals but not variables around it.
   */
  action?: () => void;
  /** Default limit in ms for wait() (default: no limit). */
  timeout?: number;
}

let reviving: { state: SharedState; parties: number; options: BarrierOptions } | null = null;

/** A reusable barrier shared by every thread it is passed to. See the module comment. */
export class Barrier implements Shareable {
  /** How many threads must call wait() for it to open. */
  readonly parties: number;
  readonly #state: SharedState;
  readonly #words: Int32Array;
  readonly #action: (() => void) | undefined;
  readonly #timeout: number;

  /** `parties`: an integer ≥ 1. Throws a RangeError otherwise, or for a negative timeout. */
  constructor(parties: number, options: BarrierOptions = {}) {
    if (reviving !== null) {
      ({ parties, options } = reviving);
      this.#state = reviving.state;
      reviving = null;
    } else {
      if (!Number.isInteger(parties) || parties < 1) {
        throw new RangeError(`new Barrier(parties): parties must be an integer ≥ 1, got ${String(parties)}.`);
      }
      if (options.action !== undefined && typeof options.action !== 'function') {
        throw new TypeError('new Barrier(parties, { action }): action must be a function.');
      }
      this.#state = SharedState.create('barrier', WORDS);
    }
    this.parties = parties;
    this.#words = this.#state.words;
    this.#action = options.action;
    this.#timeout = timeoutMs(options.timeout, 'new Barrier');
  }

  /**
   * Waits until all parties have arrived, then returns this thread's arrival index
   * (0 … parties - 1). Throws BrokenBarrierError if the barrier is or gets broken while
   * waiting; a `timeout` (ms, default: the barrier's) that runs out breaks it. If the action
   * throws, the last thread rethrows that error and the others get BrokenBarrierError.
   */
  wait(timeout?: number): number {
    const deadline = deadlineAfter(timeout === undefined ? this.#timeout : timeoutMs(timeout, 'barrier.wait'));
    this.#lock();
    try {
      // Python's _enter: let the previous generation leave (or a reset finish) first.
      while (this.#words[STATE] === DRAINING || this.#words[STATE] === RESETTING) this.#sleep(Infinity);
      if (this.#words[STATE] === BROKEN) throw this.#broken();
      const index = this.#words[COUNT]++;
      const generation = this.#words[GENERATION];
      trace(OP_BARRIER_WAIT, this.#state.id, index);
      try {
        if (index + 1 === this.parties) this.#open();
        else this.#waitForOpen(generation, deadline);
        return index;
      } finally {
        // Python's _exit: the last one out lets the next generation in.
        if (--this.#words[COUNT] === 0 && this.#words[STATE] !== FILLING && this.#words[STATE] !== BROKEN) {
          this.#setState(FILLING);
        }
      }
    } finally {
      this.#unlock();
    }
  }

  /**
   * Returns the barrier to its empty, unbroken state. Threads waiting at it now get
   * BrokenBarrierError.
   */
  reset(): void {
    this.#lock();
    try {
      if (this.#words[COUNT] > 0) {
        if (this.#words[STATE] === FILLING) trace(OP_BARRIER_BREAK, this.#state.id, 0);
        // Waiters leave with BrokenBarrierError; the last one out makes it FILLING again.
        if (this.#words[STATE] !== DRAINING) this.#setState(RESETTING);
      } else {
        this.#setState(FILLING);
      }
    } finally {
      this.#unlock();
    }
  }

  /** Breaks the barrier: every current and later wait() throws BrokenBarrierError until reset(). */
  abort(): void {
    this.#lock();
    try {
      this.#break();
    } finally {
      this.#unlock();
    }
  }

  /** How many threads are waiting at the barrier right now. */
  get nWaiting(): number {
    return Atomics.load(this.#words, STATE) === FILLING ? Atomics.load(this.#words, COUNT) : 0;
  }

  /** Whether the barrier is broken (see the class comment). */
  get broken(): boolean {
    return Atomics.load(this.#words, STATE) === BROKEN;
  }

  /** The barrier's id in the run's object table (0 if it has none). */
  get id(): number {
    return this.#state.id;
  }

  toString(): string {
    return `${this.#state.label()}: ${this.nWaiting} of ${this.parties} waiting${this.broken ? ', broken' : ''}`;
  }

  [SHARE](): ShareDescriptor {
    const timeout = this.#timeout === Infinity ? undefined : this.#timeout;
    return this.#state.describe({ parties: this.parties, timeout, action: this.#action?.toString() });
  }

  /** Last arrival: run the action, then release everyone (Python's _release). */
  #open(): void {
    try {
      this.#action?.();
    } catch (error) {
      this.#break();
      throw error;
    }
    trace(OP_BARRIER_PASS, this.#state.id, 0);
    this.#words[GENERATION]++;
    this.#setState(DRAINING);
  }

  /** Not the last: sleep until our generation opens or the barrier breaks (Python's _wait). */
  #waitForOpen(generation: number, deadline: number): void {
    while (this.#words[STATE] === FILLING && this.#words[GENERATION] === generation) {
      const left = msUntil(deadline);
      if (left === 0) {
        this.#break();
        throw new BrokenBarrierError(
          `${this.#state.label()} timed out in "${currentThreadName()}" with ` +
            `${this.#words[COUNT]} of ${this.parties} threads arrived, so it is now broken. ` +
            `Give it more time, or check that ${this.parties} threads really call wait().`,
        );
      }
      this.#sleep(left);
    }
    if (this.#words[GENERATION] === generation) throw this.#broken();
  }

  #break(): void {
    trace(OP_BARRIER_BREAK, this.#state.id, 0);
    this.#setState(BROKEN);
  }

  #broken(): BrokenBarrierError {
    return new BrokenBarrierError(
      `${this.#state.label()} is broken (aborted, reset while threads waited, timed out, or its ` +
        `action threw), so wait() cannot succeed. Call barrier.reset() to use it again.`,
    );
  }

  /** Changes STATE and wakes every sleeper to re-check it. Caller holds MUTEX. */
  #setState(state: number): void {
    Atomics.store(this.#words, STATE, state);
    Atomics.add(this.#words, SEQUENCE, 1);
    Atomics.notify(this.#words, SEQUENCE);
  }

  /** Releases MUTEX, sleeps until the next state change (or `ms`), takes MUTEX back. */
  #sleep(ms: number): void {
    // Read under MUTEX: any state change from now on bumps it, so it cannot be missed.
    const sequence = Atomics.load(this.#words, SEQUENCE);
    this.#unlock();
    try {
      blockOn({ kind: 'barrier', object: this.#state.id, timeout: ms }, (left) =>
        futexWait(this.#words, SEQUENCE, sequence, left),
      );
    } finally {
      this.#lock();
    }
  }

  #lock(): void {
    if (mutexTryLock(this.#words, MUTEX)) return;
    mutexLockSlow(this.#words, MUTEX, Infinity, { kind: 'barrier', object: this.#state.id });
  }

  #unlock(): void {
    mutexUnlock(this.#words, MUTEX);
  }
}

registerKind('barrier', (descriptor) => {
  const source = descriptor.action as string | undefined;
  reviving = {
    state: SharedState.revive(descriptor),
    parties: descriptor.parties as number,
    options: {
      timeout: descriptor.timeout as number | undefined,
      action: source === undefined ? undefined : revivedAction(source),
    },
  };
  return new Barrier(0);
});

/** The action revived from source, with a clearer error when it needed its surroundings. */
function revivedAction(source: string): () => void {
  const action = reviveFunction(source);
  return () => {
    try {
      action();
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      throw new ReferenceError(
        `The Barrier's action ran in "${currentThreadName()}" as a copy made from its source ` +
          `text, and that copy cannot see the variables around the original (${error.message}). ` +
          `Let the action use only globals, or call barrier.wait() and act on the returned index ` +
          `(index 0 is one thread per round) instead.`,
      );
    }
  };
}
