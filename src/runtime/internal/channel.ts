/**
 * Channel: the synchronised many-producer, many-consumer item store that Queue, LifoQueue,
 * PriorityQueue, SimpleQueue and each direction of a Pipe are built on.
 *
 * Two lanes, one order. In FIFO order, numbers go through a lock-free ring in the channel's
 * own words (number-ring.ts): a put or get there is a CAS and two stores, no mutex. Everything
 * else — objects, numbers past the ring's size, every item of LIFO and priority order, puts
 * after a shutdown — goes through the item store (item-store.ts) under mutexes, Python's
 * `queue.Queue` algorithm on futexes, with the two-lock split of Michael & Scott for FIFO
 * order: putters take LOCK, getters GET_LOCK, so a producer and a consumer never wait for each
 * other's mutex. LIFO and priority order take from where puts add, so there getters take LOCK
 * too. Work that moves records (compaction, growth, clear) and shutdown hold both locks,
 * always LOCK first.
 *
 * Why the order holds across the lanes: an item goes to the store only with the ring FROZEN
 * (no put can claim a ring position), frozen under LOCK by the first such put; the ring is
 * thawed only under LOCK with the store empty. So a non-empty store means a frozen ring, every
 * item in the ring then is older than every item in the store, and a getter takes from the
 * store only when, holding the getters' lock with the store non-empty, it finds the ring empty.
 * LIFO and priority channels keep their ring frozen for good.
 *
 * Waiting: a getter that finds no item (a putter that finds no room) registers in GETTERS
 * (PUTTERS), reads the sequence word NOT_EMPTY (NOT_FULL), looks once more and sleeps while
 * the word is unchanged. A put (get) publishes its change, then bumps the word if anyone is
 * registered. Every step is sequentially consistent, so either the waker sees the registration
 * (and bumps the word the waiter sleeps on) or the waiter's second look sees the change (and
 * it retries): no wake-up is lost, and a stream with nobody waiting pays no extra atomic
 * write. Wakers call `Atomics.notify` only when a waiter may be asleep (EMPTY_SLEEPERS /
 * FULL_SLEEPERS, sleepers.ts). A ring slot can be claimed before it is published, so a woken
 * getter may find the item it was woken for behind one still being written and sleep again;
 * a getter (putter) that waited and succeeds therefore passes a wake-up on while items (room)
 * remain. Waiters first spin briefly, unregistered, since on another core the next put
 * usually lands within microseconds (see #await); getters spin on the oldest ring slot, never
 * on TAIL, the line every put writes.
 *
 * Encoding an item (value-codec.ts) happens before taking a mutex, decoding after it (from a
 * private copy of the bytes): a mutex covers only byte copies. A number skips the codec.
 *
 * Shutdown (Python 3.13): puts fail (the ring is frozen, and the store refuses); gets fail
 * once both lanes are empty; an immediate shutdown also drops the stored items (counting them
 * as done for join, but never more than are unfinished, as Python). Unfinished tasks
 * (`taskDone`) are items ever put (ring claims plus store pushes) minus DONE, so a put pays no
 * extra atomic for them; joiners sleep on DONE.
 */
import { blockOn } from './blocking.ts';
import type { WaitKind } from './control-block.ts';
import { deadlineAfter, futexWait, msUntil, mutexLockSlow, mutexTryLock, mutexUnlock, UNLOCKED } from './futex.ts';
import { ENCODED, ItemStore, MAX_PAYLOAD_BYTES, STORE_WORDS, type ItemOrder, type StoreBuffers } from './item-store.ts';
import { GOT, NumberRing, PUT_DONE, RING_BUSY, RING_EMPTY, RING_FROZEN, RING_FULL, ringWords } from './number-ring.ts';
import { SHARE } from './share.ts';
import { sleepCounted, wakeCounted } from './sleepers.ts';
import { trace, tracing } from './trace.ts';
import { ValueDecoder, ValueEncoder } from './value-codec.ts';

