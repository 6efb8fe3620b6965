// Value and SharedArray: typed shared memory between real worker threads, with and without the lock.
import { describe, expect, it } from 'vitest';
import { run, usePool } from './threads/harness.ts';

const pool = usePool(4);

async function lines(source: string): Promise<string[]> {
  const result = await run(pool, source, { timeout: 20_000 });
  if (result.end.status !== 'finished') throw new Error(`${result.end.status}: ${result.end.message}\n${result.lines.join('\n')}`);
  return result.lines;
}

describe('Value and SharedArray across threads', () => {
  it('is the same memory in every thread', async () => {
    const out = await lines(`import { Thread, Value, SharedArray } from 'interleave';
function touch(v: Value<'f64'>, big: Value<'i64'>, a: SharedArray<'i32'>) {
  v.value = 2.5;
  big.value = 2n ** 40n;
  for (let i = 0; i < a.length; i++) a.set(i, a.get(i) * 10);
}
const v = new Value('f64', 1);
const big = new Value('i64', 0n);
const a = new SharedArray('i32', [1, 2, 3]);
const t = new Thread({ target: touch, args: [v, big, a] });
t.start(); t.join();
console.log(v.value, String(big.value), a.toArray().join(','), [...a].length, v.type, a.type);
`);
    expect(out).toEqual(['2.5 1099511627776 10,20,30 3 f64 i32']);
  });

  it('makes a read-modify-write exact when the lock is held around it', async () => {
    const out = await lines(`import { Thread, Value, SharedArray } from 'interleave';
function add(v: Value<'i32'>, a: SharedArray<'u32'>, times: number) {
  for (let i = 0; i < times; i++) {
    v.getLock().withLock(() => { v.value += 1; });
    a.getLock().withLock(() => { a.set(1, a.get(1) + 1); });
  }
}
const v = new Value('i32', 0);
const a = new SharedArray('u32', 3);
const threads = [0, 1, 2, 3].map(() => new Thread({ target: add, args: [v, a, 5000] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
console.log(v.value, a.get(1), v.getLock().constructor.name);
`);
    expect(out).toEqual(['20000 20000 RLock']);
  });

  it('without a lock is plain shared memory: Atomics on getObj() make it exact', async () => {
    const out = await lines(`import { Thread, Value } from 'interleave';
function add(v: Value<'i32'>, times: number) {
  const raw = v.getObj();
  for (let i = 0; i < times; i++) Atomics.add(raw, 0, 1);
}
const v = new Value('i32', 0, { lock: false });
const threads = [0, 1, 2, 3].map(() => new Thread({ target: add, args: [v, 50_000] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
console.log(v.value);
try { v.getLock(); } catch (error) { console.log((error as Error).name); }
`);
    expect(out).toEqual(['200000', 'UsageError']);
  });

  it('loses updates when += is not guarded (the lesson), yet never loses the memory', async () => {
    const out = await lines(`import { Thread, Value } from 'interleave';
function add(v: Value<'i32'>, times: number) {
  for (let i = 0; i < times; i++) v.value += 1;
}
const v = new Value('i32', 0, { lock: false });
const threads = [0, 1, 2, 3].map(() => new Thread({ target: add, args: [v, 200_000] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
console.log(v.value > 0 && v.value <= 800_000);
`);
    expect(out).toEqual(['true']);
  });

  it('explains bad types, values and indices', async () => {
    const out = await lines(`import { Value, SharedArray } from 'interleave';
const show = (fn: () => unknown) => { try { fn(); console.log('ok'); } catch (error) { console.log((error as Error).name + ': ' + (error as Error).message); } };
show(() => new Value('d' as never, 1));
show(() => new Value('i64', 1 as never));
show(() => new SharedArray('u8', 2).get(2));
show(() => new SharedArray('i32', -1));
const wrap = new Value('u8', 300);
console.log(wrap.value);
`);
    expect(out[0]).toMatch(/^TypeError: .*Python's 'd' is 'f64'/);
    expect(out[1]).toMatch(/^TypeError: .*bigint/);
    expect(out[2]).toMatch(/^RangeError: sharedArray\.get\(2\)/);
    expect(out[3]).toMatch(/^RangeError: /);
    expect(out[4]).toBe('44');
  });

  it('records reads and writes in the trace', async () => {
    const records: { op: string; arg: number }[] = [];
    const { end } = await run(
      pool,
      `import { Value } from 'interleave';
const v = new Value('i32', 1, { lock: false });
v.value = v.value + 41;
`,
      { onTrace: (batch) => records.push(...batch) },
    );
    expect(end.status).toBe('finished');
    expect(records.filter((r) => r.op === 'read' || r.op === 'write').map((r) => `${r.op} ${r.arg}`)).toEqual(['read 1', 'write 42']);
  });
});
