/**
 * From a run's trace records to what the timeline draws: one lane per thread (spans of states
 * over time, marks), lock hand-offs, queue depths and contention totals. Pure and one pass over
 * the records, so 100,000 records cost a few milliseconds.
 *
 * Records may be missing (full rings, bounded buffers): a lane then starts at its first record,
 * and an acquire without the block before it counts as an acquire without a wait. Codes the
 * page's first check let through without knowing them (trace-event.ts) are checked here: an
 * op code this model does not know is skipped, an object of an unknown kind is left out. So
 * that no event can make the drawing huge, at most MAX_LANES threads get a lane and at most
 * MAX_QUEUE_ROWS queues a depth row; the rest are counted and left out.
 */
import { OBJECT_KINDS, WAIT_KINDS, type ObjectKind, type WaitKind } from '../../runtime/internal/control-block.ts';
import {
  OP_ACQUIRE,
  OP_BLOCK,
  OP_EXIT,
  OP_GET,
  OP_PUT,
  OP_RELEASE,
  OP_THREAD_END,
  OP_THREAD_START,
  OP_WAIT_LINE,
  OP_WAKE,
} from '../../runtime/internal/trace-ops.ts';
import { F_ARG, F_OBJECT, F_OP, F_THREAD, F_TIME, MAX_TRACE_TIME_MS, TRACE_EVENT_FIELDS, type TraceObject, type TraceThread } from '../../runner/trace-event.ts';

/** Most threads drawn, each a lane (a run has at most 128 threads unless it asks for more). */
export const MAX_LANES = 128;
/**
 * How much earlier than the wait's block record a release may be and still have ended that wait:
 * a thread that found the lock taken writes its block a few µs later, and the holder may let go
 * in between (the wait then ends at once). An older release is stale (see #acquired).
 */
export const HANDOFF_SLACK_MS = 0.1;
/** Most queues drawn, each a depth row. */
export const MAX_QUEUE_ROWS = 16;

/** What the page has kept of a run's trace (timeline-panel.ts buffers it). */
export interface TraceData {
  /** Records in arrival order, TRACE_EVENT_FIELDS numbers each (see trace-event.ts). */
  chunks: Float64Array[];
  threads: Map<number, TraceThread>;
  objects: Map<number, TraceObject>;
  /** Records lost on the way (rings full, bounded buffers). */
  dropped: number;
  /** When the run ended (ms since its start), or null while it runs. */
  endMs: number | null;
}

/** What a lane shows at a moment. Every state but 'running' and 'finished' is a kind of wait. */
export const LANE_STATES = ['running', 'lock', 'condition', 'queue', 'event', 'barrier', 'sleep', 'wait'] as const;
export type LaneState = (typeof LANE_STATES)[number];

/** How the timeline groups what a thread waits on. */
const STATE_OF_WAIT: Record<WaitKind, LaneState> = {
  lock: 'lock',
  rlock: 'lock',
  semaphore: 'lock',
  'bounded-semaphore': 'lock',
  condition: 'condition',
  queue: 'queue',
  'lifo-queue': 'queue',
  'priority-queue': 'queue',
  'simple-queue': 'queue',
  pipe: 'queue',
  event: 'event',
  barrier: 'barrier',
  sleep: 'sleep',
  join: 'wait',
  value: 'wait',
  'shared-array': 'wait',
  executor: 'wait',
  'manager-dict': 'wait',
  'manager-list': 'wait',
};

/** A stretch of one state; `object` is what a wait is on (an object id, a thread id for join). */
export interface Span {
  state: LaneState;
  kind: WaitKind | null;
  object: number;
  /** The snippet line of a wait that lasted long enough for it to be looked up (10 ms), else 0. */
  line: number;
  from: number;
  to: number;
}

export type MarkType = 'acquire' | 'release' | 'put' | 'get';

/** One operation worth a mark. */
export interface Mark {
  type: MarkType;
  time: number;
  object: number;
  /** Queue depth after a put/get; the op's argument otherwise. */
  arg: number;
  /** For an acquire: how long the thread waited for it (ms), 0 if it did not. */
  waited: number;
  /** For an acquire handed off by another thread: that thread's id, else 0. */
  handedBy: number;
}

export interface Lane {
  id: number;
  name: string;
  process: boolean;
  from: number;
  /** When the thread ended, or the end of the data if it had not. */
  to: number;
  finished: boolean;
  spans: Span[];
  marks: Mark[];
  /** ms spent in each state. */
  time: Record<LaneState, number>;
}

/** A lock passing from the thread that released it to a thread that waited for it. */
export interface HandOff {
  object: number;
  from: number;
  to: number;
  released: number;
  acquired: number;
}

/** A queue's depth over time: [time, depth] after each put and get. */
export interface QueueTrack {
  object: number;
  points: number[];
  max: number;
}

/** How contended a lock was. */
export interface LockStats {
  object: number;
  acquires: number;
  waits: number;
  waitedMs: number;
  handOffs: number;
}

