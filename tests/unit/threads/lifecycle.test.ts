// How a program ends: daemon threads, uncaught errors, limits.
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../../../src/runner/compile.ts';
import { runProgram } from '../../../src/runner/host.ts';
import { run, usePool } from './harness.ts';

const pool = usePool();

describe('the end of a program', () => {
  it('waits for non-daemon threads and stops daemon threads', async () => {
    const { end, linesOf } = await run(
      pool,
      `import { Thread, Event, sleep } from 'interleave';
function forever(ticking: Event) { for (;;) { console.log('daemon tick'); ticking.set(); sleep(20); } }
function slow(ticking: Event) { ticking.wait(); sleep(150); console.log('slow finished'); }
const ticking = new Event();
const daemon = new Thread({ target: forever, args: [ticking], daemon: true });
const worker = new Thread({ target: slow, args: [ticking] });
daemon.start();
worker.start();
console.log('main returns');
`,
    );
    expect(end.status).toBe('finished');
    expect(linesOf('Thread-2')).toEqual(['slow finished']);
    expect(linesOf('MainThread')).toEqual(['main returns']);
    // The daemon ran (ticking) the whole time the slow thread did, and was then stopped.
    expect(linesOf('Thread-1').length).toBeGreaterThan(2);
    // The run ended soon after the slow thread, not at the time limit (10 s).
    expect(end.durationMs).toBeLessThan(5_000);
  });

  it('reports an uncaught error with the thread name and snippet line; others go on', async () => {
    const { end, linesOf, output } = await run(
      pool,
      `import { Thread, sleep } from 'interleave';
function fail() {
  console.log('about to fail');
  throw new Error('boom');
}
function carryOn() { sleep(100); console.log('still running'); }
const bad = new Thread({ target: fail, name: 'bad' });
const good = new Thread({ target: carryOn, name: 'good' });
good.start();
bad.start();
good.join();
console.log('main done');
`,
    );
    expect(end.status).toBe('finished');
    const [printed, report] = linesOf('bad');
    expect(printed).toBe('about to fail');
    expect(report).toMatch(/^Exception in thread bad:\nError: boom\n/);
    expect(report).toMatch(/:4:/);
    expect(output.find((event) => event.thread === 'bad' && event.text.startsWith('Exception'))?.level).toBe('error');
    expect(linesOf('good')).toEqual(['still running']);
    expect(linesOf('MainThread')).toEqual(['main done']);
  });

  it('survives a thrown value that throws when looked at: the worker runs the next jobs', async () => {
    // The pool is small, so the later threads run in the worker that got the Proxy.
    const { end, lines } = await run(
      pool,
      `import { Thread } from 'interleave';
function bad() { throw new Proxy({}, { get() { throw new Error('no'); }, getPrototypeOf() { throw new Error('no'); } }); }
const t = new Thread({ target: bad });
t.start(); t.join();
function ok(i: number) { console.log('ok', i); }
for (let i = 0; i < 6; i++) { const u = new Thread({ target: ok, args: [i] }); u.start(); u.join(); }
console.log('all done');
`,
      { timeout: 5_000 },
    );
    expect(end.status).toBe('finished');
    expect(lines[0]).toMatch(/^Exception in thread Thread-1:\nUncaught value that cannot be described/);
    expect(lines.slice(1)).toEqual(['ok 0', 'ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5', 'all done']);
  });

  it('ends as an error when the main thread throws, after its threads finished', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread, sleep } from 'interleave';
function late() { sleep(100); console.log('thread finished'); }
new Thread({ target: late }).start();
throw new TypeError('main failed');
`,
    );
    expect(end.status).toBe('error');
    expect(end.message).toMatch(/^TypeError: main failed/);
    expect(end.line).toBe(4);
    expect(lines).toEqual(['thread finished']);
  });

  it('explains a top-level variable used inside a thread', async () => {
    const { end, linesOf } = await run(
      pool,
      `import { Thread } from 'interleave';
let total = 0;
function add() {
  total += 1;
}
const t = new Thread({ target: add, name: 'adder' });
t.start();
t.join();
`,
    );
    expect(end.status).toBe('finished');
    const [report] = linesOf('adder');
    expect(report).toMatch(/^Exception in thread adder:/);
    expect(report).toMatch(/total/);
    expect(report).toMatch(/adder/);
    expect(report).toMatch(/line 2|:2\b/);
  });

  it('explains a closure variable an arrow target cannot take with it, at its snippet line', async () => {
    const { end, linesOf } = await run(
      pool,
      `import { Thread } from 'interleave';
function outer() {
  const local = 5;
  const t = new Thread({ target: () => console.log(local), name: 'closure' });
  t.start();
  t.join();
}
outer();
`,
    );
    expect(end.status).toBe('finished');
    const [report] = linesOf('closure');
    expect(report).toMatch(/used "local", a variable from around the function it runs/);
    expect(report).toMatch(/snippet\.ts:4:/);
  });

  it('cancels timers a thread leaves behind, with a warning, so they never fire later', async () => {
    const first = await run(pool, `setTimeout(() => console.log('too late'), 50);`);
    expect(first.end.status).toBe('finished');
    expect(first.output.map((event) => event.level)).toEqual(['warn']);
    expect(first.lines[0]).toMatch(/^MainThread ended with 1 timer still pending/);
    const second = await run(pool, `import { sleep } from 'interleave';\nsleep(150);`);
    expect(second.lines).toEqual([]);
  });

  it('starts every run without the globals earlier runs added', async () => {
    const source = `import { Thread } from 'interleave';
function visit() {
  console.log(typeof (globalThis as any).leftover);
  (globalThis as any).leftover = 1;
}
const thread = new Thread({ target: visit });
thread.start();
thread.join();
visit();
`;
    // Workers are reused (the pool is small), so later runs land on workers earlier runs used.
    for (let i = 0; i < 4; i++) {
      const { end, lines } = await run(pool, source);
      expect(end.status).toBe('finished');
      expect(lines).toEqual(['undefined', 'undefined']);
    }
  });

  it('refuses to start more threads than maxThreads, in words', async () => {
    const { end } = await run(
      pool,
      `import { Thread, sleep } from 'interleave';
function nap() { sleep(50); }
for (let i = 0; i < 10; i++) new Thread({ target: nap }).start();
`,
      { maxThreads: 4 },
    );
    expect(end.status).toBe('error');
    expect(end.message).toMatch(/Too many threads: this run can start at most 4 threads/);
    expect(end.line).toBe(3);
  });

  it('stops a run that takes too long with the timed-out status', async () => {
    const started = performance.now();
    const { end } = await run(pool, `for (;;) {}`, { timeout: 300 });
    expect(end.status).toBe('timed-out');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops a run on request, blocked threads and busy ones alike', async () => {
    const program = compileProgram(`import { Thread, Event } from 'interleave';
function park(never: Event) { never.wait(); }
new Thread({ target: park, args: [new Event()], daemon: true }).start();
for (;;) {}
`);
    const handle = runProgram(pool, program, { timeout: 10_000 }, () => {});
    setTimeout(() => handle.stop(), 200);
    const started = performance.now();
    const end = await handle.result;
    expect(end.status).toBe('stopped');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('keeps the pool usable after a stopped run', async () => {
    await run(pool, `for (;;) {}`, { timeout: 100 });
    const { end, lines } = await run(pool, `console.log('next run fine');`);
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['next run fine']);
  });
});
