// Console capture: per-thread order, labels, levels, and a flood that stays bounded.
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../../../src/runner/compile.ts';
import { runProgram } from '../../../src/runner/host.ts';
import { run, usePool } from './harness.ts';

const pool = usePool();

describe('output', () => {
  it('keeps each thread’s lines in order, labelled, with levels and times', async () => {
    const { end, output, linesOf } = await run(
      pool,
      `import { Thread } from 'interleave';
function chatter(tag: string) {
  for (let i = 0; i < 500; i++) console.log(tag, i);
  console.warn(tag, 'done');
}
const threads = ['a', 'b', 'c'].map((tag) => new Thread({ target: chatter, args: [tag], name: tag }));
for (const t of threads) t.start();
for (const t of threads) t.join();
console.error('main', { nested: [1, 2] });
`,
    );
    expect(end.status).toBe('finished');
    for (const tag of ['a', 'b', 'c']) {
      const lines = linesOf(tag);
      expect(lines).toHaveLength(501);
      lines.slice(0, 500).forEach((line, i) => expect(line).toBe(`${tag} ${i}`));
      expect(lines[500]).toBe(`${tag} done`);
    }
    const last = output.at(-1)!;
    expect(last.thread).toBe('MainThread');
    expect(last.level).toBe('error');
    expect(last.text).toMatch(/^main \{/);
    expect(output.find((event) => event.text === 'a done')?.level).toBe('warn');
    // Times are ms since the run started (workers' clocks agree to within about 1 ms).
    expect(output.every((event) => event.time >= 0 && event.time <= end.durationMs + 1)).toBe(true);
  });

  it('merges threads’ lines in the order they were written, also while rings are full', async () => {
    // Two threads take turns through a shared counter, so the true order is known: a 0, b 1,
    // a 2, … Lines of 20,000 characters fill a 64 KiB ring in three, so the writers keep
    // waiting for the host to drain (back-pressure), and the host keeps finding one ring's
    // newest line while the other ring's older one is still being written.
    const { end, lines } = await run(
      pool,
      `import { Thread } from 'interleave';
function take(turn: Int32Array, mine: number, tag: string) {
  for (let i = mine; i < 120; i += 2) {
    for (let now; (now = Atomics.load(turn, 0)) !== i; ) Atomics.wait(turn, 0, now);
    console.log(tag + ' ' + i + ' ' + 'x'.repeat(20_000));
    Atomics.store(turn, 0, i + 1);
    Atomics.notify(turn, 0);
  }
}
const turn = new Int32Array(new SharedArrayBuffer(4));
const a = new Thread({ target: take, args: [turn, 0, 'a'] });
const b = new Thread({ target: take, args: [turn, 1, 'b'] });
a.start(); b.start(); a.join(); b.join();
`,
    );
    expect(end.status).toBe('finished');
    expect(lines.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(
      Array.from({ length: 120 }, (_, i) => `${i % 2 === 0 ? 'a' : 'b'} ${i}`),
    );
  });

  it('bounds a flood of 200,000 lines: the writer waits for the host to drain', async () => {
    const program = compileProgram(`for (let i = 0; i < 200_000; i++) console.log('line ' + i);`);
    let count = 0;
    let last = '';
    let maxLagMs = 0;
    const started = performance.now();
    const end = await runProgram(pool, program, { timeout: 30_000 }, (events) => {
      const now = performance.now() - started;
      for (const event of events) {
        if (event.type !== 'output') continue;
        count++;
        last = event.text;
        maxLagMs = Math.max(maxLagMs, now - event.time);
      }
    }).result;
    expect(end.status).toBe('finished');
    expect(count).toBe(200_000);
    expect(last).toBe('line 199999');
    // Lines reach the host while the flood goes on, not all at the end: the writer is held back
    // by the full ring instead of piling lines up in memory. (Generous: a busy machine is slow.)
    expect(maxLagMs).toBeLessThan(10_000);
  }, 40_000);
});
