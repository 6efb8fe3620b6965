// The runner's pacing of events to the page (src/runner/event-pacer.ts) and the page's check of
// what it receives (isRunEvent in src/runner/protocol.ts).
import { describe, expect, test } from 'vitest';
import { EventPacer, MAX_PENDING_LINES } from '../../../src/runner/event-pacer.ts';
import { isRunEvent, type RunEvent } from '../../../src/runner/protocol.ts';

const line = (n: number): RunEvent => ({ type: 'output', thread: 'MainThread', threadId: 1, level: 'log', text: `line ${n}`, time: n });
const end: RunEvent = { type: 'end', status: 'finished', durationMs: 1 };

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
    const batches: RunEvent[][] = [];
    let release!: () => void;
    const pacer = new EventPacer((events) => {
      batches.push(events);
      return batches.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    });
    pacer.push([line(0)]); // In flight until released.
    const total = MAX_PENDING_LINES * 3;
    pacer.push(Array.from({ length: total }, (_, i) => line(i + 1)));
    pacer.push([end]);
    release();
    await pacer.drained();
    const second = batches[1];
    const lines = second.filter((event) => event.type === 'output');
    expect(lines).toHaveLength(MAX_PENDING_LINES);
    expect(second[0]).toEqual({ type: 'dropped', count: total - MAX_PENDING_LINES });
    expect(lines.at(-1)).toEqual(line(total)); // The newest lines are kept.
    expect(second.at(-1)).toEqual(end);
  });
});

describe('isRunEvent', () => {
  test('accepts well-formed events', () => {
    expect(isRunEvent(line(1))).toBe(true);
    expect(isRunEvent({ type: 'dropped', count: 3 })).toBe(true);
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
    { type: 'dropped', count: Infinity },
    { type: 'end', status: 'exploded', durationMs: 1 },
    { ...end, durationMs: '1' },
    { ...end, message: { toString: (): string => 'x' } },
    { ...end, line: '3' },
  ])('rejects %j', (value) => {
    expect(isRunEvent(value)).toBe(false);
  });
});
