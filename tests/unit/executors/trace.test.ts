// What processes, executors and Manager containers record in the trace.
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../src/runtime/internal/trace.ts';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(3);

describe('trace of processes, executors and managers', () => {
  it('records submit, task-start, task-end, cancel, terminate, exit and manager reads and writes', async () => {
    const records: TraceRecord[] = [];
    const { end } = await run(
      pool,
      `import { ThreadPoolExecutor, Process, Manager, sleep } from 'interleave';
function double(x: number) { return 2 * x; }
function spin() { for (;;) {} }
function quick() {}
{
  using exec = new ThreadPoolExecutor({ maxWorkers: 1 });
  exec.submit(double, 1).result();
  const slow = exec.submit(sleep, 30);
  exec.submit(double, 2).cancel();
  slow.result();
}
const p = new Process({ target: spin });
p.start();
sleep(20);
p.terminate();
p.join();
const q = new Process({ target: quick });
q.start();
q.join();
using m = new Manager();
const d = m.dict<string, number>();
d.set('a', 1);
d.get('a');
`,
      { onTrace: (batch) => records.push(...batch) },
    );
    expect(end.status).toBe('finished');
    const ops = new Set(records.map((record) => record.op));
    for (const op of ['submit', 'task-start', 'task-end', 'cancel', 'terminate', 'exit', 'manager-read', 'manager-write']) {
      expect(ops, op).toContain(op);
    }
    expect(records.filter((r) => r.op === 'terminate').map((r) => r.arg)).toEqual([-15]);
    expect(records.filter((r) => r.op === 'exit').map((r) => r.arg)).toEqual([0]);
  });
});
