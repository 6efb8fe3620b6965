/**
 * Channel: the synchronised many-producer, many-consumer item store that Queue, LifoQueue,
 * PriorityQueue, SimpleQueue and each direction of a Pipe are built on.
 *
 * It is Python's `queue.Queue` algorithm on futexes: one mutex guards the store (item-store.ts)
 * and the counters; a getter that finds no item, or a putter that finds no room, releases the
 * mutex and sleeps on a sequence word (NOT_EMPTY / NOT_FULL) that every put / get bumps under
 * the mutex, so a change made after the sleeper looked is never missed (the condition-variable
 * scheme of condition.ts). Wakers call `Atomics.notify` only when a sleeper has registered in
 * EMPTY_SLEEPERS / FULL_SLEEPERS (Semaphore's scheme): a hand-off between busy threads costs no
 * wake-up call. Sleepers spin briefly first, re-reading the sequence word, since on another
 * core the next put usually lands within microseconds.
 *
 * Encoding an item (value-codec.ts) happens before taking the mutex, decoding under it (it runs
 * no user code). A number skips the codec: it is stored as a float64.
 *
 * Shutdown (Python 3.13): puts fail; gets fail once the store is empty; an immediate shutdown
 * also drops the stored items (counting them as done for join). UNFINISHED counts items put and
 * not yet marked done (`taskDone`); joiners sleep on it and are woken when it reaches 0.
 */
import { blockOn } from './blocking.ts';
import type { WaitKind } from './control-block.ts';
import { deadlineAfter, futexWait, msUntil, mutexLockSlow, mutexTryLock, mutexUnlock, UNLOCKED } from './futex.ts';
import { ItemStore, MAX_PAYLOAD_BYTES, STORE_WORDS, type ItemOrder, type StoreBuffers } from './item-store.ts';
import { SHARE } from './share.ts';
import { trace } from './trace.ts';
import { ValueDecoder, ValueEncoder } from './value-codec.ts';

// Words of a channel inside its owner's Int32Array (at the base the owner gives).
/** The mutex (futex.ts: UNLOCKED / LOCKED / CONTENDED). */
const LOCK = 0;
/** Bumped by every put: getters sleep on it. */
const NOT_EMPTY = 1;
const EMPTY_SLEEPERS = 2;
/** Bumped by every get (and shutdown): putters waiting for room sleep on it. */
const NOT_FULL = 3;
const FULL_SLEEPERS = 4;
/** 0, or SHUT once shut down. */
const SHUTDOWN = 5;
/** Items put and not yet marked done; joiners sleep on it until it is 0. */
const UNFINISHED = 6;
/** Most items (0: no limit but memory). */
const MAXSIZE = 7;
const STORE = 8;
/** How many Int32 words a channel uses in its owner's words. */
export const CHANNEL_WORDS = STORE + STORE_WORDS;

const SHUT = 1;

/**
 * How many times a waiter re-reads the sequence word before sleeping. Short: a few hundred
 * nanoseconds, enough to catch a put in flight on another core, not enough to matter when the
 * machine is oversubscribed.
 */
const SPIN_LIMIT = 2000;

/**
 * How many times taking the mutex re-reads it before sleeping. The mutex guards only a copy
 * of a few bytes, so a holder on another core releases it within this spin (~1-2 µs); a
 * sleep and wake-up would cost tens of µs.
 */
