import { afterAll, describe, expect, it } from 'vitest';
import { BoundedSemaphore, Semaphore } from '../../../src/runtime/semaphore.ts';
import { UsageError } from '../../../src/runtime/errors.ts';
import { RawThreadPool } from '../../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

describe('Semaphore under stress', () => {
  it('never lets more than its count in at once (6 threads, 3 permits)', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    for (const Kind of [Semaphore, BoundedSemaphore]) {
      const sem = new Kind(3);
      // [inside, maxInside, entries]
      const shared = new Int32Array(new SharedArrayBuffer(12));
      await pool.run(
        (rt, me, sem, buffer: SharedArrayBuffer) => {
          const s = new Int32Array(buffer);
          for (let i = 0; i < 3000; i++) {
            if (i % 4 === 3 && !sem.acquire({ timeout: 1 })) continue;
            if (i % 4 !== 3) sem.acquire();
            const inside = Atomics.add(s, 0, 1) + 1;
            let max = Atomics.load(s, 1);
            while (inside > max) max = Atomics.compareExchange(s, 1, max, inside) === max ? inside : Atomics.load(s, 1);
            if (i % 16 === 0) for (let k = 0; k < 300; k++) Math.sqrt(k);
            Atomics.sub(s, 0, 1);
            Atomics.add(s, 2, 1);
            sem.release();
          }
        },
        { threads: 6, args: [sem, shared.buffer], run },
      );
      expect(shared[1]).toBeLessThanOrEqual(3);
      expect(shared[1]).toBeGreaterThanOrEqual(1);
      expect(shared[2]).toBeGreaterThan(6 * 3000 * 0.75 - 1);
      expect(sem.value).toBe(3);
    }
  });

  it('counts: permits handed between producer and consumer threads all arrive', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    const sem = new Semaphore(0);
    const total = new Int32Array(new SharedArrayBuffer(4));
    await pool.run(
      (rt, me, sem, buffer: SharedArrayBuffer) => {
        const s = new Int32Array(buffer);
        if (me.index < 2) {
          for (let i = 0; i < 2000; i++) sem.release(1 + (i % 2)); // 3000 permits each
        } else {
          for (let i = 0; i < 3000; i++) {
            sem.acquire();
            Atomics.add(s, 0, 1);
          }
        }
      },
      { threads: 4, args: [sem, total.buffer], run },
    );
    expect(total[0]).toBe(6000);
    expect(sem.value).toBe(0);
  });
});

describe('Semaphore', () => {
  it('acquire, non-blocking and timeout', async () => {
    const run = pool.startRun();
    const sem = new Semaphore(2);
    expect(sem.acquire()).toBe(true);
    expect(sem.acquire({ blocking: false })).toBe(true);
    expect(sem.acquire({ blocking: false })).toBe(false);
    const start = performance.now();
    expect(sem.acquire({ timeout: 60 })).toBe(false);
    const ms = performance.now() - start;
    expect(ms).toBeGreaterThanOrEqual(55);
    expect(ms).toBeLessThan(2000);
    sem.release(2);
    expect(sem.value).toBe(2);
    expect(run.control.objectKind(sem.id)).toBe('semaphore');
  });

  it('release(n) wakes n blocked threads', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    const sem = new Semaphore(0);
    const spawned = pool.spawn((rt, me, sem) => sem.acquire(), { threads: 3, args: [sem], run });
    const deadline = Date.now() + 5000;
    while (spawned.ids.some((id) => run.control.readWait(id)?.kind !== 'semaphore') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    sem.release(3);
    expect(await spawned.done).toEqual([true, true, true]);
    expect(sem.value).toBe(0);
  });

  it('rejects bad arguments', () => {
    pool.startRun();
    expect(() => new Semaphore(-1)).toThrow(/new Semaphore\(value\): value must be an integer ≥ 0, got -1/);
    expect(() => new BoundedSemaphore(1.5)).toThrow(/new BoundedSemaphore\(value\)/);
    const sem = new Semaphore(1);
    expect(() => sem.release(0)).toThrow(RangeError);
    expect(() => sem.acquire({ blocking: false, timeout: 3 })).toThrow(RangeError);
  });

  it('a plain Semaphore may be released above its initial value (as in Python)', () => {
    pool.startRun();
    const sem = new Semaphore(1);
    sem.release(2);
    expect(sem.value).toBe(3);
  });

  it('a BoundedSemaphore refuses over-release with a message naming the initial value', () => {
    pool.startRun();
    const sem = new BoundedSemaphore(2);
    sem.acquire();
    sem.release();
    let error: unknown;
    try {
      sem.release();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /^BoundedSemaphore #\d+ was released more times than it was acquired: its count would go from 2 to 3, above its initial value 2\./,
    );
    expect(sem.value).toBe(2);
    sem.acquire();
    expect(() => sem.release(2)).toThrow(/from 1 to 3/);
    expect(sem.value).toBe(1);
  });
});
