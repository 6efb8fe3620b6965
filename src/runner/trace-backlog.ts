import { MAX_TRACE_EVENT_RECORDS, RecordChunks, TRACE_EVENT_FIELDS, type TraceEvent, type TraceObject, type TraceThread } from './trace-event.ts';

/**
 * The trace events waiting for the page while it is busy, merged into one. It keeps at most
 * MAX_TRACE_EVENT_RECORDS records: past that the oldest are dropped and counted (the timeline
 * says so). Thread and object descriptions are never dropped: later records need them.
 */
export class TraceBacklog {
  #records = new RecordChunks(MAX_TRACE_EVENT_RECORDS);
  #threads: TraceThread[] = [];
  #objects: TraceObject[] = [];
  #dropped = 0;

  get empty(): boolean {
    return this.#records.count === 0 && this.#threads.length === 0 && this.#objects.length === 0 && this.#dropped === 0;
  }

  add(event: TraceEvent): void {
    this.#threads.push(...event.threads);
    this.#objects.push(...event.objects);
    this.#dropped += event.dropped + this.#records.add(event.records);
  }

  /** Everything waiting, as one event (its records copied into memory of their own); null if nothing waits. */
  take(): TraceEvent | null {
    if (this.empty) return null;
    const records = new Float64Array(this.#records.count * TRACE_EVENT_FIELDS);
    let at = 0;
    for (const chunk of this.#records.chunks) {
      records.set(chunk, at);
      at += chunk.length;
    }
    const event: TraceEvent = { type: 'trace', records, threads: this.#threads, objects: this.#objects, dropped: this.#dropped };
    this.#records = new RecordChunks(MAX_TRACE_EVENT_RECORDS);
    this.#threads = [];
    this.#objects = [];
    this.#dropped = 0;
    return event;
  }
}
