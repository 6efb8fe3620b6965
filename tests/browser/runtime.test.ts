// The same runtime in real Chromium: the host on the page, threads in Web Workers, shared
// memory and Atomics.wait for real.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runner/protocol.ts';
import { snippetRunner } from './run-snippet.ts';

const run = snippetRunner();

describe('the runtime in Chromium', () => {
  it('is cross-origin isolated, so SharedArrayBuffer exists', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
  });

  it('runs threads in parallel: two threads meet while both spin, without blocking', async () => {
    const { end, output } = await run(`import { Thread } from 'interleave';
function meet(flags: Int32Array, me: number) {
  Atomics.store(flags, me, 1);
  const giveUp = performance.now() + 5000;
  while (Atomics.load(flags, 1 - me) === 0) {
    if (performance.now() > giveUp) { console.log('alone'); return; }
  }
  console.log('met');
}
const flags = new Int32Array(new SharedArrayBuffer(8));
const a = new Thread({ target: meet, args: [flags, 0], name: 'a' });
const b = new Thread({ target: meet, args: [flags, 1], name: 'b' });
a.start();
b.start();
a.join();
b.join();
`);
    expect(end.status).toBe('finished');
    expect(output.map((event) => `${event.thread}: ${event.text}`).sort()).toEqual(['a: met', 'b: met']);
  });

  it('counts exactly under a shared Lock and labels output by thread', async () => {
    const { end, output } = await run(`import { Thread, Lock, currentThread } from 'interleave';
function count(lock: Lock, cell: Int32Array) {
  for (let i = 0; i < 20000; i++) { lock.acquire(); cell[0] = cell[0] + 1; lock.release(); }
  console.log(currentThread().name, 'done');
}
const lock = new Lock();
const cell = new Int32Array(new SharedArrayBuffer(4));
const threads = [1, 2, 3].map(() => new Thread({ target: count, args: [lock, cell] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
console.log('total', cell[0]);
`);
    expect(end.status).toBe('finished');
    const byThread = output.map((event) => `${event.thread}: ${event.text}`);
    expect(byThread.slice(0, 3).sort()).toEqual(['Thread-1: Thread-1 done', 'Thread-2: Thread-2 done', 'Thread-3: Thread-3 done']);
    expect(byThread[3]).toBe('MainThread: total 60000');
  });

  it('stops a deadlocked run with a report', async () => {
    const { end } = await run(`import { Thread, Lock, Barrier } from 'interleave';
function take(first: Lock, second: Lock, bothHoldOne: Barrier) { first.acquire(); bothHoldOne.wait(); second.acquire(); }
const a = new Lock();
const b = new Lock();
const bothHoldOne = new Barrier(2);
const t1 = new Thread({ target: take, args: [a, b, bothHoldOne] });
const t2 = new Thread({ target: take, args: [b, a, bothHoldOne] });
t1.start();
t2.start();
t1.join();
`);
    expect(end.status).toBe('deadlock');
    expect(end.message).toMatch(/Thread-1/);
    expect(end.message).toMatch(/Thread-2/);
  });

  it('runs with the host inside a worker (the runner worker), threads in nested workers', async () => {
    const worker = new Worker(new URL('./host-worker.ts', import.meta.url), { type: 'module' });
    const events = await new Promise<RunEvent[]>((resolve, reject) => {
      worker.addEventListener('message', (event) => resolve(event.data));
      worker.addEventListener('error', (event) => reject(new Error(event.message)));
      worker.postMessage(`import { Thread, Event } from 'interleave';
function wave(go: Event, n: number) { go.wait(); console.log('wave', n); }
const go = new Event();
const threads = [1, 2].map((n) => new Thread({ target: wave, args: [go, n] }));
for (const t of threads) t.start();
go.set();
for (const t of threads) t.join();
console.log('done');
`);
    });
    worker.terminate();
    const end = events.at(-1);
    expect(end).toMatchObject({ type: 'end', status: 'finished' });
    const lines = events.flatMap((event) => (event.type === 'output' ? [`${event.thread}: ${event.text}`] : []));
    expect(lines.slice(0, 2).sort()).toEqual(['Thread-1: wave 1', 'Thread-2: wave 2']);
    expect(lines[2]).toBe('MainThread: done');
  });
});
