/**
 * Value and SharedArray: typed numbers in shared memory, as Python's `multiprocessing.Value`
 * and `multiprocessing.Array`.
 *
 * Every thread a Value or SharedArray is passed to sees the same memory. Element types use
 * TypeScript names for Python's typecodes:
 *
 *   | type  | Python | holds                  | JS value |
 *   |-------|--------|------------------------|----------|
 *   | 'i8'  | 'b'    | signed 8-bit integer   | number   |
 *   | 'u8'  | 'B'    | unsigned 8-bit integer | number   |
 *   | 'i16' | 'h'    | signed 16-bit          | number   |
 *   | 'u16' | 'H'    | unsigned 16-bit        | number   |
 *   | 'i32' | 'i'    | signed 32-bit          | number   |
 *   | 'u32' | 'I'    | unsigned 32-bit        | number   |
 *   | 'i64' | 'q'    | signed 64-bit          | bigint   |
 *   | 'u64' | 'Q'    | unsigned 64-bit        | bigint   |
 *   | 'f32' | 'f'    | 32-bit float           | number   |
 *   | 'f64' | 'd'    | 64-bit float (double)  | number   |
 *
 * As in C (and ctypes), integers wrap around and are truncated: storing 300 in a 'u8' stores
 * 44, storing 1.7 in an 'i32' stores 1.
 *
 * The lock: by default each Value / SharedArray gets its own RLock (Python's default), and
 * every single read or write takes it. That does NOT make `v.value += 1` safe: it is a read
 * and then a write, and another thread can write in between (a lost update). Hold the lock
 * around the whole update: `v.getLock().withLock(() => { v.value += 1; })` (an RLock, so the
 * inner accesses may take it again). `{ lock: false }` makes plain unsynchronised memory;
 * `{ lock: someLock }` uses a Lock or RLock you already have.
 *
 * Every read and write is recorded in the trace (`read` / `write`, with the value for a Value
 * and the index for a SharedArray), so a timeline shows how updates interleave.
 */
import { UsageError } from './errors.ts';
import { atLine, decodeFromThread, registerKind, SHARE, SharedState, type Shareable, type ShareDescriptor } from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_READ, OP_WRITE } from './internal/trace-ops.ts';
import { Lock } from './lock.ts';
import { RLock } from './rlock.ts';

/** The element types, by typed array (see the module comment). */
const ARRAYS = {
  i8: Int8Array,
  u8: Uint8Array,
  i16: Int16Array,
  u16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  i64: BigInt64Array,
  u64: BigUint64Array,
  f32: Float32Array,
  f64: Float64Array,
} as const;

/** An element type: a TypeScript name for one of Python's typecodes (see the module comment). */
export type SharedType = keyof typeof ARRAYS;

/** The JavaScript value an element of type `T` reads as: bigint for 'i64' / 'u64', else number. */
export type SharedTypeValue<T extends SharedType> = T extends 'i64' | 'u64' ? bigint : number;

/** The typed array that holds elements of type `T`. */
export type SharedTypedArray<T extends SharedType> = InstanceType<(typeof ARRAYS)[T]>;

/** Python typecodes, to point a Python habit at the right name. */
const PYTHON_TYPECODES: Record<string, SharedType> = {
  b: 'i8', B: 'u8', h: 'i16', H: 'u16', i: 'i32', I: 'u32', l: 'i64', L: 'u64', q: 'i64', Q: 'u64', f: 'f32', d: 'f64',
};

/** Options of Value and SharedArray. */
export interface SharedValueOptions {
  /**
   * `true` (default): a new RLock guards every access. `false`: no lock (plain shared memory).
   * A Lock or RLock: use that one.
   */
  lock?: boolean | Lock | RLock;
}

type Element = number | bigint;
type AnyTypedArray = SharedTypedArray<SharedType>;

interface Revived {
  state: SharedState;
  type: SharedType;
  data: AnyTypedArray;
  lock: Lock | RLock | null;
}

let reviving: Revived | null = null;

function arrayType(type: unknown, where: string): SharedType {
  if (typeof type === 'string' && Object.hasOwn(ARRAYS, type)) return type as SharedType;
  const python = typeof type === 'string' ? PYTHON_TYPECODES[type] : undefined;
  const hint = python ? ` (Python's '${type as string}' is '${python}' here)` : '';
  throw new TypeError(`${where}: type must be one of ${Object.keys(ARRAYS).map((t) => `'${t}'`).join(', ')}; got ${JSON.stringify(type) ?? String(type)}${hint}.`);
}

