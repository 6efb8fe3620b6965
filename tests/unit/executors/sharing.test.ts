// What executors share with their tasks: shared objects met after the workers started, Futures
// passed to threads, and the executor itself (which stays with its thread).
import { describe, expect, it } from 'vitest';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(4);

describe('executor sharing', () => {
  it('gives tasks shared objects first met after its workers started (a new set of workers)', async () => {
    const { end, lines } = await run(
      pool,
      `import { ThreadPoolExecutor, Value, currentThread } from 'interleave';
function add(v: Value<'i32'>, n: number) { v.getLock().withLock(() => { v.value += n; }); return currentThread().name; }
function plain(n: number) { return n * 2; }
using exec = new ThreadPoolExecutor({ maxWorkers: 2 });
const a = new Value('i32', 0);
const b = new Value('i32', 0);
const first = [1, 2, 3].map((n) => exec.submit(add, a, n));
const middle = exec.submit(plain, 21);
const second = [4, 5].map((n) => exec.submit(add, b, n));
const again = exec.submit(add, a, 10);
const names = new Set([...first, ...second, again].map((f) => f.result()));
console.log(a.value, b.value, middle.result(), names.size >= 2);
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['16 9 42 true']);
  });

  it('passes Futures to threads, and refuses to pass the executor itself', async () => {
    const { end, lines } = await run(
      pool,
      `import { ThreadPoolExecutor, Future, Thread, sleep } from 'interleave';
function nap(ms: number) { sleep(ms); return ms; }
function report(f: Future<number>) { console.log('thread got', f.result(), f.done()); }
using exec = new ThreadPoolExecutor({ maxWorkers: 1 });
const f = exec.submit(nap, 30);
const t = new Thread({ target: report, args: [f] });
t.start();
t.join();
try { new Thread({ target: report, args: [exec as any] }).start(); } catch (e) { console.log((e as Error).message); }
`,
    );
    expect(end.status).toBe('finished');
    expect(lines[0]).toBe('thread got 30 true');
    expect(lines[1]).toMatch(/ThreadPoolExecutor #\d+ cannot be passed to another thread: submit tasks from the thread that created it/);
  });
});