// Words of a channel inside its owner's Int32Array (relative to the base the owner gives),
// grouped by who writes them, each group on its own cache line (16 words apart): a FIFO
// number stream touches only the ring's lines and the waiters' counts, which it only reads.
const LINE_WORDS = 16;
// Line 0, the store's put side (and everything else when not FIFO), and taskDone:
/** The putters' mutex (futex.ts: UNLOCKED / LOCKED / CONTENDED); the only one unless FIFO. */
const LOCK = 0;
/** Items marked done (taskDone, or dropped by an immediate shutdown), modulo 2^32; joiners sleep on it. */
const DONE = 1;
/** Items ever pushed into the store, modulo 2^32 (written under LOCK). */
const STORE_PUTS = 2;
/**
 * The store's words (item-store.ts): its put side here, its HEAD on line 1, its COUNT (which
 * both sides read and write on every store operation) on line 2, its read-mostly sizes on
 * line 3, where its last word is.
 */
const STORE = 3;
// Line 1, the store's get side:
/** The getters' mutex in FIFO order, where putters and getters hold different locks. */
const GET_LOCK = LINE_WORDS;
// Line 3, read-mostly, next to the store's sizes:
/**
 * 0, or SHUT once shut down. Read by store puts and by getters that find no item; written
 * once, so it stays cached on every core and costs a reader nothing until then.
 */
const SHUTDOWN = STORE + STORE_WORDS;
/** Most items (0: no limit but memory). */
const MAXSIZE = SHUTDOWN + 1;
// Line 4, getters waiting:
/** Bumped by a put while GETTERS > 0 (and by shutdown): waiting getters sleep on it. */
const NOT_EMPTY = 4 * LINE_WORDS;
/** Threads waiting for an item (get, poll): registered before they read NOT_EMPTY. */
const GETTERS = NOT_EMPTY + 1;
/** Those of GETTERS in (or about to enter) Atomics.wait on NOT_EMPTY: sleepers.ts's count. */
const EMPTY_SLEEPERS = NOT_EMPTY + 2;
// Line 5, putters waiting:
/** Bumped by a get while PUTTERS > 0 (and by shutdown): putters waiting for room sleep on it. */
const NOT_FULL = 5 * LINE_WORDS;
/** Threads waiting for room (put): registered before they read NOT_FULL. */
const PUTTERS = NOT_FULL + 1;
const FULL_SLEEPERS = NOT_FULL + 2;
// Lines 6 on: the number ring (its TAIL and HEAD on lines of their own, then its slots).
const RING = 6 * LINE_WORDS;

/**
 * Ring slots of a channel made without saying (a pipe direction): 64 KiB of shared memory
 * (16 bytes a slot). Ring positions only move forward, so a channel in use soon touches all
 * of it.
 */
export const DEFAULT_RING_SLOTS = 1 << 12;

/** How many Int32 words a channel whose ring has `ringSlots` slots uses in its owner's words. */
export function channelWords(ringSlots: number): number {
  return RING + ringWords(ringSlots);
}

/** How many Int32 words a channel with {@link DEFAULT_RING_SLOTS} uses in its owner's words. */
export const CHANNEL_WORDS = channelWords(DEFAULT_RING_SLOTS);

const SHUT = 1;
/** #getSlow's "ask the ring (again)": none of number-ring.ts's answers. */
const RING_RETRY = -1;
/** Unfinished-task arithmetic is modulo 2^31 (ring claims are counted modulo 2^31). */
const TASK_MASK = 0x7fff_ffff;

/**
 * How many times a waiter re-checks before registering to sleep: about a microsecond, enough
 * to catch a put in flight on another core (a sleep and wake-up costs tens of µs), short
 * enough not to matter when threads outnumber cores. (Measured on 2 cores: 200…2000 all land
 * within the noise; longer spins hurt 4→4.)
 */
const SPIN_LIMIT = 500;

/**
 * How many times a number put that finds the ring full (with room beyond it) tries it again
 * before overflowing into the store: a few microseconds, enough for a consumer running on
 * another core to take an item.
 */
