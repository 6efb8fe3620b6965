// What threads share (primitives, SharedArrayBuffers) and what they get a copy of.
import { describe, expect, it } from 'vitest';
import { run, usePool } from './harness.ts';

const pool = usePool();

describe('passing arguments to threads', () => {
  it('shares a Lock and a SharedArrayBuffer, copies plain objects', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread, Lock } from 'interleave';
function touch(lock: Lock, memory: Int32Array, settings: { count: number }) {
  console.log('locked in thread:', lock.locked());
  memory[0] = 42;
  settings.count = 99;
  lock.release();
}
const lock = new Lock();
const memory = new Int32Array(new SharedArrayBuffer(4));
const settings = { count: 1 };
lock.acquire();
const t = new Thread({ target: touch, args: [lock, memory, settings] });
t.start();
t.join();
console.log(memory[0], settings.count, lock.locked());
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['locked in thread: true', '42 1 false']);
  });

  it('makes four threads counting under a Lock exact', async () => {
    const { end, lines } = await run(
      pool,
      `import { Thread, Lock } from 'interleave';
function count(lock: Lock, counter: Int32Array, times: number) {
  for (let i = 0; i < times; i++) {
    lock.acquire();
    counter[0] = counter[0] + 1;
    lock.release();
  }
}
const lock = new Lock();
const counter = new Int32Array(new SharedArrayBuffer(4));
const threads = [1, 2, 3, 4].map(() => new Thread({ target: count, args: [lock, counter, 50_000] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
console.log(counter[0]);
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['200000']);
  });

  it('explains what a thread cannot be given', async () => {
    const { end } = await run(
      pool,
      `import { Thread } from 'interleave';
function work(options: { callback: () => void }) { options.callback(); }
const t = new Thread({ target: work, args: [{ callback: () => {} }] });
t.start();
`,
    );
    expect(end.status).toBe('error');
    expect(end.message).toMatch(/args\[0\]\.callback is a function/);
    expect(end.line).toBe(4);
  });
});
