/**
 * The shared memory of one executor (executor.ts) and of its futures (future.ts): everything a
 * pool worker and a thread holding a Future must see, in SharedArrayBuffers, so that a result
 * crosses threads without a message.
 *
 *   words     the executor's own words (below), registered as an 'executor' object
 *   futures   FUTURE_WORDS Int32 words per future (state, where its result is), a growable buffer
 *   arena     the encoded results and errors, a growable buffer filled by bump allocation
 *
 * (The work queues, Queues of {@link TaskItem}, belong to the executor and its workers.)
 * A future's life: PENDING (queued) → RUNNING (a worker took it) → FINISHED or FAILED; or
 * PENDING → CANCELLED. Each move is a compare-exchange, so cancel() and a worker taking the
 * task never both win. The worker writes the result bytes and their place before it stores
 * the final state (a sequentially consistent store: a reader that sees FINISHED sees the bytes).
 * Every move to a final state bumps COMPLETIONS and notifies it: whoever waits for any future of
 * this executor (result, wait, asCompleted) sleeps on that one word and re-checks on each bump.
 *
 * Futures and results are never freed while the executor exists: memory grows with the number
 * of tasks and the size of their results (12 bytes per task plus its encoded result).
 */
import { blockOn, type WaitResult } from './blocking.ts';
import { futexWait, mutexLockSlow, mutexTryLock, mutexUnlock } from './futex.ts';
import { registerKind, SHARE, SharedState, type Shareable, type ShareDescriptor } from './share.ts';

// The executor's words.
/** Bumped (and notified) whenever a future reaches a final state. */
const COMPLETIONS = 0;
/** The next future index. */
const NEXT_FUTURE = 1;
/** Bytes of the arena handed out so far (bump allocation). */
const ARENA_TOP = 2;
/** Mutex (futex.ts) around growing the arena. */
const ARENA_LOCK = 3;
/** Pool workers waiting for a task right now. */
const IDLE = 4;
/** 1 once shutdown() was called. */
const SHUT = 5;
const WORDS = 6;

// A future's words.
const F_STATE = 0;
const F_OFFSET = 1;
const F_LENGTH = 2;
const FUTURE_WORDS = 3;

/** Future states. */
export const PENDING = 0;
export const RUNNING = 1;
export const CANCELLED = 2;
export const FINISHED = 3;
export const FAILED = 4;

const BYTES = Int32Array.BYTES_PER_ELEMENT;
const INITIAL_FUTURES = 256;
/** Most futures one executor can ever have (the table's reserved address space). */
const MAX_FUTURES = 1 << 22;
const INITIAL_ARENA_BYTES = 64 * 1024;
/** Most result bytes one executor can hold (reserved address space, committed as used). */
const MAX_ARENA_BYTES = 256 * 1024 * 1024;

/** One task in a work queue: its future's index, its function (a FunctionRef), its encoded args. */
export type TaskItem = [index: number, fn: unknown, args: Uint8Array];

/** One thread's view of an executor's shared memory. See the module comment. */
export class PoolCore implements Shareable {
  readonly state: SharedState;
  readonly #futures: SharedArrayBuffer;
  readonly #arenaBuffer: SharedArrayBuffer;
  #table: Int32Array;
  #arena: Uint8Array;

  constructor(state: SharedState, futures: SharedArrayBuffer, arena: SharedArrayBuffer) {
    this.state = state;
    this.#futures = futures;
    this.#arenaBuffer = arena;
    this.#table = new Int32Array(futures);
    this.#arena = new Uint8Array(arena);
  }

  /** A new, empty executor core (registered as an 'executor' object at the caller's line). */
  static create(): PoolCore {
    const futures = new SharedArrayBuffer(INITIAL_FUTURES * FUTURE_WORDS * BYTES, { maxByteLength: MAX_FUTURES * FUTURE_WORDS * BYTES });
    const arena = new SharedArrayBuffer(INITIAL_ARENA_BYTES, { maxByteLength: MAX_ARENA_BYTES });
    return new PoolCore(SharedState.create('executor', WORDS), futures, arena);
  }

  get words(): Int32Array {
    return this.state.words;
  }

  /** The executor's object id (0 if it has none). */
  get id(): number {
    return this.state.id;
  }

  // ── Futures ────────────────────────────────────────────────────────────────────────────

