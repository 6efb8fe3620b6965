/**
 * Runs test bodies in real `worker_threads` that share a control block, until the real Thread
 * exists. A body is a plain function; its source text is written to a temporary module and
 * imported by each worker, so it must not close over anything: it gets the runtime as `rt`,
 * its place as `me`, and the args (passed through encodeForThread / decodeFromThread, so
 * primitives arrive as views of the same shared memory).
 *
 *   const pool = new RawThreadPool();
 *   const run = pool.startRun();                 // control block; this thread becomes thread 1
 *   const lock = new Lock();
 *   const results = await pool.run((rt, me, lock) => { … }, { threads: 4, args: [lock], run });
 *   pool.close();
 *
 * Workers are kept for the next run (starting one costs tens of ms); a run that does not finish
 * in time, or a `spawn` that is stopped, terminates its workers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ControlBlock, THREAD_DONE, THREAD_RUNNING } from '../../src/runtime/internal/control-block.ts';
import { enterThread } from '../../src/runtime/internal/context.ts';
import { decodeFromThread, encodeForThread } from '../../src/runtime/internal/share.ts';

/** What a body gets as `rt`: the primitives and the internals tests look at. */
export type Runtime = Awaited<ReturnType<typeof loadRuntime>>;

/** Where a body runs: its index among the run's threads and its thread id. */
export interface Me {
  index: number;
  threads: number;
  id: number;
  name: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = (rt: Runtime, me: Me, ...args: any[]) => unknown;

async function loadRuntime() {
  const [lock, rlock, condition, semaphore, event, barrier, errors, context, blocking, futex] =
    await Promise.all([
      import('../../src/runtime/lock.ts'),
      import('../../src/runtime/rlock.ts'),
      import('../../src/runtime/condition.ts'),
      import('../../src/runtime/semaphore.ts'),
      import('../../src/runtime/event.ts'),
      import('../../src/runtime/barrier.ts'),
      import('../../src/runtime/errors.ts'),
      import('../../src/runtime/internal/context.ts'),
      import('../../src/runtime/internal/blocking.ts'),
      import('../../src/runtime/internal/futex.ts'),
    ]);
  /** Really sleeps `ms` (recorded as a `sleep` wait). */
  function sleep(ms: number): void {
    const word = new Int32Array(new SharedArrayBuffer(4));
    blocking.blockOn({ kind: 'sleep', object: 0, timeout: ms }, (left) => futex.futexWait(word, 0, 0, left));
  }
  return { ...lock, ...rlock, ...condition, ...semaphore, ...event, ...barrier, ...errors, ...context, sleep };
}

/** A run's shared context: its control block. */
export interface Run {
  control: ControlBlock;
}

interface JobMessage {
  type: 'job';
  moduleUrl: string;
  control: SharedArrayBuffer;
  id: number;
  name: string;
  index: number;
  threads: number;
  args: unknown;
}

type ResultMessage = { type: 'done'; result: unknown } | { type: 'failed'; message: string; stack: string };

/** Options of {@link RawThreadPool.run} and {@link RawThreadPool.spawn}. */
export interface RunOptions {
  threads: number;
  args?: unknown[];
  /** Per-thread args instead of `args`: thread i gets `argsFor(i)`. */
  argsFor?: (index: number) => unknown[];
  run: Run;
  /** Thread names; default "Thread-1", "Thread-2", … */
  names?: string[];
  /** The run fails (and its workers are terminated) after this long. Default 20 s. */
  timeoutMs?: number;
}

/** A started set of threads. */
export interface Spawned {
  /** Thread ids, in index order. */
  ids: number[];
  /** Resolves with each thread's result, rejects with the first failure. */
  done: Promise<unknown[]>;
  /** Terminates the workers still running these threads (for runs that never end, e.g. deadlocks). */
  stop(): Promise<void>;
}

export class RawThreadPool {
  #idle: Worker[] = [];
  #all = new Set<Worker>();
  #dir = mkdtempSync(join(tmpdir(), 'interleave-raw-threads-'));
  #modules = 0;

  /** A fresh control block for a run; this (the test's) thread becomes its thread 1. */
  startRun(options: Parameters<typeof ControlBlock.create>[0] = {}): Run {
    const control = ControlBlock.create(options);
    const id = control.allocateThread('MainThread');
    control.setThreadState(id, THREAD_RUNNING);
    enterThread({ id, name: 'MainThread', control });
    return { control };
  }

