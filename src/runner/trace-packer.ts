import type { ControlBlock } from '../runtime/internal/control-block.ts';
import type { TraceRecord } from '../runtime/internal/trace.ts';
import { TRACE_OPS, type TraceOpName } from '../runtime/internal/trace-ops.ts';
import { F_ARG, F_OBJECT, F_OP, F_THREAD, F_TIME, MAX_TRACE_TIME_MS, TRACE_EVENT_FIELDS, type TraceEvent, type TraceObject, type TraceThread } from './trace-event.ts';

/** What names a run's trace records: the host passes it with every drained batch. */
export interface TraceSource {
  control: ControlBlock;
  /** Wall-clock time the run started (ms): event times count from it, as output times do. */
  startedAt: number;
  /** Whether thread `id` is a Process. */
  isProcess(id: number): boolean;
}

const opCodes = new Map<TraceOpName, number>(TRACE_OPS.map((name, code) => [name, code]));

/**
 * Turns one run's drained trace records into 'trace' events. Each thread and object is
 * described once, in the first event after it appears.
 */
export class TracePacker {
  readonly #threads = new Set<number>();
  #objects = 0;

  pack(records: TraceRecord[], dropped: number, source: TraceSource): TraceEvent {
    const packed = new Float64Array(records.length * TRACE_EVENT_FIELDS);
    const threads: TraceThread[] = [];
    records.forEach((record, i) => {
      const at = i * TRACE_EVENT_FIELDS;
      packed[at + F_TIME] = Math.min(MAX_TRACE_TIME_MS, Math.max(0, record.time - source.startedAt));
      packed[at + F_THREAD] = record.thread;
      packed[at + F_OP] = opCodes.get(record.op)!;
      packed[at + F_OBJECT] = record.object;
      // The page takes only finite args (trace-event.ts); a shared Value may hold NaN or ±Infinity.
      packed[at + F_ARG] = Number.isFinite(record.arg) ? record.arg : 0;
      if (!this.#threads.has(record.thread)) {
        this.#threads.add(record.thread);
        threads.push({ id: record.thread, name: source.control.threadName(record.thread), process: source.isProcess(record.thread) });
      }
    });
    const objects: TraceObject[] = [];
    const count = source.control.objectCount();
    for (let id = this.#objects + 1; id <= count; id++) {
      const kind = source.control.objectKind(id);
      if (kind === null) break; // Registered but its kind not stored yet: the next batch has it.
      objects.push({ id, kind, line: source.control.objectLine(id) });
      this.#objects = id;
    }
    return { type: 'trace', records: packed, threads, objects, dropped };
  }
}
