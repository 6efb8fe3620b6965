/**
 * Sleepers: a count, in one shared word, of the threads asleep (or about to be) in
 * Atomics.wait on a sequence word, so that a waker calls Atomics.notify only when someone may
 * be asleep (channel.ts's waits for an item and for room).
 *
 * A sleeper counts itself right before Atomics.wait on the sequence value it read earlier;
 * a waker changes the sequence first, then reads the count. Both sequentially consistent:
 * either the waker sees the count, or the sleeper's wait sees the changed sequence and
 * returns at once. So a waker that reads 0 may skip the notify.
 *
 * The word is GEN << COUNT_BITS | count. Atomics.notify's answer is exact: the waiters it
 * woke see 'ok' and leave the uncounting to the waker; any other answer, the sleeper uncounts
 * itself. The generation is for the one case the count cannot tell: a thread counted but not
 * yet inside Atomics.wait. V8 enqueues a waiter under a process-wide mutex that every notify
 * takes too, so with many threads on few cores such a thread can sit there for a whole time
 * slice, and a plain count made every put of that slice call notify for nobody (100,000 such
 * calls in one 4→4 benchmark run). A notify that wakes nobody means nobody counted is inside
 * the wait, so the waker drops them all (next generation, count 0), then changes the sequence
 * (each of them read it before counting, so none will sleep on it), then notifies everyone
 * once more for any that got in meanwhile. A sleeper that finds the generation moved on was
 * dropped and does not uncount. A notify that lands on a thread counted in a newer generation
 * leaves it counted: an over-count, which costs one notify later and never a lost wake-up.
 *
 * Generations wrap after 2^20 drops; a sleeper would misread one only if it stayed between
 * counting and waiting (or waking and uncounting) through a million of them.
 */

import type { WaitResult } from './blocking.ts';
import { THREAD_LIMIT } from './control-block.ts';
import { futexWait } from './futex.ts';

/** Enough for every thread of a run, each counted once (12 bits for 4,095 threads). */
const COUNT_BITS = 32 - Math.clz32(THREAD_LIMIT);
const COUNT_MASK = (1 << COUNT_BITS) - 1;

const generationOf = (word: number) => word >>> COUNT_BITS;

/**
 * Sleeps in Atomics.wait on `words[sequence]` while it holds `seen`, for at most `ms`,
 * counted in `words[sleepers]` meanwhile; returns Atomics.wait's answer.
 */
export function sleepCounted(words: Int32Array, sequence: number, sleepers: number, seen: number, ms: number): WaitResult {
  const generation = generationOf(Atomics.add(words, sleepers, 1));
  const result = futexWait(words, sequence, seen, ms);
  if (result !== 'ok') uncount(words, sleepers, generation, 1);
  return result;
}

/**
 * Wakes up to `count` threads asleep on `words[sequence]` (Infinity: all), if any is counted
 * in `words[sleepers]`. Call it after changing `words[sequence]`.
 */
export function wakeCounted(words: Int32Array, sequence: number, sleepers: number, count: number): void {
  const word = Atomics.load(words, sleepers);
  if ((word & COUNT_MASK) === 0) return;
  const woken = Atomics.notify(words, sequence, count);
  if (woken > 0) {
    uncount(words, sleepers, generationOf(word), woken);
    return;
  }
  // Nobody counted is inside Atomics.wait: drop them all (see the module comment). If the
  // word changed meanwhile, a later wake tries again.
  const next = ((generationOf(word) + 1) << COUNT_BITS) | 0;
  if (Atomics.compareExchange(words, sleepers, word, next) !== word) return;
  Atomics.add(words, sequence, 1);
  Atomics.notify(words, sequence, Infinity);
}

/** Takes `n` (at most the count) off the count, if it is still in `generation`. */
function uncount(words: Int32Array, sleepers: number, generation: number, n: number): void {
  for (;;) {
    const word = Atomics.load(words, sleepers);
    if (generationOf(word) !== generation || (word & COUNT_MASK) === 0) return;
    if (Atomics.compareExchange(words, sleepers, word, word - Math.min(n, word & COUNT_MASK)) === word) return;
  }
}
