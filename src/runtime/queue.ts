/**
 * Queue, LifoQueue, PriorityQueue and SimpleQueue, as Python's `queue` module.
 *
 * Any number of threads may put and get at once; every item put is got exactly once. Items are
 * copied (any structured-cloneable value: numbers, strings, plain objects, arrays, Maps, Sets,
 * Dates, typed arrays…); they cross threads through shared memory, not as one message each, and
 * the queue object itself is shared like a Lock: pass it to a thread and both sides use the
 * same queue.
 *
 * Waiting: `put` waits while a bounded queue is full (back-pressure), `get` while it is empty;
 * both take `{ block, timeout }` as in Python (`timeout` in ms) and throw `Full` / `Empty`
 * when they cannot. `taskDone` / `join` count work in flight. `shutdown` (Python 3.13) makes
 * later puts throw `ShutDown`, and gets too once the queue is empty (at once, dropping the
 * items, when immediate). Every wait is recorded for the deadlock watchdog: a consumer waiting
 * on a queue nobody will ever fill is reported, like a thread stuck on a lock.
 *
 * Algorithm: internal/channel.ts. In a FIFO queue (Queue, SimpleQueue) numbers take a
 * lock-free ring (internal/number-ring.ts; 2^18 slots, 4 MiB, when unbounded, else sized to
 * maxsize); everything else, and numbers past the ring's size, the item store
 * (internal/item-store.ts) under Python's locking design on futexes. The two lanes keep one
 * FIFO order.
 */
import { Empty, Full, ShutDown, UsageError } from './errors.ts';
import { Channel, channelWords, FAILED, type ChannelIdentity } from './internal/channel.ts';
import type { ObjectKind } from './internal/control-block.ts';
import { timeoutMs } from './internal/futex.ts';
import type { ItemOrder, StoreBuffers } from './internal/item-store.ts';
import { atLine, registerKind, SHARE, SharedState, type Shareable, type ShareDescriptor } from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_GET, OP_PUT, OP_SHUTDOWN, OP_TASK_DONE } from './internal/trace-ops.ts';

/** Options of `put` and `get`, as Python's `put(item, block, timeout)` / `get(block, timeout)`. */
export interface QueueWaitOptions {
  /** `false`: succeed right now or throw (`Full` / `Empty`), never wait. Default `true`. */
  block?: boolean;
  /** Most ms to wait, then throw `Full` / `Empty`; `-1` (the default) waits as long as it takes. */
  timeout?: number;
}

/** The largest maxsize (the item count is an Int32 in shared memory). */
const MAX_MAXSIZE = 0x7fff_ffff;

/**
 * Numbers an unbounded FIFO queue's lock-free lane holds: enough for a producer to run a few
 * scheduler time slices ahead of its consumers before numbers overflow into the (slower,
 * locked) item store. That is 4 MiB of shared memory (16 bytes a slot), and all of it is
 * touched once a queue has carried that many numbers (ring positions only move forward), so
 * smaller queues get smaller rings: see {@link ringSlotsFor}.
 */
const RING_SLOTS = 1 << 18;

/**
 * The smallest ring a bounded queue gets (256 bytes): a few slots beyond maxsize let a put
 * use the next slot while the get that freed room is still freeing its own.
 */
const MIN_RING_SLOTS = 16;

/**
 * How many ring slots a queue gets: none unless FIFO (or made by {@link objectQueue}); for a
 * bounded queue, the power of two that holds maxsize items (never more than RING_SLOTS, past
 * which numbers overflow into the store as in an unbounded queue); else RING_SLOTS.
 */
function ringSlotsFor(order: ItemOrder, maxsize: number, ring: boolean): number {
  if (order !== 'fifo' || !ring) return 0;
  if (maxsize === 0 || maxsize >= RING_SLOTS) return RING_SLOTS;
  return Math.max(MIN_RING_SLOTS, 1 << (32 - Math.clz32(maxsize - 1)));
}

