// The runner's pacing of events to the page (src/runner/event-pacer.ts) and the page's check of
// what it receives (isRunEvent in src/runner/protocol.ts).
import { describe, expect, test } from 'vitest';
import { EventPacer, MAX_PENDING_DRAWINGS, MAX_PENDING_LINES } from '../../../src/runner/event-pacer.ts';
import { isRunEvent, type RunEvent } from '../../../src/runner/protocol.ts';
import { ControlBlock } from '../../../src/runtime/internal/control-block.ts';
import { MAX_TRACE_EVENT_RECORDS, MAX_TRACE_TIME_MS, TRACE_EVENT_FIELDS, type TraceEvent } from '../../../src/runner/trace-event.ts';
import { TracePacker } from '../../../src/runner/trace-packer.ts';

const line = (n: number): RunEvent => ({ type: 'output', thread: 'MainThread', threadId: 1, level: 'log', text: `line ${n}`, time: n });
const end: RunEvent = { type: 'end', status: 'finished', durationMs: 1 };
/** A trace event of `count` records, numbered from `first` by their arg (time = arg). */
function traceOf(first: number, count: number, more: Partial<TraceEvent> = {}): TraceEvent {
  const records = new Float64Array(count * TRACE_EVENT_FIELDS);
  for (let i = 0; i < count; i++) records.set([first + i, 1, 6, 1, first + i], i * TRACE_EVENT_FIELDS);
  return { type: 'trace', records, threads: [], objects: [], dropped: 0, ...more };
}
const argsOf = (event: TraceEvent) => Array.from({ length: event.records.length / TRACE_EVENT_FIELDS }, (_, i) => event.records[i * TRACE_EVENT_FIELDS + 4]);
const thread = { id: 1, name: 'MainThread', process: false };
const lock = { id: 1, kind: 'lock' as const, line: 3 };

/** A pacer whose first batch stays in flight until `release()`. */
const drawing = (n: number): RunEvent => ({
  type: 'show',
  thread: 'MainThread',
  threadId: 1,
  time: n,
  data: { kind: 'bars', title: `drawing ${n}`, bars: [{ label: 'a', value: n }] },
});

function heldPacer() {
  const batches: RunEvent[][] = [];
  let release!: () => void;
  const pacer = new EventPacer((events) => {
    batches.push(events);
    return batches.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  });
  return { pacer, batches, release: () => release() };
}

describe('EventPacer', () => {
  test('delivers in order, one batch in flight, end last', async () => {
    const batches: RunEvent[][] = [];
    let inFlight = 0;
    let most = 0;
    const pacer = new EventPacer(async (events) => {
      inFlight++;
      most = Math.max(most, inFlight);
      batches.push(events);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    });
    pacer.push([line(1), line(2)]);
    pacer.push([line(3)]);
    pacer.push([end]);
    await pacer.drained();
    const all = batches.flat();
    expect(all).toEqual([line(1), line(2), line(3), end]);
    expect(most).toBe(1);
  });

  test('a slow receiver gets at most MAX_PENDING_LINES lines at once; the rest are counted', async () => {
    const { pacer, batches, release } = heldPacer();
    pacer.push([line(0)]); // In flight until released.
    const total = MAX_PENDING_LINES * 3;
    pacer.push(Array.from({ length: total }, (_, i) => line(i + 1)));
    pacer.push([end]);
    release();
    await pacer.drained();
    const second = batches[1];
    const lines = second.filter((event) => event.type === 'output');
    expect(lines).toHaveLength(MAX_PENDING_LINES);
    expect(second[0]).toEqual({ type: 'dropped', lines: total - MAX_PENDING_LINES, drawings: 0 });
    expect(lines.at(-1)).toEqual(line(total)); // The newest lines are kept.
    expect(second.at(-1)).toEqual(end);
  });

  test('lines and drawings dropped by the line bound are counted apart', async () => {
    const { pacer, batches, release } = heldPacer();
    pacer.push([line(0)]); // In flight until released.
    const oldest = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? line(i + 1) : drawing(i + 1)));
    pacer.push([...oldest, ...Array.from({ length: MAX_PENDING_LINES }, (_, i) => line(100 + i))]);
    release();
    await pacer.drained();
    expect(batches[1][0]).toEqual({ type: 'dropped', lines: 15, drawings: 15 });
  });

  test('waiting drawings are bounded apart: the oldest go, every line and the order stay', async () => {
    const { pacer, batches, release } = heldPacer();
    pacer.push([line(0)]); // In flight until released.
    const sent: RunEvent[] = [];
    for (let i = 1; i <= 100; i++) sent.push(line(i), drawing(i));
    pacer.push(sent.slice(0, 80));
    pacer.push(sent.slice(80));
    release();
    await pacer.drained();
    const second = batches[1];
    const drawings = second.filter((event) => event.type === 'show');
    expect(drawings).toEqual(Array.from({ length: MAX_PENDING_DRAWINGS }, (_, i) => drawing(100 - MAX_PENDING_DRAWINGS + 1 + i)));
    expect(second.filter((event) => event.type === 'output')).toHaveLength(100);
    expect(second[0]).toEqual({ type: 'dropped', lines: 0, drawings: 100 - MAX_PENDING_DRAWINGS });
    // Order kept: each kept drawing follows its line.
    const at = second.indexOf(drawings[0]);
    expect(second[at - 1]).toEqual(line(100 - MAX_PENDING_DRAWINGS + 1));
  });
});

