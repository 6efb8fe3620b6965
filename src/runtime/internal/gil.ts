/**
 * A simulated global interpreter lock, for the GIL article: with `gil: true` only one thread of
 * the run executes JavaScript at a time, as in CPython.
 *
 * Shape (CPython's "new GIL", with a ticket queue for fairness):
 * - The lock is a ticket lock: `NEXT_TICKET` hands out places in line, `NOW_SERVING` says whose
 *   turn it is. Taking turns in ticket order is what makes CPU-bound threads alternate.
 * - A waiter sleeps at most one switch interval at a time; each time the interval passes without
 *   its turn coming, it sets `DROP_REQUEST`.
 * - The holder checks `DROP_REQUEST` in {@link Gil.tick}, which compiled code calls at loop
 *   back-edges and function entries. When set, the holder releases and takes a new ticket, so it
 *   goes to the back of the line.
 * - A blocking call releases the lock before it sleeps and takes it again after (blocking.ts
 *   hooks), so a thread waiting for a lock never stops the others.
 *
 * Invariants: exactly one thread holds the lock when `NOW_SERVING` equals its ticket; a thread
 * only ever releases a lock it holds (`#held`).
 */

/** Word index: the next ticket to hand out (fetch-and-add). */
const NEXT_TICKET = 0;
/** Word index: the ticket whose holder may run. */
const NOW_SERVING = 1;
/** Word index: 1 when a waiter has waited a full switch interval. */
const DROP_REQUEST = 2;
/** Words the GIL needs in shared memory. */
export const GIL_WORDS = 3;
/** CPython's default switch interval (sys.getswitchinterval() = 0.005 s). */
export const DEFAULT_SWITCH_INTERVAL_MS = 5;

const NO_REQUEST = 0;
const REQUESTED = 1;

/** One worker's handle on the run's GIL. */
export class Gil {
  readonly #words: Int32Array;
  readonly #intervalMs: number;
  #held = false;

  /** `words` must be {@link GIL_WORDS} zero-initialized shared Int32 words, one set per run. */
  constructor(words: Int32Array, switchIntervalMs: number = DEFAULT_SWITCH_INTERVAL_MS) {
    if (words.length < GIL_WORDS) throw new RangeError(`The GIL needs ${GIL_WORDS} shared words.`);
    this.#words = words;
    this.#intervalMs = switchIntervalMs;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Waits for this thread's turn (really blocks). Does nothing when already held. */
  acquire(): void {
    if (this.#held) return;
    const words = this.#words;
    const ticket = Atomics.add(words, NEXT_TICKET, 1);
    for (;;) {
      const serving = Atomics.load(words, NOW_SERVING);
      if (serving === ticket) break;
      const result = Atomics.wait(words, NOW_SERVING, serving, this.#intervalMs);
      // A whole interval passed without our turn: ask the holder to let go.
      if (result === 'timed-out') Atomics.store(words, DROP_REQUEST, REQUESTED);
    }
    // The request (ours or an earlier waiter's) has been served by this hand-over.
    Atomics.store(words, DROP_REQUEST, NO_REQUEST);
    this.#held = true;
  }

  /** Passes the lock to the next ticket. Does nothing when not held. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    Atomics.add(this.#words, NOW_SERVING, 1);
    // Every waiter wakes and re-checks its ticket; only the next one proceeds.
    Atomics.notify(this.#words, NOW_SERVING);
  }

  /**
   * The switch point compiled code calls. Costs one atomic load unless a waiter asked for the
   * lock, in which case the holder goes to the back of the line.
   */
  tick(): void {
    if (this.#held && Atomics.load(this.#words, DROP_REQUEST) === REQUESTED) {
      this.release();
      this.acquire();
    }
  }
}
