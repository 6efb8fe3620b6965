// Processes: their own memory (copies of plain shared memory), explicit shared objects, pids,
// exit codes, terminate, errors, and their place in the program's end and deadlock detection.
import { describe, expect, it } from 'vitest';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(3);

describe('Process', () => {
  it('copies a plain object and a SharedArrayBuffer-backed array; a thread shares the array', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread, Process } from 'interleave';
function bump(counter: Int32Array, settings: { count: number }) {
  for (let i = 0; i < 1000; i++) Atomics.add(counter, 0, 1);
  settings.count = 99;
  console.log('inside:', counter[0]);
}
const counter = new Int32Array(new SharedArrayBuffer(4));
const settings = { count: 1 };
const p = new Process({ target: bump, args: [counter, settings] });
p.start();
p.join();
console.log('after process:', counter[0], settings.count);
const t = new Thread({ target: bump, args: [counter, settings] });
t.start();
t.join();
console.log('after thread:', counter[0], settings.count);
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['inside: 1000', 'after process: 0 1', 'inside: 1000', 'after thread: 1000 1']);
  });

  it('shares Value, SharedArray, Queue and Lock with a process', async () => {
    const { end, lines } = await run(
      pool,
      `import { Process, Value, SharedArray, Queue, Lock } from 'interleave';
function work(total: Value<'i32'>, cells: SharedArray<'f64'>, out: Queue<string>, lock: Lock) {
  lock.withLock(() => { total.value += 5; });
  cells.set(1, 2.5);
  out.put('hello from ' + 'child');
}
const total = new Value('i32', 1);
const cells = new SharedArray('f64', 3);
const out = new Queue<string>();
const p = new Process({ target: work, args: [total, cells, out, new Lock()] });
p.start();
console.log(out.get());
p.join();
console.log(total.value, cells.toArray().join(','), p.exitCode);
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['hello from child', '6 0,2.5,0 0']);
  });

  it('has a pid, an exit code, and reports an uncaught error with its snippet line', async () => {
    const { end, lines, linesOf } = await run(
      pool,
      `import { Process } from 'interleave';
function fail() {
  throw new RangeError('bad input');
}
function ok() {}
const a = new Process({ target: ok });
const b = new Process({ target: fail });
console.log(a.pid, a.exitCode, a.name);
a.start();
b.start();
a.join();
b.join();
console.log(typeof a.pid, a.pid! > 0, a.pid !== b.pid, a.pid !== 2, a.exitCode, b.exitCode, b.isAlive());
`,
    );
    expect(end.status).toBe('finished');
    expect(lines[0]).toBe('null null Process-1');
    expect(lines.at(-1)).toBe('number true true true 0 1 false');
    expect(linesOf('Process-2').join('\n')).toMatch(/^Exception in process Process-2:\nRangeError: bad input\n\s+at fail \(snippet\.ts:3:/);
  });

  it('terminates a spinning process; the program goes on and the pool replaces the worker', async () => {
    const before = pool.idleCount;
    const { end, lines } = await run(
      pool,
      `import { Process, sleep } from 'interleave';
function spin(flag: Int32Array) {
  for (;;) { flag[0]++; }
}
const p = new Process({ target: spin, args: [new Int32Array(new SharedArrayBuffer(4))] });
p.start();
sleep(50);
console.log(p.isAlive(), p.exitCode);
p.terminate();
p.join();
console.log(p.isAlive(), p.exitCode);
p.terminate();
console.log(p.exitCode);
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['true null', 'false -15', '-15']);
    expect(pool.idleCount).toBeGreaterThanOrEqual(Math.min(before, 3));
  });

  it('is waited for at the end unless daemon, and a join cycle through a process is a deadlock', async () => {
    const waited = await run(
      pool,
      `import { Process, sleep } from 'interleave';
function late() { sleep(100); console.log('late done'); }
new Process({ target: late }).start();
console.log('main done');
`,
    );
    expect(waited.end.status).toBe('finished');
    expect(waited.lines).toEqual(['main done', 'late done']);

    const stuck = await run(
      pool,
      `import { Process, Event } from 'interleave';
function never(go: Event) { go.wait(); }
const p = new Process({ target: never, args: [new Event()] });
p.start();
p.join();
`,
    );
    expect(stuck.end.status).toBe('deadlock');
    expect(stuck.end.message).toMatch(/MainThread" waits at line 5 to join "Process-1"/);
  });

  it('runs with its own GIL: under gil: true a process runs in parallel with its parent, a thread does not', async () => {
    // Each side spins for a while, counting how often it sees the other's counter move between
    // two of its own iterations. Under one GIL that happens only at GIL hand-offs (every 5 ms);
    // in parallel it happens all the time.
    const { end, lines } = await run(
      pool,
      `import { Process, Thread, SharedArray } from 'interleave';
function spin(counters: Int32Array, me: number, ms: number): number {
  const other = 1 - me;
  let last = Atomics.load(counters, other);
  let moves = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    Atomics.add(counters, me, 1);
    const now = Atomics.load(counters, other);
    if (now !== last) { moves++; last = now; }
  }
  return moves;
}
// A SharedArray, not a plain SharedArrayBuffer: a process would get a copy of that.
function child(counters: SharedArray<'i32'>) { spin(counters.getObj(), 1, 200); }
function race(Kind: typeof Thread) {
  const counters = new SharedArray('i32', 2, { lock: false });
  const w = new Kind({ target: child, args: [counters] });
  w.start();
  const moves = spin(counters.getObj(), 0, 200);
  w.join();
  return moves;
}
const threads = race(Thread);
const processes = race(Process);
console.log(threads < 200 ? 'threads take turns' : \`threads moved \${threads}\`);
console.log(processes > 20 * Math.max(threads, 10) ? 'processes overlap' : \`processes moved \${processes} vs \${threads}\`);
`,
      { gil: true },
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['threads take turns', 'processes overlap']);
  });
});
