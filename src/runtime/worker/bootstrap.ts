/**
 * What every worker runs, in Node and in browsers alike (the platform entry points give it a
 * {@link HostLink}). It installs the runtime as `globalThis.__interleave`, captures `console`,
 * and then runs jobs one at a time: attach the run's control block, enter the thread, load a
 * fresh instance of the snippet's module (a new URL per job, so no module state leaks between
 * threads or runs), run the thread, mark it done, tell the host.
 */
import * as runtime from '../index.ts';
import { clearDoneCallbacks } from '../future.ts';
import { setGilHooks } from '../internal/blocking.ts';
import { enterThread, leaveThread } from '../internal/context.ts';
import { ControlBlock, THREAD_RUNNING } from '../internal/control-block.ts';
import { formatArgs } from '../internal/format.ts';
import { Gil, GIL_WORDS } from '../internal/gil.ts';
import { setJobServices } from '../internal/job-services.ts';
import { registerRuntimeFunction } from '../internal/runtime-functions.ts';
import { captureConsole, createOutputRing, setOutputRing, writeOutput } from '../internal/output.ts';
import { decodeFromThread, setFunctionReviver } from '../internal/share.ts';
import {
  explainUnsharedVariable,
  setSnippetColumns,
  setSnippetModuleUrls,
  snippetFrame,
  toSnippetStack,
  type SnippetModuleKind,
} from '../internal/snippet-stack.ts';
import { trace } from '../internal/trace.ts';
import { OP_THREAD_END, OP_THREAD_START } from '../internal/trace-ops.ts';
import { RUN_COUNTER, type Job, type ThreadFailure } from '../platform/protocol.ts';
import type { HostLink } from '../platform/types.ts';
import { attachProcess, Process, recordExit } from '../process.ts';
import { mainThread, setCurrentThread, setThreadLauncher, threadView, type Thread } from '../thread.ts';
import { describeFunction, describeThread, explainClosureVariable, locateSource, resolveFunction } from './targets.ts';
import { cancelPendingTimers, trackTimers } from './timers.ts';
import { isThenable } from '../internal/thenable.ts';
import { rememberGlobals, forgetAddedGlobals } from './globals.ts';

type Namespace = Record<string, unknown>;

declare global {
  // eslint-disable-next-line no-var
  var __interleave: typeof runtime;
  // eslint-disable-next-line no-var
  var __interleaveGilTick: () => void;
}

const noop = () => {};
let modules = 0;
/** The job running now (between its start and its `done`), for uncaught errors. */
let active: Job | null = null;

/** Starts serving jobs from the host on `link`. Call once, at the worker's start. */
export function serveJobs(link: HostLink): void {
  globalThis.__interleave = runtime;
  globalThis.__interleaveGilTick = noop;
  // The runtime's own functions (sleep…) can be sent as targets and tasks: by name.
  for (const [name, value] of Object.entries(runtime)) {
    if (typeof value === 'function' && !/^[A-Z]/.test(name)) registerRuntimeFunction(name, value as (...args: unknown[]) => unknown);
  }
  captureConsole();
  trackTimers();
  rememberGlobals();
  link.onUncaughtError((error) => {
    // A throw in a timer callback or an unhandled rejection: reported like a thread's
    // uncaught error, the thread itself goes on (as a callback's failure would in Node).
    writeOutput('error', `Exception in thread ${active?.name ?? 'MainThread'}:\n${toSnippetStack(error)}`);
  });
  // Invariant: `queue` never stays rejected, or every later job sent to this worker would be
  // skipped. runJob reports a job's own errors; anything escaping it is the runtime's bug.
  let queue = Promise.resolve();
  const report = (error: unknown) => {
    writeOutput('error', `Interleave internal error while running a job: ${safeString(error)}`);
  };
  link.onMessage((message) => {
    if (message.type === 'job') queue = queue.then(() => runJob(link, message.job)).catch(report);
  });
  link.post({ type: 'ready' });
}

