/**
 * The runner worker: the page talks to it with comlink (src/playground/runner-client.ts).
 * It owns the pool of thread workers (nested workers, pre-spawned and reused across runs),
 * compiles edited code (the compiler is loaded only then), runs one program at a time through
 * the host, and paces events back to the page. It never blocks, so Stop is always heard.
 */
import * as Comlink from 'comlink';
import { browserPlatform } from '../runtime/platform/browser.ts';
import { EventPacer } from './event-pacer.ts';
import { runProgram, type RunHandle } from './host.ts';
import { WorkerPool } from './pool.ts';
import { DEFAULT_TIMEOUT_MS, type CompiledModules, type RunEvent, type RunRequest } from './protocol.ts';

const pool = new WorkerPool(browserPlatform);
let current: RunHandle | null = null;

async function compile(request: RunRequest): Promise<CompiledModules | RunEvent> {
  if (request.kind === 'compiled') return request.program;
  const { compileProgram, CompileError } = await import('./compile.ts');
  try {
    return compileProgram(request.source, { gil: request.options.gil ?? false });
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    return { type: 'end', status: 'error', durationMs: 0, message: error.message, line: error.line, column: error.column };
  }
}

const runner = {
  /** Resolves once a worker is ready for the next run's main thread (the pool fills up behind it). */
  async warm(): Promise<void> {
    await pool.warmUp(1);
  },

  /** Runs a program; resolves after its 'end' event has been delivered to `onEvents`. */
  async run(request: RunRequest, onEvents: (events: RunEvent[]) => Promise<void>): Promise<void> {
    current?.stop();
    const pacer = new EventPacer(onEvents);
    const program = await compile(request);
    if ('type' in program) {
      pacer.push([program]);
    } else {
      const options = { timeout: DEFAULT_TIMEOUT_MS, ...request.options };
      const handle = runProgram(pool, program, options, (events) => pacer.push(events));
      current = handle;
      await handle.result;
      if (current === handle) current = null;
    }
    await pacer.drained();
  },

  /** Stops the current run: every worker it used is terminated and replaced. */
  stop(): void {
    current?.stop();
  },
};

export type RunnerApi = typeof runner;
Comlink.expose(runner);
