import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Barrier } from '../../src/runtime/barrier.ts';
import { Event } from '../../src/runtime/event.ts';
import { Lock } from '../../src/runtime/lock.ts';
import { THREAD_DONE, type ControlBlock } from '../../src/runtime/internal/control-block.ts';
import {
  describeDeadlock,
  findDeadlock,
  readSnapshot,
  type ControlSnapshot,
  type DeadlockReport,
  type ThreadSnapshot,
  type WaitSnapshot,
} from '../../src/runtime/internal/deadlock.ts';
import { setSnippetModuleUrls } from '../../src/runtime/internal/snippet-stack.ts';
import { RawThreadPool, type Body } from '../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

const testFile = fileURLToPath(import.meta.url);
function lineInThisFile(marker: string): number {
  return readFileSync(testFile, 'utf8').split('\n').findIndex((l) => l.includes(`// ${marker}`)) + 1;
}
/** Line of the first line containing `text` in a body, as its module numbers it (line 1 = its first). */
function lineInBody(body: Body, text: string): number {
  return body.toString().split('\n').findIndex((l) => l.includes(text)) + 1;
}

/** Polls like the watchdog: a deadlock seen in two reads with the same epoch, lines filled in. */
async function watch(control: ControlBlock, timeoutMs = 8000): Promise<DeadlockReport | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const first = readSnapshot(control);
    await new Promise((r) => setTimeout(r, 40));
    const second = readSnapshot(control);
    const report = first.epoch === second.epoch ? findDeadlock(second) : null;
    if (report && report.threads.every((t) => t.wait!.line > 0)) return report;
  }
  return null;
}

const oppositeOrder: Body = (rt, me, first, second, barrier) => {
  first.acquire();
  barrier.wait(); // both hold their first lock now
  second.acquire();
  return 'unreachable';
};

describe('deadlock detection with real threads', () => {
  it('two locks taken in opposite order: the cycle, both threads, locks, holders and lines', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    setSnippetModuleUrls([testFile]);
    const a = new Lock(); // LOCK-A
    const b = new Lock(); // LOCK-B
    setSnippetModuleUrls([]);
    const barrier = new Barrier(2);
    const spawned = pool.spawn(oppositeOrder, {
      threads: 2,
      argsFor: (i) => (i === 0 ? [a, b, barrier] : [b, a, barrier]),
      names: ['transfer-1', 'transfer-2'],
      run,
    });
    try {
      const report = await watch(run.control);
      expect(report?.kind).toBe('cycle');
      const [t1, t2] = spawned.ids;
      expect(report!.threads.map((t) => t.id).sort()).toEqual([t1, t2].sort());
      const line = lineInBody(oppositeOrder, 'second.acquire()');
      const message = describeDeadlock(report!);
      const lockA = `Lock #${a.id} (created at line ${lineInThisFile('LOCK-A')})`;
      const lockB = `Lock #${b.id} (created at line ${lineInThisFile('LOCK-B')})`;
      expect(message).toContain('Deadlock: 2 threads wait for each other in a cycle');
      expect(message).toContain(`"transfer-1" waits at line ${line} for ${lockB}, which "transfer-2" holds.`);
      expect(message).toContain(`"transfer-2" waits at line ${line} for ${lockA}, which "transfer-1" holds.`);
      expect(message).toContain(`same order (for example Lock #${a.id} before Lock #${b.id})`);
    } finally {
      await spawned.stop();
    }
  });

  it('everyone blocked on an Event nobody sets is reported, with each line', { timeout: 20_000 }, async () => {
    const run = pool.startRun();
    run.control.setThreadState(1, THREAD_DONE); // the main thread has finished
    const event = new Event();
    const body: Body = (rt, me, event) => {
      event.wait();
    };
    const spawned = pool.spawn(body, { threads: 3, args: [event], run });
    try {
      const report = await watch(run.control);
      expect(report?.kind).toBe('all-blocked');
      expect(report!.threads.map((t) => t.id)).toEqual(spawned.ids);
      const message = describeDeadlock(report!);
      expect(message).toContain('Deadlock: every thread is blocked, and no running thread is left to wake any of them.');
      const line = lineInBody(body, 'event.wait()');
      for (const name of ['Thread-1', 'Thread-2', 'Thread-3']) {
        expect(message).toContain(`"${name}" waits at line ${line} for Event #${event.id} to be set.`);
      }
      expect(message).toContain('How to fix:');
    } finally {
      await spawned.stop();
    }
  });

  it('is not reported while one thread can still wake the others, nor for timed waits', { timeout: 20_000 }, async () => {
    const run = pool.startRun(); // the main thread (this one) stays live and unblocked
    const event = new Event();
    const spawned = pool.spawn((rt, me, event) => event.wait(me.index === 0 ? 60_000 : undefined), {
      threads: 2,
      args: [event],
      run,
    });
    try {
      const deadline = Date.now() + 5000;
      while (spawned.ids.some((id) => run.control.readWait(id) === null) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(findDeadlock(readSnapshot(run.control))).toBeNull();
      run.control.setThreadState(1, THREAD_DONE);
      // Thread 1 waits with a timeout: it will wake by itself, so still no deadlock.
      expect(findDeadlock(readSnapshot(run.control))).toBeNull();
      event.set();
      expect(await spawned.done).toEqual([true, true]);
    } finally {
      await spawned.stop();
    }
  });
});

