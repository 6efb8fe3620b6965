/**
 * The run's control block: one `SharedArrayBuffer` that every worker of a run attaches to.
 * The host creates it; workers get it in their job and call {@link ControlBlock.attach}.
 *
 * It holds what the host must be able to read without asking a (possibly blocked) thread:
 * the run state, the thread table (state, name, daemon flag, what the thread waits on), the
 * object table (kind, creation line, current owner), the progress epoch, the GIL words and one
 * trace ring per thread. Primitive state itself lives in each primitive's own small buffer
 * (see share.ts); only a lock's owner lives here, so the deadlock watchdog can see it.
 *
 * Layout (all offsets in the `words` Int32Array unless said otherwise):
 *
 *   header          HEADER_WORDS words (magic, sizes, run state, epoch, GIL, counters)
 *   thread table    maxThreads × THREAD_WORDS words, thread id N at slot N - 1
 *   object table    maxObjects × OBJECT_WORDS words, object id N at slot N - 1
 *   thread names    maxThreads × NAME_UNITS UTF-16 code units
 *   trace rings     maxThreads × traceCapacity × TRACE_FIELDS Float64 (8-byte aligned)
 *
 * Ids are 1-based so that 0 can mean "no thread" / "no object" in every shared word.
 */
import { GIL_WORDS } from './gil.ts';

/** Kinds of shared objects the object table knows. The code stored is index + 1. */
export const OBJECT_KINDS = [
  'lock',
  'rlock',
  'condition',
  'semaphore',
  'bounded-semaphore',
  'event',
  'barrier',
  'queue',
  'lifo-queue',
  'priority-queue',
  'simple-queue',
  'pipe',
  'value',
  'shared-array',
  'executor',
  'manager-dict',
  'manager-list',
] as const;
/** A kind of shared object (a primitive). */
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** What a thread can wait on: a shared object, another thread (`join`) or the clock (`sleep`). */
export const WAIT_KINDS = [...OBJECT_KINDS, 'join', 'sleep'] as const;
/** A kind of wait recorded in the thread table. */
export type WaitKind = (typeof WAIT_KINDS)[number];

/** The reader's names for each kind, as used in messages ("Lock #3 (created at line 4)"). */
export const KIND_LABELS: Record<WaitKind, string> = {
  lock: 'Lock',
  rlock: 'RLock',
  condition: 'Condition',
  semaphore: 'Semaphore',
  'bounded-semaphore': 'BoundedSemaphore',
  event: 'Event',
  barrier: 'Barrier',
  queue: 'Queue',
  'lifo-queue': 'LifoQueue',
  'priority-queue': 'PriorityQueue',
  'simple-queue': 'SimpleQueue',
  pipe: 'Pipe',
  value: 'Value',
  'shared-array': 'SharedArray',
  executor: 'Executor',
  'manager-dict': 'Manager dict',
  'manager-list': 'Manager list',
  join: 'join',
  sleep: 'sleep',
};

/**
 * How messages name an object: "Lock #3 (created at line 4)"; "a Lock" when it has no id.
 */
export function objectLabel(kind: ObjectKind, id: number, line: number): string {
  const name = KIND_LABELS[kind];
  if (id === NO_OBJECT) return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  return line > 0 ? `${name} #${id} (created at line ${line})` : `${name} #${id}`;
}

/** "No thread" in every word that holds a thread id (owners, wait owners). */
export const NO_THREAD = 0;
/** "No object": an unregistered object (object table full, or no control block). */
export const NO_OBJECT = 0;

// Thread table states. A thread is live while STARTING or RUNNING.
/** Thread state: the id was never handed out. */
export const THREAD_FREE = 0;
/** Thread state: allocated, its worker has not started running it yet. */
export const THREAD_STARTING = 1;
/** Thread state: running (possibly blocked: see its wait record). */
export const THREAD_RUNNING = 2;
/** Thread state: finished (returned or threw); joiners wait for this. */
export const THREAD_DONE = 3;

