/**
 * Manager, as Python's `multiprocessing.Manager()`: shared containers — `dict()` (a Map) and
 * `list()` (an array) — usable from any thread or process they are passed to, plus factories
 * for the other shared objects (`m.Queue()`, `m.Lock()`, `m.Value('i32', 0)`, …).
 *
 *   using m = new Manager();            // Python: with Manager() as m:
 *   const counts = m.dict<string, number>();
 *   const p = new Process({ target: count, args: [counts, words] });
 *
 * Not a server process: in Python every operation on a manager's proxy is a message to a
 * server process that holds the real dict. Here the container itself lives in shared memory
 * (one encoded copy of the whole container in a SharedArrayBuffer, guarded by an RLock), so the
 * same guarantees hold without a server:
 * - Each single operation (get, set, delete, push, pop, …) is atomic: it takes the container's
 *   lock, decodes, changes, encodes the whole container back, and releases.
 * - A sequence of operations is not: `d.set(k, d.get(k) + 1)` from two processes can lose an
 *   update, exactly as `d[k] += 1` on a Python proxy can. Use `d.update(k, (v) => v + 1)` (one
 *   atomic read-modify-write), or `d.withLock(() => { … })` around several operations.
 * - Values are copies (any structured-cloneable value, through value-codec): `d.get('xs').push(1)`
 *   changes a copy, not the dict — as with Python's proxies. Store the new value with set().
 *   Keys are strings, numbers, bigints or booleans (compared as a Map compares them).
 * - Every operation copies the whole container: meant for small shared state (tens to thousands
 *   of entries), like Python's managers, whose every operation is a round trip.
 *
 * `shutdown()` (also at the end of a `using` block) makes every container of the manager
 * refuse further use (a UsageError), as Python's proxies fail once their manager is gone. The
 * other objects it made (queues, locks, values) are ordinary shared objects and keep working.
 */
import { Barrier } from './barrier.ts';
import { Condition } from './condition.ts';
import { UsageError } from './errors.ts';
import { Event } from './event.ts';
import { decodeFromThread, registerKind, SHARE, SharedState, type Shareable, type ShareDescriptor } from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_MANAGER_READ, OP_MANAGER_WRITE } from './internal/trace-ops.ts';
import { ValueDecoder, ValueEncoder } from './internal/value-codec.ts';
import { Lock } from './lock.ts';
import { LifoQueue, PriorityQueue, Queue, type PriorityItem } from './queue.ts';
import { RLock } from './rlock.ts';
import { BoundedSemaphore, Semaphore } from './semaphore.ts';
import { SharedArray, Value, type SharedType, type SharedTypeValue, type SharedValueOptions } from './shared-value.ts';

// A container's words.
/** Bytes of the encoded container in the arena. */
const LENGTH = 0;
/** Bumped by every change: a view whose decoded copy has this version can reuse it. */
const VERSION = 1;
const WORDS = 2;

/** The manager's own word (shared by all its containers): 1 once shut down. */
const SHUT = 0;

const INITIAL_ARENA_BYTES = 4 * 1024;
/** Most bytes one container may take encoded (reserved address space, committed as used). */
const MAX_ARENA_BYTES = 64 * 1024 * 1024;

/** The keys a Manager dict takes: compared by value, as Map compares them. */
export type ManagerKey = string | number | bigint | boolean;

interface Parts {
  state: SharedState;
  lock: RLock;
  arena: SharedArrayBuffer;
  shut: Int32Array;
}

let reviving: Parts | null = null;

/**
 * What both containers share: the lock, the encoded copy in shared memory, the per-view cache
 * of its decoded form, and sharing.
 */
abstract class ManagedContainer<Data extends Map<ManagerKey, unknown> | unknown[]> implements Shareable {
  readonly #parts: Parts;
  readonly #encoder: ValueEncoder;
  readonly #decoder = new ValueDecoder();
  #cached: Data | null = null;
  #cachedVersion = -1;

