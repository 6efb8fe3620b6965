import { dropOldest, MAX_TRACE_EVENT_RECORDS, TRACE_EVENT_FIELDS, type TraceEvent, type TraceObject, type TraceThread } from './trace-event.ts';

/**
 * The trace events waiting for the page while it is busy, merged into one. It keeps at most
 * MAX_TRACE_EVENT_RECORDS records: past that the oldest are dropped and counted (the timeline
 * says so). Thread and object descriptions are never dropped: later records need them.
 */
export class TraceBacklog {
  #chunks: Float64Array[] = [];
  #records = 0;
  #threads: TraceThread[] = [];
  #objects: TraceObject[] = [];
  #dropped = 0;

  get empty(): boolean {
    return this.#records === 0 && this.#threads.length === 0 && this.#objects.length === 0 && this.#dropped === 0;
  }

  add(event: TraceEvent): void {
    this.#chunks.push(event.records);
    this.#records += event.records.length / TRACE_EVENT_FIELDS;
    this.#threads.push(...event.threads);
    this.#objects.push(...event.objects);
    this.#dropped += event.dropped;
    if (this.#records > MAX_TRACE_EVENT_RECORDS) {
      const dropped = dropOldest(this.#chunks, this.#records - MAX_TRACE_EVENT_RECORDS);
      this.#records -= dropped;
      this.#dropped += dropped;
    }
  }

  /** Everything waiting, as one event (its records copied into memory of their own); null if nothing waits. */
  take(): TraceEvent | null {
    if (this.empty) return null;
    const records = new Float64Array(this.#records * TRACE_EVENT_FIELDS);
    let at = 0;
    for (const chunk of this.#chunks) {
      records.set(chunk, at);
      at += chunk.length;
    }
    const event: TraceEvent = { type: 'trace', records, threads: this.#threads, objects: this.#objects, dropped: this.#dropped };
    this.#chunks = [];
    this.#records = 0;
    this.#threads = [];
    this.#objects = [];
    this.#dropped = 0;
    return event;
  }
}