/** Run state: the run goes on. */
export const RUN_ACTIVE = 0;
/** Run state: the host has ended the run (stop, time limit, deadlock). */
export const RUN_STOPPED = 1;

/** Fields of one trace record: [timeMs, threadId, op, objectId, arg]. */
export const TRACE_FIELDS = 5;

const MAGIC_VALUE = 0x1e7e_a7e0;

// Header words.
const MAGIC = 0;
const MAX_THREADS = 1;
const MAX_OBJECTS = 2;
const TRACE_CAPACITY = 3;
const RUN_STATE = 4;
const EPOCH = 5;
const NEXT_THREAD = 6;
const NEXT_OBJECT = 7;
const GIL = 8;
const HEADER_WORDS = GIL + GIL_WORDS;

// Thread table: words of one entry.
const T_STATE = 0;
const T_DAEMON = 1;
const T_WAIT_KIND = 2;
const T_WAIT_OBJECT = 3;
const T_WAIT_OWNER = 4;
const T_WAIT_TIMED = 5;
const T_WAIT_LINE = 6;
const T_NAME_LENGTH = 7;
const T_TRACE_WRITE = 8;
const T_TRACE_READ = 9;
const T_TRACE_DROPPED = 10;
const THREAD_WORDS = 11;

// Object table: words of one entry.
const O_KIND = 0;
const O_LINE = 1;
const O_OWNER = 2;
const OBJECT_WORDS = 3;

/**
 * Most threads a run may allow: all of them may sleep on one queue at once, and sleepers.ts
 * sizes its count's bits from this (the rest of that word holds generations).
 */
export const THREAD_LIMIT = 4095;

/** Longest thread name kept (longer names are cut and end in "…"). */
const NAME_UNITS = 48;

/** Sizes of a control block. */
export interface ControlBlockOptions {
  /** Most threads one run can ever start, the main thread included. Default 64. */
  maxThreads?: number;
  /** Most primitives that get an id and a creation line; later ones still work. Default 4096. */
  maxObjects?: number;
  /** Trace records kept per thread between drains (rounded up to a power of two); 0 turns
   * tracing off for the run. Default 1024. */
  traceCapacity?: number;
}

/** What a thread table entry says a thread waits on (see blocking.ts). */
export interface WaitEntry {
  kind: WaitKind;
  /** Object id, or for `join` the joined thread's id; 0 when unknown. */
  object: number;
  /** The thread that can end the wait, when known at the time of blocking (0 otherwise). */
  owner: number;
  timed: boolean;
  /** Snippet line of the blocking call; 0 until it is captured (see blocking.ts). */
  line: number;
}

/**
 * A view of a run's control block. Cheap to construct; every method reads or writes shared
 * memory directly, so two views of one buffer (in two workers) always agree.
 */
