/**
 * The host runs one program at a time per call: it never blocks (it lives on a page, in the
 * runner worker or in Node's main thread), so it can always drain output, watch for deadlocks,
 * enforce the time limit and stop the run.
 *
 *   host ──job──▶ main-thread worker ──start──▶ host ──job──▶ thread worker …
 *        ◀─done──                    ◀─done───
 *   output rings, control block: shared memory the host reads on every tick
 *
 * The run ends when the main thread has returned and every non-daemon thread has finished;
 * daemon threads are then stopped (Python's rule). A stop for any other reason (time limit,
 * deadlock, stop()) terminates every worker of the run; the pool replaces them.
 */
import { ControlBlock, RUN_STOPPED, THREAD_DONE } from '../runtime/internal/control-block.ts';
import { describeDeadlock, findDeadlock, readSnapshot } from '../runtime/internal/deadlock.ts';
import { DEFAULT_SWITCH_INTERVAL_MS } from '../runtime/internal/gil.ts';
import { createOutputRing, drainOutputRing, DRAWING, wallClock } from '../runtime/internal/output.ts';
import { isShowData } from '../runtime/internal/show-data.ts';
import { drainTrace, type TraceRecord } from '../runtime/internal/trace.ts';
import { RUN_COUNTER_WORDS, type Job, type ThreadFailure, type WorkerToHost } from '../runtime/platform/protocol.ts';
import { recordExit } from '../runtime/process.ts';
import { MAIN_THREAD_ID, MAIN_THREAD_NAME } from '../runtime/thread.ts';
import type { PooledWorker, WorkerPool } from './pool.ts';
import type { CompiledModules, RunEvent, RunOptions, RunStatus } from './protocol.ts';
import type { TraceSource } from './trace-packer.ts';

/** Threads a run may start unless it says otherwise (the main thread counts). */
export const DEFAULT_MAX_THREADS = 128;
/** How often output and trace rings are drained. */
const DRAIN_INTERVAL_MS = 10;
/**
 * How long lines wait behind a missing sequence number (a line another thread is copying into
 * its ring right now) before the host gives up on it: a worker terminated mid-line never
 * delivers it.
 */
const SEQUENCE_GAP_WAIT_MS = 200;
/** How often the deadlock watchdog samples the thread table. */
const WATCHDOG_INTERVAL_MS = 100;
/** Samples in a row with an unchanged progress epoch before the watchdog looks for a deadlock. */
const STABLE_SAMPLES = 2;

export type OutputEvent = Extract<RunEvent, { type: 'output' }>;
/** A drawing (show.*), in order among the output lines. */
export type ShowEvent = Extract<RunEvent, { type: 'show' }>;
export type EndEvent = Extract<RunEvent, { type: 'end' }>;

/** Options of one run, beyond the page's RunOptions. */
export interface HostRunOptions extends RunOptions {
  /** GIL switch interval in ms (CPython's sys.setswitchinterval). Default 5. */
  switchIntervalMs?: number;
  /** Trace records per thread between drains; 0 turns tracing off. */
  traceCapacity?: number;
  /** Receives trace records as they are drained (when tracing is on), and what names them. */
  onTrace?: (records: TraceRecord[], dropped: number, source: TraceSource) => void;
}

/** A run in progress. */
export interface RunHandle {
  /** Resolves once, with the final 'end' event (also the last event passed to onEvents). */
  readonly result: Promise<EndEvent>;
  /** Stops the run now (status 'stopped'); no effect once it has ended. */
  stop(): void;
}

interface ThreadRecord {
  id: number;
  name: string;
  daemon: boolean;
  output: SharedArrayBuffer;
  /** Null once the worker is given back or discarded. */
  worker: PooledWorker | null;
  done: boolean;
  /** A process's own state (its exit code), when the thread is a Process. */
  process?: SharedArrayBuffer;
}

let runs = 0;

