/**
 * The runner worker: the page talks to it with comlink (src/playground/runner-client.ts).
 * It owns the pool of thread workers (nested workers, pre-spawned and reused across runs),
 * compiles edited code (the compiler is loaded only then), runs one program at a time through
 * the host, and paces events back to the page. It never blocks, so Stop is always heard.
 */
import * as Comlink from 'comlink';
import { browserPlatform } from '../runtime/platform/browser.ts';
import { EventPacer } from './event-pacer.ts';
import { runProgram, type HostRunOptions, type RunHandle } from './host.ts';
import { WorkerPool } from './pool.ts';
import { DEFAULT_TIMEOUT_MS, type CompiledModules, type RunEvent, type RunRequest } from './protocol.ts';
import { TracePacker } from './trace-packer.ts';

const pool = new WorkerPool(browserPlatform);
/**
 * The run in progress, set before its code is compiled: a Stop that comes while the compiler
 * loads sets `stopped`, and the program then never starts.
 */
interface CurrentRun {
  stopped: boolean;
  handle: RunHandle | null;
}
let current: CurrentRun | null = null;

function stopRun(run: CurrentRun | null): void {
  if (!run) return;
  run.stopped = true;
  run.handle?.stop();
}

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
    stopRun(current);
    const run: CurrentRun = { stopped: false, handle: null };
    current = run;
    const startedAt = performance.now();
    const pacer = new EventPacer(onEvents);
    try {
      const program = await compile(request);
      if ('type' in program) {
        pacer.push([program]);
      } else if (run.stopped) {
        pacer.push([{ type: 'end', status: 'stopped', durationMs: performance.now() - startedAt }]);
      } else {
        const options: HostRunOptions = { timeout: DEFAULT_TIMEOUT_MS, ...request.options };
        if (request.options.trace) {
          const packer = new TracePacker();
          options.onTrace = (records, dropped, source) => pacer.push([packer.pack(records, dropped, source)]);
        }
        run.handle = runProgram(pool, program, options, (events) => pacer.push(events));
        await run.handle.result;
      }
    } finally {
      if (current === run) current = null;
    }
    await pacer.drained();
  },

  /** Stops the current run: every worker it used is terminated and replaced. */
  stop(): void {
    stopRun(current);
  },
};

export type RunnerApi = typeof runner;
Comlink.expose(runner);
