import { show, Thread } from "interleave";

const LIMIT = 200_000;
const THREADS = 4;

// Counts the primes in [from, to) by trial division, and how many divisions that took.
function countPrimes(from: number, to: number, results: Float64Array, slot: number) {
  let primes = 0;
  let divisions = 0;
  for (let n = Math.max(from, 2); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      divisions++;
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes++;
  }
  results[slot * 2] = primes;
  results[slot * 2 + 1] = divisions;
}

// Equal ranges, one per thread; each writes its counts into shared memory.
const results = new Float64Array(new SharedArrayBuffer(THREADS * 2 * 8));
const size = LIMIT / THREADS;
const threads = Array.from(
  { length: THREADS },
  (_, i) => new Thread({ target: countPrimes, args: [i * size, (i + 1) * size, results, i] }),
);
for (const thread of threads) thread.start();
for (const thread of threads) thread.join();

const rows = threads.map((thread, i) => ({
  thread: thread.name,
  numbers: `${i * size} to ${(i + 1) * size - 1}`,
  primes: results[i * 2],
  divisions: results[i * 2 + 1],
}));
show.table(rows, { title: "Equal ranges…" });
show.bars(new Map(rows.map((row) => [row.thread, row.divisions])), {
  title: "…unequal work (trial divisions per thread)",
});
const work = rows.map((row) => row.divisions);
console.log(`the busiest thread did ${(Math.max(...work) / Math.min(...work)).toFixed(1)}× the work of the idlest`);
