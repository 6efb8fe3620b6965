import { Barrier, Lock, Thread } from "interleave";

// Two threads share one lock. Each holds it for 3 ms of work, lets go, does 1 ms of work that
// needs no lock, and comes back for it. While one holds the lock, the other waits; when the
// holder lets go, the lock passes to the waiting thread. The timeline below shows both.
function busy(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

function worker(lock: Lock, start: Barrier, turns: Int32Array) {
  start.wait(); // Both threads begin together, however long each took to start.
  for (let round = 0; round < 5; round++) {
    lock.withLock(() => {
      busy(3); // work that needs the lock
      Atomics.add(turns, 0, 1);
    });
    busy(1); // work that does not
  }
}

const turns = new Int32Array(new SharedArrayBuffer(4));
const lock = new Lock();
const start = new Barrier(2);
const threads = ["alice", "bob"].map(
  (name) => new Thread({ target: worker, args: [lock, start, turns], name }),
);
for (const thread of threads) thread.start();
for (const thread of threads) thread.join();

console.log(`the lock was taken ${turns[0]} times`);
