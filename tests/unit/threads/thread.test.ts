// Thread's API in real worker_threads: start/join, names, idents, liveness, introspection.
import { describe, expect, it } from 'vitest';
import { run, usePool } from './harness.ts';

const pool = usePool();

describe('Thread', () => {
  it('runs a target with its args in another thread and joins it', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread, currentThread } from 'interleave';
function work(a: number, b: number) {
  console.log('sum', a + b, 'in', currentThread().name);
}
const t = new Thread({ target: work, args: [2, 3] });
console.log('before', t.isAlive(), t.ident);
t.start();
t.join();
console.log('after', t.isAlive(), typeof t.ident);
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['before false null', 'sum 5 in Thread-1', 'after false number']);
  });

  it('names threads Thread-N unless named, and knows the current and main thread', async () => {
    const { end, linesOf } = await run(
      pool,
      `import { Thread, currentThread, mainThread } from 'interleave';
function who() {
  const me = currentThread();
  console.log(me.name, me.ident === me.ident, mainThread().name, me.daemon);
}
const a = new Thread({ target: who });
const b = new Thread({ target: who, name: 'custom', daemon: false });
const c = new Thread({ target: who });
console.log(a.name, b.name, c.name, currentThread().name, currentThread() === mainThread());
for (const t of [a, b, c]) { t.start(); t.join(); }
console.log(new Set([a.ident, b.ident, c.ident, mainThread().ident]).size);
`,
    );
    expect(end.status).toBe('finished');
    expect(linesOf('MainThread')).toEqual(['Thread-1 custom Thread-2 MainThread true', '4']);
    expect(linesOf('Thread-1')).toEqual(['Thread-1 true MainThread false']);
    expect(linesOf('custom')).toEqual(['custom true MainThread false']);
  });

  it('join(timeout) returns false while the thread runs, true once it finished', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread, sleep } from 'interleave';
function slow() { sleep(300); }
const t = new Thread({ target: slow });
t.start();
const started = performance.now();
const early = t.join(50);
const waited = performance.now() - started;
console.log(early, t.isAlive(), waited >= 45);
console.log(t.join(), t.isAlive());
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['false true true', 'true false']);
  });

  it('join and sleep check their arguments as every primitive does', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread, sleep } from 'interleave';
function slow() { sleep(100); }
const t = new Thread({ target: slow });
t.start();
const tryIt = (f: () => unknown) => { try { return String(f()); } catch (e) { return (e as Error).name + ': ' + (e as Error).message; } };
console.log(tryIt(() => t.join(NaN)));
console.log(tryIt(() => t.join('10' as unknown as number)));
console.log(tryIt(() => t.join(-2)));
console.log(tryIt(() => sleep('100' as unknown as number)));
console.log(tryIt(() => sleep(NaN)));
console.log(t.join(-1), t.isAlive());
const u = new Thread({ target: slow });
u.start();
console.log(u.join(null), u.isAlive());
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual([
      'RangeError: thread.join: timeout must be a number of milliseconds ≥ 0, or -1 to wait forever; got NaN.',
      'RangeError: thread.join: timeout must be a number of milliseconds ≥ 0, or -1 to wait forever; got 10.',
      'RangeError: thread.join: timeout must be a number of milliseconds ≥ 0, or -1 to wait forever; got -2.',
      "TypeError: sleep(ms) needs a number of milliseconds, got the string '100'.",
      'RangeError: sleep(ms) needs a number of milliseconds ≥ 0, got NaN.',
      'true false',
      'true false',
    ]);
  });

  it('activeCount and enumerate list the live threads, from any thread', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread, Event, activeCount, enumerate } from 'interleave';
function park(go: Event) { go.wait(); }
function look() { console.log('seen from a thread:', activeCount()); }
const go = new Event();
const parked = [1, 2, 3].map(() => new Thread({ target: park, args: [go] }));
for (const t of parked) t.start();
console.log(activeCount(), enumerate().map((t) => t.name).join(','));
const looker = new Thread({ target: look });
looker.start();
looker.join();
go.set();
for (const t of parked) t.join();
console.log(activeCount());
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['4 MainThread,Thread-1,Thread-2,Thread-3', 'seen from a thread: 5', '1']);
  });

  it('runs subclasses: run() sees the fields set in the constructor', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread } from 'interleave';
class Downloader extends Thread {
  url: string;
  retries: number;
  constructor(url: string) {
    super({ name: 'downloader' });
    this.url = url;
    this.retries = 3;
  }
  describe() { return this.url + ' x' + this.retries; }
  run() { console.log(this.name, this.describe(), this instanceof Downloader); }
}
const d = new Downloader('https://example.com/a');
d.start();
d.join();
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['downloader https://example.com/a x3 true']);
  });

  it('runs an arrow target that uses only its args and top-level functions', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread } from 'interleave';
function double(n: number) { return n * 2; }
const t = new Thread({ target: (n: number) => console.log(double(n)), args: [21] });
t.start();
t.join();
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['42']);
  });

  it('refuses to start a thread twice or join one never started', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread } from 'interleave';
function nothing() {}
const t = new Thread({ target: nothing });
try { t.join(); } catch (e) { console.log((e as Error).message); }
t.start();
try { t.start(); } catch (e) { console.log((e as Error).message); }
t.join();
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual([
      'Cannot join Thread-1: it was never started (call start() first).',
      'Thread-1 was already started: a thread can only be started once.',
    ]);
  });

  it('gives every thread fresh module state, even in a reused worker', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread } from 'interleave';
class Registry { static visits = 0; }
function visit() { Registry.visits++; console.log(Registry.visits); }
for (let i = 0; i < 3; i++) {
  const t = new Thread({ target: visit });
  t.start();
  t.join();
}
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['1', '1', '1']);
  });
});
