// The timeline's model (src/playground/timeline/timeline-model.ts) and its words
// (timeline-text.ts): from a real run's trace, and from hand-made records for the edge cases.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { axisTicks, MAX_AXIS_TICKS } from '../../../src/playground/timeline/timeline-geometry.ts';
import { buildModel, HANDOFF_SLACK_MS, MAX_LANES, MAX_QUEUE_ROWS, type TraceData } from '../../../src/playground/timeline/timeline-model.ts';
import { describeDepths, describeMarks, describeSpan, describeWaits, summarize } from '../../../src/playground/timeline/timeline-text.ts';
import { WAIT_KINDS } from '../../../src/runtime/internal/control-block.ts';
import * as op from '../../../src/runtime/internal/trace-ops.ts';
import { isTraceEvent, MAX_TRACE_TIME_MS, type TraceEvent, type TraceObject } from '../../../src/runner/trace-event.ts';
import { TracePacker } from '../../../src/runner/trace-packer.ts';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(3);

function dataOf(events: TraceEvent[], endMs: number | null): TraceData {
  const data: TraceData = { chunks: [], threads: new Map(), objects: new Map(), dropped: 0, endMs };
  for (const event of events) {
    data.chunks.push(event.records);
    for (const thread of event.threads) data.threads.set(thread.id, thread);
    for (const object of event.objects) data.objects.set(object.id, object);
    data.dropped += event.dropped;
  }
  return data;
}

describe('the timeline of a real run', () => {
  test('two threads taking turns with a lock: three lanes, waits on the lock, hand-offs between them', async () => {
    const source = readFileSync(new URL('../../../src/content/docs/synchronization/examples/lock-hand-off.ts', import.meta.url), 'utf8');
    const lockLine = source.split('\n').findIndex((line) => line.startsWith('const lock = new Lock()')) + 1;
    const packer = new TracePacker();
    const events: TraceEvent[] = [];
    const { end, lines } = await run(pool, source, {
      onTrace: (records, dropped, from) => events.push(packer.pack(records, dropped, from)),
    });
    expect(lines).toEqual(['the lock was taken 10 times']);
    for (const event of events) expect(isTraceEvent(structuredClone(event))).toBe(true);

    const model = buildModel(dataOf(events, end.durationMs));
    expect(model.dropped).toBe(0);
    expect(model.lanes.map((lane) => lane.name)).toEqual(['MainThread', 'alice', 'bob']);
    expect(model.lanes.every((lane) => lane.finished)).toBe(true);
    const [main, alice, bob] = model.lanes;
    // The main thread joins alice, then bob (who may have finished by then: no wait).
    const joined = main.spans.filter((span) => span.kind === 'join').map((span) => span.object);
    expect(joined[0]).toBe(alice.id);
    expect(joined.every((id) => id === alice.id || id === bob.id)).toBe(true);
    for (const lane of [alice, bob]) {
      expect(lane.marks.filter((mark) => mark.type === 'acquire')).toHaveLength(5);
      expect(lane.marks.filter((mark) => mark.type === 'release')).toHaveLength(5);
      expect(lane.time.running).toBeGreaterThan(0);
    }
    // Each holds the lock for 3 ms and is away for 1 ms: the other one must have waited.
    expect(alice.time.lock + bob.time.lock).toBeGreaterThan(0);
    expect(model.handOffs.length).toBeGreaterThan(0);
    for (const lane of [alice, bob]) {
      // Each hold is 3 ms of computation: a release stamped right after its acquire is wrong.
      const acquires = lane.marks.filter((mark) => mark.type === 'acquire');
      const releases = lane.marks.filter((mark) => mark.type === 'release');
      acquires.forEach((acquire, i) => expect(releases[i].time - acquire.time).toBeGreaterThanOrEqual(2.5));
    }
    for (const handOff of model.handOffs) {
      expect(handOff.from).not.toBe(handOff.to);
      expect(handOff.acquired).toBeGreaterThanOrEqual(handOff.released);
      // The giver held the lock for 3 ms before it let go; it let go once the taker waited (the
      // block record may be a few µs late: the holder can let go as the other thread blocks).
      const giver = model.lanes.find((lane) => lane.id === handOff.from)!;
      const held = giver.marks.filter((mark) => mark.type === 'acquire' && mark.time <= handOff.released).at(-1)!;
      expect(handOff.released - held.time).toBeGreaterThanOrEqual(2.5);
      const taker = model.lanes.find((lane) => lane.id === handOff.to)!;
      const wait = taker.spans.filter((span) => span.state === 'lock' && span.from <= handOff.acquired).at(-1)!;
      expect(handOff.released).toBeGreaterThanOrEqual(wait.from - HANDOFF_SLACK_MS);
    }
    const [lock] = model.contended;
    expect(model.objects.get(lock.object)).toMatchObject({ kind: 'lock', line: lockLine });
    expect(lock.handOffs).toBe(model.handOffs.length);

    const summary = summarize(model);
    expect(summary[0]).toMatch(/^MainThread: running [\d.]+ m?s, blocked [\d.]+ m?s \(join and other waits [\d.]+ m?s\)\.$/);
    expect(summary[1]).toMatch(/^alice: running /);
    expect(summary).toContainEqual(expect.stringMatching(new RegExp(`^Most contended lock: Lock #\\d+ \\(created at line ${lockLine}\\), waited for \\d+ of 10 times`)));
    const handed = [alice, bob].flatMap((lane) => lane.marks.filter((mark) => mark.handedBy).map((mark) => ({ lane, mark })));
    expect(handed.length).toBe(model.handOffs.length);
    const { lane, mark } = handed[0];
    const giver = model.lanes.find((other) => other.id === mark.handedBy)!.name;
    expect(describeMarks(model, lane, [mark])).toMatch(
      new RegExp(`^${lane.name}, at [\\d.]+ m?s: Lock #\\d+ \\(created at line ${lockLine}\\): acquired \\(after waiting [\\d.]+ m?s; handed over by ${giver}\\)$`),
    );
  });
});