  constructor(kind: 'manager-dict' | 'manager-list', shut: Int32Array | null, initial: Data | null) {
    if (reviving !== null) {
      this.#parts = reviving;
      reviving = null;
    } else if (shut === null) {
      throw new TypeError(`Manager containers are made by a Manager: new Manager().${kind === 'manager-dict' ? 'dict' : 'list'}().`);
    } else {
      this.#parts = {
        state: SharedState.create(kind, WORDS),
        lock: new RLock(),
        arena: new SharedArrayBuffer(INITIAL_ARENA_BYTES, { maxByteLength: MAX_ARENA_BYTES }),
        shut,
      };
    }
    this.#encoder = new ValueEncoder({ encodeShared: (value) => this.#refuse(value) });
    if (initial !== null) this.#store(initial);
  }

  /**
   * Runs `fn` holding this container's lock, so that several operations (which take the same,
   * reentrant lock) happen as one: no other thread or process sees or changes the container in
   * between. Returns what `fn` returns.
   */
  withLock<T>(fn: () => T): T {
    this.#check();
    return this.#parts.lock.withLock(fn);
  }

  /** The container's id in the run's object table (0 if it has none). */
  get id(): number {
    return this.#parts.state.id;
  }

  [SHARE](): ShareDescriptor {
    const { state, lock, arena, shut } = this.#parts;
    return state.describe({ lock: lock[SHARE](), arena, shut: shut.buffer });
  }

  protected label(): string {
    return this.#parts.state.label();
  }

  /** Runs `fn` on the current contents (read only) under the lock. */
  protected read<R>(fn: (data: Data) => R): R {
    this.#check();
    const lock = this.#parts.lock;
    lock.acquire();
    try {
      const data = this.#load();
      trace(OP_MANAGER_READ, this.#parts.state.id, sizeOf(data));
      return fn(data);
    } finally {
      lock.release();
    }
  }

  /** Runs `fn` on the current contents under the lock; `fn` changes them; they are stored back. */
  protected write<R>(fn: (data: Data) => R): R {
    this.#check();
    const lock = this.#parts.lock;
    lock.acquire();
    try {
      const data = this.#load();
      // A failed change (a throwing fn, an unsendable value) must not leave the cache changed.
      this.#cachedVersion = -1;
      const result = fn(data);
      this.#store(data);
      trace(OP_MANAGER_WRITE, this.#parts.state.id, sizeOf(data));
      return result;
    } finally {
      lock.release();
    }
  }

  /** The decoded contents (cached while the version is unchanged). Call under the lock. */
  #load(): Data {
    const words = this.#parts.state.words;
    const version = Atomics.load(words, VERSION);
    if (this.#cached === null || version !== this.#cachedVersion) {
      const bytes = new Uint8Array(this.#parts.arena, 0, words[LENGTH]);
      this.#cached = this.#decoder.decode(bytes) as Data;
      this.#cachedVersion = version;
    }
    return this.#cached;
  }

  /** Encodes `data` into the arena (growing it if needed) and bumps the version. Under the lock. */
  #store(data: Data): void {
    const bytes = this.#encoder.encode(data, this.label());
    const { arena, state } = this.#parts;
    if (bytes.length > arena.byteLength) {
      if (bytes.length > MAX_ARENA_BYTES) {
        throw new RangeError(`${this.label()} would take ${bytes.length} bytes encoded; a Manager container holds at most ${MAX_ARENA_BYTES / 2 ** 20} MiB.`);
      }
      arena.grow(Math.min(MAX_ARENA_BYTES, Math.max(bytes.length, arena.byteLength * 2)));
    }
    new Uint8Array(arena).set(bytes);
    state.words[LENGTH] = bytes.length;
    this.#cachedVersion = Atomics.add(state.words, VERSION, 1) + 1;
    this.#cached = data;
  }

  #check(): void {
    if (Atomics.load(this.#parts.shut, SHUT) === 1) {
      throw new UsageError(`${this.label()} belongs to a Manager that was shut down: its containers cannot be used any more.`);
    }
  }

  #refuse(value: object): never {
    const type = value instanceof SharedArrayBuffer ? 'SharedArrayBuffer' : (value.constructor?.name ?? 'object');
    throw new TypeError(
      `Cannot store ${/^[AEIOU]/i.test(type) ? 'an' : 'a'} ${type} in ${this.label()}: a Manager container holds ` +
        'copies of plain data, and shared objects must stay the same memory. Pass them to threads and ' +
        'processes as arguments instead.',
    );
  }
}

function sizeOf(data: Map<unknown, unknown> | unknown[]): number {
  return data instanceof Map ? data.size : data.length;
}

