/**
 * Console output of one thread: a bounded single-producer/single-consumer byte ring in a
 * `SharedArrayBuffer`. The thread's worker writes records; the host drains them.
 *
 * Why a ring and not one `postMessage` per line: a `for (;;) console.log(i)` flood must stay
 * bounded. When the ring is full the writer waits (on the read position, in slices of
 * {@link FULL_WAIT_SLICE_MS}) until the host has drained it, so memory never grows with the flood.
 * That wait does not go through `blockOn`: it is not a synchronization wait, so the deadlock
 * watchdog never sees it as one.
 *
 * Layout: an `Int32Array` header, then `capacity` data bytes (a power of two). `WRITE` and
 * `READ` are free-running byte counters (they wrap as int32; `(WRITE - READ) | 0` is the fill).
 * A record is a 24-byte header — payload length (uint32), sequence number (int32), time
 * (float64, ms on the shared wall clock), kind (uint8: a console level, or a drawing), 7 padding
 * bytes — then the UTF-8 payload, padded to 8 bytes. A drawing (`show.*`) is a record like a
 * line, so it keeps its place among the lines of every thread; its payload is the drawing's JSON
 * (show-data.ts), which is never cut: it must fit the ring whole.
 *
 * Order between threads: each line takes a number from one counter shared by the whole run
 * (`Atomics.add`), so a line written after another (in any thread, as far as the program can
 * tell) has a larger number. Clocks cannot do this: each worker's `performance.timeOrigin` is
 * its own, and they disagree by up to about a millisecond, far more than the time between two
 * lines.
 */
import { formatArgs, formatTable } from './format.ts';
import { toSnippetStack } from './snippet-stack.ts';

/** Header word: bytes written so far (free-running). Only the writer stores it. */
const WRITE = 0;
/** Header word: bytes read so far (free-running). Only the host stores it. */
const READ = 1;
const HEADER_WORDS = 2;
const HEADER_BYTES = HEADER_WORDS * Int32Array.BYTES_PER_ELEMENT;
const RECORD_HEADER_BYTES = 24;
const RECORD_ALIGN = 8;
/** How long a writer sleeps at a time while the ring is full before re-checking. */
const FULL_WAIT_SLICE_MS = 50;
/** Default ring size per thread: large enough for bursts, small enough for 128 threads. */
export const DEFAULT_RING_BYTES = 64 * 1024;

/** Which console level produced a line (the runtime's own reports use `error`). */
export const STREAMS = ['log', 'info', 'warn', 'error', 'debug'] as const;
export type OutputStream = (typeof STREAMS)[number];
/** The record kind of a drawing: its text is the drawing's JSON (see show-data.ts). */
export const DRAWING = 'show';
/** What a record holds: a console line of one level, or a drawing. */
export type RecordKind = OutputStream | typeof DRAWING;
/** Record kinds by their byte in the record header. */
const RECORD_KINDS: readonly RecordKind[] = [...STREAMS, DRAWING];