describe('EventPacer and trace events', () => {
  test('trace events that wait are merged into one, with every description and drop count', async () => {
    const { pacer, batches, release } = heldPacer();
    pacer.push([line(0)]);
    pacer.push([traceOf(0, 3, { threads: [thread], dropped: 2 })]);
    pacer.push([line(1), traceOf(3, 2, { objects: [lock], dropped: 1 })]);
    pacer.push([end]);
    release();
    await pacer.drained();
    const second = batches[1];
    const traces = second.filter((event) => event.type === 'trace');
    expect(traces).toHaveLength(1);
    expect(argsOf(traces[0])).toEqual([0, 1, 2, 3, 4]);
    expect(traces[0]).toMatchObject({ threads: [thread], objects: [lock], dropped: 3 });
    expect(second).toContainEqual(line(1));
    expect(second.at(-1)).toEqual(end);
    expect(isRunEvent(traces[0])).toBe(true);
  });

  test('waiting trace records are bounded: the oldest are dropped and counted, descriptions kept', async () => {
    const { pacer, batches, release } = heldPacer();
    pacer.push([line(0)]);
    const chunk = MAX_TRACE_EVENT_RECORDS / 2;
    pacer.push([traceOf(0, chunk, { threads: [thread] })]);
    pacer.push([traceOf(chunk, chunk)]);
    pacer.push([traceOf(2 * chunk, 10, { objects: [lock] })]);
    release();
    await pacer.drained();
    const trace = batches[1].find((event) => event.type === 'trace')!;
    const args = argsOf(trace);
    expect(args).toHaveLength(MAX_TRACE_EVENT_RECORDS);
    expect(args[0]).toBe(10); // The 10 oldest went.
    expect(args.at(-1)).toBe(2 * chunk + 9);
    expect(trace).toMatchObject({ threads: [thread], objects: [lock], dropped: 10 });
    expect(isRunEvent(trace)).toBe(true);
  });

  test('a trace alone is delivered, and nothing is sent twice', async () => {
    const batches: RunEvent[][] = [];
    const pacer = new EventPacer(async (events) => void batches.push(events));
    pacer.push([traceOf(0, 2)]);
    await pacer.drained();
    pacer.push([end]);
    await pacer.drained();
    expect(batches.flat().map((event) => event.type)).toEqual(['trace', 'end']);
  });
});