  /** Runs `body` in `threads` threads at once and waits for all of them. */
  async run(body: Body, options: RunOptions): Promise<unknown[]> {
    const spawned = this.spawn(body, options);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = options.timeoutMs ?? 20_000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`raw threads: run did not finish in ${limit} ms`)), limit);
    });
    try {
      return await Promise.race([spawned.done, timeout]);
    } catch (error) {
      await spawned.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts `body` in `threads` threads and returns at once. */
  spawn(body: Body, options: RunOptions): Spawned {
    const moduleFile = join(this.#dir, `body-${this.#modules++}.mjs`);
    writeFileSync(moduleFile, `export default ${body.toString()};\n`);
    const moduleUrl = pathToFileURL(moduleFile).href;
    const { control } = options.run;
    /** Workers still running this spawn's jobs (finished ones go back to the pool). */
    const busy = new Set<Worker>();
    const ids: number[] = [];
    const results: Promise<unknown>[] = [];
    for (let index = 0; index < options.threads; index++) {
      const name = options.names?.[index] ?? `Thread-${index + 1}`;
      const id = control.allocateThread(name);
      control.setThreadState(id, THREAD_RUNNING);
      ids.push(id);
      const worker = this.#take();
      busy.add(worker);
      const args = options.argsFor ? options.argsFor(index) : (options.args ?? []);
      const job: JobMessage = {
        type: 'job',
        moduleUrl,
        control: control.buffer,
        id,
        name,
        index,
        threads: options.threads,
        args: encodeForThread(args, 'args'),
      };
      results.push(
        new Promise((resolve, reject) => {
          const onMessage = (message: ResultMessage) => {
            worker.off('error', onError);
            busy.delete(worker);
            control.setThreadState(id, THREAD_DONE);
            this.#idle.push(worker);
            if (message.type === 'done') resolve(message.result);
            else {
              const error = new Error(`${name}: ${message.message}`);
              error.stack = `${name}: ${message.stack}`;
              reject(error);
            }
          };
          const onError = (error: Error) => {
            worker.off('message', onMessage);
            busy.delete(worker);
            this.#all.delete(worker);
            control.setThreadState(id, THREAD_DONE);
            reject(error);
          };
          worker.once('message', onMessage);
          worker.once('error', onError);
          worker.postMessage(job);
        }),
      );
    }
    const done = Promise.all(results);
    done.catch(() => {}); // a caller that only stops must not see an unhandled rejection
    return {
      ids,
      done,
      stop: async () => {
        const running = [...busy];
        busy.clear();
        await Promise.all(running.map((w) => (this.#all.delete(w), w.terminate())));
        for (const id of ids) control.setThreadState(id, THREAD_DONE);
      },
    };
  }

  /** Terminates every worker and removes the temporary modules. */
  async close(): Promise<void> {
    await Promise.all([...this.#all].map((w) => w.terminate()));
    this.#all.clear();
    this.#idle = [];
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #take(): Worker {
    const idle = this.#idle.pop();
    if (idle) return idle;
    const worker = new Worker(new URL(import.meta.url), { workerData: { rawThread: true } });
    worker.unref();
    this.#all.add(worker);
    return worker;
  }
}

// ── Worker side ──────────────────────────────────────────────────────────────────────────────

if (!isMainThread && (workerData as { rawThread?: boolean } | null)?.rawThread && parentPort) {
  const port = parentPort;
  const runtime = loadRuntime();
  port.on('message', async (job: JobMessage) => {
    try {
      const rt = await runtime;
      const control = ControlBlock.attach(job.control);
      enterThread({ id: job.id, name: job.name, control });
      await setSnippetModule(job.moduleUrl);
      const body = (await import(job.moduleUrl)).default as Body;
      const args = decodeFromThread(job.args) as unknown[];
      const me: Me = { index: job.index, threads: job.threads, id: job.id, name: job.name };
      const result = await body(rt, me, ...args);
      port.postMessage({ type: 'done', result: encodeForThread(result, 'result') } satisfies ResultMessage);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ type: 'failed', message: `${e.name}: ${e.message}`, stack: e.stack ?? '' });
    }
  });
}

/** Lets snippetFrame() find lines inside the body module (line 1 = the body's first line). */
async function setSnippetModule(url: string): Promise<void> {
  const stack = await import('../../src/runtime/internal/snippet-stack.ts');
  stack.setSnippetModuleUrls([url]);
}