/** One drained record. `time` is on the shared wall clock (`performance.timeOrigin + now()`). */
export interface OutputRecord {
  stream: RecordKind;
  /** The line, or for a drawing its JSON. */
  text: string;
  time: number;
  /** The run-wide sequence number: sort by it to interleave threads' lines. */
  sequence: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TRUNCATED = ' …[line truncated]';

/** The shared wall clock: comparable between workers (each has its own `timeOrigin`). */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Allocates a ring for one thread. `bytes` is rounded up to a power of two (at least 1 KiB).
 */
export function createOutputRing(bytes: number = DEFAULT_RING_BYTES): SharedArrayBuffer {
  let capacity = 1024;
  while (capacity < bytes) capacity *= 2;
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

function capacityOf(buffer: SharedArrayBuffer): number {
  return buffer.byteLength - HEADER_BYTES;
}

/**
 * The writing end, used by the thread's own worker. Not thread-safe across workers: exactly one
 * thread writes a given ring (a worker runs one thread at a time).
 */
export class OutputWriter {
  readonly #header: Int32Array;
  readonly #data: Uint8Array;
  readonly #mask: number;
  readonly #sequence: Int32Array;

  /** `sequence` is the run's shared line counter (one Int32 word). */
  constructor(buffer: SharedArrayBuffer, sequence: Int32Array) {
    this.#sequence = sequence;
    this.#header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.#data = new Uint8Array(buffer, HEADER_BYTES);
    this.#mask = capacityOf(buffer) - 1;
  }

  /**
   * Appends one line. Blocks (really, with `Atomics.wait`) while the ring is full; a line longer
   * than the ring is cut and marked as truncated. A drawing is never cut (its JSON would break):
   * one longer than the ring throws a RangeError.
   */
  write(stream: RecordKind, text: string): void {
    const capacity = this.#mask + 1;
    const maxPayload = capacity - RECORD_HEADER_BYTES;
    let payload = encoder.encode(text);
    if (payload.length > maxPayload && stream === DRAWING) {
      throw new RangeError(`A drawing of ${payload.length} bytes does not fit this thread's ${capacity}-byte output ring.`);
    }
    if (payload.length > maxPayload) {
      const marker = encoder.encode(TRUNCATED);
      const cut = payload.subarray(0, maxPayload - marker.length);
      payload = new Uint8Array(cut.length + marker.length);
      payload.set(cut);
      payload.set(marker, cut.length);
    }
    const size = align(RECORD_HEADER_BYTES + payload.length);
    const record = new Uint8Array(size);
    const view = new DataView(record.buffer);
    view.setUint32(0, payload.length, true);
    view.setUint8(16, RECORD_KINDS.indexOf(stream));
    record.set(payload, RECORD_HEADER_BYTES);

    const write = Atomics.load(this.#header, WRITE);
    for (;;) {
      const read = Atomics.load(this.#header, READ);
      if (capacity - ((write - read) | 0) >= size) break;
      // Full: sleep until the host moves READ (it notifies after every drain).
      Atomics.wait(this.#header, READ, read, FULL_WAIT_SLICE_MS);
    }
    // The line's number (and time) are taken only now, after any wait for room, right before it
    // is published: numbered earlier, it would sit behind later-numbered lines of other threads
    // for the whole wait, and the host, which emits lines in number order, would hold them back.
    view.setInt32(4, Atomics.add(this.#sequence, 0, 1), true);
    view.setFloat64(8, wallClock(), true);
    copyIn(this.#data, write & this.#mask, record);
    // Publishing WRITE with a seq-cst store orders the record bytes before it for the reader.
    Atomics.store(this.#header, WRITE, (write + size) | 0);
  }
}

/**
 * Host side: takes every complete record currently in the ring, frees the space and wakes a
 * writer waiting for room. Never blocks.
 */
export function drainOutputRing(buffer: SharedArrayBuffer): OutputRecord[] {
  const header = new Int32Array(buffer, 0, HEADER_WORDS);
  const data = new Uint8Array(buffer, HEADER_BYTES);
  const mask = capacityOf(buffer) - 1;
  // Reading WRITE with a seq-cst load makes every record byte before it visible.
  const write = Atomics.load(header, WRITE);
  let read = Atomics.load(header, READ);
  if (write === read) return [];
  const records: OutputRecord[] = [];
  const head = new Uint8Array(RECORD_HEADER_BYTES);
  const view = new DataView(head.buffer);
  while (read !== write) {
    copyOut(data, read & mask, head);
    const length = view.getUint32(0, true);
    const sequence = view.getInt32(4, true);
    const time = view.getFloat64(8, true);
    const stream = RECORD_KINDS[view.getUint8(16)] ?? 'log';
    const payload = new Uint8Array(length);
    copyOut(data, (read + RECORD_HEADER_BYTES) & mask, payload);
    records.push({ stream, text: decoder.decode(payload), time, sequence });
    read = (read + align(RECORD_HEADER_BYTES + length)) | 0;
  }
  Atomics.store(header, READ, read);
  Atomics.notify(header, READ);
  return records;
}

function align(bytes: number): number {
  return (bytes + RECORD_ALIGN - 1) & ~(RECORD_ALIGN - 1);
}

/** Copies `bytes` into the ring at `offset`, wrapping at the end. */
function copyIn(ring: Uint8Array, offset: number, bytes: Uint8Array): void {
  const first = Math.min(bytes.length, ring.length - offset);
  ring.set(bytes.subarray(0, first), offset);
  if (first < bytes.length) ring.set(bytes.subarray(first), 0);
}

/** Fills `into` from the ring at `offset`, wrapping at the end. */
function copyOut(ring: Uint8Array, offset: number, into: Uint8Array): void {
  const first = Math.min(into.length, ring.length - offset);
  into.set(ring.subarray(offset, offset + first));
  if (first < into.length) into.set(ring.subarray(0, into.length - first), first);
}

// ── Console capture (worker side) ─────────────────────────────────────────────────────────

let writer: OutputWriter | null = null;
let groupIndent = '';
const counts = new Map<string, number>();
const timers = new Map<string, number>();

/**
 * Sends this worker's console to `ring` (the current thread's; `sequence` is the run's line
 * counter), or with null back to the worker's own console. Called by the bootstrap around each
 * job; resets groups, counts and timers.
 */
export function setOutputRing(ring: SharedArrayBuffer | null, sequence?: Int32Array): void {
  writer = ring && sequence ? new OutputWriter(ring, sequence) : null;
  groupIndent = '';
  counts.clear();
  timers.clear();
}

/**
 * Writes one line to the current thread's ring (the runtime's own reports use this), or to the
 * worker's own stderr outside a job.
 */
export function writeOutput(stream: OutputStream, text: string): void {
  if (writer) writer.write(stream, text);
  else fallbackError(text);
}

let fallbackError: (text: string) => void = (text) => console.error(text);
let fallbackLog: (text: string) => void = (text) => console.log(text);

/**
 * Writes a drawing (`show.*`: its JSON, at most MAX_SHOW_BYTES) to the current thread's ring, in
 * order with its lines; outside a job, the JSON goes to the worker's own console.
 */
export function writeDrawing(json: string): void {
  if (writer) writer.write(DRAWING, json);
  else fallbackLog(json);
}

/**
 * Replaces `console`'s methods (once per worker) with ones that write formatted lines into the
 * current thread's ring. Outside a job they fall through to the original console.
 */
export function captureConsole(target: Console = console): void {
  const original = {
    log: target.log.bind(target),
    info: target.info.bind(target),
    debug: target.debug.bind(target),
    warn: target.warn.bind(target),
    error: target.error.bind(target),
  };
  fallbackError = original.error;
  fallbackLog = original.log;
  const emit = (stream: OutputStream, text: string, fallback: (...args: unknown[]) => void) => {
    if (!writer) return fallback(text);
    const indented = groupIndent ? text.replace(/^/gm, groupIndent) : text;
    writer.write(stream, indented);
  };
  const method = (stream: OutputStream, fallback: (...args: unknown[]) => void) =>
    (...args: unknown[]) => emit(stream, formatArgs(args), fallback);
  Object.assign(target, {
    log: method('log', original.log),
    info: method('info', original.info),
    debug: method('debug', original.debug),
    warn: method('warn', original.warn),
    error: method('error', original.error),
    dir: (value: unknown) => emit('log', formatArgs([value]), original.log),
    table: (data: unknown, columns?: string[]) => emit('log', formatTable(data, columns), original.log),
    trace: (...args: unknown[]) => {
      const stack = toSnippetStack(new Error()).split('\n').slice(1).join('\n');
      emit('log', `Trace${args.length ? `: ${formatArgs(args)}` : ''}\n${stack}`, original.log);
    },
    assert: (condition: unknown, ...args: unknown[]) => {
      if (!condition) emit('error', `Assertion failed${args.length ? `: ${formatArgs(args)}` : ''}`, original.error);
    },
    count: (label = 'default') => {
      const count = (counts.get(label) ?? 0) + 1;
      counts.set(label, count);
      emit('log', `${label}: ${count}`, original.log);
    },
    countReset: (label = 'default') => void counts.delete(label),
    time: (label = 'default') => void timers.set(label, performance.now()),
    timeLog: (label = 'default', ...args: unknown[]) => emitTime(label, args, false),
    timeEnd: (label = 'default') => emitTime(label, [], true),
    group: (...args: unknown[]) => {
      if (args.length) emit('log', formatArgs(args), original.log);
      groupIndent += '  ';
    },
    groupCollapsed: (...args: unknown[]) => target.group(...args),
    groupEnd: () => void (groupIndent = groupIndent.slice(2)),
  });

  function emitTime(label: string, args: unknown[], end: boolean): void {
    const started = timers.get(label);
    if (started === undefined) {
      emit('warn', `Timer '${label}' does not exist`, original.warn);
      return;
    }
    if (end) timers.delete(label);
    const elapsed = `${label}: ${(performance.now() - started).toFixed(3)}ms`;
    emit('log', args.length ? `${elapsed} ${formatArgs(args)}` : elapsed, original.log);
  }
}
