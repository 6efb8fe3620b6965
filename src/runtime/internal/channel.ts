/**
 * Channel: the synchronised many-producer, many-consumer item store that Queue, LifoQueue,
 * PriorityQueue, SimpleQueue and each direction of a Pipe are built on.
 *
 * It is Python's `queue.Queue` algorithm on futexes, with the two-lock split of Michael & Scott
 * for FIFO order: putters take LOCK, getters GET_LOCK, so a producer and a consumer never wait
 * for each other's mutex; they meet only at the store's atomic COUNT (item-store.ts says who
 * owns which word). LIFO and priority order take from where puts add, so there getters take
 * LOCK too. Work that moves records (compaction, growth, clear) and shutdown hold both locks,
 * always LOCK first.
 *
 * Waiting: a getter that finds no item (a putter that finds no room) releases its mutex,
 * registers in GETTERS (PUTTERS), reads the sequence word NOT_EMPTY (NOT_FULL), looks at COUNT
 * (and the shutdown flag) once more and sleeps while the word is unchanged. A put (get) updates COUNT, then bumps the
 * word if anyone is registered. Every step is sequentially consistent, so either the waker sees
 * the registration (and bumps the word the waiter sleeps on) or the waiter's second look sees
 * the new COUNT (and it retries): no wake-up is lost, and a stream with nobody waiting pays no
 * extra atomic write. Wakers call `Atomics.notify` only when a waiter has gone to sleep
 * (EMPTY_SLEEPERS / FULL_SLEEPERS, Semaphore's scheme), and uncount the sleepers they wake
 * (see #wake), so a woken thread still waiting for a core costs later wakers nothing. Waiters
 * first spin briefly on the count alone, unregistered, since on another core the next put
 * usually lands within microseconds, and a busy stream then costs the other side nothing
 * (see #await).
 *
 * Encoding an item (value-codec.ts) happens before taking a mutex, decoding after it (from a
 * private copy of the bytes): a mutex covers only byte copies. A number skips the codec: it
 * is stored as a float64.
 *
 * Shutdown (Python 3.13): puts fail; gets fail once the store is empty; an immediate shutdown
 * also drops the stored items (counting them as done for join). UNFINISHED counts items put and
 * not yet marked done (`taskDone`); joiners sleep on it and are woken when it reaches 0.
 */
import { blockOn } from './blocking.ts';
import type { WaitKind } from './control-block.ts';
import { deadlineAfter, futexWait, msUntil, mutexLockSlow, mutexTryLock, mutexUnlock, UNLOCKED } from './futex.ts';
import { ENCODED, ItemStore, MAX_PAYLOAD_BYTES, STORE_WORDS, type ItemOrder, type StoreBuffers } from './item-store.ts';
import { SHARE } from './share.ts';
import { trace, tracing } from './trace.ts';
import { ValueDecoder, ValueEncoder } from './value-codec.ts';

// Words of a channel inside its owner's Int32Array (relative to the base the owner gives),
// grouped by who writes them, each group on its own cache line (16 words apart): a FIFO
// putter and getter working at the same time then share only the store's COUNT line.
const LINE_WORDS = 16;
// Line 0, the put side (and everything else when not FIFO):
/** The putters' mutex (futex.ts: UNLOCKED / LOCKED / CONTENDED); the only one unless FIFO. */
const LOCK = 0;
/** Items put and not yet marked done; joiners sleep on it until it is 0. */
const UNFINISHED = 1;
/** Most items (0: no limit but memory). */
const MAXSIZE = 2;
/**
 * The store's words (item-store.ts): its put side here, its HEAD on line 1, its COUNT (which
 * both sides read and write on every operation) on line 2, its read-mostly sizes on line 3,
 * where its last word is.
 */
const STORE = 3;
// Line 1, the get side:
/** The getters' mutex in FIFO order, where putters and getters hold different locks. */
const GET_LOCK = LINE_WORDS;
// Line 3, read-mostly, next to the store's sizes:
/**
 * 0, or SHUT once shut down. Read by every put and by getters that find no item; written once,
 * so it stays cached on every core and costs a reader nothing until then.
 */
const SHUTDOWN = STORE + STORE_WORDS;
// Line 4, getters waiting:
/** Bumped by a put while GETTERS > 0 (and by shutdown): waiting getters sleep on it. */
const NOT_EMPTY = 4 * LINE_WORDS;
/** Threads waiting for an item (get, poll): registered before they read NOT_EMPTY. */
const GETTERS = NOT_EMPTY + 1;
/**
 * Those of GETTERS that are in (or about to enter) Atomics.wait: only they need a notify.
 * Never fewer than the threads asleep (see #wake); briefly more while a waker that woke one
 * has yet to uncount it.
 */
