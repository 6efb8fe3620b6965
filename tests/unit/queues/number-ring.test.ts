// The number ring (internal/number-ring.ts) on its own, and a channel whose ring is tiny, so
// that wrap-around, overflow into the item store and the way back happen within a few items.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Channel, channelWords, FAILED, type ChannelIdentity } from '../../../src/runtime/internal/channel.ts';
import {
  GOT,
  NumberRing,
  PUT_DONE,
  RING_EMPTY,
  RING_FROZEN,
  RING_FULL,
  ringWords,
} from '../../../src/runtime/internal/number-ring.ts';

/** Words for a ring (or channel) of `count` words, at an odd word offset like a SharedState's. */
const wordsOf = (count: number) => new Int32Array(new SharedArrayBuffer((1 + count) * 4), 4);

function ring(slots: number): NumberRing {
  const words = wordsOf(ringWords(slots));
  NumberRing.init(words, 0, slots);
  return new NumberRing(words, 0);
}

const identity: ChannelIdentity = { kind: 'queue', object: 0, putOp: 0, getOp: 0, label: () => 'the queue', noun: 'item' };

function channel(ringSlots: number, maxsize = 0): Channel {
  return Channel.create(wordsOf(channelWords(ringSlots)), 0, identity, 'fifo', maxsize, ringSlots);
}

describe('NumberRing', () => {
  it('a full ring large enough to spread its slots holds every item once, in order, lap after lap', () => {
    // 64 slots: consecutive positions live in slots 8 apart (the cache-line spread), so a full
    // ring uses each slot exactly once only if that mapping is one-to-one.
    const r = ring(64);
    let next = 0;
    let expected = 0;
    for (let lap = 0; lap < 5; lap++) {
      // Start each lap at another offset, so every position meets every slot.
      for (let i = 0; i < 64; i++) expect(r.tryPut(next++, 64)).toBe(PUT_DONE);
      expect(r.tryPut(-1, 64)).toBe(RING_FULL);
      for (let i = 0; i < 64; i++) {
        expect(r.tryGet()).toBe(GOT);
        expect(r.value).toBe(expected++);
      }
      expect(r.tryGet()).toBe(RING_EMPTY);
      expect(r.tryPut(next++, 64)).toBe(PUT_DONE);
      expect(r.tryGet()).toBe(GOT);
      expect(r.value).toBe(expected++);
    }
  });

  it('keeps FIFO order over many laps, with any float64', () => {
    const r = ring(4);
    const values = [0, -0, 1.5, NaN, Infinity, -Infinity, 2 ** 53, -7, 1e-300];
    let put = 0;
    let got = 0;
    for (let lap = 0; lap < 1000; lap++) {
      // Alternate 1..4 items in flight, so slots are reused at every offset.
      const n = 1 + (lap % 4);
      for (let i = 0; i < n; i++) expect(r.tryPut(values[put++ % values.length], 4)).toBe(PUT_DONE);
      expect(r.size()).toBe(n);
      for (let i = 0; i < n; i++) {
        expect(r.tryGet()).toBe(GOT);
        expect(Object.is(r.value, values[got++ % values.length])).toBe(true);
      }
    }
    expect(r.tryGet()).toBe(RING_EMPTY);
    expect(r.puts()).toBe(put);
  });

  it('is full at its size or at a smaller limit, and empty when drained', () => {
    const r = ring(8);
    expect(r.tryGet()).toBe(RING_EMPTY);
    expect(r.published(r.head())).toBe(false);
    for (let i = 0; i < 3; i++) expect(r.tryPut(i, 3)).toBe(PUT_DONE);
    expect(r.tryPut(3, 3)).toBe(RING_FULL);
    for (let i = 3; i < 8; i++) expect(r.tryPut(i, 8)).toBe(PUT_DONE);
    expect(r.tryPut(8, 8)).toBe(RING_FULL);
    expect(r.size()).toBe(8);
    expect(r.published(r.head())).toBe(true);
    expect(r.tryGet()).toBe(GOT);
    expect(r.value).toBe(0);
    // The freed slot is the one the next lap's first put needs.
    expect(r.tryPut(8, 8)).toBe(PUT_DONE);
    const out: number[] = [];
    while (r.tryGet() === GOT) out.push(r.value);
    expect(out).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.size()).toBe(0);
  });

  it('a putter that last saw the ring full reads HEAD again, and finds the room gets made since', () => {
    // Two views of one ring, as two threads have: the putter's remembered HEAD goes stale.
    const words = wordsOf(ringWords(8));
    NumberRing.init(words, 0, 8);
    const putter = new NumberRing(words, 0);
    const getter = new NumberRing(words, 0);
    for (let lap = 0; lap < 3; lap++) {
      for (let i = 0; i < 8; i++) expect(putter.tryPut(lap * 8 + i, 8)).toBe(PUT_DONE);
      expect(putter.tryPut(-1, 8)).toBe(RING_FULL);
      for (let i = 0; i < 3; i++) {
        expect(getter.tryGet()).toBe(GOT);
        expect(getter.value).toBe(lap * 8 + i);
      }
      // Exactly the 3 freed slots, then full again.
      for (let i = 0; i < 3; i++) expect(putter.tryPut(100 + i, 8)).toBe(PUT_DONE);
      expect(putter.tryPut(-1, 8)).toBe(RING_FULL);
      const rest: number[] = [];
      while (getter.tryGet() === GOT) rest.push(getter.value);
      expect(rest).toEqual([...Array.from({ length: 5 }, (_, i) => lap * 8 + 3 + i), 100, 101, 102]);
    }
  });

  it('refuses puts while frozen, still gives what it holds, and takes puts again once thawed', () => {
    const r = ring(4);
    r.tryPut(1, 4);
    r.freeze();
    expect(r.frozen()).toBe(true);
    expect(r.tryPut(2, 4)).toBe(RING_FROZEN);
    expect(r.tryGet()).toBe(GOT);
    expect(r.value).toBe(1);
    expect(r.tryGet()).toBe(RING_FROZEN);
    r.thaw();
    expect(r.tryPut(3, 4)).toBe(PUT_DONE);
    expect(r.tryGet()).toBe(GOT);
    expect(r.value).toBe(3);
  });

  it('a ring of 0 slots is frozen for good; other sizes must be powers of two', () => {
    const words = wordsOf(ringWords(0));
    NumberRing.init(words, 0, 0);
    expect(new NumberRing(words, 0).tryPut(1, 0)).toBe(RING_FROZEN);
    expect(() => NumberRing.init(wordsOf(ringWords(6)), 0, 6)).toThrow(RangeError);
  });
});

