// Wake-ups: wakers uncount the sleepers they wake, sleepers that time out uncount themselves
// (channel.ts, #wake). If the sleeper counts ever dropped below the threads asleep, a waker
// would skip a needed notify and a blocked get or put would never return: these programs
// would hang instead of printing.
import { describe, expect, it } from 'vitest';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(6);

/**
 * Consumers alternate short timed gets (many time out while others are being notified) with
 * blocking gets; producers alternate timed and blocking puts into a queue of `maxsize`, so
 * putters sleep and time out too. Then, after all that churn, the consumers fall asleep in get()
 * on the empty queue and each must be woken by a single put.
 */
function churnProgram(maxsize: number, producers: number, consumers: number, perProducer: number): string {
  return `import { Thread, Empty, Full, Queue } from 'interleave';
function produce(q: Queue<number>, p: number, n: number) {
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) q.put(p * n + i);
    else for (;;) { try { q.put(p * n + i, { timeout: 0.05 }); break; } catch (error) { if (!(error instanceof Full)) throw error; } }
  }
}
function consume(q: Queue<number>, seen: Uint8Array, counts: Int32Array, slot: number) {
  for (let k = 0; ; k++) {
    let x: number;
    try { x = k % 2 === 0 ? q.get({ timeout: 0.05 }) : q.get(); }
    catch (error) { if (error instanceof Empty) continue; throw error; }
    if (x === -1) break;
    if (Atomics.add(seen, x, 1) !== 0) counts[slot] = -1e9;
    Atomics.add(counts, slot, 1);
  }
}
const P = ${producers}, C = ${consumers}, N = ${perProducer};
const q = new Queue<number>(${maxsize});
const seen = new Uint8Array(new SharedArrayBuffer(P * N));
const counts = new Int32Array(new SharedArrayBuffer(4 * C));
const ps = Array.from({ length: P }, (_, p) => new Thread({ target: produce, args: [q, p, N] }));
const cs = Array.from({ length: C }, (_, c) => new Thread({ target: consume, args: [q, seen, counts, c] }));
for (const t of [...cs, ...ps]) t.start();
for (const t of ps) t.join();
const total = () => counts.reduce((a, b) => a + b, 0);
const pause = new Int32Array(new SharedArrayBuffer(4));
while (total() < P * N) Atomics.wait(pause, 0, 0, 1);
// Every consumer is now in (or on its way to) a blocking get on the churned queue: each -1,
// put after a pause long enough for them to fall asleep, must wake one of them.
for (let c = 0; c < C; c++) { Atomics.wait(pause, 0, 0, 20); q.put(-1); }
for (const t of cs) t.join();
console.log(total() === P * N, seen.every((s) => s === 1), q.qsize());
`;
}

describe('queue wake-ups after timed waits', () => {
  const cases: [number, number, number, number][] = [
    // [maxsize, producers, consumers, items per producer]
    [1, 2, 3, 3_000],
    [4, 3, 2, 3_000],
    [0, 2, 3, 3_000],
  ];
  for (const [maxsize, producers, consumers, perProducer] of cases) {
    it(`Queue(${maxsize}): ${producers} producers, ${consumers} consumers, timed and blocking waits mixed`, async () => {
      const { end, lines } = await run(pool, churnProgram(maxsize, producers, consumers, perProducer), { timeout: 40_000 });
      expect(end.status, `${end.message}\n${lines.join('\n')}`).toBe('finished');
      expect(lines).toEqual(['true true 0']);
    }, 45_000);
  }
});
