// ThreadPoolExecutor and ProcessPoolExecutor through the real runner: order, completion order,
// cancellation, shutdown, timeouts, errors with snippet lines, sharing rules, deadlocks.
import { describe, expect, it } from 'vitest';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(4);

describe('executors', () => {
  it('map keeps input order, in a thread pool and in a process pool', async () => {
    const { end, lines } = await run(
      pool,
      `import { ThreadPoolExecutor, ProcessPoolExecutor, sleep } from 'interleave';
function slowSquare(x: number) { sleep((5 - x) * 10); return x * x; }
{
  using threads = new ThreadPoolExecutor({ maxWorkers: 4 });
  console.log([...threads.map(slowSquare, [1, 2, 3, 4])].join(' '));
}
{
  using processes = new ProcessPoolExecutor({ maxWorkers: 2 });
  const results = processes.map(slowSquare, [4, 3, 2, 1]);
  for (const r of results) console.log(r);
}
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['1 4 9 16', '16', '9', '4', '1']);
  });

  it('asCompleted yields in completion order; wait splits done and not done', async () => {
    const { end, lines } = await run(
      pool,
      `import { ThreadPoolExecutor, asCompleted, wait, FIRST_COMPLETED, sleep } from 'interleave';
function nap(ms: number) { sleep(ms); return ms; }
using exec = new ThreadPoolExecutor({ maxWorkers: 3 });
const futures = [240, 20, 120].map((ms) => exec.submit(nap, ms));
console.log([...asCompleted(futures)].map((f) => f.result()).join(' '));
const more = [300, 10].map((ms) => exec.submit(nap, ms));
const { done, notDone } = wait(more, { returnWhen: FIRST_COMPLETED });
console.log([...done].map((f) => f.result()).join(' '), notDone.size);
const all = wait(more);
console.log(all.done.size, all.notDone.size);
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['20 120 240', '10 1', '2 0']);
  });

  it('a cancelled future never runs; cancelFutures cancels the queued ones; shutdown waits', async () => {
    const { end, lines } = await run(
      pool,
      `import { ThreadPoolExecutor, CancelledError, sleep } from 'interleave';
function work(ms: number, log: Int32Array, i: number) { sleep(ms); Atomics.store(log, i, 1); return i; }
const log = new Int32Array(new SharedArrayBuffer(40));
const exec = new ThreadPoolExecutor({ maxWorkers: 1 });
const first = exec.submit(work, 80, log, 0);
const second = exec.submit(work, 0, log, 1);
while (!first.running()) sleep(1);
console.log('cancel running?', first.cancel(), 'cancel queued?', second.cancel(), second.cancelled(), second.done());
try { second.result(); } catch (e) { console.log((e as Error).name); }
const queued = [2, 3, 4].map((i) => exec.submit(work, 0, log, i));
exec.shutdown({ cancelFutures: true });
console.log('after shutdown', first.done(), queued.map((f) => f.cancelled()).join(' '), Array.from(log.slice(0, 5)).join(''));
try { exec.submit(work, 0, log, 9); } catch (e) { console.log((e as Error).name); }
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual([
      'cancel running? false cancel queued? true true true',
      'CancelledError',
      'after shutdown true true true true 10000',
      'UsageError',
    ]);
  });

  it('result(timeout) throws TimeoutError; the task still finishes', async () => {
    const { end, lines } = await run(
      pool,
      `import { ThreadPoolExecutor, sleep } from 'interleave';
function nap(ms: number) { sleep(ms); return 'slept'; }
using exec = new ThreadPoolExecutor({ maxWorkers: 1 });
const f = exec.submit(nap, 150);
try { f.result(20); } catch (e) { console.log((e as Error).name, f.running()); }
console.log(f.result());
try { [...exec.map(nap, [200], { timeout: 30 })]; } catch (e) { console.log('map', (e as Error).name); }
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['TimeoutError true', 'slept', 'map TimeoutError']);
  });

  it("re-raises a task's error from result() with the task's snippet line, in both pools", async () => {
    const source = (kind: string) => `import { ${kind}, wait, FIRST_EXCEPTION } from 'interleave';
function parse(text: string) {
  if (text === '') throw new RangeError('empty input');
  return text.length;
}
const exec = new ${kind}({ maxWorkers: 2 });
const ok = exec.submit(parse, 'abc');
const bad = exec.submit(parse, '');
const { done } = wait([ok, bad], { returnWhen: FIRST_EXCEPTION });
console.log(ok.result(), bad.exception()?.name, done.has(bad));
bad.result();
`;
    for (const kind of ['ThreadPoolExecutor', 'ProcessPoolExecutor']) {
      const { end, lines } = await run(pool, source(kind));
      expect(lines).toEqual(['3 RangeError true']);
      expect(end.status).toBe('error');
      expect(end.line).toBe(3);
      expect(end.message).toMatch(/^RangeError: empty input\n\s+at parse \(snippet\.ts:3:\d+\)\n\s+at snippet\.ts:11:\d+/);
    }
  });

  it('shares a Lock and a SharedArrayBuffer with thread-pool tasks, copies them for process-pool tasks', async () => {
    const { end, lines } = await run(
      pool,
      `import { ThreadPoolExecutor, ProcessPoolExecutor, Lock, Value } from 'interleave';
function count(lock: Lock, cells: Int32Array, total: Value<'i32'>, times: number) {
  for (let i = 0; i < times; i++) lock.withLock(() => { cells[0]++; total.value += 1; });
  return cells[0] > 0;
}
const lock = new Lock();
const cells = new Int32Array(new SharedArrayBuffer(4));
const total = new Value('i32', 0);
for (const Kind of [ThreadPoolExecutor, ProcessPoolExecutor]) {
  using exec = new Kind({ maxWorkers: 2 });
  const fs = [1, 2, 3, 4].map(() => exec.submit(count, lock, cells, total, 500));
  console.log(Kind.name, fs.every((f) => f.result()), cells[0], total.value);
}
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['ThreadPoolExecutor true 2000 2000', 'ProcessPoolExecutor true 2000 4000']);
  });

  it('runs done callbacks exactly once, at once when already done', async () => {
    const { end, lines } = await run(
      pool,
      `import { ThreadPoolExecutor, sleep } from 'interleave';
function nap(ms: number) { sleep(ms); return ms; }
using exec = new ThreadPoolExecutor({ maxWorkers: 2 });
const f = exec.submit(nap, 50);
f.addDoneCallback((done) => console.log('callback', done.result()));
f.addDoneCallback(() => console.log('second'));
console.log('waiting');
f.result();
f.result();
f.addDoneCallback(() => console.log('late, at once'));
console.log('end');
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['waiting', 'callback 50', 'second', 'late, at once', 'end']);
  });

  it('explains a closure task, and reports a result wait that can never end as a deadlock', async () => {
    const closure = await run(
      pool,
      `import { ThreadPoolExecutor } from 'interleave';
const factor = 3;
using exec = new ThreadPoolExecutor({ maxWorkers: 1 });
console.log(exec.submit((x: number) => x * factor, 2).result());
`,
    );
    expect(closure.end.status).toBe('error');
    expect(closure.end.message).toMatch(/"factor"/);

    const stuck = await run(
      pool,
      `import { ThreadPoolExecutor, Event } from 'interleave';
function waitFor(go: Event) { go.wait(); return 1; }
const exec = new ThreadPoolExecutor({ maxWorkers: 2 });
const f = exec.submit(waitFor, new Event());
f.result();
`,
    );
    expect(stuck.end.status).toBe('deadlock');
    expect(stuck.end.message).toMatch(/"MainThread" waits at line 5 on Executor #\d+ \(created at line 3\): for a task's result/);
    expect(stuck.end.message).toMatch(/ThreadPoolExecutor-\d+_0" waits at line 2 for Event/);
  });
  it('drops a finished thread’s done callbacks: they never run in a later thread of its worker', async () => {
    // Workers are reused (the pool hands out the last one given back), so the users below run
    // where the adder ran; its callback must not run there, in another thread's name.
    const { end, lines } = await run(
      pool,
      `import { Thread, ThreadPoolExecutor, currentThread, sleep, type Future } from 'interleave';
function slowTask() { sleep(200); return 1; }
function adder(future: Future) { future.addDoneCallback(() => console.log('callback ran in ' + currentThread().name)); }
function user(future: Future) { future.result(); }
const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
const f = executor.submit(slowTask);
const t = new Thread({ target: adder, args: [f], name: 'adder' });
t.start(); t.join();
f.result();
for (let i = 0; i < 3; i++) { const u = new Thread({ target: user, args: [f], name: 'user' + i }); u.start(); u.join(); }
executor.shutdown();
console.log('end');
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['end']);
  });
  it('fails a future whose result is too large for the executor, and keeps the executor usable', async () => {
    const { end, lines } = await run(
      pool,
      `import { ThreadPoolExecutor } from 'interleave';
function big(mb: number) { return new Uint8Array(mb * 2 ** 20); }
const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
try { executor.submit(big, 257).result(); } catch (e) { console.log((e as Error).name + ': ' + (e as Error).message); }
console.log(executor.submit(big, 1).result().length);
executor.shutdown();
`,
      { timeout: 20_000 },
    );
    expect(end.status).toBe('finished');
    expect(lines[0]).toMatch(/^RangeError: The task's result is too large \(\d+ bytes; the limit is 268435456 bytes/);
    expect(lines[1]).toBe(String(2 ** 20));
  }, 30_000);
  it('says what to do when new shared objects in every task exhaust the thread limit', async () => {
    const { end } = await run(
      pool,
      `import { ThreadPoolExecutor, Lock } from 'interleave';
function work(lock: Lock, i: number) { lock.acquire(); lock.release(); return i; }
const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
for (let i = 0; i < 20; i++) executor.submit(work, new Lock(), i).result();
`,
      { maxThreads: 8 },
    );
    expect(end.status).toBe('error');
    expect(end.message).toMatch(/^Error: Too many threads/);
    expect(end.message).toMatch(/ThreadPoolExecutor #\d+ has started 7 workers although maxWorkers is 2/);
    expect(end.message).toMatch(/pass the same ones to every task/);
  });
});
