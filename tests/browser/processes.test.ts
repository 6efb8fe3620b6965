// Processes and executors in real Chromium (Web Workers): a process gets its own copy of plain
// shared memory while a thread shares it, and a pool's map returns results in input order.
import { describe, expect, it } from 'vitest';
import { snippetRunner } from './run-snippet.ts';

const run = snippetRunner();

describe('processes and executors in Chromium', () => {
  it('copies plain shared memory into a process, shares it with a thread and through a Value', async () => {
    const { end, lines } = await run(`import { Process, Thread, Value } from 'interleave';
function bump(counter: Int32Array, total: Value<'i32'>) {
  for (let i = 0; i < 1000; i++) Atomics.add(counter, 0, 1);
  total.getLock().withLock(() => { total.value += 1000; });
}
const counter = new Int32Array(new SharedArrayBuffer(4));
const total = new Value('i32', 0);
const p = new Process({ target: bump, args: [counter, total] });
p.start();
p.join();
console.log('after process', counter[0], total.value, p.exitCode, p.pid! > 0);
const t = new Thread({ target: bump, args: [counter, total] });
t.start();
t.join();
console.log('after thread', counter[0], total.value);
`);
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['after process 0 1000 0 true', 'after thread 1000 2000']);
  });

  it('terminates a spinning process', async () => {
    const { end, lines } = await run(`import { Process, sleep } from 'interleave';
function spin() { for (;;) {} }
const p = new Process({ target: spin });
p.start();
sleep(30);
p.terminate();
p.join();
console.log(p.isAlive(), p.exitCode);
`);
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['false -15']);
  });

  it('maps over a thread pool and a process pool in input order', async () => {
    const { end, lines } = await run(`import { ThreadPoolExecutor, ProcessPoolExecutor, sleep } from 'interleave';
function slowSquare(x: number) { sleep((4 - x) * 10); return x * x; }
for (const Kind of [ThreadPoolExecutor, ProcessPoolExecutor]) {
  using exec = new Kind({ maxWorkers: 3 });
  console.log(Kind.name, [...exec.map(slowSquare, [1, 2, 3])].join(' '));
}
`);
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['ThreadPoolExecutor 1 4 9', 'ProcessPoolExecutor 1 4 9']);
  });
});
