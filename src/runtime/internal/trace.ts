/**
 * The trace: every primitive operation appends `[timeMs, threadId, op, objectId, arg]` to its
 * thread's ring in the control block; the host drains the rings into a timeline.
 *
 * Each ring is single-producer (its thread) / single-consumer (the host). `write` and `read`
 * are free-running int32 counters (`(write - read) | 0` is the fill, the slot is
 * `counter & (capacity - 1)`). When the ring is full the record is dropped and counted, never
 * waited for: tracing must not change the program's timing more than it has to.
 *
 * Cost: when the run has tracing off ({@link ControlBlockOptions.traceCapacity} 0) or the
 * worker has no thread, {@link trace} is one branch. When on, it is a clock read, five
 * Float64 stores and one `Atomics.store`.
 */
import type { ControlBlock } from './control-block.ts';
import { TRACE_DROPPED, TRACE_FIELDS, TRACE_READ, TRACE_WRITE } from './control-block.ts';
import { TRACE_OPS, type TraceOpName } from './trace-ops.ts';

// This worker's ring, set by attachTraceRing (called from enterThread). Module state, not an
// object, so the fast path is a null check on a module variable.
let records: Float64Array | null = null;
let counters: Int32Array = new Int32Array(0);
let countersIndex = 0;
let ringOffset = 0;
let mask = 0;
let capacity = 0;
let threadId = 0;
/** Our own copy of the write counter: only this thread writes it. */
let written = 0;
/** The last read counter we saw; refreshed only when the ring looks full. */
let readSeen = 0;
/** Adds to performance.now() to get the shared wall clock (output.ts uses the same clock). */
const clockOffset = performance.timeOrigin;

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
  mask = capacity - 1;
  threadId = id;
  // A thread id is never run by two workers at once, but a ring may be attached again later.
  written = Atomics.load(counters, countersIndex + TRACE_WRITE);
  readSeen = Atomics.load(counters, countersIndex + TRACE_READ);
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
  if (((written - readSeen) | 0) >= capacity) {
    readSeen = Atomics.load(counters, countersIndex + TRACE_READ);
    if (((written - readSeen) | 0) >= capacity) {
      Atomics.add(counters, countersIndex + TRACE_DROPPED, 1);
      return;
    }
  }
  const at = ringOffset + (written & mask) * TRACE_FIELDS;
  records[at] = clockOffset + performance.now();
  records[at + 1] = threadId;
  records[at + 2] = op;
  records[at + 3] = objectId;
  records[at + 4] = arg;
  written = (written + 1) | 0;
  // Release: the host loads the counter first, so it sees the five fields stored above.
  Atomics.store(counters, countersIndex + TRACE_WRITE, written);
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
 */
export function drainTrace(control: ControlBlock): { records: TraceRecord[]; dropped: number } {
  const out: TraceRecord[] = [];
  let dropped = 0;
  if (control.traceCapacity === 0) return { records: out, dropped };
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
      out.push({
        time: ring[r],
        thread: ring[r + 1],
        op: TRACE_OPS[ring[r + 2]],
        object: ring[r + 3],
        arg: ring[r + 4],
      });
    }
    // Frees the slots for the writer only after we have copied them.
    Atomics.store(control.words, at + TRACE_READ, write);
    dropped += Atomics.exchange(control.words, at + TRACE_DROPPED, 0);
  }
  out.sort((a, b) => a.time - b.time);
  return { records: out, dropped };
}