const LOCK_SPIN_LIMIT = 2000;

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
  #encoder: ValueEncoder | null = null;
  #decoder: ValueDecoder | null = null;

  constructor(words: Int32Array, base: number, identity: ChannelIdentity, store: ItemStore) {
    this.#words = words;
    this.#base = base;
    this.#identity = identity;
    this.store = store;
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
      this.#lock();
      let stored = false;
      let seen = 0;
      try {
        if (words[b + SHUTDOWN] === SHUT) return this.#fail('shut');
        const maxsize = words[b + MAXSIZE];
        if ((maxsize === 0 || this.store.count() < maxsize) && this.store.reserve(record)) {
          this.store.push(item as number, bytes, priority);
          words[b + UNFINISHED]++;
          trace(this.#identity.putOp, this.#identity.object, this.store.count());
          // Bump before reading the sleeper count (both sequentially consistent): a getter
          // that registers after our read sees the new sequence in its Atomics.wait.
          Atomics.add(words, b + NOT_EMPTY, 1);
          stored = true;
        } else {
          if (msUntil(deadline) === 0) return this.#fail('full');
          seen = Atomics.load(words, b + NOT_FULL);
        }
      } finally {
        this.#unlock();
      }
      if (stored) {
        if (Atomics.load(words, b + EMPTY_SLEEPERS) > 0) Atomics.notify(words, b + NOT_EMPTY, 1);
        return true;
      }
      this.#sleep(NOT_FULL, FULL_SLEEPERS, seen, msUntil(deadline));
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
    for (;;) {
      this.#lock();
      let taken = false;
      let item: unknown;
      let seen = 0;
      try {
        if (this.store.count() > 0) {
          item = this.store.pop(this.#decoderFor());
          trace(this.#identity.getOp, this.#identity.object, this.store.count());
          Atomics.add(words, b + NOT_FULL, 1);
          taken = true;
        } else {
          if (words[b + SHUTDOWN] === SHUT) return this.#fail('shut');
          if (msUntil(deadline) === 0) return this.#fail('empty');
          seen = Atomics.load(words, b + NOT_EMPTY);
        }
      } finally {
        this.#unlock();
      }
      if (taken) {
        if (Atomics.load(words, b + FULL_SLEEPERS) > 0) Atomics.notify(words, b + NOT_FULL, 1);
        return item;
      }
      this.#sleep(NOT_EMPTY, EMPTY_SLEEPERS, seen, msUntil(deadline));
    }
  }

  /**
   * Waits up to `timeout` ms until an item is stored or the channel is shut down. Returns true
   * then, or FAILED ('empty') if time ran out.
   */
  poll(timeout: number): true | typeof FAILED {
    const words = this.#words;
    const b = this.#base;
    const deadline = timeout === 0 || timeout === Infinity ? timeout : deadlineAfter(timeout);
    let slept = false;
    for (;;) {
      // Read the sequence before the state it guards: a put after this read changes it.
      const seen = Atomics.load(words, b + NOT_EMPTY);
      if (this.store.count() > 0 || this.isShutDown()) {
        // A put wakes one sleeper, maybe us, who take nothing: pass the wake-up on to a getter.
        if (slept && Atomics.load(words, b + EMPTY_SLEEPERS) > 0) Atomics.notify(words, b + NOT_EMPTY, 1);
        return true;
      }
      if (msUntil(deadline) === 0) return this.#fail('empty');
      this.#sleep(NOT_EMPTY, EMPTY_SLEEPERS, seen, msUntil(deadline));
      slept = true;
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
    this.#lock();
    try {
      left = words[b + UNFINISHED] - 1;
      if (left < 0) return false;
      Atomics.store(words, b + UNFINISHED, left);
    } finally {
      this.#unlock();
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
    this.#lock();
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
      this.#unlock();
    }
    Atomics.notify(words, b + NOT_EMPTY, Infinity);
    Atomics.notify(words, b + NOT_FULL, Infinity);
    if (immediate && unfinished === 0) Atomics.notify(words, b + UNFINISHED, Infinity);
  }

  #fail(failure: Failure): typeof FAILED {
    this.failure = failure;
    return FAILED;
  }

  #lock(): void {
    const words = this.#words;
    const lock = this.#base + LOCK;
    if (mutexTryLock(words, lock)) return;
    // Held only for a few dozen nanoseconds at a time: wait for it spinning, not sleeping,
    // unless its holder was descheduled (then the spin runs out and we sleep in blockOn).
    for (let spin = 0; spin < LOCK_SPIN_LIMIT; spin++) {
      if (Atomics.load(words, lock) === UNLOCKED && mutexTryLock(words, lock)) return;
    }
    mutexLockSlow(this.#words, this.#base + LOCK, Infinity, { kind: this.#identity.kind, object: this.#identity.object });
  }

  #unlock(): void {
    mutexUnlock(this.#words, this.#base + LOCK);
  }

  /**
   * Sleeps while the sequence word at `sequence` still reads `seen`, for at most `ms`: a short
   * spin, then a registered sleep through blockOn. The caller re-checks its condition after.
   */
  #sleep(sequence: number, sleepers: number, seen: number, ms: number): void {
    const words = this.#words;
    const b = this.#base;
    for (let spin = 0; spin < SPIN_LIMIT; spin++) if (Atomics.load(words, b + sequence) !== seen) return;
    if (ms === 0) return;
    // Register before Atomics.wait re-checks the word, so a waker that bumps it after our
    // registration also sees us and notifies (see the module comment).
    Atomics.add(words, b + sleepers, 1);
    try {
      blockOn({ kind: this.#identity.kind, object: this.#identity.object, timeout: ms }, (left) =>
        futexWait(words, b + sequence, seen, left),
      );
    } finally {
      Atomics.sub(words, b + sleepers, 1);
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