export class ControlBlock {
  /** The shared memory itself; send this to workers, then {@link ControlBlock.attach} it. */
  readonly buffer: SharedArrayBuffer;
  /** The whole block as Int32 words (the GIL word and thread states are futex words here). */
  readonly words: Int32Array;
  readonly maxThreads: number;
  readonly maxObjects: number;
  /** Trace records per thread ring; 0 when the run has tracing off. */
  readonly traceCapacity: number;
  /** The run's GIL words (zero at creation), owned by the GIL implementation (gil.ts). */
  readonly gilWords: Int32Array;
  /** Index in {@link words} of the progress epoch (see {@link epoch}). */
  readonly epochIndex = EPOCH;
  /** Index in {@link words} of the run state ({@link RUN_ACTIVE} / {@link RUN_STOPPED}). */
  readonly runStateIndex = RUN_STATE;
  /** All trace rings as Float64; ring of thread N starts at {@link traceRingOffset}(N). */
  readonly traceRecords: Float64Array;
  private readonly names: Uint16Array;
  private readonly threadBase: number;
  private readonly objectBase: number;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
    this.gilWords = this.words.subarray(GIL, GIL + GIL_WORDS);
    if (buffer.byteLength < HEADER_WORDS * 4 || this.words[MAGIC] !== MAGIC_VALUE) {
      throw new TypeError('ControlBlock.attach: this buffer is not an Interleave control block.');
    }
    this.maxThreads = this.words[MAX_THREADS];
    this.maxObjects = this.words[MAX_OBJECTS];
    this.traceCapacity = this.words[TRACE_CAPACITY];
    const layout = computeLayout(this.maxThreads, this.maxObjects, this.traceCapacity);
    this.threadBase = layout.threadBase;
    this.objectBase = layout.objectBase;
    this.names = new Uint16Array(buffer, layout.namesByte, this.maxThreads * NAME_UNITS);
    this.traceRecords = new Float64Array(
      buffer,
      layout.traceByte,
      this.maxThreads * this.traceCapacity * TRACE_FIELDS,
    );
  }

  /** Allocates a fresh control block for one run (the host does this once per run). */
  static create(options: ControlBlockOptions = {}): ControlBlock {
    const maxThreads = positiveInteger(options.maxThreads ?? 64, 'maxThreads');
    if (maxThreads > THREAD_LIMIT) {
      throw new RangeError(`ControlBlock.create: maxThreads is at most ${THREAD_LIMIT}, got ${maxThreads}.`);
    }
    const maxObjects = positiveInteger(options.maxObjects ?? 4096, 'maxObjects');
    const requested = options.traceCapacity ?? 1024;
    let traceCapacity = 0;
    if (requested > 0) {
      traceCapacity = 1;
      while (traceCapacity < requested) traceCapacity *= 2; // power of two: ring index is a mask
    }
    const layout = computeLayout(maxThreads, maxObjects, traceCapacity);
    const buffer = new SharedArrayBuffer(layout.totalBytes);
    const words = new Int32Array(buffer);
    words[MAX_THREADS] = maxThreads;
    words[MAX_OBJECTS] = maxObjects;
    words[TRACE_CAPACITY] = traceCapacity;
    words[MAGIC] = MAGIC_VALUE;
    return new ControlBlock(buffer);
  }

  /** A view of a control block created elsewhere. Throws a TypeError for any other buffer. */
  static attach(buffer: SharedArrayBuffer): ControlBlock {
    return new ControlBlock(buffer);
  }

  // ── Run ────────────────────────────────────────────────────────────────────────────────

  /** {@link RUN_ACTIVE} or {@link RUN_STOPPED}. */
  runState(): number {
    return Atomics.load(this.words, RUN_STATE);
  }

  /** Sets the run state and wakes anything waiting on that word. */
  setRunState(state: number): void {
    Atomics.store(this.words, RUN_STATE, state);
    Atomics.notify(this.words, RUN_STATE);
  }

  /**
   * The progress epoch: changes whenever any thread starts or stops waiting (or its wait
   * record gets its line). Equal epochs at two sample times mean no thread's wait changed.
   */
  epoch(): number {
    return Atomics.load(this.words, EPOCH);
  }

  /** Advances the progress epoch (blocking.ts does this; thread start/end may too). */
  bumpEpoch(): void {
    Atomics.add(this.words, EPOCH, 1);
  }

  // ── Threads ────────────────────────────────────────────────────────────────────────────

  /**
   * Takes the next thread id (1, 2, …) and fills its entry: state STARTING, name, daemon flag.
   * Throws an Error naming the limit when the run already has {@link maxThreads} threads.
   */
  allocateThread(name: string, daemon = false): number {
    const id = Atomics.add(this.words, NEXT_THREAD, 1) + 1;
    if (id > this.maxThreads) {
      throw new Error(
        `Too many threads: this run can start at most ${this.maxThreads} threads ` +
          `(counting the main thread). Reuse threads, for example with a pool of workers ` +
          `that take tasks from a queue.`,
      );
    }
    const base = this.threadSlot(id);
    const units = Math.min(name.length, NAME_UNITS);
    const nameBase = (id - 1) * NAME_UNITS;
    for (let i = 0; i < units; i++) this.names[nameBase + i] = name.charCodeAt(i);
    if (name.length > NAME_UNITS) this.names[nameBase + NAME_UNITS - 1] = 0x2026; // "…"
    this.words[base + T_NAME_LENGTH] = units;
    this.words[base + T_DAEMON] = daemon ? 1 : 0;
    // Publishes the entry: a reader that sees STARTING also sees the name and flag above.
    Atomics.store(this.words, base + T_STATE, THREAD_STARTING);
    return id;
  }

  /** How many thread ids have been handed out so far (ids 1..count). */
  threadCount(): number {
    return Math.min(Atomics.load(this.words, NEXT_THREAD), this.maxThreads);
  }

  /** THREAD_FREE, THREAD_STARTING, THREAD_RUNNING or THREAD_DONE. */
  threadState(id: number): number {
    return Atomics.load(this.words, this.threadSlot(id) + T_STATE);
  }

  /** Sets a thread's state and wakes everything waiting on its state word (joiners). */
  setThreadState(id: number, state: number): void {
    const index = this.threadSlot(id) + T_STATE;
    Atomics.store(this.words, index, state);
    Atomics.notify(this.words, index);
  }

  /**
   * Marks a thread finished: DONE, then notify (joiners wake), then bump the progress epoch (the
   * watchdog sees a change). Every way a thread ends goes through here.
   */
  markDone(id: number): void {
    this.setThreadState(id, THREAD_DONE);
    this.bumpEpoch();
  }

  /** Index in {@link words} of a thread's state word, to futex-wait on for join. */
  threadStateIndex(id: number): number {
    return this.threadSlot(id) + T_STATE;
  }

  threadName(id: number): string {
    const length = this.words[this.threadSlot(id) + T_NAME_LENGTH];
    const start = (id - 1) * NAME_UNITS;
    return String.fromCharCode(...this.names.subarray(start, start + length));
  }

  isDaemon(id: number): boolean {
    return this.words[this.threadSlot(id) + T_DAEMON] === 1;
  }

  // ── Wait records (written only by the waiting thread itself, via blocking.ts) ────────────

  /** Records that thread `id` is about to sleep on `wait` (line may be 0 for now). */
  setWait(id: number, wait: WaitEntry): void {
    const base = this.threadSlot(id);
    this.words[base + T_WAIT_OBJECT] = wait.object;
    this.words[base + T_WAIT_OWNER] = wait.owner;
    this.words[base + T_WAIT_TIMED] = wait.timed ? 1 : 0;
    this.words[base + T_WAIT_LINE] = wait.line;
    // Store the kind last: a reader that sees the kind also sees the fields written above.
    Atomics.store(this.words, base + T_WAIT_KIND, WAIT_KINDS.indexOf(wait.kind) + 1);
  }

  /** Fills in the snippet line of the current wait record once it has been captured. */
  setWaitLine(id: number, line: number): void {
    Atomics.store(this.words, this.threadSlot(id) + T_WAIT_LINE, line);
  }

  clearWait(id: number): void {
    Atomics.store(this.words, this.threadSlot(id) + T_WAIT_KIND, 0);
  }

  /** What thread `id` waits on right now, or null when it is not blocked. */
  readWait(id: number): WaitEntry | null {
    const base = this.threadSlot(id);
    const code = Atomics.load(this.words, base + T_WAIT_KIND);
    if (code === 0) return null;
    return {
      kind: WAIT_KINDS[code - 1],
      object: this.words[base + T_WAIT_OBJECT],
      owner: this.words[base + T_WAIT_OWNER],
      timed: this.words[base + T_WAIT_TIMED] === 1,
      line: Atomics.load(this.words, base + T_WAIT_LINE),
    };
  }

  // ── Objects ────────────────────────────────────────────────────────────────────────────

  /**
   * Gives a new primitive an id (1, 2, …) and records its kind and creation line.
   * Returns {@link NO_OBJECT} when the table is full; such objects work but have no id.
   */
  registerObject(kind: ObjectKind, line: number): number {
    const id = Atomics.add(this.words, NEXT_OBJECT, 1) + 1;
    if (id > this.maxObjects) return NO_OBJECT;
    const base = this.objectSlot(id);
    this.words[base + O_LINE] = line;
    // Store the kind last: a reader that sees the kind also sees the line.
    Atomics.store(this.words, base + O_KIND, OBJECT_KINDS.indexOf(kind) + 1);
    return id;
  }

  /** How many object ids have been handed out so far (ids 1..count). */
  objectCount(): number {
    return Math.min(Atomics.load(this.words, NEXT_OBJECT), this.maxObjects);
  }

  /** The kind of object `id`, or null if it is not (yet) registered. */
  objectKind(id: number): ObjectKind | null {
    const code = Atomics.load(this.words, this.objectSlot(id) + O_KIND);
    return code === 0 ? null : OBJECT_KINDS[code - 1];
  }

  /** The snippet line object `id` was created at (0 if unknown). */
  objectLine(id: number): number {
    return this.words[this.objectSlot(id) + O_LINE];
  }

  /**
   * Index in {@link words} of object `id`'s owner word: the thread holding it (locks), or
   * {@link NO_THREAD}. The lock writes it; the watchdog reads it.
   */
  ownerIndex(id: number): number {
    return this.objectSlot(id) + O_OWNER;
  }

  // ── Trace rings (see trace.ts) ────────────────────────────────────────────────────────────

  /** Index in {@link words} of thread `id`'s trace counters: write, read, dropped in a row. */
  traceCountersIndex(id: number): number {
    return this.threadSlot(id) + T_TRACE_WRITE;
  }

  /** Offset in {@link traceRecords} of thread `id`'s ring. */
  traceRingOffset(id: number): number {
    return (id - 1) * this.traceCapacity * TRACE_FIELDS;
  }

  private threadSlot(id: number): number {
    if (!(id >= 1 && id <= this.maxThreads)) {
      throw new RangeError(`No thread ${id} in this control block (ids are 1..${this.maxThreads}).`);
    }
    return this.threadBase + (id - 1) * THREAD_WORDS;
  }

  private objectSlot(id: number): number {
    if (!(id >= 1 && id <= this.maxObjects)) {
      throw new RangeError(`No object ${id} in this control block (ids are 1..${this.maxObjects}).`);
    }
    return this.objectBase + (id - 1) * OBJECT_WORDS;
  }
}

/** Word offsets of the trace counters relative to {@link ControlBlock.traceCountersIndex}. */
export const TRACE_WRITE = 0;
export const TRACE_READ = T_TRACE_READ - T_TRACE_WRITE;
export const TRACE_DROPPED = T_TRACE_DROPPED - T_TRACE_WRITE;

function computeLayout(maxThreads: number, maxObjects: number, traceCapacity: number) {
  const threadBase = HEADER_WORDS;
  const objectBase = threadBase + maxThreads * THREAD_WORDS;
  const namesByte = (objectBase + maxObjects * OBJECT_WORDS) * 4;
  const namesEnd = namesByte + maxThreads * NAME_UNITS * 2;
  const traceByte = Math.ceil(namesEnd / 8) * 8;
  const totalBytes = traceByte + maxThreads * traceCapacity * TRACE_FIELDS * 8;
  return { threadBase, objectBase, namesByte, traceByte, totalBytes };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`ControlBlock.create: ${name} must be a positive integer, got ${value}.`);
  }
  return value;
}
