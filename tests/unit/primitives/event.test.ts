import { afterAll, describe, expect, it } from 'vitest';
import { Event } from '../../../src/runtime/event.ts';
import { RawThreadPool } from '../../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

async function untilAllWaitOn(run: { control: any }, ids: number[], kind: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (ids.some((id) => run.control.readWait(id)?.kind !== kind) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Event under stress', () => {
  it('ping-pong of set/clear between two threads loses no wake-up', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    const ping = new Event();
    const pong = new Event();
    const count = new Int32Array(new SharedArrayBuffer(4));
    await pool.run(
      (rt, me, ping, pong, buffer: SharedArrayBuffer) => {
        const s = new Int32Array(buffer);
        const [mine, theirs] = me.index === 0 ? [ping, pong] : [pong, ping];
        for (let i = 0; i < 3000; i++) {
          if (me.index === 0) theirs.set();
          if (!mine.wait(10_000)) throw new Error('lost wake-up');
          mine.clear();
          Atomics.add(s, 0, 1);
          if (me.index === 1) theirs.set();
        }
      },
      { threads: 2, args: [ping, pong, count.buffer], run },
    );
    expect(count[0]).toBe(6000);
  });
});

describe('Event', () => {
  it('set, isSet, clear; wait returns at once when set', () => {
    pool.startRun();
    const event = new Event();
    expect(event.isSet()).toBe(false);
    event.set();
    event.set();
    expect(event.isSet()).toBe(true);
    expect(event.wait()).toBe(true);
    expect(event.wait(0)).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
    expect(event.wait(0)).toBe(false);
  });

  it('wait(timeout) returns false after about that long', () => {
    pool.startRun();
    const event = new Event();
    const start = performance.now();
    expect(event.wait(60)).toBe(false);
    const ms = performance.now() - start;
    expect(ms).toBeGreaterThanOrEqual(55);
    expect(ms).toBeLessThan(2000);
  });

  it('set() wakes every waiter, even if the flag is cleared again at once (as in Python)', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    const event = new Event();
    const spawned = pool.spawn((rt, me, event) => event.wait(10_000), { threads: 4, args: [event], run });
    await untilAllWaitOn(run, spawned.ids, 'event');
    event.set();
    event.clear();
    expect(await spawned.done).toEqual([true, true, true, true]);
    expect(event.isSet()).toBe(false);
  });

  it('rejects a negative timeout', () => {
    pool.startRun();
    expect(() => new Event().wait(-2)).toThrow(RangeError);
  });
});