function lockFrom(option: SharedValueOptions['lock'], where: string): Lock | RLock | null {
  if (option === undefined || option === true) return new RLock();
  if (option === false) return null;
  if (option instanceof Lock || option instanceof RLock) return option;
  throw new TypeError(`${where}: lock must be true, false, a Lock or an RLock.`);
}

/** Throws a TypeError if `value` is not what an element of `type` holds (bigint vs number). */
function checkKind(type: SharedType, value: unknown, what: string): void {
  const wanted = type === 'i64' || type === 'u64' ? 'bigint' : 'number';
  if (typeof value !== wanted) {
    const example = wanted === 'bigint' ? ' (write 5n, or BigInt(x))' : '';
    throw new TypeError(`${what} holds '${type}' elements, which are ${wanted}s${example}; got ${typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`}.`);
  }
}

/** What Value and SharedArray share: typed shared memory, an optional lock, sharing. */
abstract class SharedMemoryCore<T extends SharedType> implements Shareable {
  readonly #state: SharedState;
  readonly #type: T;
  readonly #lock: Lock | RLock | null;
  protected readonly data: SharedTypedArray<T>;

  constructor(kind: 'value' | 'shared-array', type: T, length: number, lock: Lock | RLock | null) {
    const revived = reviving;
    reviving = null;
    if (revived !== null) {
      this.#state = revived.state;
      this.#type = revived.type as T;
      this.data = revived.data as SharedTypedArray<T>;
      this.#lock = revived.lock;
    } else {
      // One constructor of the union: TypeScript cannot call a union of overloaded constructors.
      const TypedArray = ARRAYS[type] as unknown as { new (buffer: SharedArrayBuffer): SharedTypedArray<T>; BYTES_PER_ELEMENT: number };
      this.#state = SharedState.create(kind, 0);
      this.#type = type;
      this.data = new TypedArray(new SharedArrayBuffer(length * TypedArray.BYTES_PER_ELEMENT));
      this.#lock = lock;
    }
  }

  /** The element type ('i32', 'f64', …). */
  get type(): T {
    return this.#type;
  }

  /**
   * The lock that guards every access, to hold around a read-modify-write:
   * `v.getLock().withLock(() => { v.value += 1; })`. Throws a UsageError if it was created with
   * `{ lock: false }`.
   */
  getLock(): Lock | RLock {
    if (this.#lock === null) {
      throw new UsageError(
        `getLock()${atLine()}: ${this.#state.label()} was created with { lock: false }, so it has no lock. ` +
          'Create it with a lock (the default), or guard it with a Lock of your own.',
      );
    }
    return this.#lock;
  }

  /**
   * The raw typed array over the shared memory (no lock, no trace): the fastest access, for
   * Atomics (`Atomics.add(v.getObj(), 0, 1)` is an atomic increment of a Value).
   */
  getObj(): SharedTypedArray<T> {
    return this.data;
  }

  /** The object's id in the run's object table (0 if it has none). */
  get id(): number {
    return this.#state.id;
  }

  [SHARE](): ShareDescriptor {
    return this.#state.describe({ type: this.#type, data: this.data, lock: this.#lock?.[SHARE]() ?? null });
  }

  protected label(): string {
    return this.#state.label();
  }

  protected read(index: number, traceArg: (value: Element) => number): SharedTypeValue<T> {
    const lock = this.#lock;
    lock?.acquire();
    const value = this.data[index] as SharedTypeValue<T>;
    lock?.release();
    trace(OP_READ, this.#state.id, traceArg(value));
    return value;
  }

  protected write(index: number, value: SharedTypeValue<T>, traceArg: number): void {
    checkKind(this.#type, value, this.#state.label());
    const lock = this.#lock;
    lock?.acquire();
    try {
      this.data[index] = value;
    } finally {
      lock?.release();
    }
    trace(OP_WRITE, this.#state.id, traceArg);
  }
}

/**
 * One typed number in shared memory, as Python's `multiprocessing.Value`: `new Value('i32', 0)`.
 * See the module comment for the types and what the lock does (and does not) guarantee.
 */
export class Value<T extends SharedType = SharedType> extends SharedMemoryCore<T> {
  /**
   * `type`: the element type; `initial`: the starting value (default 0; a bigint for 'i64' /
   * 'u64'). Throws a TypeError for an unknown type (naming the TS name of a Python typecode)
   * or a value of the wrong kind (number vs bigint).
   */
  constructor(type: T, initial?: SharedTypeValue<T>, options: SharedValueOptions = {}) {
    if (reviving !== null) {
      super('value', type, 1, null);
      return;
    }
    const checked = arrayType(type, 'new Value') as T;
    if (initial !== undefined) checkKind(checked, initial, 'new Value');
    super('value', checked, 1, lockFrom(options.lock, 'new Value'));
    if (initial !== undefined) this.data[0] = initial;
  }

  /** The current value (taking the lock, if any, for this one read). */
  get value(): SharedTypeValue<T> {
    return this.read(0, Number);
  }

  /** Stores a new value (taking the lock, if any, for this one write; wraps as in C). */
  set value(value: SharedTypeValue<T>) {
    this.write(0, value, Number(value));
  }

  toString(): string {
    return `${this.label()}: ${String(this.data[0])}`;
  }
}

/**
 * A fixed-length array of typed numbers in shared memory, as Python's
 * `multiprocessing.Array`: `new SharedArray('f64', 10)` (zeros) or `new SharedArray('i32',
 * [1, 2, 3])`. Access elements with `get(i)` / `set(i, v)` (each taking the lock, if any),
 * iterate it, or use `getObj()` for the raw typed array.
 */
export class SharedArray<T extends SharedType = SharedType> extends SharedMemoryCore<T> implements Iterable<SharedTypeValue<T>> {
  /**
   * `lengthOrValues`: a length (elements start at 0) or the initial elements (any iterable).
   * Throws a TypeError for an unknown type or elements of the wrong kind, a RangeError for a
   * length that is not an integer ≥ 0.
   */
  constructor(type: T, lengthOrValues: number | Iterable<SharedTypeValue<T>>, options: SharedValueOptions = {}) {
    if (reviving !== null) {
      super('shared-array', type, 0, null);
      return;
    }
    const checked = arrayType(type, 'new SharedArray') as T;
    const values = typeof lengthOrValues === 'number' ? null : [...lengthOrValues];
    for (const value of values ?? []) checkKind(checked, value, 'new SharedArray');
    const length = values?.length ?? (lengthOrValues as number);
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`new SharedArray(type, length): length must be an integer ≥ 0, got ${String(length)}.`);
    }
    super('shared-array', checked, length, lockFrom(options.lock, 'new SharedArray'));
    if (values !== null) (this.data as unknown as { set(v: ArrayLike<Element>): void }).set(values);
  }

  /** How many elements it has (fixed at creation). */
  get length(): number {
    return this.data.length;
  }

  /** Element `index` (taking the lock, if any). Throws a RangeError outside 0 … length - 1. */
  get(index: number): SharedTypeValue<T> {
    return this.read(this.#check(index, 'get'), () => index);
  }

  /** Stores `value` at `index` (taking the lock, if any). Throws a RangeError outside 0 … length - 1. */
  set(index: number, value: SharedTypeValue<T>): void {
    this.write(this.#check(index, 'set'), value, index);
  }

  /** A copy of the elements, as a plain array (one read each). */
  toArray(): SharedTypeValue<T>[] {
    return Array.from(this);
  }

  /** The elements in order, each read when reached. */
  *[Symbol.iterator](): Iterator<SharedTypeValue<T>> {
    for (let i = 0; i < this.data.length; i++) yield this.get(i);
  }

  toString(): string {
    return `${this.label()}: [${this.data.join(', ')}]`;
  }

  #check(index: number, method: string): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.data.length) {
      throw new RangeError(`sharedArray.${method}(${String(index)}): the index must be an integer from 0 to ${this.data.length - 1}.`);
    }
    return index;
  }
}

const revive = (descriptor: ShareDescriptor) => {
  const { type, data, lock } = descriptor as ShareDescriptor & { type: SharedType; data: AnyTypedArray; lock: unknown };
  reviving = { state: SharedState.revive(descriptor), type, data, lock: lock === null ? null : (decodeFromThread(lock) as Lock | RLock) };
  return descriptor.$interleave === 'value' ? new Value(type) : new SharedArray(type, 0);
};
registerKind('value', revive);
registerKind('shared-array', revive);