async function runJob(link: HostLink, job: Job): Promise<void> {
  const control = ControlBlock.attach(job.control);
  const id = job.threadId;
  const urls: string[] = [];
  const kinds: SnippetModuleKind[] = [];
  enterThread({ id, name: job.name, control });
  const counters = new Int32Array(job.counters);
  setOutputRing(job.output, counters.subarray(RUN_COUNTER.outputSequence, RUN_COUNTER.outputSequence + 1));
  active = job;
  // A process has its own GIL (spec.gil), shared with the threads it starts.
  const gil = job.gil ? new Gil(job.spec?.gil ? new Int32Array(job.spec.gil) : control.gilWords, job.switchIntervalMs) : null;
  // Only a thread that held the GIL takes it back after blocking: an async target blocking
  // between awaits does not hold it (it let go when it first awaited), and taking it there
  // would keep it across the next await, stopping every other thread.
  let heldBeforeBlock = false;
  setGilHooks(
    gil && {
      beforeBlock: () => {
        heldBeforeBlock = gil.held;
        gil.release();
      },
      afterBlock: () => {
        if (heldBeforeBlock) gil.acquire();
      },
    },
  );
  globalThis.__interleaveGilTick = gil ? () => gil.tick() : noop;

  setSnippetColumns(job.program.columns ?? null);
  let threadExports: Namespace = {};
  setThreadLauncher({
    nextThreadNumber: () => Atomics.add(counters, RUN_COUNTER.threadNumber, 1) + 1,
    launch(thread: Thread, allocate: () => number) {
      const spec = describeThread(thread, threadExports, job.program);
      const gilBuffer = spec.process ? new SharedArrayBuffer(GIL_WORDS * Int32Array.BYTES_PER_ELEMENT) : job.spec?.gil;
      if (gilBuffer) spec.gil = gilBuffer;
      const threadId = allocate();
      const output = createOutputRing();
      try {
        link.post({ type: 'start', run: job.run, threadId, name: thread.name, daemon: thread.daemon, spec, output });
      } catch (error) {
        // Could not be sent after all (structured clone refused something): the thread never
        // runs, so it must not look alive to joiners or to the deadlock watchdog.
        control.markDone(threadId);
        throw new TypeError(`${thread.name} could not be started: its arguments cannot be sent to another thread (${(error as Error).message}).`);
      }
    },
  });

  setJobServices({
    terminate: (threadId) => link.post({ type: 'terminate', run: job.run, threadId }),
    nextProcessNumber: () => Atomics.add(counters, RUN_COUNTER.processNumber, 1) + 1,
    packFunction: (fn) => describeFunction(fn, threadExports, job.program),
    unpackFunction: (ref) => resolveFunction(ref, threadExports, runtime as unknown as Namespace),
    explainError: (error, ref, threadName) =>
      explainUnsharedVariable(error, job.program.topLevelVariables, threadName) ??
      (ref.kind === 'source' ? explainClosureVariable(error, threadName) : null),
  });

  // Functions that travel as text (a Barrier's action) see what a source target sees.
  setFunctionReviver((source) =>
    resolveFunction({ kind: 'source', source, at: locateSource(source, job.program) }, threadExports, runtime as unknown as Namespace),
  );

  const load = async (kind: SnippetModuleKind): Promise<Namespace> => {
    // The trailing comment makes every job's URL (and so its module instance) new.
    const url = link.moduleUrl(`${job.program[kind]}\n//# interleave module ${++modules}`);
    urls.push(url);
    kinds.push(kind);
    // For stack formats that print the URL rather than the sourceURL (Firefox, Safari).
    setSnippetModuleUrls(urls, kinds);
    return link.importModule(url);
  };

  control.setThreadState(id, THREAD_RUNNING);
  control.bumpEpoch();
  trace(OP_THREAD_START, id, 0);
  let failure: ThreadFailure | undefined;
  try {
    gil?.acquire();
    threadExports = await load('thread');
    if (!job.spec) {
      setCurrentThread(mainThread());
      await load('main');
    } else {
      const thread = reviveThread(job, threadExports);
      setCurrentThread(thread);
      const result = thread.run();
      if (isThenable(result)) {
        // An async target: other threads may run while it awaits (it holds no GIL then).
        gil?.release();
        await result;
      }
    }
  } catch (error) {
    failure = describeFailure(error, job);
    // A thread's uncaught error is reported in its own output, after what it printed, and the
    // other threads go on; the main thread's ends the run (the host reports it).
    if (job.spec) writeOutput('error', `Exception in ${job.spec.process ? 'process' : 'thread'} ${job.name}:\n${failure.stack}`);
  } finally {
    gil?.release();
    const cancelled = cancelPendingTimers();
    if (cancelled > 0) {
      writeOutput(
        'warn',
        `${job.name} ended with ${cancelled} timer${cancelled > 1 ? 's' : ''} still pending (setTimeout/setInterval); ` +
          `they were cancelled: a thread ends when its function returns. To wait, use sleep(ms) or ` +
          `await new Promise((resolve) => setTimeout(resolve, ms)).`,
      );
    }
    if (job.spec?.process) recordExit(job.spec.process.state, failure !== undefined);
    trace(OP_THREAD_END, id, 0);
    // DONE, then notify: a joiner waiting on the state word wakes (control-block.ts).
    control.markDone(id);
    active = null;
    setCurrentThread(null);
    setThreadLauncher(null);
    setJobServices(null);
    clearDoneCallbacks();
    setFunctionReviver(null);
    setGilHooks(null);
    globalThis.__interleaveGilTick = noop;
    setOutputRing(null);
    setSnippetColumns(null);
    setSnippetModuleUrls([]);
    leaveThread();
    forgetAddedGlobals();
    for (const url of urls) link.releaseModuleUrl(url);
    link.post({ type: 'done', run: job.run, threadId: id, error: failure });
  }
}

