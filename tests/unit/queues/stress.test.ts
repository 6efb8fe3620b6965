// Stress: many producers and consumers hammer one queue; every item must come out exactly once.
import { describe, expect, it } from 'vitest';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(8);

/**
 * Producers put `perProducer` distinct numbers each; consumers count, sum and mark them. The
 * consumers stop at ShutDown (after the main thread's shutdown(), once the queue is drained),
 * or, for a SimpleQueue (no shutdown), at a -1 per consumer.
 */
function stressProgram(queue: string, producers: number, consumers: number, perProducer: number): string {
  const simple = queue === 'SimpleQueue';
  return `import { Thread, ShutDown, ${queue} } from 'interleave';
function produce(q: ${queue}<number>, p: number, n: number) {
  for (let i = 0; i < n; i++) q.put(p * n + i);
}
function consume(q: ${queue}<number>, seen: Uint8Array, totals: Float64Array, slot: number) {
  let sum = 0, count = 0;
  for (;;) {
    let x: number;
    try { x = q.get(); } catch (error) { if (error instanceof ShutDown) break; throw error; }
    if (x === -1) break;
    if (Atomics.add(seen, x, 1) !== 0) totals[2 * slot + 1] = -1e9;
    sum += x;
    count++;
  }
  totals[2 * slot] = sum;
  totals[2 * slot + 1] += count;
}
const P = ${producers}, C = ${consumers}, N = ${perProducer};
const q = new ${queue}<number>(${simple ? '' : 'QUEUE_MAXSIZE'});
const seen = new Uint8Array(new SharedArrayBuffer(P * N));
const totals = new Float64Array(new SharedArrayBuffer(16 * C));
const ps = Array.from({ length: P }, (_, p) => new Thread({ target: produce, args: [q, p, N] }));
const cs = Array.from({ length: C }, (_, c) => new Thread({ target: consume, args: [q, seen, totals, c] }));
for (const t of [...cs, ...ps]) t.start();
for (const t of ps) t.join();
${simple ? 'for (let c = 0; c < C; c++) q.put(-1);' : 'q.shutdown();'}
for (const t of cs) t.join();
let sum = 0, count = 0;
for (let c = 0; c < C; c++) { sum += totals[2 * c]; count += totals[2 * c + 1]; }
const total = P * N;
console.log(count === total, sum === (total * (total - 1)) / 2, seen.every((s) => s === 1), q.qsize());
`;
}

describe('queue stress (8 threads)', () => {
  const cases: [string, string, number, number, number][] = [
    // [queue, maxsize, producers, consumers, items per producer]
    ['Queue', '0', 4, 4, 100_000],
    ['Queue', '64', 4, 4, 100_000],
    ['Queue', '4', 2, 6, 100_000],
    ['Queue', '1000', 6, 2, 50_000],
    ['SimpleQueue', '', 4, 4, 100_000],
    ['LifoQueue', '', 4, 4, 50_000],
    ['PriorityQueue', '', 4, 4, 50_000],
  ];
  /** Each case runs this many times: a lost or doubled item may show up only in some interleavings. */
  const ROUNDS = 3;
  for (let round = 1; round <= ROUNDS; round++) for (const [queue, maxsize, producers, consumers, perProducer] of cases) {
    it(`${queue}(${maxsize}): ${producers} producers × ${perProducer} items, ${consumers} consumers (round ${round})`, async () => {
      const source = stressProgram(queue, producers, consumers, perProducer).replace('QUEUE_MAXSIZE', maxsize || '0');
      const { end, lines } = await run(pool, source, { timeout: 40_000 });
      expect(end.status, `${end.message}\n${lines.join('\n')}`).toBe('finished');
      expect(lines).toEqual(['true true true 0']);
    }, 45_000);
  }
});
