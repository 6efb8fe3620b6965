import { Barrier, Thread } from "interleave";

// Each thread adds 1 to a shared counter, many times, without a lock.
function addMany(counter: Int32Array, start: Barrier, times: number) {
  start.wait(); // line up with the other threads, so that all of them run at once
  for (let i = 0; i < times; i++) {
    const seen = counter[0]; // read …
    counter[0] = seen + 1; // … then write: another thread may have written in between
  }
}

const counter = new Int32Array(new SharedArrayBuffer(4));
const start = new Barrier(4);
const times = 1_000_000;
const threads = [1, 2, 3, 4].map(
  (n) => new Thread({ target: addMany, args: [counter, start, times], name: `adder-${n}` }),
);
for (const thread of threads) thread.start();
for (const thread of threads) thread.join();

console.log(`expected ${4 * times}, got ${counter[0]}`);
