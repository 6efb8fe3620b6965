// The simulated GIL: one thread runs JavaScript at a time, and CPU-bound threads take turns.
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../../../src/runner/compile.ts';
import { runProgram } from '../../../src/runner/host.ts';
import { run, usePool } from './harness.ts';

const pool = usePool(4);

// The threads spin together (a Barrier lines them up), each for 150 ms of wall time. Each
// counts, in shared memory, how many threads are inside the loop body at once
// (the peak) and how often the last thread to run changed hands (the switches).
const contention = `import { Thread, Barrier } from 'interleave';
function spin(id: number, stats: Int32Array, ms: number, ready: Barrier) {
  ready.wait();
  const stop = performance.now() + ms;
  while (performance.now() < stop) {
    const inside = Atomics.add(stats, 0, 1) + 1;
    if (inside > Atomics.load(stats, 1)) Atomics.store(stats, 1, inside);
    if (Atomics.exchange(stats, 2, id) !== id) Atomics.add(stats, 3, 1);
    Atomics.sub(stats, 0, 1);
  }
}
const stats = new Int32Array(new SharedArrayBuffer(16));
const ready = new Barrier(3);
const threads = [1, 2, 3].map((id) => new Thread({ target: spin, args: [id, stats, 150, ready] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
console.log(stats[1], stats[3]);
`;

describe('gil: true', () => {
  it('lets one thread run at a time, handing over every few ms', async () => {
    const { end, lines } = await run(pool, contention, { gil: true });
    expect(end.status).toBe('finished');
    const [peak, switches] = lines[0].split(' ').map(Number);
    expect(peak).toBe(1);
    // 3 threads × 150 ms of spinning with a 5 ms interval: about 30 hand-overs (without the
    // GIL, tens of thousands; with a GIL that is never handed over, 2).
    expect(switches).toBeGreaterThanOrEqual(5);
  });

  it('hands the GIL over while a thread blocks', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread, Lock, sleep } from 'interleave';
function holder(lock: Lock) { lock.acquire(); sleep(100); lock.release(); }
const lock = new Lock();
const t = new Thread({ target: holder, args: [lock] });
t.start();
sleep(20);
lock.acquire();
console.log('got it');
t.join();
`,
      { gil: true },
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['got it']);
  });
  it('does not give the GIL back to an async target that blocks between awaits', async () => {
    // The worker lets go of the GIL at its first await; its sleep(1) must not take it back,
    // or it would keep it across the next await, and main (which must set the flag that await
    // waits for) would wait for the GIL forever.
    const { end, lines } = await run(
      pool,
      `import { Thread, sleep } from 'interleave';
async function worker(flag: Int32Array) {
  await new Promise((r) => setTimeout(r, 10));
  sleep(1);
  await Atomics.waitAsync(flag, 0, 0).value;
  console.log('worker saw the flag');
}
const flag = new Int32Array(new SharedArrayBuffer(4));
const t = new Thread({ target: worker, args: [flag] });
t.start();
const end = performance.now() + 100;
while (performance.now() < end) {}
console.log('main sets the flag');
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
t.join();
`,
      { gil: true, timeout: 5_000 },
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['main sets the flag', 'worker saw the flag']);
  });
  it('follows the program: a program compiled without the GIL runs without it', async () => {
    // Compiled without ticks, a GIL would never be handed over by the spinning main thread,
    // and the worker could never set the flag main waits for.
    const program = compileProgram(
      `import { Thread } from 'interleave';
function setter(flag: Int32Array) { Atomics.store(flag, 0, 1); }
const flag = new Int32Array(new SharedArrayBuffer(4));
new Thread({ target: setter, args: [flag] }).start();
while (Atomics.load(flag, 0) === 0) {}
console.log('flag set');
`,
      { gil: false },
    );
    const lines: string[] = [];
    const end = await runProgram(pool, program, { gil: true, timeout: 3_000 }, (events) => {
      for (const event of events) if (event.type === 'output') lines.push(event.text);
    }).result;
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['flag set']);
  });
});