/**
 * Starts `program` on workers from `pool`. `onEvents` receives batches of events: output lines
 * in the order they were written (across threads too, see output.ts) and, last, the 'end'
 * event. `time` of a line is ms since the run started.
 */
export function runProgram(
  pool: WorkerPool,
  program: CompiledModules,
  options: HostRunOptions,
  onEvents: (events: RunEvent[]) => void,
): RunHandle {
  return new Run(pool, program, options, onEvents);
}

class Run implements RunHandle {
  readonly result: Promise<EndEvent>;
  readonly #id = ++runs;
  readonly #pool: WorkerPool;
  readonly #program: CompiledModules;
  readonly #options: HostRunOptions;
  readonly #onEvents: (events: RunEvent[]) => void;
  readonly #control: ControlBlock;
  readonly #counters = new SharedArrayBuffer(RUN_COUNTER_WORDS * Int32Array.BYTES_PER_ELEMENT);
  readonly #threads = new Map<number, ThreadRecord>();
  readonly #startedAt = wallClock();
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  /** Threads terminated (Process.terminate) before their start request arrived. */
  readonly #terminatedEarly = new Set<number>();
  #mainFailure: ThreadFailure | undefined;
  #lastEpoch = -1;
  #stableSamples = 0;
  #ended = false;
  /** Drained lines not emitted yet: they follow a sequence number still missing (#collect). */
  #heldLines: { sequence: number; event: OutputEvent | ShowEvent }[] = [];
  /** The sequence number of the next line to emit (the run's counter starts at 0). */
  #nextSequence = 0;
  /** When the host first saw the current gap in the sequence (performance.now()), or null. */
  #gapSince: number | null = null;
  #resolve!: (end: EndEvent) => void;

  constructor(pool: WorkerPool, program: CompiledModules, options: HostRunOptions, onEvents: (events: RunEvent[]) => void) {
    this.#pool = pool;
    this.#program = program;
    this.#options = options;
    this.#onEvents = onEvents;
    this.result = new Promise((resolve) => (this.#resolve = resolve));
    this.#control = ControlBlock.create({
      maxThreads: options.maxThreads ?? DEFAULT_MAX_THREADS,
      traceCapacity: options.traceCapacity ?? (options.onTrace ? undefined : 0),
    });

    const mainId = this.#control.allocateThread(MAIN_THREAD_NAME, false);
    if (mainId !== MAIN_THREAD_ID) throw new Error('The main thread must be the first thread of a run.');
    this.#startThread(mainId, MAIN_THREAD_NAME, false, createOutputRing());

    this.#timers.push(setInterval(() => this.#drain(), DRAIN_INTERVAL_MS));
    this.#timers.push(setInterval(() => this.#watch(), WATCHDOG_INTERVAL_MS));
    if (options.timeout !== undefined) {
      this.#timers.push(
        setTimeout(() => this.#end('timed-out', { message: `The program did not finish within ${options.timeout} ms, so it was stopped.` }), options.timeout),
      );
    }
  }

  stop(): void {
    this.#end('stopped', {});
  }