/** An object of a kind the runtime has (trace-event.ts only checks that a kind is short text). */
export interface ModelObject extends TraceObject {
  kind: ObjectKind;
}

export interface TimelineModel {
  lanes: Lane[];
  handOffs: HandOff[];
  queues: QueueTrack[];
  /** Locks with at least one wait, most waited-for first. */
  contended: LockStats[];
  start: number;
  end: number;
  records: number;
  dropped: number;
  /** Threads and queues beyond MAX_LANES and MAX_QUEUE_ROWS, left out of the drawing. */
  hiddenThreads: number;
  hiddenQueues: number;
  running: boolean;
  objects: Map<number, ModelObject>;
}

const KNOWN_KINDS = new Set<string>(OBJECT_KINDS);
const LOCK_KINDS = new Set(['lock', 'rlock']);
const QUEUE_KINDS = new Set(['queue', 'lifo-queue', 'priority-queue', 'simple-queue']);

/** Per thread while the records are read: the open span, the wait an acquire may end. */
interface Cursor {
  lane: Lane;
  span: Span | null;
  /** When the thread started waiting for `waitObject` (NaN: not waiting since its last acquire). */
  waitSince: number;
  waitObject: number;
}

/** The whole model at once (tests, small traces). The view feeds a ModelBuilder in slices. */
export function buildModel(data: TraceData): TimelineModel {
  const builder = new ModelBuilder(data);
  for (const chunk of data.chunks) builder.add(chunk, 0, chunk.length / TRACE_EVENT_FIELDS);
  return builder.finish();
}

/**
 * Builds a model record by record, so a caller can spread a large trace over several tasks:
 * `add` any slices of the chunks, in order, then `finish` once.
 */
export class ModelBuilder {
  readonly #data: TraceData;
  /** By thread id (small integers); a thread beyond MAX_LANES has null. */
  readonly #cursors: (Cursor | null)[] = [];
  /** The cursors that have a lane, in the order they appeared. */
  readonly #laneCursors: Cursor[] = [];
  #hiddenThreads = 0;
  #hiddenQueues = 0;
  readonly #lastRelease = new Map<number, { thread: number; time: number }>();
  readonly #locks = new Map<number, LockStats>();
  readonly #queues = new Map<number, QueueTrack>();
  readonly #handOffs: HandOff[] = [];
  readonly #objects = new Map<number, ModelObject>();
  /** Object ids by what the model does with them, looked up once per record. */
  readonly #lockIds = new Set<number>();
  readonly #queueIds = new Set<number>();
  #start = Infinity;
  #last = 0;
  #records = 0;

  constructor(data: TraceData) {
    this.#data = data;
    for (const object of data.objects.values()) {
      if (!KNOWN_KINDS.has(object.kind)) continue;
      this.#objects.set(object.id, object as ModelObject);
      if (LOCK_KINDS.has(object.kind)) this.#lockIds.add(object.id);
      if (QUEUE_KINDS.has(object.kind)) this.#queueIds.add(object.id);
    }
  }

  /** Reads records `from` up to (not including) `to` of `chunk`. */
  add(chunk: Float64Array, from: number, to: number): void {
    for (let at = from * TRACE_EVENT_FIELDS; at < to * TRACE_EVENT_FIELDS; at += TRACE_EVENT_FIELDS) {
      this.#read(chunk[at + F_TIME], chunk[at + F_THREAD], chunk[at + F_OP], chunk[at + F_OBJECT], chunk[at + F_ARG]);
    }
  }

