// The deadlock watchdog stops a stuck run quickly and says who waits for what.
import { describe, expect, it } from 'vitest';
import { run, usePool } from './harness.ts';

const pool = usePool(3);
/** The time limit of these runs; a deadlock must be reported far sooner. */
const LIMIT_MS = 20_000;
const FAST_MS = 5_000;

describe('deadlock detection', () => {
  it('finds two threads taking two locks in opposite order', async () => {
    const { end } = await run(
      pool,
      `import { Thread, Lock, Barrier } from 'interleave';
function transfer(first: Lock, second: Lock, bothHoldOne: Barrier) {
  first.acquire();
  bothHoldOne.wait();
  second.acquire();
}
const a = new Lock();
const b = new Lock();
const bothHoldOne = new Barrier(2);
const alice = new Thread({ target: transfer, args: [a, b, bothHoldOne], name: 'alice' });
const bob = new Thread({ target: transfer, args: [b, a, bothHoldOne], name: 'bob' });
alice.start();
bob.start();
alice.join();
`,
      { timeout: LIMIT_MS },
    );
    expect(end.status).toBe('deadlock');
    expect(end.durationMs).toBeLessThan(FAST_MS);
    expect(end.message).toMatch(/alice/);
    expect(end.message).toMatch(/bob/);
    expect(end.message).toMatch(/Lock/);
    // Where they block (line 5) and where the locks were made (lines 7 and 8).
    expect(end.message).toMatch(/line 5/);
    expect(end.message).toMatch(/line 7/);
    expect(end.message).toMatch(/line 8/);
  });

  it('finds threads joining each other', async () => {
    const { end } = await run(
      pool,
      `import { Thread, Event, mainThread } from 'interleave';
function waitForMain(ready: Event) {
  ready.set();
  mainThread().join();
}
const ready = new Event();
const t = new Thread({ target: waitForMain, args: [ready], name: 'joiner' });
t.start();
ready.wait();
t.join();
`,
      { timeout: LIMIT_MS },
    );
    expect(end.status).toBe('deadlock');
    expect(end.durationMs).toBeLessThan(FAST_MS);
    expect(end.message).toMatch(/joiner/);
    expect(end.message).toMatch(/MainThread/);
    expect(end.message).toMatch(/join/);
  });

  it('finds every thread waiting on an Event nobody will set', async () => {
    const { end } = await run(
      pool,
      `import { Thread, Event } from 'interleave';
function waiter(go: Event) { go.wait(); }
const go = new Event();
const threads = [1, 2].map(() => new Thread({ target: waiter, args: [go] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
`,
      { timeout: LIMIT_MS },
    );
    expect(end.status).toBe('deadlock');
    expect(end.durationMs).toBeLessThan(FAST_MS);
    expect(end.message).toMatch(/Thread-1/);
    expect(end.message).toMatch(/Thread-2/);
    expect(end.message).toMatch(/Event/);
  });

  it('does not call a long sleep or a timed wait a deadlock', async () => {
    const { end } = await run(
      pool,
      `import { Thread, Event, sleep } from 'interleave';
function napper() { sleep(600); }
const t = new Thread({ target: napper });
t.start();
new Event().wait(400);
t.join();
`,
      { timeout: LIMIT_MS },
    );
    expect(end.status).toBe('finished');
  });
  it('does not call a Lock used as a signal a deadlock (another thread releases it)', async () => {
    // main waits for a Lock it holds itself; the worker, still running, releases it (as Python
    // allows). The sleep outlasts the watchdog's two stable samples.
    const { end, lines } = await run(
      pool,
      `import { Thread, Lock, sleep } from 'interleave';
function worker(done: Lock) { sleep(500); console.log('worker releases'); done.release(); }
const done = new Lock();
done.acquire();
new Thread({ target: worker, args: [done] }).start();
done.acquire();
console.log('main got the signal');
`,
      { timeout: LIMIT_MS },
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['worker releases', 'main got the signal']);
  });

  it('still finds the last thread waiting for a Lock it holds itself', async () => {
    const { end } = await run(pool, `import { Lock } from 'interleave';
const lock = new Lock();
lock.acquire();
lock.acquire();
`, {
      timeout: LIMIT_MS,
    });
    expect(end.status).toBe('deadlock');
    expect(end.durationMs).toBeLessThan(FAST_MS);
    expect(end.message).toMatch(/which it already holds itself/);
  });
});