  #startThread(id: number, name: string, daemon: boolean, output: SharedArrayBuffer, spec?: Job['spec']): void {
    if (this.#terminatedEarly.delete(id)) {
      const thread = { id, name, daemon, output, worker: null, done: false };
      this.#threads.set(id, thread);
      this.#stopThread(thread);
      return;
    }
    const worker = this.#pool.take();
    this.#threads.set(id, { id, name, daemon, output, worker, done: false, process: spec?.process?.state });
    worker.lend(
      (message) => this.#receive(message),
      (error) => this.#workerFailed(id, error),
    );
    worker.post({
      type: 'job',
      job: {
        run: this.#id,
        threadId: id,
        name,
        daemon,
        control: this.#control.buffer,
        output,
        program: this.#program,
        spec,
        counters: this.#counters,
        // The program's, never the options': a GIL without the ticks compiled into the code
        // would never be handed over by a thread that does not block (options.gil is for
        // compileProgram; the CLI and the page compile with it).
        gil: this.#program.gil,
        switchIntervalMs: this.#options.switchIntervalMs ?? DEFAULT_SWITCH_INTERVAL_MS,
      },
    });
  }

  #receive(message: WorkerToHost): void {
    if (this.#ended || message.type === 'ready' || message.run !== this.#id) return;
    if (message.type === 'start') {
      this.#startThread(message.threadId, message.name, message.daemon, message.output, message.spec);
      return;
    }
    if (message.type === 'terminate') {
      this.#terminateThread(message.threadId);
      return;
    }
    const thread = this.#threads.get(message.threadId);
    if (!thread || thread.done) return;
    this.#finishThread(thread, message.error);
  }

  /**
   * Process.terminate(): stops the worker running thread `id` (the pool replaces it), then marks
   * the thread done, so joiners wake only once it has really stopped.
   */
  #terminateThread(id: number): void {
    const thread = this.#threads.get(id);
    // From another worker than the one that started it, the request may overtake the start.
    if (!thread) this.#terminatedEarly.add(id);
    else if (!thread.done) this.#stopThread(thread);
  }

  #stopThread(thread: ThreadRecord): void {
    const id = thread.id;
    if (thread.worker) this.#pool.discard(thread.worker);
    thread.worker = null;
    this.#control.markDone(id);
    this.#finishThread(thread, undefined);
  }

  /** A worker died under a thread (it could not load, or crashed): the thread ends with an error. */
  #workerFailed(id: number, error: Error): void {
    const thread = this.#threads.get(id);
    if (this.#ended || !thread || thread.done) return;
    // The thread cannot mark itself done any more; do it for it so joiners wake.
    if (this.#control.threadState(id) !== THREAD_DONE) {
      this.#control.markDone(id);
    }
    if (thread.process) recordExit(thread.process, true);
    const failure = { name: 'Error', message: `The worker running ${thread.name} failed: ${error.message}`, stack: '' };
    if (id !== MAIN_THREAD_ID) this.#emit([this.#line(thread, 'error', `Exception in thread ${thread.name}:\n${failure.message}`)]);
    if (thread.worker) this.#pool.discard(thread.worker);
    thread.worker = null;
    this.#finishThread(thread, failure);
  }

  #finishThread(thread: ThreadRecord, failure: ThreadFailure | undefined): void {
    thread.done = true;
    // Everything, not only this thread's: its last lines must not overtake earlier ones.
    this.#emit(this.#collect(this.#threads.values()));
    if (thread.worker) this.#pool.give(thread.worker);
    thread.worker = null;
    if (thread.id === MAIN_THREAD_ID) this.#mainFailure = failure;
    const main = this.#threads.get(MAIN_THREAD_ID)!;
    if (!main.done) return;
    for (const other of this.#threads.values()) if (!other.done && !other.daemon) return;
    // Everything that must finish has; remaining daemon threads are stopped by #end.
    const failed = this.#mainFailure;
    if (failed) this.#end('error', { message: failed.stack || `${failed.name}: ${failed.message}`, line: failed.line, column: failed.column });
    else this.#end('finished', {});
  }

  #drain(): void {
    if (this.#ended) return;
    this.#emit(this.#collect(this.#threads.values()));
    this.#drainTrace();
  }

  #drainTrace(): void {
    if (!this.#options.onTrace || this.#control.traceCapacity === 0) return;
    const { records, dropped } = drainTrace(this.#control);
    if (records.length || dropped) this.#options.onTrace(records, dropped, this.#traceSource());
  }

  #traceSource(): TraceSource {
    return { control: this.#control, startedAt: this.#startedAt, isProcess: (id) => this.#threads.get(id)?.process !== undefined };
  }

  /**
   * Output of `threads`, merged in the order it was written (see output.ts): by sequence number,
   * without gaps. The rings are drained one after the other, so a line written in one ring just
   * after the host read it can be missing while a later line of another ring is there; that
   * line's number is then missing, and the lines after it wait (at most SEQUENCE_GAP_WAIT_MS,
   * or until the run ends: `final`) so they do not overtake it.
   */
  #collect(threads: Iterable<ThreadRecord>, final = false): (OutputEvent | ShowEvent)[] {
    const held = this.#heldLines;
    for (const thread of threads) {
      for (const record of drainOutputRing(thread.output)) {
        const event =
          record.stream === DRAWING ? this.#drawing(thread, record.text, record.time) : this.#line(thread, record.stream, record.text, record.time);
        held.push({ sequence: record.sequence, event });
      }
    }
    held.sort((a, b) => a.sequence - b.sequence);
    let ready = 0;
    while (ready < held.length && held[ready].sequence <= this.#nextSequence) {
      this.#nextSequence = Math.max(this.#nextSequence, held[ready].sequence + 1);
      ready++;
    }
    if (ready < held.length) {
      const now = performance.now();
      this.#gapSince ??= now;
      if (final || now - this.#gapSince >= SEQUENCE_GAP_WAIT_MS) {
        ready = held.length;
        this.#nextSequence = held[ready - 1].sequence + 1;
      }
    }
    if (ready === held.length) this.#gapSince = null;
    return held.splice(0, ready).map((entry) => entry.event);
  }

  #line(thread: ThreadRecord, level: OutputEvent['level'], text: string, time = wallClock()): OutputEvent {
    return { type: 'output', thread: thread.name, threadId: thread.id, level, text, time: Math.max(0, time - this.#startedAt) };
  }

  /** A drawing record (its JSON, written by show.*), checked as the page checks it; else an error line. */
  #drawing(thread: ThreadRecord, json: string, time: number): ShowEvent | OutputEvent {
    let data: unknown;
    try {
      data = JSON.parse(json);
    } catch {
      data = undefined;
    }
    if (!isShowData(data)) return this.#line(thread, 'error', 'Interleave internal error: a drawing from this thread was malformed and is not shown.', time);
    return { type: 'show', thread: thread.name, threadId: thread.id, time: Math.max(0, time - this.#startedAt), data };
  }

  #emit(events: RunEvent[]): void {
    if (events.length) this.#onEvents(events);
  }

  /**
   * The deadlock watchdog. It only looks when no thread's wait changed for STABLE_SAMPLES
   * samples in a row (a quiet progress epoch), so it costs one load while threads make
   * progress, and a wait that is about to end is never reported.
   */
  #watch(): void {
    if (this.#ended) return;
    const epoch = this.#control.epoch();
    this.#stableSamples = epoch === this.#lastEpoch ? this.#stableSamples + 1 : 0;
    this.#lastEpoch = epoch;
    if (this.#stableSamples < STABLE_SAMPLES) return;
    const report = findDeadlock(readSnapshot(this.#control));
    if (report) this.#end('deadlock', { message: describeDeadlock(report) });
  }

  #end(status: RunStatus, details: { message?: string; line?: number; column?: number }): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#control.setRunState(RUN_STOPPED);
    const events: RunEvent[] = this.#collect(this.#threads.values(), true);
    this.#drainTrace();
    for (const thread of this.#threads.values()) {
      if (thread.done) continue;
      // Still running (a daemon thread, or a stopped run): only terminating its worker stops it.
      if (thread.worker) this.#pool.discard(thread.worker);
      thread.worker = null;
      thread.done = true;
    }
    const end: EndEvent = {
      type: 'end',
      status,
      durationMs: Math.round((wallClock() - this.#startedAt) * 10) / 10,
      ...details,
    };
    events.push(end);
    this.#onEvents(events);
    this.#resolve(end);
  }
}
