// The 'trace' run event: trace records on their way from the runner to the page's timeline.
// The page checks every event (isTraceEvent) before it keeps it: sizes are bounded, every
// number is a number of the right sort, names are strings of bounded length. What the codes
// mean (op codes, object kinds) is checked where they are used, in the timeline's model: this
// file is part of the page's first script, and the runtime's lists of names are not.

/** Fields of one record in {@link TraceEvent.records}. */
export const TRACE_EVENT_FIELDS = 5;
/** Offsets of the fields in a record: `[timeMs, thread, op, object, arg]`. */
export const F_TIME = 0;
export const F_THREAD = 1;
export const F_OP = 2;
export const F_OBJECT = 3;
export const F_ARG = 4;
/**
 * Latest record time accepted (ms since the run started): about 11.6 days, far past any run's
 * time limit, and small enough that a drawing's axis still steps in whole ticks.
 */
export const MAX_TRACE_TIME_MS = 1e9;
/** Most records one event may carry (the runner's pacer merges and caps to this). */
export const MAX_TRACE_EVENT_RECORDS = 50_000;
/** Most threads or objects one event may describe. */
const MAX_DESCRIBED = 8192;
/** Longest thread name (the control block keeps 48 UTF-16 units). */
const MAX_NAME_LENGTH = 64;
/** Largest thread or object id accepted (ids are small, 1-based integers). */
const MAX_ID = 1 << 20;
/** Largest op code accepted (trace-ops.ts has about 30; the timeline ignores codes it does not know). */
const MAX_OP = 255;
/** Longest object kind accepted (the timeline ignores kinds it does not know). */
const MAX_KIND_LENGTH = 32;

/** A thread (or process) the first time one of its records is sent. */
export interface TraceThread {
  id: number;
  name: string;
  process: boolean;
}

/** A shared object (a primitive) of the run's object table, sent once. */
export interface TraceObject {
  id: number;
  /** An ObjectKind (control-block.ts) when it comes from the runner. */
  kind: string;
  /** Snippet line it was created at; 0 when unknown. */
  line: number;
}

/**
 * Trace records drained since the last 'trace' event, oldest first, as one Float64Array of
 * {@link TRACE_EVENT_FIELDS} numbers per record: time in ms since the run started, thread id,
 * op code (an index in TRACE_OPS), object id (for thread ops and join waits: a thread id) and
 * the op's argument (see trace-ops.ts). Threads and objects are described once, in the first
 * event that needs them. `dropped` counts records lost on the way (full rings, the pacer's
 * bound) since the last event.
 */
export interface TraceEvent {
  type: 'trace';
  records: Float64Array;
  threads: TraceThread[];
  objects: TraceObject[];
  dropped: number;
}

/**
 * Trace records kept as they came, in chunks (one per event), at most `max` of them: past that
 * the oldest are dropped. What the runner's backlog and the page's timeline both keep.
 */
export class RecordChunks {
  /** Oldest first; changed in place (the timeline's TraceData shares the array). */
  readonly chunks: Float64Array[] = [];
  count = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Appends `records`; returns how many of the oldest were dropped to stay within `max`. */
  add(records: Float64Array): number {
    this.chunks.push(records);
    this.count += records.length / TRACE_EVENT_FIELDS;
    if (this.count <= this.#max) return 0;
    const dropped = dropOldest(this.chunks, this.count - this.#max);
    this.count -= dropped;
    return dropped;
  }
}

/**
 * Drops the oldest `excess` records from `chunks` (record arrays, oldest first), in place:
 * whole chunks first, then the front of the next one. Returns how many it dropped.
 */
function dropOldest(chunks: Float64Array[], excess: number): number {
  let dropped = 0;
  while (dropped < excess && chunks.length > 0) {
    const first = chunks[0];
    const cut = Math.min(excess - dropped, first.length / TRACE_EVENT_FIELDS);
    if (cut * TRACE_EVENT_FIELDS === first.length) chunks.shift();
    else chunks[0] = first.subarray(cut * TRACE_EVENT_FIELDS);
    dropped += cut;
  }
  return dropped;
}

const isId = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_ID;
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function isThread(value: unknown): value is TraceThread {
  const thread = value as TraceThread;
  return (
    typeof value === 'object' &&
    value !== null &&
    isId(thread.id) &&
    thread.id > 0 &&
    typeof thread.name === 'string' &&
    thread.name.length <= MAX_NAME_LENGTH &&
    typeof thread.process === 'boolean'
  );
}

function isObject(value: unknown): value is TraceObject {
  const object = value as TraceObject;
  return (
    typeof value === 'object' &&
    value !== null &&
    isId(object.id) &&
    object.id > 0 &&
    typeof object.kind === 'string' &&
    object.kind.length <= MAX_KIND_LENGTH &&
    isCount(object.line)
  );
}

/**
 * True when every record has a time from 0 to MAX_TRACE_TIME_MS, a thread id ≥ 1, an op code,
 * an id ≥ 0 and a finite arg (queue depths are drawn from it).
 */
function areRecords(records: Float64Array): boolean {
  if (records.length % TRACE_EVENT_FIELDS !== 0 || records.length > MAX_TRACE_EVENT_RECORDS * TRACE_EVENT_FIELDS) return false;
  for (let at = 0; at < records.length; at += TRACE_EVENT_FIELDS) {
    const time = records[at + F_TIME];
    const thread = records[at + F_THREAD];
    const op = records[at + F_OP];
    if (!(time >= 0 && time <= MAX_TRACE_TIME_MS) || !(thread >= 1 && thread <= MAX_ID) || !Number.isInteger(thread)) return false;
    if (!(op >= 0 && op <= MAX_OP) || !Number.isInteger(op) || !isId(records[at + F_OBJECT])) return false;
    if (!Number.isFinite(records[at + F_ARG])) return false;
  }
  return true;
}

/** True when `value` is a well-formed TraceEvent (its own memory, within every bound). */
export function isTraceEvent(value: unknown): value is TraceEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  const { records, threads, objects } = event;
  return (
    event.type === 'trace' &&
    isCount(event.dropped) &&
    // Not shared memory: a worker could change it after it was checked.
    records instanceof Float64Array &&
    records.buffer instanceof ArrayBuffer &&
    Array.isArray(threads) &&
    threads.length <= MAX_DESCRIBED &&
    threads.every(isThread) &&
    Array.isArray(objects) &&
    objects.length <= MAX_DESCRIBED &&
    objects.every(isObject) &&
    areRecords(records)
  );
}
