// Queue, LifoQueue, PriorityQueue, SimpleQueue between real worker threads (through the runner).
import { describe, expect, it } from 'vitest';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(4);

/** Runs a snippet that must finish; returns its output lines. */
async function lines(source: string): Promise<string[]> {
  const result = await run(pool, source, { timeout: 20_000 });
  if (result.end.status !== 'finished') throw new Error(`${result.end.status}: ${result.end.message}\n${result.lines.join('\n')}`);
  return result.lines;
}

describe('Queue between threads', () => {
  it('delivers every item exactly once, in order per producer, with several producers and consumers', async () => {
    const out = await lines(`import { Thread, Queue } from 'interleave';
const PRODUCERS = 3, CONSUMERS = 3, N = 3000, DONE = -1;
function produce(q: Queue<[number, number]>, p: number, n: number) {
  for (let i = 0; i < n; i++) q.put([p, i]);
}
function consume(q: Queue<[number, number] | number>, seen: Int32Array, errors: Int32Array, n: number) {
  const last = [-1, -1, -1];
  for (;;) {
    const item = q.get();
    if (item === -1) return;
    const [p, i] = item as [number, number];
    if (i <= last[p]) Atomics.add(errors, 0, 1);
    last[p] = i;
    Atomics.add(seen, p * n + i, 1);
  }
}
const q = new Queue<[number, number] | number>();
const seen = new Int32Array(new SharedArrayBuffer(4 * PRODUCERS * N));
const errors = new Int32Array(new SharedArrayBuffer(4));
const producers = Array.from({ length: PRODUCERS }, (_, p) => new Thread({ target: produce, args: [q, p, N] }));
const consumers = Array.from({ length: CONSUMERS }, () => new Thread({ target: consume, args: [q, seen, errors, N] }));
for (const t of [...producers, ...consumers]) t.start();
for (const t of producers) t.join();
for (let c = 0; c < CONSUMERS; c++) q.put(DONE);
for (const t of consumers) t.join();
console.log('out of order', errors[0]);
console.log('not exactly once', seen.filter((n) => n !== 1).length);
console.log('left', q.qsize());
`);
    expect(out).toEqual(['out of order 0', 'not exactly once 0', 'left 0']);
  });

  it("keeps each producer's order exactly with one consumer", async () => {
    const out = await lines(`import { Thread, Queue } from 'interleave';
function produce(q: Queue<string>, name: string) {
  for (let i = 0; i < 500; i++) q.put(name + i);
}
const q = new Queue<string>(7);
const a = new Thread({ target: produce, args: [q, 'a'] });
const b = new Thread({ target: produce, args: [q, 'b'] });
a.start(); b.start();
const got: string[] = [];
for (let i = 0; i < 1000; i++) got.push(q.get());
a.join(); b.join();
const order = (name: string) => got.filter((s) => s[0] === name).map((s) => Number(s.slice(1)));
const sorted = (xs: number[]) => xs.every((x, i) => x === i);
console.log(sorted(order('a')), sorted(order('b')), order('a').length, order('b').length);
`);
    expect(out).toEqual(['true true 500 500']);
  });

  it('bounds a queue: put waits while it is full (back-pressure)', async () => {
    const out = await lines(`import { Thread, Queue, sleep } from 'interleave';
function produce(q: Queue<number>, n: number) {
  for (let i = 0; i < n; i++) q.put(i);
}
const q = new Queue<number>(3);
const producer = new Thread({ target: produce, args: [q, 50] });
producer.start();
let most = 0;
for (let i = 0; i < 50; i++) {
  if (i % 10 === 0) sleep(5);
  most = Math.max(most, q.qsize());
  if (q.get() !== i) console.log('wrong order at', i);
}
producer.join();
console.log('maxsize', q.maxsize, 'most seen', most, 'full', q.full(), 'empty', q.empty());
`);
    expect(out).toEqual(['maxsize 3 most seen 3 full false empty true']);
  });

  it('gives up after about the timeout: get on an empty queue throws Empty, put on a full one Full', async () => {
    const out = await lines(`import { Queue, Empty, Full } from 'interleave';
const q = new Queue<number>(1);
function timed(fn: () => void): string {
  const start = performance.now();
  try { fn(); return 'no error'; } catch (error) {
    return (error as Error).name + ' ' + Math.round(performance.now() - start);
  }
}
console.log(timed(() => q.get({ timeout: 150 })));
q.put(1);
console.log(timed(() => q.put(2, { timeout: 150 })));
console.log(timed(() => q.putNowait(2)));
q.get();
console.log(timed(() => q.getNowait()));
console.log(timed(() => q.get({ block: false })));
try { q.get({ block: false, timeout: 5 }); } catch (error) { console.log((error as Error).name); }
try { q.get({ timeout: -5 }); } catch (error) { console.log((error as Error).name); }
`);
    const [get, put, putNowait, getNowait, getNoBlock, both, negative] = out;
    for (const [line, name] of [[get, 'Empty'], [put, 'Full']] as const) {
      const [error, ms] = line.split(' ');
      expect(error).toBe(name);
      expect(Number(ms)).toBeGreaterThanOrEqual(145);
      expect(Number(ms)).toBeLessThan(1500);
    }
    expect(putNowait).toMatch(/^Full \d$/);
    expect(getNowait).toMatch(/^Empty \d$/);
    expect(getNoBlock).toMatch(/^Empty \d$/);
    expect(both).toBe('RangeError');
    expect(negative).toBe('RangeError');
  });

  it('wakes a getter blocked with a timeout as soon as an item arrives', async () => {
    const out = await lines(`import { Thread, Queue, sleep } from 'interleave';
function late(q: Queue<string>) { sleep(50); q.put('hello'); }
const q = new Queue<string>();
new Thread({ target: late, args: [q] }).start();
const start = performance.now();
const item = q.get({ timeout: 5000 });
console.log(item, performance.now() - start < 2000);
`);
    expect(out).toEqual(['hello true']);
  });

  it('counts work with taskDone and join, and refuses an extra taskDone', async () => {
    const out = await lines(`import { Thread, Queue, Value } from 'interleave';
function work(q: Queue<number>, done: Value<'i32'>) {
  for (;;) {
    const n = q.get();
    done.getLock().withLock(() => { done.value += n; });
    q.taskDone();
  }
}
const q = new Queue<number>();
const done = new Value('i32', 0);
for (let i = 0; i < 3; i++) new Thread({ target: work, args: [q, done], daemon: true }).start();
for (let i = 1; i <= 100; i++) q.put(i);
q.join();
console.log('after join', done.value);
try { q.taskDone(); } catch (error) { console.log((error as Error).name); }
`);
    expect(out).toEqual(['after join 5050', 'UsageError']);
  });

  it('shutdown: blocked getters wake with ShutDown after the items left are got; puts fail', async () => {
    const out = await lines(`import { Thread, Queue, ShutDown, sleep } from 'interleave';
function drain(q: Queue<number>, got: Int32Array) {
  try {
    for (;;) { q.get(); Atomics.add(got, 0, 1); }
  } catch (error) {
    if (error instanceof ShutDown) Atomics.add(got, 1, 1);
  }
}
const q = new Queue<number>();
const got = new Int32Array(new SharedArrayBuffer(8));
const getters = [0, 1, 2].map(() => new Thread({ target: drain, args: [q, got] }));
for (const t of getters) t.start();
sleep(50);
for (let i = 0; i < 5; i++) q.put(i);
q.shutdown();
for (const t of getters) t.join();
console.log('got', got[0], 'shut down', got[1]);
try { q.put(1); } catch (error) { console.log((error as Error).name); }
try { q.get(); } catch (error) { console.log((error as Error).name); }
`);
    expect(out).toEqual(['got 5 shut down 3', 'ShutDown', 'ShutDown']);
  });

  it('shutdown wakes a putter blocked on a full queue with ShutDown; the items stay to be got', async () => {
    const out = await lines(`import { Thread, Queue, sleep } from 'interleave';
function put(q: Queue<number>, log: Queue<string>) {
  try { q.put(2); log.put('put returned'); } catch (error) { log.put('put ' + (error as Error).name); }
}
const q = new Queue<number>(1);
const log = new Queue<string>();
q.put(1);
const t = new Thread({ target: put, args: [q, log] });
t.start();
sleep(50);
q.shutdown();
t.join();
console.log(log.get(), q.get());
`);
    expect(out).toEqual(['put ShutDown 1']);
  });

  it('shutdown(immediate) drops the items and wakes putters, getters and joiners', async () => {
    const out = await lines(`import { Thread, Queue, ShutDown, sleep } from 'interleave';
function put(q: Queue<number>, log: Queue<string>) {
  try { q.put(99); log.put('put returned'); } catch (error) { log.put('put ' + (error as Error).name); }
}
function join(q: Queue<number>, log: Queue<string>) { q.join(); log.put('join returned'); }
const q = new Queue<number>(2);
const log = new Queue<string>();
q.put(1); q.put(2);
const threads = [new Thread({ target: put, args: [q, log] }), new Thread({ target: join, args: [q, log] })];
for (const t of threads) t.start();
sleep(50);
q.shutdown(true);
for (const t of threads) t.join();
console.log([log.get(), log.get()].sort().join(', '));
console.log('size', q.qsize());
try { q.get(); } catch (error) { console.log('get', (error as Error).name); }
`);
    expect(out).toEqual(['join returned, put ShutDown', 'size 0', 'get ShutDown']);
  });

  it('hands the GIL over while waiting (gil: true): a bounded producer/consumer still completes', async () => {
    const { end, lines: out } = await run(
      pool,
      `import { Thread, Queue } from 'interleave';
function produce(q: Queue<number>, n: number) { for (let i = 0; i < n; i++) q.put(i); q.put(-1); }
const q = new Queue<number>(2);
const t = new Thread({ target: produce, args: [q, 2000] });
t.start();
let sum = 0;
for (let x = q.get(); x !== -1; x = q.get()) sum += x;
t.join();
console.log(sum);
`,
      { gil: true, timeout: 20_000 },
    );
    expect(end.status, end.message).toBe('finished');
    expect(out).toEqual(['1999000']);
  });

  it('is reported as a deadlock when a consumer waits on a queue nobody will fill', async () => {
    const { end } = await run(
      pool,
      `import { Thread, Queue } from 'interleave';
function consume(q: Queue<number>) {
  q.get();
}
const q = new Queue<number>();
const t = new Thread({ target: consume, args: [q], name: 'consumer' });
t.start();
t.join();
`,
      { timeout: 20_000 },
    );
    expect(end.status).toBe('deadlock');
    expect(end.message).toMatch(/consumer/);
    expect(end.message).toMatch(/Queue #\d+/);
    expect(end.message).toMatch(/line 3/);
  });

  it('records put and get with the queue depth in the trace', async () => {
    const records: { op: string; arg: number }[] = [];
    const { end } = await run(
      pool,
      `import { Queue } from 'interleave';
const q = new Queue<number>();
q.put(1); q.put(2); q.put(3);
q.get(); q.get();
q.shutdown();
`,
      { onTrace: (batch) => records.push(...batch) },
    );
    expect(end.status).toBe('finished');
    const queueOps = records.filter((r) => ['put', 'get', 'shutdown'].includes(r.op)).map((r) => `${r.op} ${r.arg}`);
    expect(queueOps).toEqual(['put 1', 'put 2', 'put 3', 'get 2', 'get 1', 'shutdown 0']);
  });
});

describe('LifoQueue, PriorityQueue, SimpleQueue between threads', () => {
  it('LifoQueue gives back the newest item first', async () => {
    const out = await lines(`import { Thread, LifoQueue } from 'interleave';
function fill(q: LifoQueue<number>) { for (let i = 0; i < 1000; i++) q.put(i); }
const q = new LifoQueue<number>();
const t = new Thread({ target: fill, args: [q] });
t.start(); t.join();
const got: number[] = [];
while (!q.empty()) got.push(q.get());
console.log(got.length, got.every((x, i) => x === 999 - i));
q.put(1); q.put(2); console.log(q.get(), q.get());
`);
    expect(out).toEqual(['1000 true', '2 1']);
  });

  it('PriorityQueue gives back the lowest priority first, equal priorities in put order', async () => {
    const out = await lines(`import { Thread, PriorityQueue } from 'interleave';
function fill(q: PriorityQueue<[number, string]>, seed: number) {
  let x = seed;
  for (let i = 0; i < 2000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    q.put([x % 50, 't' + seed + ':' + i]);
  }
}
const q = new PriorityQueue<[number, string]>();
const threads = [1, 2, 3].map((seed) => new Thread({ target: fill, args: [q, seed] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
const got: [number, string][] = [];
while (!q.empty()) got.push(q.get());
const sorted = got.every((item, i) => i === 0 || got[i - 1][0] <= item[0]);
// Within one priority, each thread's items keep their put order.
const last = new Map<string, number>();
let fifo = true;
for (const [p, tag] of got) {
  const [t, i] = tag.slice(1).split(':').map(Number);
  const key = p + '/' + t;
  if ((last.get(key) ?? -1) >= i) fifo = false;
  last.set(key, i);
}
console.log(got.length, sorted, fifo);
const p = new PriorityQueue();
p.put(3); p.put([1, 'one']); p.put(2);
console.log(JSON.stringify([p.get(), p.get(), p.get()]));
try { p.put('high' as never); } catch (error) { console.log((error as Error).name); }
`);
    expect(out).toEqual(['6000 true true', '[[1,"one"],2,3]', 'TypeError']);
  });

  it('SimpleQueue passes items between threads and has no maxsize, join or shutdown', async () => {
    const out = await lines(`import { Thread, SimpleQueue } from 'interleave';
function echo(inbox: SimpleQueue<number>, outbox: SimpleQueue<number>) {
  for (let i = 0; i < 100; i++) outbox.put(inbox.get() * 2);
}
const inbox = new SimpleQueue<number>(), outbox = new SimpleQueue<number>();
const t = new Thread({ target: echo, args: [inbox, outbox] });
t.start();
let sum = 0;
for (let i = 0; i < 100; i++) { inbox.put(i); sum += outbox.get(); }
t.join();
console.log(sum, 'join' in inbox, 'shutdown' in inbox, 'taskDone' in inbox);
`);
    expect(out).toEqual(['9900 false false false']);
  });
});

describe('items that cannot cross', () => {
  it('names the type of a function, symbol or class instance at put, and the queue stays usable', async () => {
    const out = await lines(`import { Queue, Lock } from 'interleave';
class Point { constructor(public x: number) {} norm() { return this.x; } }
const q = new Queue<unknown>();
q.put('before');
for (const bad of [() => 1, { nested: [Symbol('s')] }, new Point(1), { lock: new Lock() }]) {
  try { q.put(bad); console.log('accepted'); } catch (error) { console.log((error as Error).name + ': ' + (error as Error).message.split(':')[0]); }
}
q.put('after');
console.log(q.qsize(), q.get(), q.get());
`);
    expect(out).toEqual([
      'TypeError: Cannot send a function (at item)',
      'TypeError: Cannot send a symbol (Symbol(s)) (at item.nested[0])',
      'TypeError: Cannot send a Point through Queue #1 (created at line 3)',
      'TypeError: Cannot send a Lock through Queue #1 (created at line 3)',
      '2 before after',
    ]);
  });

  it('carries an item far larger than the initial buffer, between threads', async () => {
    const out = await lines(`import { Thread, Queue } from 'interleave';
function send(q: Queue<unknown>) {
  q.put(1);
  q.put({ text: 'x'.repeat(3_000_000), numbers: Array.from({ length: 100_000 }, (_, i) => i) });
  q.put(2);
}
const q = new Queue<unknown>();
const t = new Thread({ target: send, args: [q] });
t.start();
const a = q.get();
const big = q.get() as { text: string; numbers: number[] };
const b = q.get();
t.join();
console.log(a, big.text.length, big.numbers.length, big.numbers[99_999], b);
q.put('still works'); console.log(q.get());
`);
    expect(out).toEqual(['1 3000000 100000 99999 2', 'still works']);
  });
});
