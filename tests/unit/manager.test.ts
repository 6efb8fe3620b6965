// Manager dict and list: Map / array API, copies, atomic updates from 4 threads and 4 processes,
// sharing with pool tasks, shutdown.
import { describe, expect, it } from 'vitest';
import { run, usePool } from './threads/harness.ts';

const pool = usePool(4);

describe('Manager', () => {
  it('dict and list have the Map and array API, and hold copies', async () => {
    const { end, lines } = await run(
      pool,
      `import { Manager } from 'interleave';
using m = new Manager();
const d = m.dict<string, number[]>({ a: [1] });
d.set('b', [2, 3]);
d.get('a')!.push(99);
console.log(d.size, d.has('b'), d.get('a'), [...d.keys()].join(','), d.delete('a'), d.delete('zz'), [...d].length);
const l = m.list(['x']);
console.log(l.push('y', 'z'), l.pop(), l.at(-1), l.get(0), l.length, [...l].join(''));
l.set(0, 'w');
console.log(l.toArray(), l.update(1, (s) => s + '!'));
try { l.get(5); } catch (e) { console.log((e as Error).name); }
try { d.set({} as any, [1]); } catch (e) { console.log((e as Error).name); }
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual([
      "2 true [ 1 ] a,b true false 1",
      '3 z y x 2 xy',
      "[ 'w', 'y' ] y!",
      'RangeError',
      'TypeError',
    ]);
  });

  it('counts exactly under concurrent updates from 4 threads and 4 processes', async () => {
    const { end, lines } = await run(
      pool,
      `import { Manager, ManagerDict, ManagerList, Thread, Process } from 'interleave';
function work(counts: ManagerDict<string, number>, seen: ManagerList<string>, me: string, times: number) {
  for (let i = 0; i < times; i++) {
    counts.update('total', (n = 0) => n + 1);
    counts.update(me, (n = 0) => n + 1);
  }
  counts.withLock(() => counts.set('last', (counts.get('last') ?? 0) + 1));
  seen.push(me);
}
using m = new Manager();
const counts = m.dict<string, number>();
const seen = m.list<string>();
const workers = [
  ...[0, 1, 2, 3].map((i) => new Thread({ target: work, args: [counts, seen, 't' + i, 200] })),
  ...[0, 1, 2, 3].map((i) => new Process({ target: work, args: [counts, seen, 'p' + i, 200] })),
];
for (const w of workers) w.start();
for (const w of workers) w.join();
console.log(counts.get('total'), counts.get('last'), counts.get('p3'), counts.get('t0'), seen.length, counts.size);
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['1600 8 200 200 8 10']);
  });

  it('is shared with process-pool tasks, and refuses use after shutdown', async () => {
    const { end, lines } = await run(
      pool,
      `import { Manager, ManagerDict, ProcessPoolExecutor } from 'interleave';
function tally(counts: ManagerDict<string, number>, word: string) { return counts.update(word, (n = 0) => n + 1); }
const m = new Manager();
const counts = m.dict<string, number>();
{
  using exec = new ProcessPoolExecutor({ maxWorkers: 2 });
  for (const f of ['a', 'b', 'a', 'a'].map((w) => exec.submit(tally, counts, w))) f.result();
}
console.log([...counts.entries()].sort().join(' '));
m.shutdown();
try { counts.get('a'); } catch (e) { console.log((e as Error).name); }
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['a,3 b,1', 'UsageError']);
  });
});
