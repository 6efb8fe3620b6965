import { Thread, currentThread, sleep } from "interleave";

function greet(delayMs: number) {
  sleep(delayMs);
  console.log(`hello from ${currentThread().name} after ${delayMs} ms`);
}

const threads = [
  new Thread({ target: greet, args: [200], name: "slow" }),
  new Thread({ target: greet, args: [10], name: "fast" }),
];
for (const thread of threads) thread.start();
for (const thread of threads) thread.join();
console.log("both threads have finished");
