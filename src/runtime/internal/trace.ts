/**
 * The trace: every primitive operation appends `[timeMs, threadId, op, objectId, arg]` to its
 * thread's ring in the control block; the host drains the rings into a timeline.
 *
 * Each ring is single-producer (its thread) / single-consumer (the host). `write` and `read`
 * are free-running int32 counters (`(write - read) | 0` is the fill, the slot is
 * `counter & (capacity - 1)`). When the ring is full the record is dropped and counted, never
 * waited for: tracing must not change the program's timing more than it has to. Its last
 * quarter is kept for blocks and wakes, and its last slot for the thread's end: in a busy
 * stretch the ring fills long before the next drain, and what a timeline needs most from the
 * rest of it is when each thread waited and when it ended. A block is kept only if its wake
 * will be too: it needs three free slots (its own, its wake's, the end's), a wake two, the end
 * one. So a lane never shows a thread still blocked after it woke.
 *
 * The clock. performance.now() costs about 50 ns (in Chromium it goes through Blink and is
 * coarsened to 5 µs), several times an uncontended lock acquire + release, so a record does
 * not always read it. Every record reads the clock until the thread has written at least
 * {@link DENSE_RECORDS} records in a row at a pace of DENSE_RECORDS or more per
 * {@link STAMP_INTERVAL_MS}; only then may it skip the clock, for about STAMP_INTERVAL_MS of
 * records at that pace (at most {@link MAX_UNSTAMPED}), the records in between getting times
 * extrapolated from the pace. One short gap is not a dense stretch: a wake, an acquire 2 µs
 * later and a release after 3 ms of computation all read the clock. Block, wake, thread end
 * and the first record after a drop always read it, whatever the pace.
 *
 * The trade-off: an extrapolated time assumes the thread kept its pace. When a dense stretch
 * (DENSE_RECORDS records or more, as above) turns into plain computation, the records after
 * it (at most MAX_UNSTAMPED, until the next clock read) are placed too early, at the
 * stretch's pace. The host's drain makes such staleness visible to the writer: a drain moves
 * the ring's read counter, which the writer loads before it extrapolates, so a record written
 * after a drain that happened since the last clock read always reads the clock. Such a time is
 * therefore at most one drain interval (10 ms) stale, and only after a dense stretch; in steady
 * state it is within about STAMP_INTERVAL_MS of the truth, well under a timeline pixel (the
 * other way too: the pace measured includes the clock reads, so extrapolated times may run up to
 * STAMP_INTERVAL_MS ahead of the clock). Times of one thread never go backwards.
 *
 * Cost: when the run has tracing off ({@link ControlBlockOptions.traceCapacity} 0) or the
 * worker has no thread, {@link trace} is one branch. When on, a kept record is a counter load,
 * a few compares, five Float64 stores and one `Atomics.store`, plus one clock read in
 * {@link MAX_UNSTAMPED} records at most in dense stretches; at most a ring's capacity of
 * records is kept per drain. While the ring is full, a record is two compares and a decrement,
 * touching no shared memory; the read counter is loaded again every {@link FULL_RECHECK} drops.
 */
import type { ControlBlock } from './control-block.ts';
import { RUN_STOPPED, TRACE_DROPPED, TRACE_FIELDS, TRACE_READ, TRACE_WRITE } from './control-block.ts';
import { OP_BLOCK, OP_THREAD_END, OP_WAKE, TRACE_OPS, type TraceOpName } from './trace-ops.ts';

/** In dense stretches, one clock read per this much of the thread's time (ms): 20 µs. */
export const STAMP_INTERVAL_MS = 0.02;
/** Most records in a row with extrapolated times. */
export const MAX_UNSTAMPED = 64;
/**
 * Records in a row, each read of the clock showing a pace of at least this many per
 * STAMP_INTERVAL_MS, before any record may skip the clock.
 */
export const DENSE_RECORDS = 8;
/**
 * While the ring is full, how many records are dropped without looking whether the host has
 * drained it; so up to this many more records may be lost after a drain.
 */
export const FULL_RECHECK = 64;