function reviveThread(job: Job, exports: Namespace): Thread {
  const spec = job.spec!;
  const target = spec.target && resolveFunction(spec.target, exports, runtime as unknown as Namespace);
  const args = decodeFromThread(spec.args) as unknown[];
  const subclass = spec.className ? (exports[spec.className] as Function) : spec.process ? Process : undefined;
  const thread = threadView(job.threadId, job.name, job.daemon, { prototype: subclass?.prototype, target, args });
  if (spec.process) attachProcess(thread, spec.process.state);
  if (spec.fields) Object.assign(thread, decodeFromThread(spec.fields));
  return thread;
}

/**
 * What a job's uncaught error was, for the host and the thread's output. Never throws: a thrown
 * value that throws when looked at (a Proxy whose traps throw, a getter) gets a generic
 * description, so it cannot break the worker for the jobs after it.
 */
function describeFailure(thrown: unknown, job: Job): ThreadFailure {
  try {
    // A thread touching a top-level variable of the snippet, or a closure's variable, gets
    // "x is not defined" (its module does not have it); say why, and what to do instead.
    const error =
      (job.spec &&
        (explainUnsharedVariable(thrown, job.program.topLevelVariables, job.name) ??
          (job.spec.target?.kind === 'source' ? explainClosureVariable(thrown, job.name) : null))) ||
      thrown;
    const isError = error instanceof Error;
    const frame = isError ? snippetFrame(error.stack ?? '') : null;
    return {
      name: isError ? error.name : 'Error',
      message: isError ? error.message : formatArgs([error]),
      stack: toSnippetStack(error),
      line: frame?.line,
      column: frame?.column,
    };
  } catch {
    const message = 'Uncaught value that cannot be described (looking at it threw an error; is it a Proxy?)';
    return { name: 'Error', message, stack: message };
  }
}

function safeString(value: unknown): string {
  try {
    return value instanceof Error ? (value.stack ?? String(value)) : String(value);
  } catch {
    return '(a value that cannot be printed)';
  }
}

