// Queues and pipes in real Chromium: items cross Web Workers through shared memory (including
// the growable buffer an oversized item needs), with the same semantics as in Node.
import { describe, expect, it } from 'vitest';
import { snippetRunner } from './run-snippet.ts';

const run = snippetRunner();

describe('queues and pipes in Chromium', () => {
  it('deliver every item exactly once from two producers to two consumers, in order per producer', async () => {
    const { end, lines } = await run(`import { Queue, Thread } from 'interleave';
function produce(queue: Queue, producer: number, count: number) {
  for (let i = 0; i < count; i++) queue.put({ producer, i, label: 'item-' + i });
}
function consume(queue: Queue, results: Queue) {
  const last: Record<number, number> = { 0: -1, 1: -1 };
  let received = 0;
  for (;;) {
    const item = queue.get();
    if (item === null) break;
    if (item.i <= last[item.producer]) throw new Error('out of order: ' + JSON.stringify(item));
    last[item.producer] = item.i;
    received++;
  }
  results.put(received);
}
const queue = new Queue(64);
const results = new Queue();
const count = 5000;
const producers = [0, 1].map((p) => new Thread({ target: produce, args: [queue, p, count] }));
const consumers = [0, 1].map(() => new Thread({ target: consume, args: [queue, results] }));
for (const t of [...producers, ...consumers]) t.start();
for (const t of producers) t.join();
queue.put(null);
queue.put(null);
for (const t of consumers) t.join();
console.log('received', results.get() + results.get());
`);
    expect(end.status, end.message).toBe('finished');
    expect(lines).toEqual(['received 10000']);
  });

  it('streams numbers (the lock-free lane) mixed with objects, exactly once and in order per producer', async () => {
    const { end, lines } = await run(`import { Queue, Thread } from 'interleave';
function produce(queue: Queue, producer: number, count: number) {
  for (let i = 0; i < count; i++) queue.put(i % 101 === 0 ? { code: producer * count + i } : producer * count + i);
}
function consume(queue: Queue, seen: Int32Array, errors: Int32Array, count: number) {
  const last = [-1, -1];
  for (;;) {
    const item = queue.get();
    if (item === -1) return;
    const code = typeof item === 'number' ? item : item.code;
    const producer = Math.floor(code / count);
    if (code <= last[producer]) Atomics.add(errors, 0, 1);
    last[producer] = code;
    Atomics.add(seen, code, 1);
  }
}
const count = 20000;
const queue = new Queue();
const seen = new Int32Array(new SharedArrayBuffer(4 * 2 * count));
const errors = new Int32Array(new SharedArrayBuffer(4));
const producers = [0, 1].map((p) => new Thread({ target: produce, args: [queue, p, count] }));
const consumers = [0, 1].map(() => new Thread({ target: consume, args: [queue, seen, errors, count] }));
for (const t of [...producers, ...consumers]) t.start();
for (const t of producers) t.join();
queue.put(-1);
queue.put(-1);
for (const t of consumers) t.join();
console.log('errors', errors[0], 'exactly once', seen.every((n) => n === 1), 'left', queue.qsize());
`);
    expect(end.status, end.message).toBe('finished');
    expect(lines).toEqual(['errors 0 exactly once true left 0']);
  });

  it('a bounded queue of numbers (the ring full, putters waiting for room) serves 4 producers and 4 consumers', async () => {
    const { end, lines } = await run(`import { Queue, Thread } from 'interleave';
function produce(queue: Queue, producer: number, count: number) {
  for (let i = 0; i < count; i++) queue.put(producer * count + i);
}
function consume(queue: Queue, seen: Int32Array, errors: Int32Array, count: number) {
  const last = [-1, -1, -1, -1];
  for (;;) {
    const code = queue.get();
    if (code === -1) return;
    const producer = Math.floor(code / count);
    if (code <= last[producer]) Atomics.add(errors, 0, 1);
    last[producer] = code;
    Atomics.add(seen, code, 1);
  }
}
const count = 10000;
const queue = new Queue(8);
const seen = new Int32Array(new SharedArrayBuffer(4 * 4 * count));
const errors = new Int32Array(new SharedArrayBuffer(4));
const producers = [0, 1, 2, 3].map((p) => new Thread({ target: produce, args: [queue, p, count] }));
const consumers = [0, 1, 2, 3].map(() => new Thread({ target: consume, args: [queue, seen, errors, count] }));
for (const t of [...producers, ...consumers]) t.start();
for (const t of producers) t.join();
for (let c = 0; c < 4; c++) queue.put(-1);
for (const t of consumers) t.join();
console.log('errors', errors[0], 'exactly once', seen.every((n) => n === 1), 'left', queue.qsize());
`);
    expect(end.status, end.message).toBe('finished');
    expect(lines).toEqual(['errors 0 exactly once true left 0']);
  });

  it('carries an item larger than the queue buffer, and the queue stays usable', async () => {
    const { end, lines } = await run(`import { Queue, Thread } from 'interleave';
function echo(inbox: Queue, outbox: Queue) { outbox.put(inbox.get().length); outbox.put(inbox.get()); }
const inbox = new Queue();
const outbox = new Queue();
const t = new Thread({ target: echo, args: [inbox, outbox] });
t.start();
inbox.put('x'.repeat(300_000));
inbox.put('small');
console.log(outbox.get(), outbox.get());
t.join();
`);
    expect(end.status, end.message).toBe('finished');
    expect(lines).toEqual(['300000 small']);
  });

  it('pipes values both ways and raises EOFError after the peer closes', async () => {
    const { end, lines } = await run(`import { Pipe, Thread, EOFError } from 'interleave';
import type { Connection } from 'interleave';
function child(end: Connection) {
  end.send(end.recv() * 2);
  end.close();
}
const [mine, theirs] = Pipe();
const t = new Thread({ target: child, args: [theirs] });
t.start();
mine.send(21);
console.log('answer', mine.recv());
t.join();
try { mine.recv(); } catch (error) { console.log(error instanceof EOFError ? 'EOFError' : String(error)); }
`);
    expect(end.status, end.message).toBe('finished');
    expect(lines).toEqual(['answer 42', 'EOFError']);
  });
});