const ORDERS: Partial<Record<ObjectKind, ItemOrder>> = {
  queue: 'fifo',
  'lifo-queue': 'lifo',
  'priority-queue': 'priority',
  'simple-queue': 'fifo',
};

let reviving: { state: SharedState; buffers: StoreBuffers } | null = null;
/** Set by {@link objectQueue} for the constructor it calls: no number ring. */
let ringless = false;

/** The wait limit in ms that `options` ask for: 0 for `block: false`, Infinity for no limit. */
function waitMs(options: QueueWaitOptions | undefined, where: string): number {
  if (options === undefined) return Infinity;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${where}(${String(options)}): options go in an object, e.g. ${where}({ block: false }) or ` +
        `${where}({ timeout: 100 }).`,
    );
  }
  const { block = true, timeout } = options;
  if (!block) {
    if (timeout !== undefined && timeout !== -1) {
      throw new RangeError(
        `${where}: a timeout makes no sense with block: false (a non-blocking call never waits). ` +
          `Pass either { block: false } or { timeout: ${String(timeout)} }.`,
      );
    }
    return 0;
  }
  return timeoutMs(timeout, where);
}

/**
 * What every queue has: the shared state, the channel, sharing, and getting. Not exported
 * from the runtime: `Queue` and `SimpleQueue` are the public faces.
 */
abstract class QueueCore<T> implements Shareable {
  readonly #state: SharedState;
  protected readonly channel: Channel;

  constructor(kind: ObjectKind, maxsize: number) {
    const revived = reviving;
    const ring = !ringless;
    reviving = null;
    ringless = false;
    const order = ORDERS[revived?.state.kind ?? kind]!;
    // A revived queue's ring is already in its words (Channel.attach reads its size there).
    const ringSlots = revived === null ? ringSlotsFor(order, maxsize, ring) : 0;
    this.#state = revived?.state ?? SharedState.create(kind, channelWords(ringSlots));
    const identity: ChannelIdentity = {
      kind: this.#state.kind,
      object: this.#state.id,
      putOp: OP_PUT,
      getOp: OP_GET,
      label: () => this.#state.label(),
      noun: 'item',
    };
    this.channel =
      revived === null
        ? Channel.create(this.#state.words, 0, identity, order, maxsize, ringSlots)
        : Channel.attach(this.#state.words, 0, identity, order, revived.buffers);
  }

  /**
   * Removes and returns the next item. Waits while the queue is empty: as long as it takes by
   * default, at most `timeout` ms, or not at all with `block: false`; then throws `Empty`.
   * Throws `ShutDown` if the queue was shut down and is empty. A RangeError for a negative
   * timeout, or a timeout with `block: false`.
   */
  get(options?: QueueWaitOptions): T {
    const timeout = waitMs(options, 'queue.get');
    const item = this.channel.get(timeout);
    if (item === FAILED) throw this.failure(timeout);
    return item as T;
  }

  /** Same as `get({ block: false })`: the next item if there is one right now, else throws `Empty`. */
  getNowait(): T {
    return this.get({ block: false });
  }

  /** How many items the queue holds (a snapshot: other threads may change it at once). */
  qsize(): number {
    return this.channel.size();
  }

  /** Whether the queue holds no items (a snapshot). */
  empty(): boolean {
    return this.channel.size() === 0;
  }

  /** The queue's id in the run's object table (0 if it has none). */
  get id(): number {
    return this.#state.id;
  }

  toString(): string {
    const size = this.qsize();
    return `${this.#state.label()}: ${size} item${size === 1 ? '' : 's'}`;
  }

  [SHARE](): ShareDescriptor {
    return this.#state.describe({ ...this.channel.store.buffers });
  }

  protected label(): string {
    return this.#state.label();
  }

  protected objectId(): number {
    return this.#state.id;
  }

  /** Adds an item (the checks are the caller's); throws Full / ShutDown as `put` documents. */
  protected putItem(item: T, timeout: number, priority: number): void {
    if (this.channel.put(item, timeout, priority) === FAILED) throw this.failure(timeout);
  }

  /** The error for the channel's last failure. */
  protected failure(timeout: number): Error {
    const label = this.label();
    switch (this.channel.failure) {
      case 'shut':
        return new ShutDown(`${label} was shut down${atLine()}: no more items can be put, and none is left to get.`);
      case 'empty':
        return new Empty(
          timeout === 0
            ? `${label} is empty${atLine()} (get with block: false / getNowait).`
            : `No item arrived in ${label} within ${timeout} ms${atLine()}.`,
        );
      case 'full': {
        const maxsize = this.channel.maxsize;
        const why = maxsize > 0 && this.qsize() >= maxsize ? `it holds maxsize = ${maxsize} items` : 'its memory is full';
        return new Full(
          timeout === 0
            ? `${label} is full${atLine()}: ${why} (put with block: false / putNowait).`
            : `${label} stayed full for ${timeout} ms${atLine()}: ${why}.`,
        );
      }
    }
  }
}