const EMPTY_SLEEPERS = NOT_EMPTY + 2;
// Line 5, putters waiting:
/** Bumped by a get while PUTTERS > 0 (and by shutdown): putters waiting for room sleep on it. */
const NOT_FULL = 5 * LINE_WORDS;
/** Threads waiting for room (put): registered before they read NOT_FULL. */
const PUTTERS = NOT_FULL + 1;
const FULL_SLEEPERS = NOT_FULL + 2;
/** How many Int32 words a channel uses in its owner's words. */
export const CHANNEL_WORDS = FULL_SLEEPERS + 1;

const SHUT = 1;

/**
 * How many times a waiter re-checks the count before registering to sleep: about a
 * microsecond, enough to catch a put in flight on another core (a sleep and wake-up costs tens
 * of µs), short enough not to matter when threads outnumber cores. (Measured on 2 cores:
 * 200…2000 all land within the noise; longer spins hurt 4→4.)
 */
const SPIN_LIMIT = 500;

/**
 * How many times taking a mutex re-reads it before sleeping (then futex.ts spins a little
 * more). The mutex guards only a few byte copies, so a holder on another core releases it
 * within this spin; without it, a 1→1 stream slept on the mutex for ~1 put in 15.
 */
const LOCK_SPIN_LIMIT = 500;

/** What {@link Channel.put} and {@link Channel.get} report when they do not succeed. */
export type Failure = 'empty' | 'full' | 'shut';

/** Returned by get/put/poll when they did not succeed; the reason is in `channel.failure`. */
export const FAILED: unique symbol = Symbol('failed');

/** How a channel names itself in waits, traces and errors. */
export interface ChannelIdentity {
  /** The wait kind blocked threads record (the owner's object kind). */
  kind: WaitKind;
  /** The owner's object id (0 if unregistered). */
  object: number;
  /** Trace op codes of a put and a get (arg: depth after). */
  putOp: number;
  getOp: number;
  /** "Queue #3 (created at line 4)", for messages; called only when a message is built. */
  label(): string;
  /** How the API calls an item ("item", "value"): the root of paths in encoding errors. */
  noun: string;
}

/** One thread's view of a channel. See the module comment. */
export class Channel {
  readonly store: ItemStore;
  /** Why the last get/put/poll returned FAILED. */
  failure: Failure = 'empty';
  readonly #words: Int32Array;
  readonly #base: number;
  readonly #identity: ChannelIdentity;
  /** The lock getters take: GET_LOCK in FIFO order (putters and getters apart), else LOCK. */
  readonly #getLock: number;
  #encoder: ValueEncoder | null = null;
  #decoder: ValueDecoder | null = null;

  constructor(words: Int32Array, base: number, identity: ChannelIdentity, store: ItemStore) {
    this.#words = words;
    this.#base = base;
    this.#identity = identity;
    this.store = store;
    this.#getLock = store.order === 'fifo' ? GET_LOCK : LOCK;
  }

  /** A new channel in `words` at `base` (zeroed) holding at most `maxsize` items (0: no limit). */
  static create(words: Int32Array, base: number, identity: ChannelIdentity, order: ItemOrder, maxsize: number): Channel {
    words[base + MAXSIZE] = maxsize;
    return new Channel(words, base, identity, ItemStore.create(words, base + STORE, order));
  }

  /** A view of the channel in `words` at `base` whose store buffers are `buffers`. */
  static attach(words: Int32Array, base: number, identity: ChannelIdentity, order: ItemOrder, buffers: StoreBuffers): Channel {
    return new Channel(words, base, identity, new ItemStore(words, base + STORE, order, buffers));
  }

  /** Most items, 0 for no limit. */
  get maxsize(): number {
    return this.#words[this.#base + MAXSIZE];
  }

  /** Items stored now (a snapshot). */
  size(): number {
    return this.store.count();
  }

  /** Whether a bounded channel holds `maxsize` items now (a snapshot). */
  full(): boolean {
    const maxsize = this.maxsize;
    return maxsize > 0 && this.size() >= maxsize;
  }

