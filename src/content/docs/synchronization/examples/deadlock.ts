import { Lock, Thread, sleep } from "interleave";

// Two threads take the same two locks in opposite order. Each gets its first lock,
// then waits forever for the one the other holds.
function transfer(first: Lock, second: Lock) {
  first.withLock(() => {
    sleep(50); // give the other thread time to take its first lock
    second.withLock(() => console.log("never printed"));
  });
}

const accounts = new Lock();
const audit = new Lock();
new Thread({ target: transfer, args: [accounts, audit], name: "payer" }).start();
new Thread({ target: transfer, args: [audit, accounts], name: "auditor" }).start();