/**
 * A first-in, first-out queue shared between threads, as Python's `queue.Queue`. See the module
 * comment. Items from one producer come out in the order that producer put them.
 */
export class Queue<T = unknown> extends QueueCore<T> {
  /**
   * `maxsize`: most items the queue holds; `put` waits while it is full. 0 or less (the
   * default) means no limit but memory (a queue holds at most 256 MiB of encoded items; past
   * that, `put` waits as if full). Throws a RangeError if it is not an integer.
   */
  constructor(maxsize = 0) {
    const kind: ObjectKind =
      new.target === LifoQueue ? 'lifo-queue' : new.target === PriorityQueue ? 'priority-queue' : 'queue';
    if (reviving === null && (!Number.isInteger(maxsize) || maxsize > MAX_MAXSIZE)) {
      throw new RangeError(`new ${new.target.name}(maxsize): maxsize must be an integer (0 for no limit), got ${String(maxsize)}.`);
    }
    super(kind, Math.max(0, maxsize));
  }

  /** Most items the queue holds; 0 for no limit. */
  get maxsize(): number {
    return this.channel.maxsize;
  }

  /**
   * Adds `item` (a copy of it: any structured-cloneable value). Waits while the queue is full:
   * as long as it takes by default, at most `timeout` ms, or not at all with `block: false`;
   * then throws `Full`. Throws `ShutDown` after `shutdown()`. Throws a TypeError naming the type
   * and where it is (`item.handlers[2]`) for what cannot be copied to another thread (functions,
   * symbols, class instances, runtime primitives, SharedArrayBuffers), and a RangeError for an
   * item over 256 MiB encoded; the queue is unchanged then.
   */
  put(item: T, options?: QueueWaitOptions): void {
    this.putItem(item, waitMs(options, 'queue.put'), this.priorityOf(item));
  }

  /** Same as `put(item, { block: false })`: adds it if there is room right now, else throws `Full`. */
  putNowait(item: T): void {
    this.put(item, { block: false });
  }

  /** Whether the queue holds `maxsize` items (a snapshot); never true without a maxsize. */
  full(): boolean {
    return this.channel.full();
  }

  /**
   * Marks one item got from the queue as processed; once every item put has been marked,
   * `join()` returns. Throws a UsageError (changing nothing) if called more times than items
   * were put.
   */
  taskDone(): void {
    if (!this.channel.taskDone()) {
      throw new UsageError(
        `taskDone() was called${atLine()} more times than items were put into ${this.label()}. ` +
          'Call it once per item got, after processing it.',
      );
    }
    trace(OP_TASK_DONE, this.objectId(), this.channel.unfinished());
  }

  /**
   * Waits, with no time limit, until every item ever put has been marked done with
   * `taskDone()` (or dropped by `shutdown(true)`). Returns at once if none is unfinished.
   */
  join(): void {
    this.channel.join();
  }

