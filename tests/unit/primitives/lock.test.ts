import { afterAll, describe, expect, it } from 'vitest';
import { Lock } from '../../../src/runtime/lock.ts';
import { UsageError } from '../../../src/runtime/errors.ts';
import { setSnippetModuleUrls } from '../../../src/runtime/internal/snippet-stack.ts';
import { fileURLToPath } from 'node:url';
import { RawThreadPool } from '../../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

/** Runs `rounds` critical sections per thread; [counter, inside, maxInside] in `buffer`. */
const hammer = (rt: any, me: any, lock: any, buffer: SharedArrayBuffer, rounds: number) => {
  const s = new Int32Array(buffer);
  for (let i = 0; i < rounds; i++) {
    if (i % 3 === 0) {
      // Timed and non-blocking acquires take part too; only count what got the lock.
      if (!lock.acquire(i % 2 ? { blocking: false } : { timeout: 1 })) continue;
    } else {
      lock.acquire();
    }
    const inside = ++s[1];
    if (inside > s[2]) s[2] = inside;
    const v = s[0]; // a plain read-modify-write: lost updates if two threads get in at once
    if (i % 32 === 0) for (let k = 0; k < 300; k++) Math.sqrt(k);
    s[0] = v + 1;
    s[1]--;
    Atomics.add(s, 3, 1); // successful entries, counted atomically
    lock.release();
  }
};

describe('Lock under stress', () => {
  it('gives mutual exclusion across 4 and 8 threads (exact counter, never two inside)', { timeout: 30_000 }, async () => {
    const run = pool.startRun();
    for (const threads of [4, 4, 4, 8]) {
      const lock = new Lock();
      const shared = new Int32Array(new SharedArrayBuffer(16));
      await pool.run(hammer, { threads, args: [lock, shared.buffer, 6000], run });
      expect(shared[2]).toBe(1);
      expect(shared[0]).toBe(shared[3]);
      expect(shared[0]).toBeGreaterThan(threads * 6000 * (2 / 3) - 1);
      expect(lock.locked()).toBe(false);
      expect(lock.owner).toBe(0);
    }
  });
});

describe('Lock', () => {
  it('acquire/release/locked, owner is the holding thread', () => {
    const run = pool.startRun();
    const lock = new Lock();
    expect(lock.id).toBeGreaterThan(0);
    expect(lock.locked()).toBe(false);
    expect(lock.acquire()).toBe(true);
    expect(lock.locked()).toBe(true);
    expect(lock.owner).toBe(1);
    expect(run.control.words[run.control.ownerIndex(lock.id)]).toBe(1);
    expect(lock.acquire({ blocking: false })).toBe(false);
    expect(lock.acquire({ timeout: 0 })).toBe(false);
    lock.release();
    expect(lock.locked()).toBe(false);
    expect(lock.owner).toBe(0);
  });

  it('honours a timeout while another thread holds it', async () => {
    const run = pool.startRun();
    const lock = new Lock();
    lock.acquire();
    const results = (await pool.run(
      (rt, me, lock) => {
        const start = performance.now();
        const got = lock.acquire({ timeout: 150 });
        return [performance.now() - start, got];
      },
      { threads: 1, args: [lock], run },
    )) as [number, boolean][];
    lock.release();
    const [ms, ok] = results[0];
    expect(ok).toBe(false);
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(ms).toBeLessThan(2000);
  });

  it('is the same lock in another thread; any thread may release it (as in Python)', async () => {
    const run = pool.startRun();
    const lock = new Lock();
    const [ownerSeen] = (await pool.run(
      (rt, me, lock) => {
        lock.acquire();
        return lock.owner;
      },
      { threads: 1, args: [lock], run },
    )) as number[];
    expect(lock.locked()).toBe(true);
    expect(lock.owner).toBe(ownerSeen);
    expect(ownerSeen).not.toBe(1);
    lock.release(); // released by the main thread, not the one that took it
    expect(lock.locked()).toBe(false);
  });

  it('wakes a blocked waiter on release (hand-off)', async () => {
    const run = pool.startRun();
    const lock = new Lock();
    lock.acquire();
    const spawned = pool.spawn(
      (rt, me, lock) => {
        const start = performance.now();
        lock.acquire();
        lock.release();
        return performance.now() - start;
      },
      { threads: 2, args: [lock], run },
    );
    // Wait until both are recorded as blocked on the lock, then release.
    const deadline = Date.now() + 5000;
    while (spawned.ids.some((id) => run.control.readWait(id)?.kind !== 'lock') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(spawned.ids.map((id) => run.control.readWait(id)?.object)).toEqual([lock.id, lock.id]);
    expect(spawned.ids.map((id) => run.control.readWait(id)?.owner)).toEqual([1, 1]);
    lock.release();
    await spawned.done;
    expect(lock.locked()).toBe(false);
    expect(spawned.ids.map((id) => run.control.readWait(id))).toEqual([null, null]);
  });

  it('withLock returns the result and releases, also when fn throws or its promise rejects', async () => {
    pool.startRun();
    const lock = new Lock();
    expect(lock.withLock(() => (lock.locked() ? 42 : 0))).toBe(42);
    expect(lock.locked()).toBe(false);
    expect(() =>
      lock.withLock(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(lock.locked()).toBe(false);
    const pending = lock.withLock(async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('later');
    });
    expect(lock.locked()).toBe(true);
    await expect(pending).rejects.toThrow('later');
    expect(lock.locked()).toBe(false);
  });

  it('hold() works with `using`', () => {
    pool.startRun();
    const lock = new Lock();
    {
      using _guard = lock.hold();
      expect(lock.locked()).toBe(true);
    }
    expect(lock.locked()).toBe(false);
  });

  it('rejects bad arguments with RangeErrors', () => {
    pool.startRun();
    const lock = new Lock();
    expect(() => lock.acquire({ blocking: false, timeout: 5 })).toThrow(RangeError);
    expect(() => lock.acquire({ blocking: false, timeout: 5 })).toThrow(/blocking: false/);
    expect(() => lock.acquire(false as never)).toThrow(
      /^lock\.acquire\(false\): options go in an object, e\.g\. lock\.acquire\(\{ blocking: false \}\)/,
    );
    expect(() => lock.acquire({ timeout: -5 })).toThrow(/timeout must be a number of milliseconds ≥ 0, or -1/);
    expect(() => lock.acquire({ timeout: Number.NaN })).toThrow(RangeError);
    expect(lock.locked()).toBe(false);
    expect(lock.acquire({ timeout: -1 })).toBe(true);
  });

  it('releasing an unlocked lock throws a UsageError naming the lock, its line and the fix', () => {
    pool.startRun();
    setSnippetModuleUrls([fileURLToPath(import.meta.url)]);
    try {
      const lock = new Lock(); // CREATED-HERE
      let error: unknown;
      try {
        lock.release(); // RELEASED-HERE
      } catch (e) {
        error = e;
      }
      const source = lineOf;
      expect(error).toBeInstanceOf(UsageError);
      const message = (error as Error).message;
      expect(message).toContain(`Lock #${lock.id} (created at line ${source('CREATED-HERE')})`);
      expect(message).toContain(`released at line ${source('RELEASED-HERE')} but it is not locked`);
      expect(message).toContain('withLock');
      expect(lock.locked()).toBe(false);
    } finally {
      setSnippetModuleUrls([]);
    }
  });
});

import { readFileSync } from 'node:fs';
function lineOf(marker: string): number {
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(`// ${marker}`)) + 1;
}