describe('channel with a tiny ring', () => {
  it('keeps one FIFO order for numbers and objects, through overflow into the store and back', () => {
    const c = channel(4);
    const items: unknown[] = [];
    for (let i = 0; i < 200; i++) items.push(i % 7 === 3 ? { i } : i % 11 === 5 ? `s${i}` : i);
    // Bursts of different lengths: the ring fills and overflows, drains, and is used again.
    let next = 0;
    const got: unknown[] = [];
    for (const burst of [1, 3, 4, 5, 9, 2, 30, 1, 80, 65]) {
      for (let k = 0; k < burst; k++) expect(c.put(items[next++], 0)).toBe(true);
      for (let k = 0; k < Math.ceil(burst / 2); k++) got.push(c.get(0));
    }
    while (c.size() > 0) got.push(c.get(0));
    expect(got).toEqual(items);
    expect(c.get(0)).toBe(FAILED);
    expect(c.failure).toBe('empty');
  });

  it('bounds numbers and objects together by maxsize, below and above the ring size', () => {
    for (const maxsize of [3, 4, 10]) {
      const c = channel(4, maxsize);
      for (let i = 0; i < maxsize; i++) expect(c.put(i % 3 === 1 ? { i } : i, 0)).toBe(true);
      expect(c.full()).toBe(true);
      expect(c.put(99, 0)).toBe(FAILED);
      expect(c.failure).toBe('full');
      expect(c.put({ x: 1 }, 0)).toBe(FAILED);
      expect(c.size()).toBe(maxsize);
      const got: unknown[] = [];
      for (let i = 0; i < maxsize; i++) got.push(c.get(0));
      expect(got).toEqual(Array.from({ length: maxsize }, (_, i) => (i % 3 === 1 ? { i } : i)));
      expect(c.full()).toBe(false);
    }
  });

  it('counts unfinished tasks across both lanes, and an immediate shutdown drops both', () => {
    const c = channel(4);
    for (let i = 0; i < 10; i++) c.put(i % 2 ? { i } : i, 0);
    expect(c.unfinished()).toBe(10);
    c.get(0);
    expect(c.taskDone()).toBe(true);
    expect(c.unfinished()).toBe(9);
    c.shutdown(true);
    expect(c.size()).toBe(0);
    expect(c.unfinished()).toBe(0);
    expect(c.taskDone()).toBe(false);
    c.join();
    expect(c.get(0)).toBe(FAILED);
    expect(c.failure).toBe('shut');
    expect(c.put(1, 0)).toBe(FAILED);
    expect(c.failure).toBe('shut');
  });

  it('an immediate shutdown counts dropped items done only while any is unfinished (Python 3.13)', () => {
    // put; taskDone (before any get, as Python allows); shutdown(true) drops the item, which
    // was already marked done: in the ring lane and in the store lane.
    for (const item of [1, { one: 1 }]) {
      const c = channel(4);
      expect(c.put(item, 0)).toBe(true);
      expect(c.taskDone()).toBe(true);
      expect(c.shutdown(true)).toBe(1);
      expect(c.unfinished()).toBe(0);
      expect(c.taskDone()).toBe(false);
      c.join();
    }
    // Both lanes: 6 items (ring and store), 2 marked done, 1 got: the 5 dropped count 4 done.
    const c = channel(4);
    for (let i = 0; i < 6; i++) c.put(i === 4 ? { i } : i, 0);
    expect(c.taskDone()).toBe(true);
    expect(c.taskDone()).toBe(true);
    expect(c.get(0)).toBe(0);
    expect(c.shutdown(true)).toBe(5);
    expect(c.unfinished()).toBe(0);
    expect(c.taskDone()).toBe(false);
    // One got, not yet marked done: exactly one taskDone is left.
    const d = channel(4);
    for (let i = 0; i < 3; i++) d.put(i, 0);
    expect(d.get(0)).toBe(0);
    expect(d.shutdown(true)).toBe(2);
    expect(d.unfinished()).toBe(1);
    expect(d.taskDone()).toBe(true);
    expect(d.taskDone()).toBe(false);
    d.join();
  });

  it('after a plain shutdown gives what it holds, in order, then fails', () => {
    const c = channel(4);
    for (let i = 0; i < 7; i++) c.put(i === 2 ? 'two' : i, 0);
    c.shutdown(false);
    expect(c.put(8, 0)).toBe(FAILED);
    const got: unknown[] = [];
    for (let i = 0; i < 7; i++) got.push(c.get(Infinity));
    expect(got).toEqual([0, 1, 'two', 3, 4, 5, 6]);
    expect(c.get(Infinity)).toBe(FAILED);
    expect(c.failure).toBe('shut');
  });
});

