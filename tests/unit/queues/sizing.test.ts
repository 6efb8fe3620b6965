// How much shared memory a queue's number ring takes (queue.ts sizes it to what the queue can
// hold), and Python's rule for the tasks an immediate shutdown drops. Queues made here, outside
// any run, are plain unregistered objects: nothing here blocks.
import { describe, expect, it } from 'vitest';
import { Full, ShutDown, UsageError } from '../../../src/runtime/errors.ts';
import { channelWords } from '../../../src/runtime/internal/channel.ts';
import { SHARE } from '../../../src/runtime/internal/share.ts';
import { LifoQueue, objectQueue, PriorityQueue, Queue, SimpleQueue } from '../../../src/runtime/queue.ts';

/** Bytes of a queue's shared state (its words, not its item store). */
const bytesOf = (queue: object): number =>
  ((queue as { [SHARE](): { buffer: SharedArrayBuffer } })[SHARE]().buffer as SharedArrayBuffer).byteLength;

/** Bytes of the state of a channel whose ring has `slots` slots (one header word more). */
const stateBytes = (slots: number): number => (1 + channelWords(slots)) * 4;

describe('ring size', () => {
  it('an unbounded FIFO queue gets the full ring (2^18 slots, 4 MiB)', () => {
    expect(bytesOf(new Queue())).toBe(stateBytes(1 << 18));
    expect(bytesOf(new SimpleQueue())).toBe(stateBytes(1 << 18));
  });

  it('a bounded queue gets the power of two that holds maxsize (at least 16, at most 2^18)', () => {
    const cases: [maxsize: number, slots: number][] = [
      [1, 16],
      [10, 16],
      [16, 16],
      [17, 32],
      [1000, 1024],
      [1 << 18, 1 << 18],
      [300_000, 1 << 18],
    ];
    for (const [maxsize, slots] of cases) expect([maxsize, bytesOf(new Queue(maxsize))]).toEqual([maxsize, stateBytes(slots)]);
    expect(bytesOf(new Queue(-5))).toBe(stateBytes(1 << 18));
  });

  it('LIFO, priority and object-only queues have no ring', () => {
    expect(bytesOf(new LifoQueue())).toBe(stateBytes(0));
    expect(bytesOf(new PriorityQueue())).toBe(stateBytes(0));
    expect(bytesOf(objectQueue())).toBe(stateBytes(0));
  });

  it('a bounded queue with a ring larger than maxsize holds exactly maxsize, lap after lap', () => {
    for (const maxsize of [1, 3, 16, 17]) {
      const q = new Queue<number | string>(maxsize);
      let next = 0;
      let expected = 0;
      for (let lap = 0; lap < 40; lap++) {
        while (!q.full()) q.putNowait(lap % 7 === 3 && next % 5 === 0 ? `s${next++}` : next++);
        expect(q.qsize()).toBe(maxsize);
        expect(() => q.putNowait(-1)).toThrow(Full);
        // Take some, so the ring's positions move on by odd amounts.
        for (let k = 0; k < Math.ceil(maxsize / 2); k++) {
          const item = q.getNowait();
          expect(typeof item === 'number' ? item : Number(item.slice(1))).toBe(expected++);
        }
      }
    }
  });

  it('an object-only queue still carries numbers and objects in one FIFO order', () => {
    const q = objectQueue<unknown>();
    const items = [1, { a: 1 }, 'two', 3.5, [4], -0];
    for (const item of items) q.put(item);
    expect(q.qsize()).toBe(items.length);
    const got = items.map(() => q.getNowait());
    expect(got).toEqual(items);
    expect(Object.is(got[5], -0)).toBe(true);
    q.shutdown();
    expect(() => q.getNowait()).toThrow(ShutDown);
  });
});

describe('shutdown(immediate) and unfinished tasks', () => {
  it('put, taskDone, shutdown(true): nothing is unfinished, taskDone refuses, join returns', () => {
    for (const q of [new Queue<unknown>(), new Queue<unknown>(4), objectQueue<unknown>()]) {
      q.put(1);
      q.taskDone();
      q.shutdown(true);
      expect(q.qsize()).toBe(0);
      // Before the fix the dropped item counted done twice: 2^31 - 1 tasks left.
      expect(() => q.taskDone()).toThrow(UsageError);
      q.join();
    }
  });
});