// This worker's ring, set by attachTraceRing (called from enterThread). Module state, not an
// object, so the fast path is a null check on a module variable.
let records: Float64Array | null = null;
let counters: Int32Array = new Int32Array(0);
let countersIndex = 0;
let ringOffset = 0;
let mask = 0;
let capacity = 0;
/** Slots only blocks, wakes and the thread's end may fill: a quarter of the ring, at least 3. */
let waitReserve = 3;
let threadId = 0;
/** Our own copy of the write counter: only this thread writes it. */
let written = 0;
/**
 * Records dropped since the last record written. A full ring stays full until the host drains
 * it, so drops come in long runs: they are counted here and added to the shared counter with
 * the next record written (at the latest the thread's end, whose slot is kept; a thread whose
 * worker is terminated loses its last count), which makes a drop cost no shared-memory write.
 */
let unpublishedDrops = 0;
/** The read counter as last loaded: the ring's fill is at most `written - readSeen`. */
let readSeen = 0;
/** While the ring is full: ordinary records to drop before loading the read counter again. */
let skipping = 0;
/** `skipping` when the records it skipped were last added to unpublishedDrops. */
let skipCounted = 0;
/** Adds to performance.now() to get the shared wall clock (output.ts uses the same clock). */
const clockOffset = performance.timeOrigin;

// The clock state (see the module comment).
/** Wall-clock time of the last clock read (ms). */
let stampTime = 0;
/** Records written since the last clock read. */
let sinceStamp = 0;
/** Records that may still be written before the next clock read. */
let budget = 0;
/** ms per record over the current dense stretch: the step of extrapolated times. */
let step = 0;
/** Clock time at which the current dense stretch began (see readClock). */
let denseStart = 0;
/** Records written since denseStart, all at a dense pace. */
let denseRecords = 0;
/** The ring's read counter at the last clock read: a different value means a drain since. */
let readAtStamp = 0;
/** The time of the last record written: times of one thread never go backwards. */
let lastTime = 0;

/**
 * Points this worker's {@link trace} at thread `id`'s ring in `control`, or turns tracing off
 * for this worker (`control` null, or a run with tracing off). Called by enterThread.
 */
export function attachTraceRing(control: ControlBlock | null, id: number): void {
  if (control === null || control.traceCapacity === 0) {
    records = null;
    return;
  }
  records = control.traceRecords;
  counters = control.words;
  countersIndex = control.traceCountersIndex(id);
  ringOffset = control.traceRingOffset(id);
  capacity = control.traceCapacity;
  waitReserve = Math.max(3, capacity >> 2);
  mask = capacity - 1;
  threadId = id;
  // A thread id is never run by two workers at once, but a ring may be attached again later.
  written = Atomics.load(counters, countersIndex + TRACE_WRITE);
  readSeen = Atomics.load(counters, countersIndex + TRACE_READ);
  skipping = 0;
  skipCounted = 0;
  unpublishedDrops = 0;
  budget = 0;
  sinceStamp = 0;
  stampTime = 0;
  denseStart = 0;
  denseRecords = 0;
  lastTime = 0;
}

/** Whether {@link trace} records anything in this worker. */
export function tracing(): boolean {
  return records !== null;
}

/**
 * Appends one record to the current thread's ring (op codes in trace-ops.ts). Never blocks;
 * when the ring is full the record is dropped and counted.
 */
export function trace(op: number, objectId: number, arg: number): void {
  if (records === null) return;
  // The ring was full when last looked at: an ordinary record is dropped without looking again
  // (the read counter shares a cache line with other threads' words). Waits and ends look.
  if (skipping > 0 && op !== OP_BLOCK && op !== OP_WAKE && op !== OP_THREAD_END) {
    skipping--;
    return;
  }
  append(op, objectId, arg);
}