/**
 * Producers and consumers on worker threads share one channel whose ring has 8 slots, so the
 * ring wraps thousands of times and overflows into the store under contention. Each producer
 * puts numbers with an object every `objectEvery` items; consumers check each producer's order
 * and mark every item seen.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.once('message', async ({ url, role, words, base, buffers, p, n, objectEvery, seen, errors, total }) => {
  const { Channel } = await import(url);
  const identity = { kind: 'queue', object: 0, putOp: 0, getOp: 0, label: () => 'q', noun: 'item' };
  const channel = Channel.attach(new Int32Array(words, 4), base, identity, 'fifo', buffers);
  if (role === 'put') {
    for (let i = 0; i < n; i++) {
      const code = p * n + i;
      channel.put(i % objectEvery === 0 ? { code } : code, Infinity);
    }
  } else {
    const seenView = new Int32Array(seen);
    const errorView = new Int32Array(errors);
    const last = new Map();
    for (;;) {
      const item = channel.get(Infinity);
      if (item === -1) break;
      const code = typeof item === 'number' ? item : item.code;
      const producer = Math.floor(code / n);
      if ((last.get(producer) ?? -1) >= code) Atomics.add(errorView, 0, 1);
      last.set(producer, code);
      Atomics.add(seenView, code, 1);
    }
  }
  parentPort.postMessage('done');
});
`;

async function stress(producers: number, consumers: number, n: number, objectEvery: number, maxsize: number): Promise<void> {
  const words = new SharedArrayBuffer((1 + channelWords(8)) * 4);
  const c = Channel.create(new Int32Array(words, 4), 0, identity, 'fifo', maxsize, 8);
  const seen = new SharedArrayBuffer(4 * producers * n);
  const errors = new SharedArrayBuffer(4);
  const url = new URL('../../../src/runtime/internal/channel.ts', import.meta.url).href;
  const start = (role: 'put' | 'get', p: number) => {
    const worker = new Worker(WORKER, { eval: true });
    worker.postMessage({ url, role, words, base: 0, buffers: c.store.buffers, p, n, objectEvery, seen, errors });
    return new Promise<void>((resolve, reject) => {
      worker.once('message', () => void worker.terminate().then(() => resolve()));
      worker.once('error', reject);
    });
  };
  const getters = Array.from({ length: consumers }, (_, k) => start('get', k));
  await Promise.all(Array.from({ length: producers }, (_, p) => start('put', p)));
  for (let k = 0; k < consumers; k++) c.put(-1, Infinity);
  await Promise.all(getters);
  expect(new Int32Array(errors)[0]).toBe(0);
  expect(new Int32Array(seen).every((count) => count === 1)).toBe(true);
  expect(c.size()).toBe(0);
}

describe('channel with a tiny ring, between worker threads', () => {
  it('delivers every item exactly once, in order per producer: 4 producers, 4 consumers, numbers only', async () => {
    await stress(4, 4, 20_000, Infinity, 0);
  });
  it('the same with objects mixed in (the ring freezes and thaws all the time)', async () => {
    await stress(3, 3, 10_000, 5, 0);
  });
  it('the same bounded (maxsize 5 < ring) and bounded past the ring (maxsize 20)', async () => {
    await stress(3, 2, 10_000, Infinity, 5);
    await stress(2, 3, 10_000, 9, 20);
  });
});
