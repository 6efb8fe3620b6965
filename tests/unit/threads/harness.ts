// Runs snippets through the real runner (compile → host → pooled worker_threads) for tests.
import { afterAll } from 'vitest';
import { compileProgram } from '../../../src/runner/compile.ts';
import { runProgram, type EndEvent, type HostRunOptions, type OutputEvent } from '../../../src/runner/host.ts';
import { WorkerPool } from '../../../src/runner/pool.ts';
import { nodePlatform } from '../../../src/runtime/platform/node.ts';

/** One pool per test file, closed when the file is done. */
export function usePool(warm = 2): WorkerPool {
  const pool = new WorkerPool(nodePlatform, { warm });
  afterAll(() => pool.close());
  return pool;
}

export interface Ran {
  end: EndEvent;
  output: OutputEvent[];
  /** Console text of every line, in arrival order. */
  lines: string[];
  /** Console text of one thread's lines, in order. */
  linesOf(thread: string): string[];
}

/** Compiles and runs `source`; resolves when the run has ended. Default time limit 10 s. */
export async function run(pool: WorkerPool, source: string, options: HostRunOptions = {}): Promise<Ran> {
  const program = compileProgram(source, { gil: options.gil });
  const output: OutputEvent[] = [];
  const end = await runProgram(pool, program, { timeout: 10_000, ...options }, (events) => {
    for (const event of events) if (event.type === 'output') output.push(event);
  }).result;
  return {
    end,
    output,
    lines: output.map((event) => event.text),
    linesOf: (thread) => output.filter((event) => event.thread === thread).map((event) => event.text),
  };
}
