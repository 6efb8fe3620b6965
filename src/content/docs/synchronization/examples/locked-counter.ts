import { Lock, Thread } from "interleave";

// The same counter as above, but every read-modify-write happens under one lock.
function addMany(counter: Int32Array, lock: Lock, times: number) {
  for (let i = 0; i < times; i++) {
    lock.withLock(() => {
      counter[0] = counter[0] + 1;
    });
  }
}

const counter = new Int32Array(new SharedArrayBuffer(4));
const lock = new Lock();
const times = 100_000;
const threads = [1, 2, 3, 4].map(
  (n) => new Thread({ target: addMany, args: [counter, lock, times], name: `adder-${n}` }),
);
for (const thread of threads) thread.start();
for (const thread of threads) thread.join();

console.log(`expected ${4 * times}, got ${counter[0]}`);