  /** Whether the channel was shut down. */
  isShutDown(): boolean {
    return Atomics.load(this.#words, this.#base + SHUTDOWN) === SHUT;
  }

  /**
   * Adds `item`, waiting up to `timeout` ms (0: not at all; Infinity: no limit) for room.
   * `priority` orders a priority store. Returns true, or FAILED with `failure` 'full' (no room
   * in time) or 'shut'. Throws a TypeError naming the type and path of anything in `item` that
   * cannot be sent, and a RangeError for an item too large for any store; the channel is then
   * unchanged.
   */
  put(item: unknown, timeout: number, priority = 0): true | typeof FAILED {
    let bytes: Uint8Array | null = null;
    if (typeof item !== 'number') {
      bytes = this.#encoderFor().encode(item, this.#identity.noun);
      if (bytes.length > MAX_PAYLOAD_BYTES) throw this.#tooLarge(bytes.length);
    }
    const record = this.store.recordBytes(bytes === null ? 8 : bytes.length);
    const words = this.#words;
    const b = this.#base;
    const deadline = timeout === 0 || timeout === Infinity ? timeout : deadlineAfter(timeout);
    for (;;) {
      this.#lock(LOCK);
      let stored = false;
      let wake = false;
      // The count seen before deciding there is no room; a wait ends when it changes.
      let count = 0;
      try {
        if (words[b + SHUTDOWN] === SHUT) return this.#fail('shut');
        const maxsize = words[b + MAXSIZE];
        // An unbounded channel reads COUNT (the line the getters write) only when the arena
        // is full: a put then touches that line once, with its increment.
        if (maxsize !== 0) count = this.store.count();
        let room = maxsize === 0 || count < maxsize;
        if (room && !this.store.fits(record)) {
          if (maxsize === 0) count = this.store.count();
          room = this.#reserve(record);
        }
        if (room) {
          this.store.push(item as number, bytes, priority);
          // Plain: changed only under LOCK; lock-free readers (join) re-check after waking.
          words[b + UNFINISHED]++;
          // The depth is read only when tracing: COUNT's line is the one both sides fight over.
          if (tracing()) trace(this.#identity.putOp, this.#identity.object, this.store.count());
          // After the item is counted (an atomic add): see #await for why no wake-up is lost.
          if (Atomics.load(words, b + GETTERS) > 0) {
            Atomics.add(words, b + NOT_EMPTY, 1);
            wake = true;
          }
          stored = true;
        } else if (msUntil(deadline) === 0) {
          return this.#fail('full');
        }
      } finally {
        this.#unlock(LOCK);
      }
      if (stored) {
        if (wake) this.#wake(NOT_EMPTY, EMPTY_SLEEPERS, 1);
        return true;
      }
      // Room comes with a get, which changes the count; a shutdown must wake us too.
      this.#await(() => this.store.count() !== count || this.isShutDown(), NOT_FULL, PUTTERS, FULL_SLEEPERS, deadline);
    }
  }

  /**
   * Removes and returns the next item, waiting up to `timeout` ms (0: not at all; Infinity:
   * no limit) for one. Returns FAILED with `failure` 'empty' (none in time) or 'shut' (shut
   * down and empty).
   */
  get(timeout: number): unknown {
    const words = this.#words;
    const b = this.#base;
    const deadline = timeout === 0 || timeout === Infinity ? timeout : deadlineAfter(timeout);
    const lock = this.#getLock;
    for (;;) {
      this.#lock(lock);
      let taken = false;
      let wake = false;
      let item: unknown;
      try {
        if (this.store.count() > 0) {
          item = this.store.pop();
          if (tracing()) trace(this.#identity.getOp, this.#identity.object, this.store.count());
          // After the item is uncounted (an atomic sub): see #await.
          if (Atomics.load(words, b + PUTTERS) > 0) {
            Atomics.add(words, b + NOT_FULL, 1);
            wake = true;
          }
          taken = true;
        } else {
          if (words[b + SHUTDOWN] === SHUT) return this.#fail('shut');
          if (msUntil(deadline) === 0) return this.#fail('empty');
        }
      } finally {
        this.#unlock(lock);
      }
      if (taken) {
        if (wake) this.#wake(NOT_FULL, FULL_SLEEPERS, 1);
        return item === ENCODED ? this.#decoderFor().decode(this.store.encoded, 0, this.store.encodedSize) : item;
      }
      this.#await(this.#itemOrShutdown, NOT_EMPTY, GETTERS, EMPTY_SLEEPERS, deadline);
    }
  }

  /**
   * Waits up to `timeout` ms until an item is stored or the channel is shut down. Returns true
   * then, or FAILED ('empty') if time ran out.
   */
  poll(timeout: number): true | typeof FAILED {
    const deadline = timeout === 0 || timeout === Infinity ? timeout : deadlineAfter(timeout);
    let waited = false;
    for (;;) {
      if (this.#itemOrShutdown()) {
        // A put wakes one sleeper, maybe us, who take nothing: pass the wake-up on to a getter.
        if (waited) this.#wake(NOT_EMPTY, EMPTY_SLEEPERS, 1);
        return true;
      }
      if (msUntil(deadline) === 0) return this.#fail('empty');
      this.#await(this.#itemOrShutdown, NOT_EMPTY, GETTERS, EMPTY_SLEEPERS, deadline);
      waited = true;
    }
  }

  /**
   * Marks one item done (`taskDone`). Returns false, changing nothing, if every item put was
   * already marked done. Wakes the joiners when none is left unfinished.
   */
  taskDone(): boolean {
    const words = this.#words;
    const b = this.#base;
    let left: number;
    this.#lock(LOCK);
    try {
      left = words[b + UNFINISHED] - 1;
      if (left < 0) return false;
      Atomics.store(words, b + UNFINISHED, left);
    } finally {
      this.#unlock(LOCK);
    }
    if (left === 0) Atomics.notify(words, b + UNFINISHED, Infinity);
    return true;
  }

  /** Items put and not yet marked done (a snapshot). */
  unfinished(): number {
    return Atomics.load(this.#words, this.#base + UNFINISHED);
  }

  /** Waits, with no time limit, until every item put has been marked done. */
  join(): void {
    const words = this.#words;
    const b = this.#base;
    for (;;) {
      const left = Atomics.load(words, b + UNFINISHED);
      if (left === 0) return;
      // Sleeps while UNFINISHED stays `left`; taskDone notifies when it reaches 0.
      blockOn({ kind: this.#identity.kind, object: this.#identity.object, timeout: Infinity }, (ms) =>
        futexWait(words, b + UNFINISHED, left, ms),
      );
    }
  }

  /**
   * Shuts the channel down; `immediate` also drops the stored items (each counted as done).
   * Wakes every waiting getter, putter and (when immediate) joiner to re-check.
   */
  shutdown(immediate: boolean): void {
    const words = this.#words;
    const b = this.#base;
    let unfinished: number;
    // Both locks: no getter or putter is between its look at the state and its registration.
    this.#lock(LOCK);
    if (this.#getLock !== LOCK) this.#lock(GET_LOCK);
    try {
      Atomics.store(words, b + SHUTDOWN, SHUT);
      if (immediate) {
        const dropped = this.store.clear();
        Atomics.store(words, b + UNFINISHED, Math.max(0, words[b + UNFINISHED] - dropped));
      }
      unfinished = words[b + UNFINISHED];
      Atomics.add(words, b + NOT_EMPTY, 1);
      Atomics.add(words, b + NOT_FULL, 1);
    } finally {
      if (this.#getLock !== LOCK) this.#unlock(GET_LOCK);
      this.#unlock(LOCK);
    }
    this.#wake(NOT_EMPTY, EMPTY_SLEEPERS, Infinity);
    this.#wake(NOT_FULL, FULL_SLEEPERS, Infinity);
    if (immediate && unfinished === 0) Atomics.notify(words, b + UNFINISHED, Infinity);
  }

  #fail(failure: Failure): typeof FAILED {
    this.failure = failure;
    return FAILED;
  }

  /**
   * The rest of put's room-making when the record does not fit as things are: compaction or
   * growth moves records, so in FIFO order the getters' lock is taken too (always after the
   * putters': one order, no deadlock).
   */
  #reserve(record: number): boolean {
    if (this.#getLock === LOCK) return this.store.reserve(record);
    this.#lock(GET_LOCK);
    try {
      return this.store.reserve(record);
    } finally {
      this.#unlock(GET_LOCK);
    }
  }

  #lock(which: number): void {
    const words = this.#words;
    const lock = this.#base + which;
    if (mutexTryLock(words, lock)) return;
    // Held only for a few dozen nanoseconds at a time: wait for it spinning, not sleeping,
    // unless its holder was descheduled (then the spin runs out and we sleep in blockOn).
    for (let spin = 0; spin < LOCK_SPIN_LIMIT; spin++) {
      if (Atomics.load(words, lock) === UNLOCKED && mutexTryLock(words, lock)) return;
    }
    mutexLockSlow(words, lock, Infinity, { kind: this.#identity.kind, object: this.#identity.object });
  }

  #unlock(which: number): void {
    mutexUnlock(this.#words, this.#base + which);
  }

  /**
   * Wakes up to `count` threads asleep on `sequence`, if `sleepers` says any may be, and
   * uncounts the ones it woke. Atomics.notify's answer is exact: it counts the waiters it took
   * off the list, and each of those (and only those) sees 'ok' and leaves the uncounting to
   * us (#await); a waiter that sees anything else uncounts itself. So `sleepers` is never less
   * than the threads in (or about to enter) Atomics.wait, and a waker that reads 0 may skip
   * the notify: no wake-up is lost. Without this, every put between a notify and the woken
   * getter getting a core called notify again (on 2 cores: for every item of a 4→4 stream).
   */
  #wake(sequence: number, sleepers: number, count: number): void {
    const words = this.#words;
    const b = this.#base;
    // Never negative (each uncount follows its thread's count); `<= 0` so a miscount would
    // show as a hang in tests rather than hide behind extra notifies.
    if (Atomics.load(words, b + sleepers) <= 0) return;
    const woken = Atomics.notify(words, b + sequence, count);
    if (woken > 0) Atomics.sub(words, b + sleepers, woken);
  }

  readonly #itemOrShutdown = (): boolean => this.store.count() > 0 || this.isShutDown();

  /**
   * Waits, holding no lock, until `ready()` may be true or `deadline` passes; the caller then
   * re-checks under its lock. First a short spin on `ready()` alone: a busy partner's next put
   * (get) lands within it, and a spinning waiter writes nothing the partner reads. Then it
   * registers in `waiters`, reads the `sequence` word, checks `ready()` once more and sleeps
   * while the word is unchanged. The partner changes the count (an atomic RMW), then reads
   * `waiters` and bumps `sequence` if anyone is registered. All sequentially consistent: either
   * the partner sees our registration (and bumps the word we sleep on) or our second check sees
   * its count: no wake-up is lost. Shutdown bumps both words unconditionally, after its flag.
   */
  #await(ready: () => boolean, sequence: number, waiters: number, sleepers: number, deadline: number): void {
    for (let spin = 0; spin < SPIN_LIMIT; spin++) if (ready()) return;
    const words = this.#words;
    const b = this.#base;
    Atomics.add(words, b + waiters, 1);
    try {
      const seen = Atomics.load(words, b + sequence);
      const ms = msUntil(deadline);
      if (ms === 0 || ready()) return;
      // Semaphore's scheme: wakers call Atomics.notify only if someone may be asleep.
      Atomics.add(words, b + sleepers, 1);
      // Whether a notify ended our sleep ('ok'): that waker has uncounted us (#wake). Noted
      // per sleep, since blockOn may throw after sleeping.
      let notified = false;
      try {
        blockOn({ kind: this.#identity.kind, object: this.#identity.object, timeout: ms }, (left) => {
          const result = futexWait(words, b + sequence, seen, left);
          if (result === 'ok') notified = true;
          return result;
        });
      } finally {
        if (!notified) Atomics.sub(words, b + sleepers, 1);
      }
    } finally {
      Atomics.sub(words, b + waiters, 1);
    }
  }

  #encoderFor(): ValueEncoder {
    return (this.#encoder ??= new ValueEncoder({ encodeShared: (value) => this.#refuseShared(value) }));
  }

  #decoderFor(): ValueDecoder {
    return (this.#decoder ??= new ValueDecoder());
  }

  /**
   * The codec offers us every object it does not copy by type. A runtime primitive or a
   * SharedArrayBuffer would have to stay the same memory, which bytes cannot carry (a shared
   * buffer can only reach another worker in a message); a class instance would lose its
   * methods. All are refused, with the fix.
   */
  #refuseShared(value: object): never {
    const type =
      value instanceof SharedArrayBuffer
        ? 'SharedArrayBuffer'
        : ((value as { constructor?: { name?: string } }).constructor?.name ?? 'object');
    const into = this.#identity.label();
    const what = `${/^[AEIOU]/i.test(type) ? 'an' : 'a'} ${type}`;
    if (SHARE in value || value instanceof SharedArrayBuffer) {
      throw new TypeError(
        `Cannot send ${what} through ${into}: its ${this.#identity.noun}s travel as bytes in shared ` +
          `memory, and ${what} must stay the same shared memory on both sides. Pass it to the ` +
          `thread when you start it instead (new Thread({ target, args: [queue, it] })).`,
      );
    }
    throw new TypeError(
      `Cannot send ${what} through ${into}: the other thread would get a copy without its class ` +
        `and methods. Send plain data (objects, arrays, Maps, Sets, numbers, strings) instead, ` +
        `and rebuild the ${type} on the receiving side.`,
    );
  }

  #tooLarge(bytes: number): RangeError {
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    return new RangeError(
      `Cannot send a ${this.#identity.noun} of ${mib(bytes)} through ${this.#identity.label()}: one ` +
        `${this.#identity.noun} may take at most ${mib(MAX_PAYLOAD_BYTES)} encoded. Send it in parts.`,
    );
  }
}