// ── Pure analysis over hand-made snapshots ───────────────────────────────────────────────────

function thread(id: number, wait: Partial<WaitSnapshot> | null, extra: Partial<ThreadSnapshot> = {}): ThreadSnapshot {
  return {
    id,
    name: `T${id}`,
    daemon: false,
    state: 'running',
    wait:
      wait === null
        ? null
        : { kind: 'lock', object: 0, objectLine: 0, holder: 0, timed: false, line: 0, ...wait },
    ...extra,
  };
}
const snap = (...threads: ThreadSnapshot[]): ControlSnapshot => ({ epoch: 0, threads });

describe('findDeadlock / describeDeadlock', () => {
  it('finds a three-thread lock cycle while another thread still runs', () => {
    const report = findDeadlock(
      snap(
        thread(1, null),
        thread(2, { object: 1, holder: 3, line: 10 }),
        thread(3, { kind: 'rlock', object: 2, holder: 4, line: 11 }),
        thread(4, { object: 3, holder: 2, line: 12 }),
      ),
    );
    expect(report?.kind).toBe('cycle');
    expect(report!.threads.map((t) => t.id)).toEqual([2, 3, 4]);
    const message = describeDeadlock(report!);
    expect(message).toContain('"T3" waits at line 11 for RLock #2, which "T4" holds.');
    expect(message).toContain('for example Lock #1 before RLock #2 before Lock #3');
  });

  it('a cycle through a timed wait is not a deadlock', () => {
    expect(
      findDeadlock(snap(thread(1, { object: 1, holder: 2 }), thread(2, { object: 2, holder: 1, timed: true }))),
    ).toBeNull();
  });

  it('a join cycle, and the last live thread waiting for a Lock it holds itself', () => {
    const joins = findDeadlock(
      snap(thread(1, { kind: 'join', object: 2, holder: 2, line: 5 }), thread(2, { kind: 'join', object: 1, holder: 1, line: 9 }), thread(3, null)),
    );
    expect(joins?.kind).toBe('cycle');
    expect(describeDeadlock(joins!)).toContain('"T1" waits at line 5 to join "T2".');
    const self = findDeadlock(snap(thread(1, null, { state: 'done' }), thread(2, { object: 4, holder: 2, line: 7, objectLine: 3 })));
    expect(self?.kind).toBe('cycle');
    expect(self?.threads.map((t) => t.id)).toEqual([2]);
    expect(describeDeadlock(self!)).toBe(
      'Deadlock: "T2" waits at line 7 for Lock #4 (created at line 3), which it already holds itself, so it will wait forever.\n' +
        'How to fix: a Lock cannot be acquired twice by the same thread. Use an RLock if the code really needs to take it again, or release it before acquiring it again.',
    );
  });

  it('waiting for a Lock it holds itself is no deadlock while another thread runs (it may release it)', () => {
    // Python lets any thread release a Lock: a Lock used as a signal.
    expect(findDeadlock(snap(thread(1, { object: 4, holder: 1, line: 7 }), thread(2, null)))).toBeNull();
    const blocked = findDeadlock(snap(thread(1, { object: 4, holder: 1 }), thread(2, { kind: 'event', object: 5 })));
    expect(blocked?.kind).toBe('all-blocked');
  });

  it('all blocked: counts daemon threads, ignores finished ones, names a finished holder', () => {
    const report = findDeadlock(
      snap(
        thread(1, { kind: 'join', object: 2, holder: 2 }),
        thread(2, { object: 1, holder: 3, line: 4 }),
        thread(3, null, { state: 'done' }),
        thread(4, { kind: 'condition', object: 2, line: 8 }, { daemon: true }),
      ),
    );
    expect(report?.kind).toBe('all-blocked');
    expect(report!.threads.map((t) => t.id)).toEqual([1, 2, 4]);
    const message = describeDeadlock(report!);
    expect(message).toContain('"T1" waits to join "T2".');
    expect(message).toContain('"T2" waits at line 4 for Lock #1, which "T3" still holds although it has finished');
    expect(message).toContain('"T4" waits at line 8 on Condition #2 for a notify().');
    // A running daemon could still wake the others.
    expect(findDeadlock(snap(thread(1, { kind: 'event', object: 1 }), thread(2, null, { daemon: true })))).toBeNull();
  });

  it('nothing live, or a sleeper, is no deadlock', () => {
    expect(findDeadlock(snap(thread(1, null, { state: 'done' })))).toBeNull();
    expect(findDeadlock(snap(thread(1, { kind: 'sleep', timed: true })))).toBeNull();
  });
});