/** A copy of a stored value (objects are copies: changing them does not change the container). */
function copyOut<T>(value: T): T {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

function checkKey(key: unknown, where: string): void {
  const type = typeof key;
  if (type !== 'string' && type !== 'number' && type !== 'bigint' && type !== 'boolean') {
    throw new TypeError(`${where}: Manager dict keys are strings, numbers, bigints or booleans; got ${key === null ? 'null' : type}.`);
  }
}

/**
 * A Map shared between threads and processes (Python's `manager.dict()`). Each operation is
 * atomic; values are copies. See the module comment.
 */
export class ManagerDict<K extends ManagerKey = ManagerKey, V = unknown> extends ManagedContainer<Map<K, V>> implements Iterable<[K, V]> {
  /** Made by `manager.dict()`; not public API. */
  constructor(shut: Int32Array | null = null, initial: Map<K, V> | null = null) {
    super('manager-dict', shut, initial);
  }

  /** The value for `key` (a copy), or undefined. */
  get(key: K): V | undefined {
    return this.read((map) => copyOut(map.get(key)));
  }

  /** Stores `value` (a copy) under `key`; returns this dict. Throws a TypeError for a key that is not a string, number, bigint or boolean, or a value that cannot be copied. */
  set(key: K, value: V): this {
    checkKey(key, 'dict.set');
    this.write((map) => map.set(key, value));
    return this;
  }

  /** Whether `key` is in the dict. */
  has(key: K): boolean {
    return this.read((map) => map.has(key));
  }

  /** Removes `key`; true if it was there. */
  delete(key: K): boolean {
    return this.write((map) => map.delete(key));
  }

  /** Removes every entry. */
  clear(): void {
    this.write((map) => map.clear());
  }

  /** How many entries (a snapshot). */
  get size(): number {
    return this.read((map) => map.size);
  }

  /**
   * Atomically replaces the value of `key` with `fn(current)` (current is undefined when the
   * key is absent) and returns the new value: `counts.update('a', (n = 0) => n + 1)`. `fn` runs
   * in the calling thread, holding the dict's lock: keep it short, and do not wait in it.
   */
  update(key: K, fn: (current: V | undefined) => V): V {
    checkKey(key, 'dict.update');
    return this.write((map) => {
      const next = fn(copyOut(map.get(key)));
      map.set(key, next);
      return copyOut(next);
    });
  }

  /** The keys, as a snapshot taken now. */
  keys(): IterableIterator<K> {
    return this.read((map) => [...map.keys()]).values();
  }

  /** The values (copies), as a snapshot taken now. */
  values(): IterableIterator<V> {
    return this.read((map) => [...map.values()].map(copyOut)).values();
  }

  /** The entries (values copied), as a snapshot taken now. */
  entries(): IterableIterator<[K, V]> {
    return this.read((map) => [...map].map(([key, value]): [K, V] => [key, copyOut(value)])).values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** A plain Map copy of the whole dict, taken at once. */
  toMap(): Map<K, V> {
    return new Map(this.entries());
  }

  toString(): string {
    return `${this.label()}: ${this.size} entries`;
  }
}

/**
 * An array shared between threads and processes (Python's `manager.list()`). Each operation is
 * atomic; items are copies. See the module comment.
 */
export class ManagerList<T = unknown> extends ManagedContainer<T[]> implements Iterable<T> {
  /** Made by `manager.list()`; not public API. */
  constructor(shut: Int32Array | null = null, initial: T[] | null = null) {
    super('manager-list', shut, initial);
  }

  /** How many items (a snapshot). */
  get length(): number {
    return this.read((items) => items.length);
  }

  /** Appends the items (copies) at the end; returns the new length. */
  push(...items: T[]): number {
    return this.write((list) => list.push(...items));
  }

  /** Removes and returns the last item, or undefined if the list is empty. */
  pop(): T | undefined {
    return this.write((list) => list.pop());
  }

  /** The item at `index` (a copy); negative counts from the end; undefined outside the list. */
  at(index: number): T | undefined {
    return this.read((list) => copyOut(list.at(index)));
  }

  /** The item at `index` (a copy). Throws a RangeError outside 0 … length - 1. */
  get(index: number): T {
    return this.read((list) => copyOut(list[this.#index(list, index, 'get')]));
  }

  /** Replaces the item at `index` with `value` (a copy). Throws a RangeError outside 0 … length - 1. */
  set(index: number, value: T): void {
    this.write((list) => {
      list[this.#index(list, index, 'set')] = value;
    });
  }

  /**
   * Atomically replaces the item at `index` with `fn(current)` and returns it (see
   * ManagerDict.update). Throws a RangeError outside 0 … length - 1.
   */
  update(index: number, fn: (current: T) => T): T {
    return this.write((list) => {
      const at = this.#index(list, index, 'update');
      list[at] = fn(copyOut(list[at]));
      return copyOut(list[at]);
    });
  }

  /** A plain array copy of the whole list, taken at once. */
  toArray(): T[] {
    return this.read((list) => structuredClone(list));
  }

  /** The items (copies), as a snapshot taken now. */
  [Symbol.iterator](): IterableIterator<T> {
    return this.toArray().values();
  }

  toString(): string {
    return `${this.label()}: ${this.length} items`;
  }

  #index(list: T[], index: number, method: string): number {
    if (!Number.isInteger(index) || index < 0 || index >= list.length) {
      throw new RangeError(`list.${method}(${String(index)}): the index must be an integer from 0 to ${list.length - 1} (the list has ${list.length} items).`);
    }
    return index;
  }
}

const reviveContainer = (descriptor: ShareDescriptor) => {
  const { lock, arena, shut } = descriptor as ShareDescriptor & { lock: ShareDescriptor; arena: SharedArrayBuffer; shut: SharedArrayBuffer };
  reviving = { state: SharedState.revive(descriptor), lock: decodeFromThread(lock) as RLock, arena, shut: new Int32Array(shut) };
  return descriptor.$interleave === 'manager-dict' ? new ManagerDict() : new ManagerList();
};
registerKind('manager-dict', reviveContainer);
registerKind('manager-list', reviveContainer);

/**
 * Makes shared containers and objects (Python's `multiprocessing.Manager()`). See the module
 * comment: the containers are shared memory, not a server process.
 */
export class Manager implements Disposable {
  readonly #shut = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

  /** A new, empty shared Map, or one filled from `entries` (a Map, entries, or a plain object). */
  dict<K extends ManagerKey = string, V = unknown>(entries?: Iterable<readonly [K, V]> | Record<string, V>): ManagerDict<K, V> {
    this.#check();
    const map = new Map<K, V>();
    if (entries !== undefined) {
      const pairs = Symbol.iterator in Object(entries) ? (entries as Iterable<readonly [K, V]>) : (Object.entries(entries) as [K, V][]);
      for (const [key, value] of pairs) {
        checkKey(key, 'manager.dict');
        map.set(key, value);
      }
    }
    return new ManagerDict<K, V>(this.#shut, map);
  }

  /** A new shared array, empty or with the items of `items`. */
  list<T = unknown>(items: Iterable<T> = []): ManagerList<T> {
    this.#check();
    return new ManagerList<T>(this.#shut, [...items]);
  }

  /** A shared Queue (the same as `new Queue(maxsize)`). */
  Queue<T = unknown>(maxsize = 0): Queue<T> {
    this.#check();
    return new Queue<T>(maxsize);
  }

  /** A shared LifoQueue. */
  LifoQueue<T = unknown>(maxsize = 0): LifoQueue<T> {
    this.#check();
    return new LifoQueue<T>(maxsize);
  }

  /** A shared PriorityQueue. */
  PriorityQueue<T extends PriorityItem = PriorityItem>(maxsize = 0): PriorityQueue<T> {
    this.#check();
    return new PriorityQueue<T>(maxsize);
  }

  /** A shared Lock. */
  Lock(): Lock {
    this.#check();
    return new Lock();
  }

  /** A shared RLock. */
  RLock(): RLock {
    this.#check();
    return new RLock();
  }

  /** A shared Condition (over a new RLock, or `lock`). */
  Condition(lock?: Lock | RLock): Condition {
    this.#check();
    return new Condition(lock);
  }

  /** A shared Semaphore. */
  Semaphore(value = 1): Semaphore {
    this.#check();
    return new Semaphore(value);
  }

  /** A shared BoundedSemaphore. */
  BoundedSemaphore(value = 1): BoundedSemaphore {
    this.#check();
    return new BoundedSemaphore(value);
  }

  /** A shared Event. */
  Event(): Event {
    this.#check();
    return new Event();
  }

  /** A shared Barrier for `parties` threads. */
  Barrier(parties: number): Barrier {
    this.#check();
    return new Barrier(parties);
  }

  /** A shared typed number (the same as `new Value(type, initial, options)`). */
  Value<T extends SharedType>(type: T, initial?: SharedTypeValue<T>, options?: SharedValueOptions): Value<T> {
    this.#check();
    return new Value(type, initial, options);
  }

  /** A shared typed array (Python's `manager.Array`; the same as `new SharedArray(…)`). */
  Array<T extends SharedType>(type: T, lengthOrValues: number | Iterable<SharedTypeValue<T>>, options?: SharedValueOptions): SharedArray<T> {
    this.#check();
    return new SharedArray(type, lengthOrValues, options);
  }

  /** Makes the manager's dicts and lists unusable (UsageError) and the manager too. Harmless twice. */
  shutdown(): void {
    Atomics.store(this.#shut, SHUT, 1);
  }

  /** `using m = new Manager()`: shutdown() at the end of the block. */
  [Symbol.dispose](): void {
    this.shutdown();
  }

  #check(): void {
    if (Atomics.load(this.#shut, SHUT) === 1) throw new UsageError('This Manager was shut down: it cannot make new objects.');
  }
}