  finish(): TimelineModel {
    const data = this.#data;
    const end = Math.max(this.#last, Math.min(data.endMs ?? 0, MAX_TRACE_TIME_MS));
    const cursors = [...this.#laneCursors].sort((a, b) => a.lane.id - b.lane.id);
    for (const cursor of cursors) {
      if (cursor.lane.finished) continue;
      // Still running when the data ends; a run that has ended stopped it then.
      this.#close(cursor, end);
      cursor.lane.to = end;
    }
    return {
      lanes: cursors.map((cursor) => cursor.lane),
      handOffs: this.#handOffs,
      queues: [...this.#queues.values()],
      contended: [...this.#locks.values()].filter((stats) => stats.waits > 0).sort((a, b) => b.waitedMs - a.waitedMs),
      start: this.#records > 0 ? this.#start : 0,
      end,
      records: this.#records,
      dropped: data.dropped,
      hiddenThreads: this.#hiddenThreads,
      hiddenQueues: this.#hiddenQueues,
      running: data.endMs === null,
      objects: this.#objects,
    };
  }

  #read(time: number, thread: number, op: number, object: number, arg: number): void {
    this.#records++;
    const cursor = this.#cursors[thread] === undefined ? this.#newCursor(thread, time) : this.#cursors[thread];
    if (cursor === null) return; // A thread beyond MAX_LANES.
    if (time < this.#start) this.#start = time;
    if (time > this.#last) this.#last = time;
    const lane = cursor.lane;
    if (lane.finished) return; // Nothing after a thread's end (a record reordered by a clock).
    lane.to = time;
    if (cursor.span === null) this.#open(cursor, 'running', null, 0, time);
    switch (op) {
      case OP_THREAD_START:
        lane.from = Math.min(lane.from, time);
        break;
      case OP_BLOCK: {
        const kind = WAIT_KINDS[arg] ?? null;
        this.#open(cursor, kind ? STATE_OF_WAIT[kind] : 'wait', kind, object, time);
        if (Number.isNaN(cursor.waitSince) || cursor.waitObject !== object) {
          cursor.waitSince = time;
          cursor.waitObject = object;
        }
        break;
      }
      case OP_WAKE:
        this.#open(cursor, 'running', null, 0, time);
        // A wait that timed out ended without the object: a later acquire did not wait for it.
        if (arg === 1) cursor.waitSince = NaN;
        break;
      case OP_WAIT_LINE: {
        const span = cursor.span!;
        if (span.state !== 'running' && span.object === object && Number.isInteger(arg) && arg > 0) span.line = arg;
        break;
      }
      case OP_ACQUIRE: {
        const waiting = cursor.waitObject === object && !Number.isNaN(cursor.waitSince);
        const waitSince = cursor.waitSince;
        cursor.waitSince = NaN;
        const waited = waiting ? time - waitSince : 0;
        const handedBy = this.#lockIds.has(object) ? this.#acquired(object, thread, time, waited, waitSince) : 0;
        lane.marks.push({ type: 'acquire', time, object, arg, waited, handedBy });
        break;
      }
      case OP_RELEASE:
        // An RLock is released for real only when its depth gets back to 0.
        if (arg === 0 && this.#lockIds.has(object)) this.#lastRelease.set(object, { thread, time });
        lane.marks.push({ type: 'release', time, object, arg, waited: 0, handedBy: 0 });
        break;
      case OP_PUT:
      case OP_GET: {
        lane.marks.push({ type: op === OP_PUT ? 'put' : 'get', time, object, arg, waited: 0, handedBy: 0 });
        if (this.#queueIds.has(object)) {
          let track = this.#queues.get(object);
          if (!track) {
            if (this.#queues.size >= MAX_QUEUE_ROWS) {
              this.#queueIds.delete(object);
              this.#hiddenQueues++;
              break;
            }
            this.#queues.set(object, (track = { object, points: [], max: 0 }));
          }
          const depth = Math.max(0, arg); // trace-event.ts lets only finite numbers through.
          track.points.push(time, depth);
          if (depth > track.max) track.max = depth;
        }
        break;
      }
      case OP_THREAD_END:
      case OP_EXIT:
        this.#close(cursor, time);
        lane.finished = true;
        break;
    }
  }

  /**
   * A lock was acquired after `waited` ms of a wait that began at `waitSince`; returns the
   * thread that handed it over, or 0. A release from before the wait began (more than
   * HANDOFF_SLACK_MS before) did not end it: someone took the lock since, whose records (and the
   * release that did end the wait) are missing. No hand-off then.
   */
  #acquired(object: number, thread: number, time: number, waited: number, waitSince: number): number {
    let stats = this.#locks.get(object);
    if (!stats) this.#locks.set(object, (stats = { object, acquires: 0, waits: 0, waitedMs: 0, handOffs: 0 }));
    stats.acquires++;
    const released = this.#lastRelease.get(object);
    this.#lastRelease.delete(object);
    if (waited <= 0) return 0;
    stats.waits++;
    stats.waitedMs += waited;
    if (!released || released.thread === thread || !(released.time >= waitSince - HANDOFF_SLACK_MS)) return 0;
    stats.handOffs++;
    this.#handOffs.push({ object, from: released.thread, to: thread, released: released.time, acquired: time });
    return released.thread;
  }

  #newCursor(thread: number, time: number): Cursor | null {
    if (this.#laneCursors.length >= MAX_LANES) {
      this.#hiddenThreads++;
      this.#cursors[thread] = null;
      return null;
    }
    const described = this.#data.threads.get(thread);
    const lane: Lane = {
      id: thread,
      name: described?.name ?? `Thread #${thread}`,
      process: described?.process ?? false,
      from: time,
      to: time,
      finished: false,
      spans: [],
      marks: [],
      time: Object.fromEntries(LANE_STATES.map((state) => [state, 0])) as Record<LaneState, number>,
    };
    const cursor: Cursor = { lane, span: null, waitSince: NaN, waitObject: 0 };
    this.#cursors[thread] = cursor;
    this.#laneCursors.push(cursor);
    return cursor;
  }

  #open(cursor: Cursor, state: LaneState, kind: WaitKind | null, object: number, time: number): void {
    this.#close(cursor, time);
    cursor.span = { state, kind, object, line: 0, from: time, to: time };
  }

  #close(cursor: Cursor, time: number): void {
    const span = cursor.span;
    if (!span) return;
    span.to = Math.max(span.from, time);
    cursor.lane.spans.push(span);
    cursor.lane.time[span.state] += span.to - span.from;
    cursor.span = null;
  }
}