  /** A new PENDING future's index. Only the executor's owner thread allocates. */
  allocateFuture(): number {
    const index = Atomics.add(this.words, NEXT_FUTURE, 1);
    if (index >= MAX_FUTURES) throw new RangeError(`An executor can run at most ${MAX_FUTURES} tasks; create a new one.`);
    const needed = (index + 1) * FUTURE_WORDS * BYTES;
    if (needed > this.#futures.byteLength) this.#futures.grow(Math.min(MAX_FUTURES * FUTURE_WORDS * BYTES, needed * 2));
    return index;
  }

  futureState(index: number): number {
    return Atomics.load(this.#futureWords(index), index * FUTURE_WORDS + F_STATE);
  }

  /** PENDING → RUNNING; false if the future was cancelled first. */
  tryStart(index: number): boolean {
    return Atomics.compareExchange(this.#futureWords(index), index * FUTURE_WORDS + F_STATE, PENDING, RUNNING) === PENDING;
  }

  /** PENDING → CANCELLED; false if it had started (or ended) already. */
  tryCancel(index: number): boolean {
    const won = Atomics.compareExchange(this.#futureWords(index), index * FUTURE_WORDS + F_STATE, PENDING, CANCELLED) === PENDING;
    if (won) this.#completed();
    return won;
  }

  /**
   * Stores the encoded outcome of a RUNNING future, then its final state (FINISHED / FAILED).
   * Throws a RangeError, the future still RUNNING, when the outcome does not fit in the arena.
   */
  settle(index: number, state: typeof FINISHED | typeof FAILED, bytes: Uint8Array): void {
    const offset = this.#reserve(bytes.length);
    this.#arenaView(offset + bytes.length).set(bytes, offset);
    const words = this.#futureWords(index);
    const base = index * FUTURE_WORDS;
    words[base + F_OFFSET] = offset;
    words[base + F_LENGTH] = bytes.length;
    // Seq-cst store after the plain writes above: a reader that loads this state sees them.
    Atomics.store(words, base + F_STATE, state);
    this.#completed();
  }

  /** The encoded outcome of a FINISHED / FAILED future (a view: decode it before the next call). */
  outcome(index: number): Uint8Array {
    const words = this.#futureWords(index);
    const base = index * FUTURE_WORDS;
    const offset = words[base + F_OFFSET];
    const length = words[base + F_LENGTH];
    return this.#arenaView(offset + length).subarray(offset, offset + length);
  }

  // ── Waiting for completions ──────────────────────────────────────────────────────────────

  /** The completion sequence now: pass it to {@link waitForCompletion} after checking states. */
  completions(): number {
    return Atomics.load(this.words, COMPLETIONS);
  }

  /**
   * Sleeps (through blockOn, recorded as waiting on this executor) until some future of this
   * executor reaches a final state after `seen` was read, or `ms` pass. Callers re-check.
   */
  waitForCompletion(seen: number, ms: number): WaitResult {
    return blockOn({ kind: 'executor', object: this.id, timeout: ms }, (left) => futexWait(this.words, COMPLETIONS, seen, left));
  }

  // ── Pool bookkeeping ────────────────────────────────────────────────────────────────────

  /** Pool workers waiting for a task right now (a snapshot). */
  idleWorkers(): number {
    return Atomics.load(this.words, IDLE);
  }

  /** A pool worker starts (+1) or stops (-1) waiting for a task. */
  markIdle(delta: 1 | -1): void {
    Atomics.add(this.words, IDLE, delta);
  }

  isShut(): boolean {
    return Atomics.load(this.words, SHUT) === 1;
  }

  /** Marks the executor shut down; true the first time. */
  shut(): boolean {
    return Atomics.exchange(this.words, SHUT, 1) === 0;
  }

  [SHARE](): ShareDescriptor {
    return this.state.describe({ futures: this.#futures, arena: this.#arenaBuffer });
  }

  #completed(): void {
    Atomics.add(this.words, COMPLETIONS, 1);
    Atomics.notify(this.words, COMPLETIONS);
  }

  /** The future table as Int32 words, long enough for future `index` (the table only grows). */
  #futureWords(index: number): Int32Array {
    if ((index + 1) * FUTURE_WORDS > this.#table.length) this.#table = new Int32Array(this.#futures);
    return this.#table;
  }

  #arenaView(end: number): Uint8Array {
    if (end > this.#arena.length) this.#arena = new Uint8Array(this.#arenaBuffer);
    return this.#arena;
  }

  /**
   * Hands out `size` bytes of the arena, growing it when they lie past its end. Throws a
   * RangeError, leaving the arena as it was, when they do not fit: ARENA_TOP only moves by a
   * compare-exchange that has checked the limit, so a refused result takes no space and the
   * next (smaller) outcome still fits.
   */
  #reserve(size: number): number {
    let offset = Atomics.load(this.words, ARENA_TOP);
    for (;;) {
      if (offset + size > MAX_ARENA_BYTES) {
        throw new RangeError(
          `The task's result is too large (${size} bytes; the limit is ${MAX_ARENA_BYTES - offset} bytes, what is left ` +
            `of this executor's ${MAX_ARENA_BYTES / 2 ** 20} MiB for results, which are kept as long as the executor ` +
            'exists). Return smaller results, or use a new executor for each batch.',
        );
      }
      const seen = Atomics.compareExchange(this.words, ARENA_TOP, offset, offset + size);
      if (seen === offset) break;
      offset = seen;
    }
    const end = offset + size;
    if (end > this.#arenaBuffer.byteLength) {
      const words = this.words;
      if (!mutexTryLock(words, ARENA_LOCK)) mutexLockSlow(words, ARENA_LOCK, Infinity, { kind: 'executor', object: this.id });
      try {
        // Grown by another worker meanwhile? Growing only ever goes up, under this mutex.
        const length = this.#arenaBuffer.byteLength;
        if (end > length) this.#arenaBuffer.grow(Math.min(MAX_ARENA_BYTES, Math.max(end, length * 2)));
      } finally {
        mutexUnlock(words, ARENA_LOCK);
      }
    }
    return offset;
  }
}

registerKind('executor', (descriptor) => {
  const { futures, arena } = descriptor as ShareDescriptor & { futures: SharedArrayBuffer; arena: SharedArrayBuffer };
  return new PoolCore(SharedState.revive(descriptor), futures, arena);
});