const SPILL_SPIN_LIMIT = 500;

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
  /** Whether the channel has a maxsize (fixed at creation). */
  readonly #bounded: boolean;
  /** Whether numbers may use the ring (FIFO order, with slots); else it stays frozen and empty. */
  readonly #fifo: boolean;
  readonly #ring: NumberRing;
  /**
   * The bound a ring put checks: maxsize when the ring can hold that many (then a full ring
   * is a full channel), else the ring's size (then a full ring sends puts to the store).
   */
  readonly #ringLimit: number;
  #encoder: ValueEncoder | null = null;
  #decoder: ValueDecoder | null = null;

  constructor(words: Int32Array, base: number, identity: ChannelIdentity, store: ItemStore) {
    this.#words = words;
    this.#base = base;
    this.#identity = identity;
    this.store = store;
    this.#getLock = store.order === 'fifo' ? GET_LOCK : LOCK;
    this.#ring = new NumberRing(words, base + RING);
    this.#fifo = store.order === 'fifo' && this.#ring.slots > 0;
    const maxsize = words[base + MAXSIZE];
    this.#bounded = maxsize > 0;
    const slots = this.#ring.slots;
    this.#ringLimit = maxsize > 0 && maxsize <= slots ? maxsize : slots;
  }

  /**
   * A new channel in `words` at `base` (zeroed, {@link channelWords}`(ringSlots)` of them)
   * holding at most `maxsize` items (0: no limit). `ringSlots` (a power of two) is how many
   * numbers its lock-free lane holds; 0, or an order other than FIFO, means none.
   */
  static create(
    words: Int32Array,
    base: number,
    identity: ChannelIdentity,
    order: ItemOrder,
    maxsize: number,
    ringSlots = DEFAULT_RING_SLOTS,
  ): Channel {
    words[base + MAXSIZE] = maxsize;
    NumberRing.init(words, base + RING, order === 'fifo' ? ringSlots : 0);
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

  /** Items held now, in both lanes (a snapshot; counts ring puts still writing). */
  size(): number {
    return this.#ring.size() + this.store.count();
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
    // The fast path: a number into an open ring with room.
    if (typeof item === 'number') {
      if (this.#fifo && this.#ring.tryPut(item, this.#ringLimit) === PUT_DONE) {
        this.#afterPut(false);
        return true;
      }
      return this.#putSlow(item, null, timeout, priority);
    }
    const bytes = this.#encoderFor().encode(item, this.#identity.noun);
    if (bytes.length > MAX_PAYLOAD_BYTES) throw this.#tooLarge(bytes.length);
    return this.#putSlow(item, bytes, timeout, priority);
  }

  /** After a put: trace, wake a getter if any waits, and (after waiting) pass room on. */
  #afterPut(waited: boolean): void {
    const words = this.#words;
    const b = this.#base;
    // The depth is read only when tracing.
    if (tracing()) trace(this.#identity.putOp, this.#identity.object, this.size());
    // After the item is published (a sequentially consistent store): see #await.
    if (Atomics.load(words, b + GETTERS) > 0) {
      Atomics.add(words, b + NOT_EMPTY, 1);
      this.#wake(NOT_EMPTY, EMPTY_SLEEPERS, 1);
    }
    if (waited) {
      const maxsize = words[b + MAXSIZE];
      if ((maxsize === 0 || this.size() < maxsize) && Atomics.load(words, b + PUTTERS) > 0) {
        Atomics.add(words, b + NOT_FULL, 1);
        this.#wake(NOT_FULL, FULL_SLEEPERS, 1);
      }
    }
  }

  /** Everything but a ring put that succeeds at once: `bytes` null for a number. */
  #putSlow(item: unknown, bytes: Uint8Array | null, timeout: number, priority: number): true | typeof FAILED {
    const record = this.store.recordBytes(bytes === null ? 8 : bytes.length);
    const words = this.#words;
    const b = this.#base;
    const ring = this.#ring;
    const deadline = timeout === 0 || timeout === Infinity ? timeout : deadlineAfter(timeout);
    let waited = false;
    let spun = false;
    for (;;) {
      if (bytes === null && this.#fifo) {
        // Read before the try: a wait for room below ends when a get moves it.
        const head = this.#bounded ? ring.head() : 0;
        const status = ring.tryPut(item as number, this.#ringLimit);
        if (status === PUT_DONE) {
          this.#afterPut(waited);
          return true;
        }
        if (status === RING_FULL && this.#ringLimit === words[b + MAXSIZE]) {
          // The ring holds maxsize items: the channel is full.
          if (msUntil(deadline) === 0) return this.#fail('full');
          this.#await(() => ring.head() !== head || this.isShutDown(), NOT_FULL, PUTTERS, FULL_SLEEPERS, deadline);
          waited = true;
          continue;
        }
        if (status === RING_FULL && !spun) {
          // Room beyond the ring: the store would do, but it is the slow lane, and every put
          // goes there until it is empty again. Consumers at work free a slot within a get or
          // two, so look again for a moment first (once per put; nobody is told to wait).
          spun = true;
          let again = RING_FULL;
          for (let spin = 0; spin < SPILL_SPIN_LIMIT && again === RING_FULL; spin++) {
            again = ring.tryPut(item as number, this.#ringLimit);
          }
          if (again === PUT_DONE) {
            this.#afterPut(waited);
            return true;
          }
          continue;
        }
        // RING_FROZEN, or RING_FULL with room beyond the ring: the store, below.
      }
      this.#lock(LOCK);
      let stored = false;
      let retry = false;
      // The count seen before deciding there is no room; a wait ends when it changes.
      let count = 0;
      try {
        if (words[b + SHUTDOWN] === SHUT) return this.#fail('shut');
        if (this.#fifo) {
          if (!ring.frozen()) ring.freeze();
          else if (bytes === null && this.store.count() === 0) {
            // Nothing in the store (and none can come: we hold LOCK): numbers may use the ring again.
            ring.thaw();
            retry = true;
          }
        }
        if (!retry) {
          const maxsize = words[b + MAXSIZE];
          // An unbounded channel reads the counts (lines the getters write) only when the
          // arena is full. The ring is frozen: its count can only go down.
          if (maxsize !== 0) count = this.size();
          let room = maxsize === 0 || count < maxsize;
          if (room && !this.store.fits(record)) {
            if (maxsize === 0) count = this.size();
            room = this.#reserve(record);
          }
          if (room) {
            // Counted before the item can be got, so a taskDone for it never finds the count
            // short. Plain: written only under LOCK, and push's atomic increment of COUNT,
            // which every getter reads before taking the item, publishes it.
            words[b + STORE_PUTS]++;
            this.store.push(item as number, bytes, priority);
            stored = true;
          } else if (msUntil(deadline) === 0) {
            return this.#fail('full');
          }
        }
      } finally {
        this.#unlock(LOCK);
      }
      if (stored) {
        this.#afterPut(waited);
        return true;
      }
      if (retry) continue;
      // Room comes with a get, which changes the count; a shutdown must wake us too.
      this.#await(() => this.size() !== count || this.isShutDown(), NOT_FULL, PUTTERS, FULL_SLEEPERS, deadline);
      waited = true;
    }
  }

  /**
   * Removes and returns the next item, waiting up to `timeout` ms (0: not at all; Infinity:
   * no limit) for one. Returns FAILED with `failure` 'empty' (none in time) or 'shut' (shut
   * down and empty).
   */
  get(timeout: number): unknown {
    // The fast path: a number from the ring.
    let status = RING_EMPTY;
    if (this.#fifo) {
      status = this.#ring.tryGet();
      if (status === GOT) {
        const value = this.#ring.value;
        this.#afterGet(false, false);
        return value;
      }
    }
    return this.#getSlow(timeout, status);
  }

  /**
   * After a get: trace, wake a putter if any waits for the room this get made, and (after
   * waiting) pass items on. Putters wait for room only in a bounded channel or for the
   * store's arena, so a ring get in an unbounded channel (`fromStore` false) skips that look.
   */
  #afterGet(waited: boolean, fromStore: boolean): void {
    const words = this.#words;
    const b = this.#base;
    if (tracing()) trace(this.#identity.getOp, this.#identity.object, this.size());
    // After the item is taken (a sequentially consistent CAS or add): see #await.
    if ((fromStore || this.#bounded) && Atomics.load(words, b + PUTTERS) > 0) {
      Atomics.add(words, b + NOT_FULL, 1);
      this.#wake(NOT_FULL, FULL_SLEEPERS, 1);
    }
    if (waited && this.size() > 0 && Atomics.load(words, b + GETTERS) > 0) {
      Atomics.add(words, b + NOT_EMPTY, 1);
      this.#wake(NOT_EMPTY, EMPTY_SLEEPERS, 1);
    }
  }

  /** Everything but a ring get that succeeds at once; `first` is what that try answered. */
  #getSlow(timeout: number, first: number): unknown {
    const words = this.#words;
    const b = this.#base;
    const ring = this.#ring;
    const deadline = timeout === 0 || timeout === Infinity ? timeout : deadlineAfter(timeout);
    const lock = this.#getLock;
    let waited = false;
    for (let status = first; ; status = RING_RETRY) {
      if (this.#fifo) {
        if (status === RING_RETRY) status = ring.tryGet();
        if (status === GOT) {
          const value = ring.value;
          this.#afterGet(waited, false);
          return value;
        }
        if (status === RING_BUSY) {
          // The put that fills the oldest slot is between its claim and its publish: it
          // publishes at once (unless descheduled: then we sleep, and it wakes us).
          this.#awaitPublished();
          waited = true;
          continue;
        }
      }
      // The ring is empty. An open one means an empty store (and no shutdown yet).
      let taken = false;
      let item: unknown;
      if (!this.#fifo || status === RING_FROZEN) {
        this.#lock(lock);
        try {
          // Holding the getters' lock with the store non-empty, the ring stays frozen: if it
          // is empty now, every item in it was older than the store's.
          if (this.store.count() > 0 && ring.size() === 0) {
            item = this.store.pop();
            taken = true;
          }
        } finally {
          this.#unlock(lock);
        }
      }
      if (taken) {
        this.#afterGet(waited, true);
        return item === ENCODED ? this.#decoderFor().decode(this.store.encoded, 0, this.store.encodedSize) : item;
      }
      if (this.size() > 0) continue;
      if (this.isShutDown()) return this.#fail('shut');
      if (msUntil(deadline) === 0) return this.#fail('empty');
      this.#await(this.#itemOrShutdown, NOT_EMPTY, GETTERS, EMPTY_SLEEPERS, deadline);
      waited = true;
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
    for (;;) {
      const done = Atomics.load(words, b + DONE);
      if (this.#unfinishedAfter(done) === 0) return false;
      // A CAS, not an add: a taskDone that finds nothing unfinished must change nothing.
      if (Atomics.compareExchange(words, b + DONE, done, done + 1) !== done) continue;
      if (this.#unfinishedAfter(done + 1) === 0) Atomics.notify(words, b + DONE, Infinity);
      return true;
    }
  }

  /**
   * Marks up to `count` dropped items done, never more than are unfinished (Python lowers
   * unfinished_tasks only while it is above 0): an item already marked done by a taskDone
   * before it was dropped must not count twice, or DONE would pass the puts and the
   * unfinished count wrap to 2^31 - 1 (join would never return). A CAS loop, as in taskDone.
   */
  #markDone(count: number): void {
    const words = this.#words;
    const b = this.#base;
    for (;;) {
      const done = Atomics.load(words, b + DONE);
      const marked = Math.min(count, this.#unfinishedAfter(done));
      if (marked === 0) return;
      if (Atomics.compareExchange(words, b + DONE, done, (done + marked) | 0) === done) return;
    }
  }

  /** Items put and not yet marked done (a snapshot). */
  unfinished(): number {
    return this.#unfinishedAfter(Atomics.load(this.#words, this.#base + DONE));
  }

  /** Items put (read after `done`, so never fewer than `done` counts) minus `done`. */
  #unfinishedAfter(done: number): number {
    const puts = this.#ring.puts() + Atomics.load(this.#words, this.#base + STORE_PUTS);
    return (puts - done) & TASK_MASK;
  }

  /** Waits, with no time limit, until every item put has been marked done. */
  join(): void {
    const words = this.#words;
    const b = this.#base;
    for (;;) {
      const done = Atomics.load(words, b + DONE);
      if (this.#unfinishedAfter(done) === 0) return;
      // Sleeps while DONE stays `done`; taskDone notifies when nothing is left unfinished.
      blockOn({ kind: this.#identity.kind, object: this.#identity.object, timeout: Infinity }, (ms) =>
        futexWait(words, b + DONE, done, ms),
      );
    }
  }

  /**
   * Shuts the channel down; `immediate` also drops the items held (each counted as done, as
   * long as any is unfinished). Wakes every waiting getter, putter and (when immediate)
   * joiner to re-check. Returns how many items it dropped.
   */
  shutdown(immediate: boolean): number {
    const words = this.#words;
    const b = this.#base;
    const ring = this.#ring;
    let dropped = 0;
    // Both locks: no getter or putter is between its look at the state and its registration.
    this.#lock(LOCK);
    if (this.#getLock !== LOCK) this.#lock(GET_LOCK);
    try {
      Atomics.store(words, b + SHUTDOWN, SHUT);
      // No ring put can claim a position from here on: later puts reach the store and fail.
      ring.freeze();
      if (immediate) dropped = this.store.clear();
      Atomics.add(words, b + NOT_EMPTY, 1);
      Atomics.add(words, b + NOT_FULL, 1);
    } finally {
      if (this.#getLock !== LOCK) this.#unlock(GET_LOCK);
      this.#unlock(LOCK);
    }
    if (immediate && this.#fifo) {
      // Drop the ring's items as a getter would (other getters may take some meanwhile: they
      // were concurrent with the shutdown). Claims made before the freeze publish at once.
      for (;;) {
        const status = ring.tryGet();
        if (status === GOT) dropped++;
        else if (status === RING_BUSY) this.#awaitPublished();
        else break;
      }
    }
    if (dropped > 0) this.#markDone(dropped);
    this.#wake(NOT_EMPTY, EMPTY_SLEEPERS, Infinity);
    this.#wake(NOT_FULL, FULL_SLEEPERS, Infinity);
    if (immediate && this.unfinished() === 0) Atomics.notify(words, b + DONE, Infinity);
    return dropped;
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

  /** Wakes up to `count` threads asleep on `sequence`, if `sleepers` counts any (sleepers.ts). */
  #wake(sequence: number, sleepers: number, count: number): void {
    wakeCounted(this.#words, this.#base + sequence, this.#base + sleepers, count);
  }

  /**
   * Whether a get would find something: an item published at the ring's HEAD or stored, or
   * the shutdown. What waiting getters spin on, so it never reads TAIL (see
   * NumberRing.published); an item claimed and not yet published is not there yet, and its
   * put wakes registered getters once it is.
   */
  readonly #itemOrShutdown = (): boolean =>
    (this.#fifo && this.#ring.published(this.#ring.head())) || this.store.count() > 0 || this.isShutDown();

  /**
   * After tryGet answered RING_BUSY: waits (no time limit: a put is finishing) until the item
   * at the position it found claimed is published. That position, not HEAD read again: a put
   * publishes every position it claims, so this wait always ends, whereas HEAD read later may
   * already be at an empty ring's end (someone took the item), where nothing may ever be
   * published again (a stream's end: a consumer slept there through the shutdown).
   */
  #awaitPublished(): void {
    const ring = this.#ring;
    const position = ring.busy;
    this.#await(() => ring.published(position), NOT_EMPTY, GETTERS, EMPTY_SLEEPERS, Infinity);
  }

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
      // Counted right at the wait, not before blockOn's bookkeeping: a counted thread not yet
      // asleep makes wakers notify for nobody (sleepers.ts).
      blockOn({ kind: this.#identity.kind, object: this.#identity.object, timeout: ms }, (left) =>
        sleepCounted(words, b + sequence, b + sleepers, seen, left),
      );
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