  /**
   * Shuts the queue down (Python 3.13): later `put`s throw `ShutDown`; `get`s go on returning
   * the items left, then throw `ShutDown`. With `immediate`, the items left are dropped (and
   * counted as done), so `get`s throw at once. Every thread waiting in `put` or `get` wakes to
   * find out, and with `immediate` so do joiners once nothing is unfinished. Shutting down
   * twice is harmless.
   */
  shutdown(immediate = false): void {
    trace(OP_SHUTDOWN, this.objectId(), immediate ? 1 : 0);
    this.channel.shutdown(immediate);
  }

  /** The priority `put` stores the item with (used by PriorityQueue only). */
  protected priorityOf(_item: T): number {
    return 0;
  }
}

/**
 * An unbounded FIFO Queue with no number ring, for queues that only ever carry objects (an
 * executor's tasks): they would never use the ring's memory. Numbers still work, through the
 * item store. Internal: not exported from the runtime.
 */
export function objectQueue<T>(): Queue<T> {
  ringless = true;
  try {
    return new Queue<T>();
  } finally {
    ringless = false;
  }
}

/**
 * A last-in, first-out queue (a stack) shared between threads, as Python's
 * `queue.LifoQueue`: `get` returns the item put most recently. Otherwise exactly a Queue.
 */
export class LifoQueue<T = unknown> extends Queue<T> {}

/**
 * What a PriorityQueue holds: a number (its own priority), or an array whose first element is
 * the priority — the `[priority, value]` tuple of Python's habit (`[2, 'write docs']`).
 */
export type PriorityItem = number | readonly [priority: number, ...rest: unknown[]];

/**
 * A queue that gives back the item with the lowest priority first, as Python's
 * `queue.PriorityQueue`. Items are numbers or `[priority, …]` arrays (see {@link PriorityItem});
 * only the priority number is compared, and items of equal priority come out in the order they
 * were put (Python would compare the rest of the tuples). `put` throws a TypeError for an item
 * with no number priority, a RangeError for a NaN priority. Otherwise exactly a Queue.
 */
export class PriorityQueue<T extends PriorityItem = PriorityItem> extends Queue<T> {
  protected override priorityOf(item: T): number {
    const priority = typeof item === 'number' ? item : Array.isArray(item) ? (item[0] as unknown) : undefined;
    if (typeof priority !== 'number') {
      const what = Array.isArray(item) ? `an array whose first element is ${typeof priority}` : `a ${typeof item}`;
      throw new TypeError(
        `PriorityQueue.put: the item is ${what}; items must be a number or a [priority, value] ` +
          'array whose first element is a number (smaller comes out first).',
      );
    }
    if (Number.isNaN(priority)) throw new RangeError('PriorityQueue.put: the priority is NaN, which cannot be ordered.');
    return priority;
  }
}

/**
 * An unbounded first-in, first-out queue with only the basics, as Python's `queue.SimpleQueue`:
 * `put` never waits (within the queue's 256 MiB of memory), and there is no maxsize, `taskDone`,
 * `join` or `shutdown`. Shared between threads like a Queue.
 */
export class SimpleQueue<T = unknown> extends QueueCore<T> {
  constructor() {
    super('simple-queue', 0);
  }

  /**
   * Adds `item` (a copy: any structured-cloneable value). Throws a TypeError for what cannot
   * be copied to another thread and a RangeError for an item over 256 MiB encoded, as
   * `Queue.put` does.
   */
  put(item: T): void {
    this.putItem(item, Infinity, 0);
  }

  /** Same as `put(item)` (which never waits), as in Python. */
  putNowait(item: T): void {
    this.put(item);
  }
}

const revive = (descriptor: ShareDescriptor) => {
  const { arena, heap } = descriptor as ShareDescriptor & StoreBuffers;
  reviving = { state: SharedState.revive(descriptor), buffers: { arena, heap } };
  switch (descriptor.$interleave) {
    case 'lifo-queue':
      return new LifoQueue();
    case 'priority-queue':
      return new PriorityQueue();
    case 'simple-queue':
      return new SimpleQueue();
    default:
      return new Queue();
  }
};
for (const kind of ['queue', 'lifo-queue', 'priority-queue', 'simple-queue']) registerKind(kind, revive);
