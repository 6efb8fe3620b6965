import { afterAll, describe, expect, it } from 'vitest';
import { Lock } from '../../../src/runtime/lock.ts';
import { Event } from '../../../src/runtime/event.ts';
import { enterThread } from '../../../src/runtime/internal/context.ts';
import { ControlBlock, RUN_STOPPED } from '../../../src/runtime/internal/control-block.ts';
import { drainTrace, FULL_RECHECK, trace, tracing } from '../../../src/runtime/internal/trace.ts';
import * as ops from '../../../src/runtime/internal/trace-ops.ts';
import { RawThreadPool } from '../../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

describe('trace', () => {
  it('op constants match their names', () => {
    const named = Object.entries(ops).filter(([k]) => k.startsWith('OP_'));
    expect(named.length).toBe(ops.TRACE_OPS.length);
    for (const [key, code] of named) {
      expect(ops.TRACE_OPS[code as number]).toBe(key.slice(3).toLowerCase().replaceAll('_', '-'));
    }
  });

  it('records primitive operations of every thread, in time order', async () => {
    const run = pool.startRun();
    const lock = new Lock();
    const event = new Event();
    lock.acquire();
    lock.release();
    await pool.run(
      (rt, me, lock, event) => {
        lock.withLock(() => {});
        if (me.index === 0) event.set();
      },
      { threads: 2, args: [lock, event], run },
    );
    const { records, dropped } = drainTrace(run.control);
    expect(dropped).toBe(0);
    const lockOps = records.filter((r) => r.object === lock.id).map((r) => [r.thread, r.op]);
    expect(lockOps.slice(0, 2)).toEqual([
      [1, 'acquire'],
      [1, 'release'],
    ]);
    expect(lockOps.filter(([, op]) => op === 'acquire').length).toBe(3);
    expect(records.some((r) => r.op === 'set' && r.object === event.id && r.thread !== 1)).toBe(true);
    for (let i = 1; i < records.length; i++) expect(records[i].time).toBeGreaterThanOrEqual(records[i - 1].time);
    expect(Math.abs(records[0].time - (performance.timeOrigin + performance.now()))).toBeLessThan(60_000);
    expect(drainTrace(run.control).records).toEqual([]);
  });

  it('a full ring drops and counts instead of waiting, and keeps going after a drain', () => {
    const control = ControlBlock.create({ traceCapacity: 128 });
    enterThread({ id: control.allocateThread('MainThread'), name: 'MainThread', control });
    // Drains take everything written so far (cutoff Infinity): in a dense stretch, extrapolated
    // times may run a little ahead of the clock, and a drain up to the clock leaves those for the next.
    // A quarter of the ring is kept for blocks and wakes, and its last slot for the thread's end;
    // a block needs room for its wake too (so the wake of the dropped block 530 is kept alone).
    for (let i = 0; i < 200; i++) trace(ops.OP_SET, 1, i);
    for (let i = 0; i < 40; i++) trace(i % 2 ? ops.OP_WAKE : ops.OP_BLOCK, 1, 500 + i);
    trace(ops.OP_THREAD_END, 1, 999);
    let drained = drainTrace(control, Infinity);
    const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
    expect(drained.records.map((r) => r.arg)).toEqual([...range(0, 96), ...range(500, 30), 531, 999]);
    expect(drained.dropped).toBe(200 - 96 + 40 - 31);
    // The writer looks again within FULL_RECHECK drops of the drain, then keeps records again.
    for (let i = 0; i <= FULL_RECHECK; i++) trace(ops.OP_CLEAR, 1, i);
    trace(ops.OP_WAKE, 1, 0); // Drops reach the shared count with the next record kept.
    drained = drainTrace(control, Infinity);
    expect(drained.records.filter((r) => r.op === 'clear').length).toBeGreaterThan(0);
    expect(drained.records.at(-1)!.op).toBe('wake');
    expect(drained.records.length + drained.dropped).toBe(FULL_RECHECK + 2);
    // A wait is never dropped for want of a look: it loads the read counter at once.
    for (let i = 0; i < 200; i++) trace(ops.OP_SET, 1, i);
    drainTrace(control, Infinity);
    trace(ops.OP_BLOCK, 1, 0);
    expect(drainTrace(control, Infinity).records.map((r) => r.op)).toEqual(['block']);
  });

  // The clock is read only now and then in dense stretches (see trace.ts); these check the
  // moments it must be read whatever the pace, by comparing with a clock read just before.
  const wallClock = () => performance.timeOrigin + performance.now();
  const spinUntilLater = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };

  it('a record after a drain reads the clock, even in the middle of a dense stretch', () => {
    const control = ControlBlock.create({ traceCapacity: 1024 });
    enterThread({ id: control.allocateThread('MainThread'), name: 'MainThread', control });
    for (let i = 0; i < 500; i++) trace(ops.OP_SET, 1, i); // Dense: most times extrapolated.
    const burst = drainTrace(control).records;
    for (let i = 1; i < burst.length; i++) expect(burst[i].time).toBeGreaterThanOrEqual(burst[i - 1].time);
    spinUntilLater(3); // A stretch of plain computation, during which the host drained.
    const before = wallClock();
    trace(ops.OP_CLEAR, 1, 0);
    const after = drainTrace(control).records; // The burst's last records may be here too.
    expect(burst.length + after.length).toBe(501);
    expect(after.at(-1)).toMatchObject({ op: 'clear' });
    expect(after.at(-1)!.time).toBeGreaterThanOrEqual(before);
  });

  it.each([ops.OP_BLOCK, ops.OP_WAKE, ops.OP_THREAD_END])('op %i reads the clock even right after a dense stretch', (op) => {
    const control = ControlBlock.create({ traceCapacity: 1024 });
    enterThread({ id: control.allocateThread('MainThread'), name: 'MainThread', control });
    for (let i = 0; i < 100; i++) trace(ops.OP_SET, 1, i);
    spinUntilLater(2); // No drain in between: only the op itself can make it read the clock.
    const before = wallClock();
    trace(op, 1, 0);
    const last = drainTrace(control).records.at(-1)!;
    expect(last.op).toBe(ops.TRACE_OPS[op]);
    expect(last.time).toBeGreaterThanOrEqual(before);
  });

  it('a block is kept only with room for its wake: a full ring never leaves a wait without its end', () => {
    const control = ControlBlock.create({ traceCapacity: 64 });
    enterThread({ id: control.allocateThread('MainThread'), name: 'MainThread', control });
    for (let i = 0; i < 100; i++) trace(ops.OP_SET, 1, i);
    // Blocks and wakes as blockOn writes them (one of each per wait), well past the ring's room.
    for (let i = 0; i < 40; i++) {
      trace(ops.OP_BLOCK, 1, i);
      trace(ops.OP_WAKE, 1, i);
    }
    trace(ops.OP_THREAD_END, 1, 0);
    const records = drainTrace(control).records;
    expect(records.at(-1)!.op).toBe('thread-end');
    const waits = records.filter((r) => r.op === 'block' || r.op === 'wake');
    expect(waits.length).toBeGreaterThan(0);
    waits.forEach((record, i) => {
      if (record.op === 'block') expect(waits[i + 1]).toMatchObject({ op: 'wake', arg: record.arg });
    });
  });

  it('a record after plain computation reads the clock, even right after a wake and an acquire', () => {
    // What lock-hand-off does: woken, it acquires at once, works 3 ms, releases. The 2 µs
    // between wake and acquire are no dense stretch: the release must not be extrapolated.
    const control = ControlBlock.create({ traceCapacity: 1024 });
    enterThread({ id: control.allocateThread('MainThread'), name: 'MainThread', control });
    for (let round = 0; round < 3; round++) {
      trace(ops.OP_WAKE, 1, 0);
      trace(ops.OP_ACQUIRE, 1, 0);
      spinUntilLater(3);
      trace(ops.OP_RELEASE, 1, 0);
      spinUntilLater(1);
    }
    const records = drainTrace(control).records;
    for (let i = 0; i < records.length; i += 3) {
      expect(records.slice(i, i + 3).map((r) => r.op)).toEqual(['wake', 'acquire', 'release']);
      expect(records[i + 2].time - records[i + 1].time).toBeGreaterThanOrEqual(2.5);
    }
  });

  it('in a dense stretch most records skip the clock', () => {
    const control = ControlBlock.create({ traceCapacity: 4096 });
    enterThread({ id: control.allocateThread('MainThread'), name: 'MainThread', control });
    const now = performance.now;
    let reads = 0;
    performance.now = () => (reads++, now.call(performance));
    try {
      for (let i = 0; i < 2000; i++) trace(ops.OP_SET, 1, i);
    } finally {
      performance.now = now;
    }
    expect(reads).toBeLessThan(500);
    expect(drainTrace(control, Infinity).records).toHaveLength(2000);
  });

  it('a drain takes only records up to the clock read before it: later ones wait for the next', () => {
    const control = ControlBlock.create({ traceCapacity: 1024 });
    enterThread({ id: control.allocateThread('MainThread'), name: 'MainThread', control });
    trace(ops.OP_SET, 1, 1);
    spinUntilLater(1);
    const cutoff = wallClock();
    spinUntilLater(1);
    trace(ops.OP_CLEAR, 1, 2); // Written while an earlier drain scanned the rings, as it were.
    expect(drainTrace(control, cutoff).records.map((r) => r.arg)).toEqual([1]);
    expect(drainTrace(control).records.map((r) => r.arg)).toEqual([2]);
    // Once the run has stopped, a drain takes everything.
    trace(ops.OP_SET, 1, 3);
    control.setRunState(RUN_STOPPED);
    expect(drainTrace(control, 0).records.map((r) => r.arg)).toEqual([3]);
  });

  it('is off for a run created with traceCapacity 0', () => {
    const control = ControlBlock.create({ traceCapacity: 0 });
    enterThread({ id: control.allocateThread('MainThread'), name: 'MainThread', control });
    expect(tracing()).toBe(false);
    new Lock().withLock(() => {});
    expect(drainTrace(control)).toEqual({ records: [], dropped: 0 });
  });
});