describe('isRunEvent', () => {
  test('accepts well-formed events', () => {
    expect(isRunEvent(line(1))).toBe(true);
    expect(isRunEvent({ type: 'dropped', lines: 3, drawings: 0 })).toBe(true);
    expect(isRunEvent({ ...end, message: 'm', line: 2, column: 3 })).toBe(true);
  });

  test.each([
    null,
    'end',
    [],
    { type: 'html', html: '<b>' },
    { ...line(1), level: 'shout' },
    { ...line(1), text: 42 },
    { ...line(1), time: Number.NaN },
    { type: 'dropped', lines: Infinity, drawings: 0 },
    { type: 'dropped', lines: 1.5, drawings: 0 },
    { type: 'dropped', lines: 1, drawings: -1 },
    { type: 'dropped', lines: 1 },
    { type: 'end', status: 'exploded', durationMs: 1 },
    { ...end, durationMs: '1' },
    { ...end, message: { toString: (): string => 'x' } },
    { ...end, line: '3' },
  ])('rejects %j', (value) => {
    expect(isRunEvent(value)).toBe(false);
  });

  test('accepts a well-formed trace event', () => {
    expect(isRunEvent(traceOf(0, 3, { threads: [thread], objects: [lock], dropped: 4 }))).toBe(true);
    expect(isRunEvent({ ...traceOf(0, 1), records: new Float64Array([MAX_TRACE_TIME_MS, 1, 22, 1, -1.5]) })).toBe(true);
  });

  test('the packer sends only what the page accepts: a shared Value holding NaN or Infinity, a late time', () => {
    const control = ControlBlock.create({});
    control.allocateThread('MainThread');
    const source = { control, startedAt: 1000, isProcess: () => false };
    const records = [Number.NaN, Infinity, -Infinity, -2.5].map((arg, i) => ({ time: 1000 + i, thread: 1, op: 'write' as const, object: 0, arg }));
    records.push({ time: 1e17, thread: 1, op: 'write', object: 0, arg: 1 });
    const event = new TracePacker().pack(records, 0, source);
    expect(isRunEvent(event)).toBe(true);
    expect(argsOf(event)).toEqual([0, 0, 0, -2.5, 1]);
    expect(event.records[4 * TRACE_EVENT_FIELDS]).toBe(MAX_TRACE_TIME_MS);
  });

  const withRecord = (record: number[]) => ({ ...traceOf(0, 1), records: new Float64Array(record) });
  test.each([
    ['records of the wrong length', { ...traceOf(0, 1), records: new Float64Array(4) }],
    ['records as a plain array', { ...traceOf(0, 1), records: [0, 1, 6, 1, 0] }],
    ['records in shared memory', { ...traceOf(0, 1), records: new Float64Array(new SharedArrayBuffer(40)) }],
    ['too many records', traceOf(0, MAX_TRACE_EVENT_RECORDS + 1)],
    ['a negative time', withRecord([-1, 1, 6, 1, 0])],
    ['a NaN time', withRecord([Number.NaN, 1, 6, 1, 0])],
    ['a huge time (the axis could not step through it)', withRecord([1e16, 1, 6, 1, 0])],
    ['a time just past the bound', withRecord([MAX_TRACE_TIME_MS + 1, 1, 6, 1, 0])],
    ['a NaN arg', withRecord([0, 1, 14, 1, Number.NaN])],
    ['an infinite arg', withRecord([0, 1, 14, 1, Infinity])],
    ['a negative infinite arg', withRecord([0, 1, 14, 1, -Infinity])],
    ['thread 0', withRecord([0, 0, 6, 1, 0])],
    ['a fractional thread id', withRecord([0, 1.5, 6, 1, 0])],
    ['an unknown op', withRecord([0, 1, 999, 1, 0])],
    ['a negative object id', withRecord([0, 1, 6, -1, 0])],
    ['a negative drop count', traceOf(0, 1, { dropped: -1 })],
    ['a thread name that is not text', traceOf(0, 1, { threads: [{ id: 1, name: 7 as unknown as string, process: false }] })],
    ['a very long thread name', traceOf(0, 1, { threads: [{ id: 1, name: 'x'.repeat(500), process: false }] })],
    ['an object kind that is not short text', traceOf(0, 1, { objects: [{ id: 1, kind: 'x'.repeat(100), line: 1 }] })],
    ['a fractional line', traceOf(0, 1, { objects: [{ id: 1, kind: 'lock', line: 1.5 }] })],
  ])('rejects a trace event with %s', (_, value) => {
    expect(isRunEvent(value)).toBe(false);
  });
});
