import { afterAll, describe, expect, it } from 'vitest';
import { Barrier } from '../../../src/runtime/barrier.ts';
import { BrokenBarrierError } from '../../../src/runtime/errors.ts';
import { RawThreadPool } from '../../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

async function untilWaiting(barrier: Barrier, n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (barrier.nWaiting < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

describe('Barrier under stress', () => {
  it('keeps generations apart over many rounds (4 threads, reused barrier)', { timeout: 30_000 }, async () => {
    const run = pool.startRun();
    const threads = 4;
    const rounds = 1500;
    const barrier = new Barrier(threads);
    // Per thread: the round it has finished; per round: a bitmask of arrival indexes seen.
    const progress = new Int32Array(new SharedArrayBuffer(threads * 4));
    const indexes = new Int32Array(new SharedArrayBuffer(rounds * 4));
    await pool.run(
      (rt, me, barrier, progressBuffer: SharedArrayBuffer, indexBuffer: SharedArrayBuffer, rounds: number) => {
        const progress = new Int32Array(progressBuffer);
        const indexes = new Int32Array(indexBuffer);
        for (let round = 1; round <= rounds; round++) {
          Atomics.store(progress, me.index, round);
          const index = barrier.wait();
          Atomics.or(indexes, round - 1, 1 << index);
          // Past the barrier of round r, everyone has reached round r, and nobody is beyond r+1.
          for (let t = 0; t < me.threads; t++) {
            const p = Atomics.load(progress, t);
            if (p < round || p > round + 1) throw new Error(`round ${round}: thread ${t} is at ${p}`);
          }
        }
      },
      { threads, args: [barrier, progress.buffer, indexes.buffer, rounds], run },
    );
    // Every round handed out each arrival index 0..3 exactly once.
    expect([...new Set(indexes)]).toEqual([0b1111]);
    expect(barrier.nWaiting).toBe(0);
    expect(barrier.broken).toBe(false);
  });

  it('with more threads than parties, every generation hands out each index once', { timeout: 30_000 }, async () => {
    const run = pool.startRun();
    const barrier = new Barrier(3);
    // [index 0 count, index 1 count, index 2 count, stop flag]
    const shared = new Int32Array(new SharedArrayBuffer(4 * 4));
    const spawned = pool.spawn(
      (rt, me, barrier, buffer: SharedArrayBuffer) => {
        const s = new Int32Array(buffer);
        // Threads form generations in any grouping; they stop when told, the barrier is then
        // aborted so that nobody is left waiting for partners that are gone.
        while (Atomics.load(s, 3) === 0) {
          let index: number;
          try {
            index = barrier.wait();
          } catch (e) {
            if (e instanceof rt.BrokenBarrierError) break;
            throw e;
          }
          Atomics.add(s, index, 1);
        }
      },
      { threads: 6, args: [barrier, shared.buffer], run },
    );
    const deadline = Date.now() + 20_000;
    while (Atomics.load(shared, 0) < 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    Atomics.store(shared, 3, 1);
    barrier.abort();
    await spawned.done;
    expect(shared[0]).toBeGreaterThanOrEqual(1000);
    // Each completed generation returned 0, 1 and 2 once; an aborted one returned none.
    expect([shared[1], shared[2]]).toEqual([shared[0], shared[0]]);
  });

  it('runs the action exactly once per round, in one thread, before anyone is released', { timeout: 30_000 }, async () => {
    const run = pool.startRun();
    const rounds = 500;
    // [actions run, threads released this round]
    const shared = new Int32Array(new SharedArrayBuffer(8));
    (globalThis as any).__barrierTestShared = shared;
    const barrier = new Barrier(3, {
      // Revived from source in other threads: uses only globals.
      action: () => {
        const s = (globalThis as any).__barrierTestShared as Int32Array;
        if (Atomics.load(s, 1) % 3 !== 0) throw new Error('action ran while threads were still passing');
        Atomics.add(s, 0, 1);
      },
    });
    await pool.run(
      (rt, me, barrier, buffer: SharedArrayBuffer, rounds: number) => {
        (globalThis as any).__barrierTestShared = new Int32Array(buffer);
        const s = new Int32Array(buffer);
        for (let i = 0; i < rounds; i++) {
          barrier.wait();
          Atomics.add(s, 1, 1);
          barrier.wait(); // a second barrier keeps the release count in step for the check
        }
      },
      { threads: 3, args: [barrier, shared.buffer, rounds], run },
    );
    expect(shared[0]).toBe(2 * rounds);
    expect(shared[1]).toBe(3 * rounds);
  });
});

describe('Barrier', () => {
  it('returns arrival indexes 0..parties-1 and exposes parties', async () => {
    const run = pool.startRun();
    const barrier = new Barrier(3);
    expect(barrier.parties).toBe(3);
    const indexes = (await pool.run((rt, me, barrier) => barrier.wait(), { threads: 3, args: [barrier], run })) as number[];
    expect(indexes.sort()).toEqual([0, 1, 2]);
  });

  it('a timeout breaks it (Python semantics), others get BrokenBarrierError, reset() mends it', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    const barrier = new Barrier(3);
    const spawned = pool.spawn(
      (rt, me, barrier) => {
        try {
          barrier.wait();
          return 'passed';
        } catch (e: any) {
          return e.name;
        }
      },
      { threads: 1, args: [barrier], run },
    );
    await untilWaiting(barrier, 1);
    const start = performance.now();
    expect(() => barrier.wait(60)).toThrow(BrokenBarrierError);
    const ms = performance.now() - start;
    expect(ms).toBeGreaterThanOrEqual(55);
    expect(ms).toBeLessThan(2000);
    expect(await spawned.done).toEqual(['BrokenBarrierError']);
    expect(barrier.broken).toBe(true);
    expect(() => barrier.wait()).toThrow(/is broken .* Call barrier\.reset\(\) to use it again/);
    barrier.reset();
    expect(barrier.broken).toBe(false);
    const indexes = (await pool.run((rt, me, barrier) => barrier.wait(), { threads: 3, args: [barrier], run })) as number[];
    expect(indexes.sort()).toEqual([0, 1, 2]);
  });

  it('the default timeout from the options applies', () => {
    pool.startRun();
    const barrier = new Barrier(2, { timeout: 30 });
    expect(() => barrier.wait()).toThrow(/timed out in "MainThread" with 1 of 2 threads arrived/);
    expect(barrier.broken).toBe(true);
  });

  it('abort() and reset() while threads wait make them throw BrokenBarrierError', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    for (const how of ['abort', 'reset'] as const) {
      const barrier = new Barrier(3);
      const spawned = pool.spawn(
        (rt, me, barrier) => {
          try {
            barrier.wait();
            return 'passed';
          } catch (e: any) {
            return e.name;
          }
        },
        { threads: 2, args: [barrier], run },
      );
      await untilWaiting(barrier, 2);
      if (how === 'abort') barrier.abort();
      else barrier.reset();
      expect(await spawned.done).toEqual(['BrokenBarrierError', 'BrokenBarrierError']);
      expect(barrier.broken).toBe(how === 'abort');
      expect(barrier.nWaiting).toBe(0);
    }
  });

  it('a throwing action: the last thread gets its error, the others BrokenBarrierError', async () => {
    const run = pool.startRun();
    const barrier = new Barrier(2, {
      action: () => {
        throw new Error('action failed');
      },
    });
    const spawned = pool.spawn(
      (rt, me, barrier) => {
        try {
          barrier.wait();
          return 'passed';
        } catch (e: any) {
          return e.name;
        }
      },
      { threads: 1, args: [barrier], run },
    );
    await untilWaiting(barrier, 1);
    expect(() => barrier.wait()).toThrow('action failed');
    expect(await spawned.done).toEqual(['BrokenBarrierError']);
    expect(barrier.broken).toBe(true);
  });

  it('rejects bad parties', () => {
    pool.startRun();
    expect(() => new Barrier(0)).toThrow(/parties must be an integer ≥ 1, got 0/);
    expect(() => new Barrier(2, { timeout: -4 })).toThrow(RangeError);
  });
});
