// Runs snippets in this Chromium page through the real compiler, host and a pool of Web Workers.
import { afterAll } from 'vitest';
import { compileProgram } from '../../src/runner/compile.ts';
import { runProgram, type OutputEvent } from '../../src/runner/host.ts';
import { WorkerPool } from '../../src/runner/pool.ts';
import { browserPlatform } from '../../src/runtime/platform/browser.ts';

/** A `run(source)` for one test file: its own warm pool, closed after the file's tests. */
export function snippetRunner(timeout = 20_000) {
  const pool = new WorkerPool(browserPlatform, { warm: 3 });
  afterAll(() => pool.close());
  return async function run(source: string) {
    const output: OutputEvent[] = [];
    const end = await runProgram(pool, compileProgram(source), { timeout }, (events) => {
      for (const event of events) if (event.type === 'output') output.push(event);
    }).result;
    return { end, output, lines: output.map((event) => event.text) };
  };
}
