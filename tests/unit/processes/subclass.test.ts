// A Process subclass, a Process object passed to a thread, and misuse messages.
import { describe, expect, it } from 'vitest';
import { run, usePool } from '../threads/harness.ts';

const pool = usePool(3);

describe('Process objects', () => {
  it('runs a top-level subclass with copied fields; a Process passed to a thread is the same process', async () => {
    const { end, lines } = await run(
      pool,
      `import { Process, Thread, currentThread, Queue } from 'interleave';
class Squarer extends Process {
  values: number[];
  out: Queue<number>;
  constructor(values: number[], out: Queue<number>) { super({ name: 'squarer' }); this.values = values; this.out = out; }
  run() {
    const me = currentThread() as Squarer;
    for (const v of this.values) this.out.put(v * v);
    this.out.put(me instanceof Process && me.pid === this.pid ? -1 : -2);
  }
}
function watch(p: Process) { p.join(); console.log('watcher saw', p.name, p.exitCode, p.isAlive()); }
const out = new Queue<number>();
const p = new Squarer([2, 3], out);
p.start();
console.log(out.get(), out.get(), out.get());
const w = new Thread({ target: watch, args: [p] });
w.start();
w.join();
console.log(String(p));
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual(['4 9 -1', 'watcher saw squarer 0 false', '<Squarer(squarer, stopped exitcode=0)>']);
  });

  it('says what is wrong: terminate before start, start twice', async () => {
    const { end, lines } = await run(
      pool,
      `import { Process } from 'interleave';
function nothing() {}
const p = new Process({ target: nothing });
try { p.terminate(); } catch (e) { console.log((e as Error).message); }
p.start();
try { p.start(); } catch (e) { console.log((e as Error).message); }
p.join();
`,
    );
    expect(end.status).toBe('finished');
    expect(lines).toEqual([
      'Cannot terminate Process-1: it was never started (call start() first).',
      'Process-1 was already started: a thread can only be started once.',
    ]);
  });
});