describe('control block', () => {
  it('hands out thread ids with names (long ones cut) and refuses too many', () => {
    const control = ControlBlock.create({ maxThreads: 2 });
    expect(control.allocateThread('MainThread')).toBe(1);
    expect(control.allocateThread('x'.repeat(60), true)).toBe(2);
    expect(control.threadName(2)).toBe(`${'x'.repeat(47)}…`);
    expect(control.isDaemon(2)).toBe(true);
    expect(() => control.allocateThread('third')).toThrow(/at most 2 threads/);
    expect(() => ControlBlock.attach(new SharedArrayBuffer(64))).toThrow(/not an Interleave control block/);
    const attached = ControlBlock.attach(control.buffer);
    expect(attached.threadName(1)).toBe('MainThread');
  });

  it('objects past the table still work, without an id', () => {
    const control = ControlBlock.create({ maxObjects: 1 });
    enterThread({ id: control.allocateThread('MainThread'), name: 'MainThread', control });
    const first = new Lock();
    const second = new Lock();
    expect(first.id).toBe(1);
    expect(second.id).toBe(0);
    second.acquire();
    expect(second.owner).toBe(1);
    expect(() => second.acquire({ blocking: false })).not.toThrow();
    second.release();
    expect(() => second.release()).toThrow(/^a Lock was released/);
  });
});
