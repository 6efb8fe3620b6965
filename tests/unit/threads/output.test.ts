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
    // Lines reach the host soon after they are written: the writer is held back by the full
    // ring instead of piling lines up in memory faster than they can be shown.
    expect(maxLagMs).toBeLessThan(2_000);
  }, 40_000);
});
