import { afterAll, describe, expect, it } from 'vitest';
import { RLock } from '../../../src/runtime/rlock.ts';
import { UsageError } from '../../../src/runtime/errors.ts';
import { RawThreadPool } from '../../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

describe('RLock under stress', () => {
  it('gives mutual exclusion with nested acquires across 4 threads', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    const lock = new RLock();
    const shared = new Int32Array(new SharedArrayBuffer(16));
    await pool.run(
      (rt, me, lock, buffer: SharedArrayBuffer) => {
        const s = new Int32Array(buffer);
        for (let i = 0; i < 4000; i++) {
          const depth = 1 + (i % 3);
          for (let d = 0; d < depth; d++) lock.acquire();
          const inside = ++s[1];
          if (inside > s[2]) s[2] = inside;
          const v = s[0];
          if (i % 32 === 0) for (let k = 0; k < 300; k++) Math.sqrt(k);
          s[0] = v + 1;
          s[1]--;
          for (let d = 0; d < depth; d++) lock.release();
          if (lock.locked() && lock.owner === me.id) throw new Error('still held after full release');
        }
      },
      { threads: 4, args: [lock, shared.buffer], run },
    );
    expect(shared[0]).toBe(4 * 4000);
    expect(shared[2]).toBe(1);
    expect(lock.locked()).toBe(false);
  });
});

describe('RLock', () => {
  it('is reentrant for its owner and released after as many releases', () => {
    pool.startRun();
    const lock = new RLock();
    expect(lock.acquire()).toBe(true);
    expect(lock.acquire({ blocking: false })).toBe(true);
    expect(lock.acquire({ timeout: 0 })).toBe(true);
    lock.release();
    lock.release();
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(lock.locked()).toBe(false);
  });

  it('another thread cannot take it while held, and times out as asked', async () => {
    const run = pool.startRun();
    const lock = new RLock();
    lock.acquire();
    lock.acquire();
    const [[nonBlocking, timed, ms]] = (await pool.run(
      (rt, me, lock) => {
        const nonBlocking = lock.acquire({ blocking: false });
        const start = performance.now();
        const timed = lock.acquire({ timeout: 100 });
        return [nonBlocking, timed, performance.now() - start];
      },
      { threads: 1, args: [lock], run },
    )) as [boolean, boolean, number][];
    expect(nonBlocking).toBe(false);
    expect(timed).toBe(false);
    expect(ms).toBeGreaterThanOrEqual(90);
    expect(ms).toBeLessThan(2000);
    lock.release();
    lock.release();
  });

  it('release by a thread that does not hold it throws, naming both threads, and changes nothing', async () => {
    const run = pool.startRun();
    const lock = new RLock();
    lock.acquire();
    const [message] = (await pool.run(
      (rt, me, lock) => {
        try {
          lock.release();
          return 'no error';
        } catch (e: any) {
          return `${e.name}: ${e.message}`;
        }
      },
      { threads: 1, args: [lock], run, names: ['worker'] },
    )) as string[];
    expect(message).toMatch(/^UsageError: RLock #\d+ was released at line 3 by "worker", but "MainThread" holds it\./);
    expect(message).toContain('only be released by the thread that acquired it');
    expect(lock.locked()).toBe(true);
    expect(lock.owner).toBe(1);
    lock.release();
  });

  it('release of an unlocked RLock throws a UsageError', () => {
    pool.startRun();
    const lock = new RLock();
    expect(() => lock.release()).toThrow(UsageError);
    expect(() => lock.release()).toThrow(/RLock #\d+ was released but it is not locked/);
  });

  it('withLock nests', () => {
    pool.startRun();
    const lock = new RLock();
    expect(lock.withLock(() => lock.withLock(() => lock.owner))).toBe(1);
    expect(lock.locked()).toBe(false);
  });
});
