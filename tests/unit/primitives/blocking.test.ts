import { afterAll, describe, expect, it } from 'vitest';
import { Event } from '../../../src/runtime/event.ts';
import { Lock } from '../../../src/runtime/lock.ts';
import { LINE_CAPTURE_DELAY_MS, setGilHooks } from '../../../src/runtime/internal/blocking.ts';
import { RawThreadPool, type Body } from '../../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

describe('blockOn', () => {
  it('calls the GIL hooks around a real wait only, not on a fast path', () => {
    const run = pool.startRun();
    const calls: string[] = [];
    setGilHooks({ beforeBlock: () => calls.push('before'), afterBlock: () => calls.push('after') });
    try {
      const lock = new Lock();
      lock.withLock(() => {});
      expect(calls).toEqual([]);
      const epoch = run.control.epoch();
      expect(new Event().wait(LINE_CAPTURE_DELAY_MS + 20)).toBe(false);
      // One wait (or, if the clock wakes it a hair early, a second short one): paired hooks.
      expect(calls.slice(0, 2)).toEqual(['before', 'after']);
      expect(calls.join()).toMatch(/^(before,after,?)+$/);
      // Start, line captured, end (at least).
      expect(run.control.epoch() - epoch).toBeGreaterThanOrEqual(3);
      expect(run.control.readWait(1)).toBeNull();
    } finally {
      setGilHooks(null);
    }
  });

  it('records kind, object, owner, timed, and the line once the wait lasts', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    const lock = new Lock();
    const event = new Event();
    lock.acquire();
    const body: Body = (rt, me, lock, event) => {
      if (me.index === 0) lock.acquire({ timeout: 10_000 });
      else event.wait();
    };
    const spawned = pool.spawn(body, { threads: 2, args: [lock, event], run });
    const deadline = Date.now() + 5000;
    const waits = () => spawned.ids.map((id) => run.control.readWait(id));
    while (waits().some((w) => w === null || w.line === 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const lines = body.toString().split('\n');
    const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
    expect(waits()).toEqual([
      { kind: 'lock', object: lock.id, owner: 1, timed: true, line: lineOf('lock.acquire(') },
      { kind: 'event', object: event.id, owner: 0, timed: false, line: lineOf('event.wait()') },
    ]);
    lock.release();
    event.set();
    await spawned.done;
    expect(waits()).toEqual([null, null]);
  });
});