function append(op: number, objectId: number, arg: number): void {
  const waitOrEnd = op === OP_BLOCK || op === OP_WAKE || op === OP_THREAD_END;
  unpublishedDrops += skipCounted - skipping; // The records skipped since the last count.
  skipCounted = skipping;
  // The end may fill the last slot, a wake the one before; a block leaves room for its wake.
  const room = op === OP_THREAD_END ? capacity : op === OP_WAKE ? capacity - 1 : op === OP_BLOCK ? capacity - 2 : capacity - waitReserve;
  if (((written - readSeen) | 0) >= room) {
    readSeen = Atomics.load(counters, countersIndex + TRACE_READ);
    if (((written - readSeen) | 0) >= room) {
      unpublishedDrops++;
      budget = 0; // Time passes unrecorded: the next record kept reads the clock.
      if (!waitOrEnd) skipping = skipCounted = FULL_RECHECK;
      return;
    }
  }
  if (unpublishedDrops > 0) {
    Atomics.add(counters, countersIndex + TRACE_DROPPED, unpublishedDrops);
    unpublishedDrops = 0;
  }
  let time: number;
  if (budget > 0 && !waitOrEnd && Atomics.load(counters, countersIndex + TRACE_READ) === readAtStamp) {
    budget--;
    sinceStamp++;
    time = stampTime + sinceStamp * step;
  } else {
    time = readClock();
  }
  if (time < lastTime) time = lastTime;
  lastTime = time;
  const at = ringOffset + (written & mask) * TRACE_FIELDS;
  records![at] = time;
  records![at + 1] = threadId;
  records![at + 2] = op;
  records![at + 3] = objectId;
  records![at + 4] = arg;
  written = (written + 1) | 0;
  // Release: the host loads the counter first, so it sees the five fields stored above.
  Atomics.store(counters, countersIndex + TRACE_WRITE, written);
}

/**
 * Reads the clock and sets how many records may follow before the next read: none unless the
 * last DENSE_RECORDS records or more were all written at a dense pace.
 */
function readClock(): number {
  const now = clockOffset + performance.now();
  const count = sinceStamp + 1; // Records since the last read, this one included.
  // The first read of a ring has no pace to go by.
  if (stampTime > 0 && (now - stampTime) * DENSE_RECORDS <= STAMP_INTERVAL_MS * count) {
    denseRecords += count;
  } else {
    denseStart = now;
    denseRecords = 0;
  }
  budget = 0;
  if (denseRecords >= DENSE_RECORDS) {
    // The pace over the whole dense stretch, not one gap: a single short gap grants nothing.
    step = (now - denseStart) / denseRecords;
    budget = step > 0 ? Math.min(MAX_UNSTAMPED, Math.floor(STAMP_INTERVAL_MS / step) - 1) : MAX_UNSTAMPED;
  }
  stampTime = now;
  sinceStamp = 0;
  readAtStamp = readSeen = Atomics.load(counters, countersIndex + TRACE_READ);
  return now;
}

/** One drained trace record. `time` is on the shared wall clock (ms). */
export interface TraceRecord {
  time: number;
  thread: number;
  op: TraceOpName;
  object: number;
  arg: number;
}

/**
 * Host side: takes every record written since the last drain from every thread's ring,
 * oldest first, and how many were dropped (ring full) since the last drain.
 *
 * The rings are read one after another while the threads go on writing, so a record written
 * during the scan (a release in a ring already read) could miss this drain while what it caused
 * (the acquire in a ring read later) made it. So the clock is read first and only records up to
 * that `cutoff` (the wall clock, unless given) are taken; newer ones stay in their ring for the
 * next drain (one thread's times never go backwards). Once the run is stopped, everything left
 * is taken.
 */
export function drainTrace(control: ControlBlock, cutoff = clockOffset + performance.now()): { records: TraceRecord[]; dropped: number } {
  const out: TraceRecord[] = [];
  let dropped = 0;
  if (control.traceCapacity === 0) return { records: out, dropped };
  const upTo = control.runState() === RUN_STOPPED ? Infinity : cutoff;
  const ring = control.traceRecords;
  const ringMask = control.traceCapacity - 1;
  for (let id = 1; id <= control.threadCount(); id++) {
    const at = control.traceCountersIndex(id);
    // Acquire: loading the write counter makes the records before it visible.
    const write = Atomics.load(control.words, at + TRACE_WRITE);
    let read = Atomics.load(control.words, at + TRACE_READ);
    const base = control.traceRingOffset(id);
    for (; read !== write; read = (read + 1) | 0) {
      const r = base + (read & ringMask) * TRACE_FIELDS;
      if (ring[r] > upTo) break;
      out.push({
        time: ring[r],
        thread: ring[r + 1],
        op: TRACE_OPS[ring[r + 2]],
        object: ring[r + 3],
        arg: ring[r + 4],
      });
    }
    // Frees the slots for the writer only after we have copied them.
    Atomics.store(control.words, at + TRACE_READ, read);
    dropped += Atomics.exchange(control.words, at + TRACE_DROPPED, 0);
  }
  out.sort((a, b) => a.time - b.time);
  return { records: out, dropped };
}