describe('the timeline of a real run', () => {
  test('a wait long enough to look up its line says where it is', async () => {
    const source = ['import { Event, sleep } from "interleave";', 'const event = new Event();', 'sleep(25);', 'event.wait(15);', 'console.log("done");'].join('\n');
    const packer = new TracePacker();
    const events: TraceEvent[] = [];
    const { lines, end } = await run(pool, source, { onTrace: (records, dropped, from) => events.push(packer.pack(records, dropped, from)) });
    expect(lines).toEqual(['done']);
    const m = buildModel(dataOf(events, end.durationMs));
    const waits = m.lanes[0].spans.filter((span) => span.state !== 'running');
    expect(waits.map((span) => [span.state, span.line])).toEqual([
      ['sleep', 3],
      ['event', 4],
    ]);
    expect(describeSpan(m, m.lanes[0], waits[1])).toMatch(/^MainThread, .*: waiting on Event #\d+ \(created at line 2\) at line 4 for [\d.]+ ms$/);
  });
});

// Hand-made records: [time, thread, op, object, arg] rows.
const LOCK = 1;
const RLOCK = 2;
const QUEUE = 3;
const objects: TraceObject[] = [
  { id: LOCK, kind: 'lock', line: 3 },
  { id: RLOCK, kind: 'rlock', line: 4 },
  { id: QUEUE, kind: 'queue', line: 5 },
];
const waitKind = (kind: (typeof WAIT_KINDS)[number]) => WAIT_KINDS.indexOf(kind);

function model(rows: number[][], more: Partial<TraceData> = {}) {
  return buildModel({
    chunks: [new Float64Array(rows.flat())],
    threads: new Map([
      [1, { id: 1, name: 'MainThread', process: false }],
      [2, { id: 2, name: 'worker', process: true }],
    ]),
    objects: new Map(objects.map((object) => [object.id, object])),
    dropped: 0,
    endMs: 100,
    ...more,
  });
}

describe('the timeline model', () => {
  test('states follow block and wake; a thread is finished at its end and has nothing after it', () => {
    const m = model([
      [0, 1, op.OP_THREAD_START, 1, 0],
      [10, 1, op.OP_BLOCK, LOCK, waitKind('lock')],
      [15, 1, op.OP_WAKE, LOCK, 0],
      [15, 1, op.OP_ACQUIRE, LOCK, 0],
      [20, 1, op.OP_BLOCK, 0, waitKind('sleep')],
      [20, 1, op.OP_WAIT_LINE, 0, 9], // After 10 ms of it, blockOn looked up where the wait is.
      [30, 1, op.OP_WAKE, 0, 1],
      [40, 1, op.OP_THREAD_END, 1, 0],
      [45, 1, op.OP_RELEASE, LOCK, 0],
    ]);
    const [lane] = m.lanes;
    expect(lane.spans.map((span) => [span.state, span.from, span.to, span.line])).toEqual([
      ['running', 0, 10, 0],
      ['lock', 10, 15, 0],
      ['running', 15, 20, 0],
      ['sleep', 20, 30, 9],
      ['running', 30, 40, 0],
    ]);
    expect(lane).toMatchObject({ finished: true, from: 0, to: 40 });
    expect(lane.time).toMatchObject({ running: 25, lock: 5, sleep: 10 });
    expect(lane.marks.map((mark) => [mark.type, mark.waited])).toEqual([['acquire', 5]]);
    expect(describeSpan(m, lane, lane.spans[1])).toBe('MainThread, 10.0 ms to 15.0 ms: blocked on Lock #1 (created at line 3) for 5.00 ms');
    expect(describeSpan(m, lane, lane.spans[3])).toBe('MainThread, 20.0 ms to 30.0 ms: sleeping at line 9 for 10.0 ms');
  });

  test('a hand-off needs a real release and a thread that waited; an RLock is released at depth 0', () => {
    const m = model([
      [0, 1, op.OP_ACQUIRE, RLOCK, 1],
      [1, 1, op.OP_ACQUIRE, RLOCK, 2],
      [2, 2, op.OP_BLOCK, RLOCK, waitKind('rlock')],
      [3, 1, op.OP_RELEASE, RLOCK, 1], // Still held.
      [4, 1, op.OP_RELEASE, RLOCK, 0],
      [5, 2, op.OP_WAKE, RLOCK, 0],
      [5, 2, op.OP_ACQUIRE, RLOCK, 1],
      [6, 2, op.OP_RELEASE, RLOCK, 0],
      [7, 1, op.OP_ACQUIRE, RLOCK, 1], // Free, no wait: not a hand-off.
      [8, 1, op.OP_ACQUIRE, LOCK, 0], // Its block record was lost: no wait known.
    ]);
    expect(m.handOffs).toEqual([{ object: RLOCK, from: 1, to: 2, released: 4, acquired: 5 }]);
    expect(m.contended).toEqual([{ object: RLOCK, acquires: 4, waits: 1, waitedMs: 3, handOffs: 1 }]);
    expect(m.lanes[1].marks[0]).toMatchObject({ type: 'acquire', waited: 3, handedBy: 1 });
    expect(m.lanes[0].marks.at(-1)).toMatchObject({ type: 'acquire', object: LOCK, waited: 0, handedBy: 0 });
  });

  test('a release from before the wait began hands nothing over (the true one is missing or late)', () => {
    const m = model([
      [1, 1, op.OP_ACQUIRE, LOCK, 0],
      [2, 1, op.OP_RELEASE, LOCK, 0],
      [5, 2, op.OP_BLOCK, LOCK, waitKind('lock')], // Held by a thread whose records are not here (yet).
      [8, 2, op.OP_WAKE, LOCK, 0],
      [8, 2, op.OP_ACQUIRE, LOCK, 0],
    ]);
    expect(m.handOffs).toEqual([]);
    expect(m.lanes[1].marks[0]).toMatchObject({ type: 'acquire', waited: 3, handedBy: 0 });
    expect(m.contended).toEqual([{ object: LOCK, acquires: 2, waits: 1, waitedMs: 3, handOffs: 0 }]);
  });

  test('a wait that timed out is over: a later acquire of the same lock did not wait', () => {
    const m = model([
      [0, 1, op.OP_ACQUIRE, LOCK, 0],
      [1, 2, op.OP_BLOCK, LOCK, waitKind('lock')],
      [3, 2, op.OP_WAKE, LOCK, 1], // acquire({ timeout: 2 }) gave up.
      [10, 1, op.OP_RELEASE, LOCK, 0],
      [20, 2, op.OP_ACQUIRE, LOCK, 0], // Free by then.
    ]);
    expect(m.handOffs).toEqual([]);
    expect(m.lanes[1].marks[0]).toMatchObject({ type: 'acquire', waited: 0, handedBy: 0 });
    expect(m.contended).toEqual([]);
    expect(m.lanes[1].time.lock).toBe(2);
  });

  test('queue puts and gets are marked and give the depth over time', () => {
    const m = model([
      [1, 1, op.OP_PUT, QUEUE, 1],
      [2, 1, op.OP_PUT, QUEUE, 2],
      [3, 2, op.OP_BLOCK, QUEUE, waitKind('queue')],
      [3.5, 1, op.OP_PUT, QUEUE, 3],
      [4, 2, op.OP_WAKE, QUEUE, 0],
      [4, 2, op.OP_GET, QUEUE, 2],
    ]);
    expect(m.queues).toEqual([{ object: QUEUE, points: [1, 1, 2, 2, 3.5, 3, 4, 2], max: 3 }]);
    expect(m.lanes[1].spans.map((span) => span.state)).toContain('queue');
    expect(describeMarks(m, m.lanes[0], m.lanes[0].marks)).toBe('MainThread, 1.00 ms to 3.50 ms: Queue #3 (created at line 5): put 3× (depth 3 after)');
    // What the keyboard's stops on the depth row and on a wait say.
    expect(describeDepths(m, m.queues[0], 0, 4)).toBe('Queue #3 (created at line 5), 1.00 ms to 4.00 ms: depth 1 to 3, 2 after (4 changes)');
    expect(describeDepths(m, m.queues[0], 1, 2)).toBe('Queue #3 (created at line 5), at 2.00 ms: depth 2');
    const waits = m.lanes[1].spans.filter((span) => span.state !== 'running');
    expect(describeWaits(m, m.lanes[1], waits)).toBe('worker, 3.00 ms to 4.00 ms: waiting on Queue #3 (created at line 5) for 1.00 ms');
    expect(describeWaits(m, m.lanes[1], [waits[0], { ...waits[0], from: 4, to: 6 }, { state: 'sleep', kind: 'sleep', object: 0, line: 0, from: 5, to: 5.5 }])).toBe(
      'worker, 3.00 ms to 6.00 ms: waiting on Queue #3 (created at line 5) 2× (3.00 ms in all, longest 2.00 ms); sleeping for 0.50 ms',
    );
  });

  test('codes the page does not know are left out: unknown ops, wait kinds and object kinds', () => {
    const strange = { id: 9, kind: 'virus', line: 1 };
    const m = buildModel({
      chunks: [new Float64Array([1, 1, 200, 9, 0, 2, 1, op.OP_BLOCK, 9, 77, 3, 1, op.OP_WAKE, 9, 0, 4, 1, op.OP_ACQUIRE, 9, 0])],
      threads: new Map(),
      objects: new Map([[9, strange]]),
      dropped: 0,
      endMs: 5,
    });
    expect(m.objects.size).toBe(0);
    const [lane] = m.lanes;
    expect(lane.name).toBe('Thread #1');
    expect(lane.spans.map((span) => [span.state, span.kind])).toEqual([
      ['running', null],
      ['wait', null],
      ['running', null],
    ]);
    expect(m.contended).toEqual([]); // Not known to be a lock.
    expect(describeSpan(m, lane, lane.spans[1])).toBe('Thread #1, 2.00 ms to 3.00 ms: waiting on object #9 for 1.00 ms');
  });

  test('no event can make the drawing huge: lanes and queue rows are capped, times and depths bounded', () => {
    const rows: number[][] = [];
    for (let thread = 1; thread <= 2000; thread++) rows.push([thread, thread * 500, op.OP_SET, 0, 0]);
    const queues: TraceObject[] = [];
    for (let id = 10; id < 10 + MAX_QUEUE_ROWS + 5; id++) {
      queues.push({ id, kind: 'queue', line: 1 });
      rows.push([3000, 500, op.OP_PUT, id, -5]); // A negative depth is drawn as 0.
    }
    const m = buildModel({
      chunks: [new Float64Array(rows.flat())],
      threads: new Map(),
      objects: new Map(queues.map((object) => [object.id, object])),
      dropped: 0,
      endMs: 1e16,
    });
    expect(m.lanes).toHaveLength(MAX_LANES);
    expect(m.lanes.map((lane) => lane.id)).toEqual(Array.from({ length: MAX_LANES }, (_, i) => (i + 1) * 500));
    expect(m.hiddenThreads).toBe(2000 - MAX_LANES);
    expect(m.queues).toHaveLength(MAX_QUEUE_ROWS);
    expect(m.hiddenQueues).toBe(5);
    expect(m.queues[0]).toEqual({ object: 10, points: [3000, 0], max: 0 });
    expect(m.end).toBe(MAX_TRACE_TIME_MS);
  });

  test('the axis has a bounded number of ticks, whatever the times', () => {
    expect(axisTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(axisTicks(1e16, 1e16).length).toBeLessThanOrEqual(MAX_AXIS_TICKS);
    expect(axisTicks(0, MAX_TRACE_TIME_MS).length).toBeLessThanOrEqual(MAX_AXIS_TICKS);
  });

  test('a run still going: lanes reach the newest record; the summary says so, and what was dropped', () => {
    const m = model(
      [
        [5, 2, op.OP_WAKE, LOCK, 0], // Older records were dropped: the lane starts here.
        [6, 2, op.OP_ACQUIRE, LOCK, 0],
        [9, 1, op.OP_SET, 0, 0],
      ],
      { endMs: null, dropped: 1234 },
    );
    expect(m.running).toBe(true);
    expect(m.lanes.map((lane) => [lane.from, lane.to, lane.finished])).toEqual([
      [9, 9, false],
      [5, 9, false],
    ]);
    const summary = summarize(m);
    expect(summary[1]).toBe('worker (process): running 4.00 ms, blocked 0.00 ms, still running.');
    expect(summary).toContain('No thread had to wait for a lock.');
    expect(summary.at(-1)).toMatch(/^1,234 trace events were dropped/);
  });

  test('after the run, a lane without its end did not finish (a daemon, a stopped run), drops or not', () => {
    const m = model([[5, 2, op.OP_SET, 0, 0]], { endMs: 10, dropped: 7 });
    expect(summarize(m)[0]).toBe('worker (process): running 5.00 ms, blocked 0.00 ms, did not finish.');
  });
});
