/**
 * Event: a flag threads can wait for, as Python's `threading.Event`.
 *
 * set() raises the flag and wakes every waiter; clear() lowers it; wait() returns at once while
 * it is set, else sleeps until it is set (or the timeout passes). As in Python, a waiter woken
 * by set() returns true even if another thread clears the flag before the waiter runs.
 *
 * Algorithm: besides the flag, a generation counter that every set() (of a cleared flag)
 * bumps. Waiters sleep on the generation, so "was it set since I looked?" is one comparison,
 * and a set()+clear() pair cannot slip between a waiter's check and its sleep.
 */
import { blockOn } from './internal/blocking.ts';
import { deadlineAfter, futexWait, msUntil, timeoutMs } from './internal/futex.ts';
import { registerKind, SHARE, SharedState, type Shareable, type ShareDescriptor } from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_CLEAR, OP_SET, OP_WAIT } from './internal/trace-ops.ts';

/** 1 while set, 0 while clear. */
const FLAG = 0;
/** Bumped by every set() that raises the flag; the futex word waiters sleep on. */
const GENERATION = 1;
const WORDS = 2;

let reviving: SharedState | null = null;

/** An event flag shared by every thread it is passed to. See the module comment. */
export class Event implements Shareable {
  readonly #state: SharedState;
  readonly #words: Int32Array;

  constructor() {
    this.#state = reviving ?? SharedState.create('event', WORDS);
    reviving = null;
    this.#words = this.#state.words;
  }

  /** Raises the flag and wakes every thread waiting for it. Setting a set event does nothing. */
  set(): void {
    trace(OP_SET, this.#state.id, 0);
    if (Atomics.exchange(this.#words, FLAG, 1) === 1) return;
    // After the flag: a waiter that sees the new generation also sees the flag.
    Atomics.add(this.#words, GENERATION, 1);
    Atomics.notify(this.#words, GENERATION);
  }

  /** Lowers the flag; later wait() calls sleep until the next set(). */
  clear(): void {
    trace(OP_CLEAR, this.#state.id, 0);
    Atomics.store(this.#words, FLAG, 0);
  }

  /** Whether the flag is up right now. */
  isSet(): boolean {
    return Atomics.load(this.#words, FLAG) === 1;
  }

  /**
   * Returns true at once if the flag is set, else sleeps until some thread sets it (true) or
   * `timeout` ms pass (false; default: no limit). Throws a RangeError for a negative timeout.
   */
  wait(timeout?: number): boolean {
    const ms = timeoutMs(timeout, 'event.wait');
    if (this.isSet()) return true;
    trace(OP_WAIT, this.#state.id, 0);
    const deadline = deadlineAfter(ms);
    for (;;) {
      // Generation first: a set() after this read changes it, so the sleep cannot miss it.
      const generation = Atomics.load(this.#words, GENERATION);
      if (this.isSet()) return true;
      const left = msUntil(deadline);
      if (left === 0) return false;
      blockOn({ kind: 'event', object: this.#state.id, timeout: left }, (sleepMs) =>
        futexWait(this.#words, GENERATION, generation, sleepMs),
      );
      if (Atomics.load(this.#words, GENERATION) !== generation) return true;
    }
  }

  /** The event's id in the run's object table (0 if it has none). */
  get id(): number {
    return this.#state.id;
  }

  toString(): string {
    return `${this.#state.label()}: ${this.isSet() ? 'set' : 'clear'}`;
  }

  [SHARE](): ShareDescriptor {
    return this.#state.describe();
  }
}

registerKind('event', (descriptor) => {
  reviving = SharedState.revive(descriptor);
  return new Event();
});
