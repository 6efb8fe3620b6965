import { afterAll, describe, expect, it } from 'vitest';
import { Condition } from '../../../src/runtime/condition.ts';
import { Lock } from '../../../src/runtime/lock.ts';
import { RLock } from '../../../src/runtime/rlock.ts';
import { UsageError } from '../../../src/runtime/errors.ts';
import { RawThreadPool } from '../../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

/**
 * A bounded buffer (capacity 2) built on two conditions sharing one lock; producers put
 * 1..items, consumers take until they see their share. Words: [count, head, tail, sum, taken,
 * maxCount, slot0, slot1]. A lost wake-up shows up as a run that never finishes.
 */
const boundedBuffer = (
  rt: any,
  me: any,
  notFull: any,
  notEmpty: any,
  buffer: SharedArrayBuffer,
  producers: number,
  items: number,
  mode: 'wait' | 'waitFor' | 'timed',
) => {
  const s = new Int32Array(buffer);
  const CAP = 2;
  const consumers = me.threads - producers;
  if (me.index < producers) {
    for (let i = 1; i <= items; i++) {
      notFull.withLock(() => {
        if (mode === 'waitFor') notFull.waitFor(() => s[0] < CAP);
        else while (s[0] === CAP) notFull.wait(mode === 'timed' ? 1 + (i % 3) : undefined);
        s[6 + s[2]] = i;
        s[2] = (s[2] + 1) % CAP;
        s[0]++;
        if (s[0] > s[5]) s[5] = s[0];
        notEmpty.notify();
      });
    }
  } else {
    const share = (producers * items) / consumers;
    for (let n = 0; n < share; n++) {
      notEmpty.withLock(() => {
        if (mode === 'waitFor') notEmpty.waitFor(() => s[0] > 0);
        else while (s[0] === 0) notEmpty.wait(mode === 'timed' ? 1 + (n % 3) : undefined);
        s[3] += s[6 + s[1]];
        s[1] = (s[1] + 1) % CAP;
        s[0]--;
        s[4]++;
        notFull.notify();
      });
    }
  }
};

describe('Condition under stress', () => {
  for (const [label, mode, LockKind] of [
    ['wait() loops, shared Lock', 'wait', Lock],
    ['waitFor(), shared RLock', 'waitFor', RLock],
    ['short timed waits, shared Lock', 'timed', Lock],
  ] as const) {
    it(`bounded buffer, 3 producers × 3 consumers, no lost wake-ups (${label})`, { timeout: 30_000 }, async () => {
      const run = pool.startRun();
      for (let repeat = 0; repeat < 2; repeat++) {
        const lock = new LockKind();
        const notFull = new Condition(lock);
        const notEmpty = new Condition(lock);
        const items = 1500;
        const shared = new Int32Array(new SharedArrayBuffer(8 * 4));
        await pool.run(boundedBuffer, {
          threads: 6,
          args: [notFull, notEmpty, shared.buffer, 3, items, mode],
          run,
          timeoutMs: 12_000,
        });
        expect(shared[4]).toBe(3 * items);
        expect(shared[3]).toBe((3 * items * (items + 1)) / 2);
        expect(shared[0]).toBe(0);
        expect(shared[5]).toBeLessThanOrEqual(2);
        expect(lock.locked()).toBe(false);
      }
    });
  }

  it('notifyAll wakes every waiter', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    const cond = new Condition();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const spawned = pool.spawn(
      (rt, me, cond, buffer: SharedArrayBuffer) => {
        const s = new Int32Array(buffer);
        return cond.withLock(() => {
          while (s[0] === 0) cond.wait();
          return s[0];
        });
      },
      { threads: 4, args: [cond, flag.buffer], run },
    );
    const deadline = Date.now() + 5000;
    while (spawned.ids.some((id) => run.control.readWait(id)?.kind !== 'condition') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    cond.withLock(() => {
      flag[0] = 7;
      cond.notifyAll();
    });
    expect(await spawned.done).toEqual([7, 7, 7, 7]);
  });
});

describe('Condition', () => {
  it('wait(timeout) returns false after about that long, holding the lock again', () => {
    pool.startRun();
    const lock = new RLock();
    const cond = new Condition(lock);
    cond.acquire();
    cond.acquire(); // depth 2: wait must release both levels and restore them
    const start = performance.now();
    expect(cond.wait(80)).toBe(false);
    const ms = performance.now() - start;
    expect(ms).toBeGreaterThanOrEqual(75);
    expect(ms).toBeLessThan(2000);
    expect(lock.owner).toBe(1);
    cond.release();
    expect(lock.locked()).toBe(true);
    cond.release();
    expect(lock.locked()).toBe(false);
  });

  it('waitFor returns the predicate value, or the falsy value on timeout', () => {
    pool.startRun();
    const cond = new Condition();
    cond.withLock(() => {
      expect(cond.waitFor(() => 'ready')).toBe('ready');
      const start = performance.now();
      expect(cond.waitFor(() => 0, 50)).toBe(0);
      expect(performance.now() - start).toBeGreaterThanOrEqual(45);
    });
  });

  it('the lock is released while waiting: another thread can take it and notify', async () => {
    const run = pool.startRun();
    const cond = new Condition(new Lock());
    const spawned = pool.spawn(
      (rt, me, cond) => {
        // Sleep a little so the main thread is surely waiting, then take the lock and notify.
        rt.sleep(30);
        cond.withLock(() => cond.notify());
        return 'notified';
      },
      { threads: 1, args: [cond], run },
    );
    const woke = cond.withLock(() => cond.wait(10_000));
    expect(woke).toBe(true);
    expect(await spawned.done).toEqual(['notified']);
  });

  it('waiting or notifying without holding the lock throws a UsageError that says how to fix it', async () => {
    const run = pool.startRun();
    const cond = new Condition();
    expect(() => cond.wait(10)).toThrow(UsageError);
    expect(() => cond.wait(10)).toThrow(
      /^"MainThread" called wait\(\) on Condition #\d+ without holding its lock\. Call it inside condition\.withLock/,
    );
    expect(() => cond.notify()).toThrow(/called notify\(\) on Condition #\d+ without holding its lock/);
    expect(() => cond.notifyAll()).toThrow(UsageError);
    // Held by another thread is not held by me.
    cond.acquire();
    const [message] = (await pool.run(
      (rt, me, cond) => {
        try {
          cond.notify();
          return 'no error';
        } catch (e: any) {
          return e.message;
        }
      },
      { threads: 1, args: [cond], run, names: ['helper'] },
    )) as string[];
    cond.release();
    expect(message).toMatch(/^"helper" called notify\(\) at line 3 on Condition #\d+ without holding its lock/);
  });

  it('rejects a lock that is not a Lock or RLock, and bad timeouts', () => {
    pool.startRun();
    expect(() => new Condition({} as Lock)).toThrow(TypeError);
    const cond = new Condition();
    cond.withLock(() => expect(() => cond.wait(-3)).toThrow(RangeError));
  });
});
