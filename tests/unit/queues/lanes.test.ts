// A FIFO Queue has two lanes (internal/channel.ts): numbers go through a lock-free ring, every
// other item (and numbers past the ring's size) through the item store. These programs check
// that a Queue still behaves as one FIFO queue whatever lane each item takes.
import { describe, expect, it } from 'vitest';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(6);

async function lines(source: string): Promise<string[]> {
  const result = await run(pool, source, { timeout: 40_000 });
  if (result.end.status !== 'finished') throw new Error(`${result.end.status}: ${result.end.message}\n${result.lines.join('\n')}`);
  return result.lines;
}

describe('Queue lanes (numbers in the ring, the rest in the store)', () => {
  it('mixes numbers, strings and objects from several producers: exactly once, in order per producer', async () => {
    const out = await lines(`import { Thread, Queue } from 'interleave';
const P = 3, C = 3, N = 20000;
type Item = number | string | { code: number };
function produce(q: Queue<Item>, p: number, N: number) {
  for (let i = 0; i < N; i++) {
    const code = p * N + i;
    // Runs of numbers between the objects, so the ring is used, left and used again.
    q.put(i % 97 === 0 ? { code } : i % 89 === 0 ? 'c' + code : code);
  }
}
function consume(q: Queue<Item | null>, seen: Int32Array, errors: Int32Array, N: number) {
  const last = [-1, -1, -1];
  for (;;) {
    const item = q.get();
    if (item === null) return;
    const code = typeof item === 'number' ? item : typeof item === 'string' ? Number(item.slice(1)) : item.code;
    const p = Math.floor(code / N);
    if (code <= last[p]) Atomics.add(errors, 0, 1);
    last[p] = code;
    Atomics.add(seen, code, 1);
  }
}
const q = new Queue<Item | null>();
const seen = new Int32Array(new SharedArrayBuffer(4 * P * N));
const errors = new Int32Array(new SharedArrayBuffer(4));
const cs = Array.from({ length: C }, () => new Thread({ target: consume, args: [q, seen, errors, N] }));
const ps = Array.from({ length: P }, (_, p) => new Thread({ target: produce, args: [q, p, N] }));
for (const t of [...cs, ...ps]) t.start();
for (const t of ps) t.join();
for (let c = 0; c < C; c++) q.put(null);
for (const t of cs) t.join();
console.log(errors[0], seen.every((n) => n === 1), q.qsize());
`);
    expect(out).toEqual(['0 true 0']);
  });

  it('keeps global FIFO order past the ring size (numbers overflow into the store and come back)', async () => {
    const out = await lines(`import { Thread, Queue } from 'interleave';
// More numbers than the ring (2^18) holds, put before anyone gets; a few objects after that.
const N = 300000;
function produce(q: Queue<number | { i: number }>, N: number) {
  for (let i = 0; i < N; i++) q.put(i % 10000 === 7 && i > 270000 ? { i } : i);
}
const q = new Queue<number | { i: number }>();
const t = new Thread({ target: produce, args: [q, N] });
t.start();
t.join();
console.log('size', q.qsize());
// Put more as we go: new numbers must queue behind the overflow.
let wrong = 0;
let appended = 0;
for (let i = 0; q.qsize() > 0; i++) {
  const item = q.get();
  const value = typeof item === 'number' ? item : item.i;
  if (value !== i) wrong++;
  q.taskDone();
  if (i % 1000 === 0 && appended < 100) q.put(N + appended++);
}
q.join();
console.log('wrong', wrong, 'appended', appended, 'left', q.qsize());
`);
    expect(out).toEqual(['size 300000', 'wrong 0 appended 100 left 0']);
  });

  it('a bounded queue larger than the ring still holds exactly maxsize items', async () => {
    const out = await lines(`import { Queue, Full } from 'interleave';
const MAX = 270000;
const q = new Queue<number | string>(MAX);
for (let i = 0; i < MAX - 1; i++) q.put(i);
q.put('last');
try { q.put(1, { block: false }); console.log('put past maxsize'); } catch (error) { console.log((error as Error).name, q.full(), q.qsize()); }
let wrong = 0;
for (let i = 0; i < MAX - 1; i++) if (q.get() !== i) wrong++;
console.log(q.get(), wrong, q.empty());
`);
    expect(out).toEqual(['Full true 270000', 'last 0 true']);
  });

  it('shutdown(immediate) while consumers wait and producers stream numbers: every item is got or dropped once', async () => {
    const out = await lines(`import { Thread, Queue, ShutDown, UsageError } from 'interleave';
// Producer p puts p * N + i for i = 0, 1, … (the ring overflows into the store when it runs
// ahead) and counts the puts that succeeded; consumers mark each item they get in \`seen\`.
const N = 1 << 20;
function produce(q: Queue<number>, counts: Int32Array, p: number, N: number) {
  try { for (let i = 0; i < N; i++) { q.put(p * N + i); Atomics.add(counts, p, 1); } } catch (error) { if (!(error instanceof ShutDown)) throw error; }
}
function consume(q: Queue<number>, counts: Int32Array, seen: Uint8Array) {
  try { for (;;) { const code = q.get(); Atomics.add(seen, code, 1); Atomics.add(counts, 2, 1); } } catch (error) { if (!(error instanceof ShutDown)) throw error; }
}
const q = new Queue<number>();
// counts: puts of producer 0, of producer 1, gets, and a word nobody changes (to sleep on).
const counts = new Int32Array(new SharedArrayBuffer(16));
const seen = new Uint8Array(new SharedArrayBuffer(2 * N));
const threads = [
  new Thread({ target: consume, args: [q, counts, seen] }),
  new Thread({ target: consume, args: [q, counts, seen] }),
  new Thread({ target: produce, args: [q, counts, 0, N] }),
  new Thread({ target: produce, args: [q, counts, 1, N] }),
];
for (const t of threads) t.start();
while (counts[2] < 20000) Atomics.wait(counts, 3, 0, 1);
// Queue.shutdown(true) returns nothing (as Python); its channel says how many it dropped.
const dropped = (q as unknown as { channel: { shutdown(immediate: boolean): number } }).channel.shutdown(true);
for (const t of threads) t.join();
const puts = counts[0] + counts[1];
const gets = counts[2];
let duplicates = 0, invented = 0, distinct = 0;
for (let code = 0; code < 2 * N; code++) {
  if (seen[code] > 1) duplicates++;
  if (seen[code] > 0) { distinct++; if (code % N >= counts[Math.floor(code / N)]) invented++; }
}
console.log('got or dropped', puts === gets + dropped, 'duplicates', duplicates, 'invented', invented, 'distinct', distinct === gets);
// Nobody called taskDone: the items got are unfinished, the dropped ones counted done.
let accepted = 0;
try { for (;;) { q.taskDone(); accepted++; } } catch (error) { if (!(error instanceof UsageError)) throw error; }
console.log('taskDone accepted', accepted === gets);
// Nothing is left, nothing is unfinished, and join returns at once.
q.join();
console.log(q.qsize(), q.empty());
try { q.get({ block: false }); } catch (error) { console.log((error as Error).name); }
`);
    expect(out).toEqual([
      'got or dropped true duplicates 0 invented 0 distinct true',
      'taskDone accepted true',
      '0 true',
      'ShutDown',
    ]);
  });
});
