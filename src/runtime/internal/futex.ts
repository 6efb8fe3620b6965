/**
 * Futex building blocks: timeouts as deadlines, and the three-state futex mutex that Lock,
 * RLock and Barrier are built on.
 *
 * The mutex is Drepper's "mutex 2" from "Futexes Are Tricky" (as in Rust's std
 * `sys/sync/mutex/futex.rs`). Its word is in one of three states:
 *
 *   UNLOCKED   nobody holds it
 *   LOCKED     held, and no thread sleeps on it (release needs no wake-up call)
 *   CONTENDED  held, and threads may be sleeping on it (release must wake one)
 *
 * Invariant: a thread only sleeps on the word while it is CONTENDED, and a thread that takes
 * the lock after sleeping marks it CONTENDED (it cannot know whether others still sleep), so
 * no sleeper is ever forgotten. A spurious extra wake-up is possible and harmless.
 *
 * Every `Atomics` operation is sequentially consistent, which is what makes each check-then-
 * sleep below race-free: `Atomics.wait` itself re-checks the word before sleeping.
 */
import { blockOn, type WaitRecord, type WaitResult } from './blocking.ts';

/** Mutex word: nobody holds it. */
export const UNLOCKED = 0;
/** Mutex word: held, nobody sleeps on it. */
export const LOCKED = 1;
/** Mutex word: held, and threads may sleep on it (the release must wake one). */
export const CONTENDED = 2;

/**
 * How many times a contended acquire re-reads the word while it is LOCKED before sleeping.
 * Bounded and short: long enough to catch a holder that is about to release, short enough
 * not to burn a core on a 2-core machine.
 */
const SPIN_LIMIT = 100;

/**
 * Checks a public timeout argument and returns it in ms, Infinity for "no limit". The public
 * convention: `undefined` (or `null`), `-1` or `Infinity` mean wait forever; anything else must be ms ≥ 0.
 * Throws a RangeError naming `where` (e.g. "lock.acquire") for anything else.
 */
export function timeoutMs(timeout: number | null | undefined, where: string): number {
  if (timeout == null || timeout === -1 || timeout === Infinity) return Infinity;
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    throw new RangeError(
      `${where}: timeout must be a number of milliseconds ≥ 0, or -1 to wait forever; got ${String(timeout)}.`,
    );
  }
  return timeout;
}

/** The performance.now() time `ms` from now (Infinity stays Infinity). */
export function deadlineAfter(timeoutMs: number): number {
  return timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
}

/** Ms left until `deadline` (never negative; Infinity stays Infinity). */
export function msUntil(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/** Takes the mutex if it is free, without waiting. */
export function mutexTryLock(words: Int32Array, index: number): boolean {
  return Atomics.compareExchange(words, index, UNLOCKED, LOCKED) === UNLOCKED;
}

/**
 * The slow path of taking the mutex, after {@link mutexTryLock} failed: spins briefly, then
 * sleeps through blockOn (recorded as `wait`) until it gets the mutex or `deadline` (a
 * performance.now() time, Infinity for none) passes. Returns whether it got the mutex.
 */
export function mutexLockSlow(
  words: Int32Array,
  index: number,
  deadline: number,
  wait: Omit<WaitRecord, 'timeout'>,
): boolean {
  let state = spinWhileLocked(words, index);
  if (state === UNLOCKED) {
    state = Atomics.compareExchange(words, index, UNLOCKED, LOCKED);
    if (state === UNLOCKED) return true;
  }
  for (;;) {
    // Marking CONTENDED before sleeping is what obliges the holder to wake us. If the swap
    // finds it UNLOCKED we own it now, still marked CONTENDED (others may sleep).
    if (state !== CONTENDED && Atomics.exchange(words, index, CONTENDED) === UNLOCKED) return true;
    const left = msUntil(deadline);
    if (left === 0) return false;
    blockOn({ ...wait, timeout: left }, (ms) => futexWait(words, index, CONTENDED, ms));
    state = spinWhileLocked(words, index);
  }
}

/** Releases the mutex, waking one sleeper if there may be any. */
export function mutexUnlock(words: Int32Array, index: number): void {
  if (Atomics.exchange(words, index, UNLOCKED) === CONTENDED) Atomics.notify(words, index, 1);
}

/** `Atomics.wait`, typed. The caller must hold the futex invariant of its own algorithm. */
export function futexWait(words: Int32Array, index: number, expected: number, ms: number): WaitResult {
  return Atomics.wait(words, index, expected, ms);
}

function spinWhileLocked(words: Int32Array, index: number): number {
  let state = Atomics.load(words, index);
  for (let spin = SPIN_LIMIT; state === LOCKED && spin > 0; spin--) state = Atomics.load(words, index);
  return state;
}

/** Options of every `acquire` (Lock, RLock, Semaphore), as Python's `acquire(blocking, timeout)`. */
export interface AcquireOptions {
  /** `false`: take it only if it is free right now, never wait. Default `true`. */
  blocking?: boolean;
  /** Most ms to wait; `-1` (the default) waits as long as it takes. Only when blocking. */
  timeout?: number;
}

/**
 * The wait limit in ms that `options` ask for: 0 for a non-blocking try, Infinity for no
 * limit. Throws a RangeError (like Python's ValueError) for a timeout on a non-blocking call
 * or a timeout that is not -1 or ≥ 0, and a TypeError for options that are not an object
 * (Python's `acquire(False)` habit).
 */
export function acquireTimeoutMs(options: AcquireOptions, where: string): number {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${where}(${String(options)}): options go in an object, e.g. ${where}({ blocking: false }) ` +
        `or ${where}({ timeout: 100 }).`,
    );
  }
  const { blocking = true, timeout } = options;
  if (!blocking) {
    if (timeout !== undefined && timeout !== -1) {
      throw new RangeError(
        `${where}: a timeout makes no sense with blocking: false (a non-blocking call never ` +
          `waits). Pass either { blocking: false } or { timeout: ${String(timeout)} }.`,
      );
    }
    return 0;
  }
  return timeoutMs(timeout, where);
}
