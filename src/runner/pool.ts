import type { HostToWorker, WorkerToHost } from '../runtime/platform/protocol.ts';
import type { Platform, WorkerHandle } from '../runtime/platform/types.ts';

/** Idle workers kept ready by default between runs. */
export const DEFAULT_WARM_WORKERS = 4;
/** Idle workers kept at most, by default: more are terminated when given back. */
export const DEFAULT_MAX_IDLE_WORKERS = 16;
/**
 * A worker is retired after this many jobs: each job imports a fresh module (a new URL), and a
 * worker's module map never forgets one, so a long-lived worker would grow without end.
 */
const MAX_JOBS_PER_WORKER = 200;

/**
 * One worker of the pool. Its messages go to whoever holds it (the run it is lent to); while
 * idle they are dropped (an idle worker only ever sends `ready`).
 */
export class PooledWorker {
  readonly #handle: WorkerHandle;
  #listener: ((message: WorkerToHost) => void) | undefined;
  #failure: ((error: Error) => void) | undefined;
  #terminated = false;
  #jobs = 0;
  /** Resolves when the worker has loaded the runtime. */
  readonly ready: Promise<void>;

  constructor(handle: WorkerHandle) {
    this.#handle = handle;
    let markReady!: () => void;
    this.ready = new Promise((resolve) => (markReady = resolve));
    handle.onMessage((message) => {
      if (message.type === 'ready') markReady();
      else this.#listener?.(message);
    });
    handle.onError((error) => {
      if (this.#terminated) return;
      this.#terminated = true;
      markReady();
      this.#failure?.(error);
    });
  }

  get terminated(): boolean {
    return this.#terminated;
  }

  /** Jobs this worker has been given so far. */
  get jobs(): number {
    return this.#jobs;
  }

  /** Routes the worker's messages and failure to the run that holds it. */
  lend(listener: (message: WorkerToHost) => void, failure: (error: Error) => void): void {
    this.#listener = listener;
    this.#failure = failure;
  }

  post(message: HostToWorker): void {
    if (message.type === 'job') this.#jobs++;
    this.#handle.post(message);
  }

  terminate(): void {
    this.#terminated = true;
    this.#listener = undefined;
    this.#failure = undefined;
    this.#handle.terminate();
  }

  /** Detaches the run that held it. */
  reclaim(): void {
    this.#listener = undefined;
    this.#failure = undefined;
  }
}

/**
 * Pre-spawned workers, reused across threads and across runs, so starting a thread costs a
 * message, not a worker start-up. A worker whose thread may still be running (a stopped run,
 * a daemon thread) is never reused: it is terminated and replaced.
 */
export class WorkerPool {
  readonly platform: Platform;
  readonly #idle: PooledWorker[] = [];
  readonly #warm: number;
  readonly #maxIdle: number;
  #closed = false;

  /**
   * `warm`: idle workers to keep ready (spawned now, refilled after discards). `maxIdle`: most
   * idle workers kept after a run with many threads (each holds memory); at least `warm`.
   */
  constructor(platform: Platform, options: { warm?: number; maxIdle?: number } = {}) {
    this.platform = platform;
    this.#warm = options.warm ?? DEFAULT_WARM_WORKERS;
    this.#maxIdle = Math.max(this.#warm, options.maxIdle ?? DEFAULT_MAX_IDLE_WORKERS);
    this.refill();
  }

  /** Idle workers right now. */
  get idleCount(): number {
    return this.#idle.length;
  }

  /** A worker for one job: an idle one if any, else a new one (its messages queue until ready). */
  take(): PooledWorker {
    if (this.#closed) throw new Error('The worker pool is closed.');
    const worker = this.#idle.pop() ?? this.#spawn();
    worker.reclaim();
    return worker;
  }

  /** Gives back a worker whose job has finished; it is ready for the next job. */
  give(worker: PooledWorker): void {
    worker.reclaim();
    if (this.#closed || worker.terminated || worker.jobs >= MAX_JOBS_PER_WORKER || this.#idle.length >= this.#maxIdle) {
      this.discard(worker);
      return;
    }
    this.#park(worker);
  }

  /** Terminates a worker (its thread may still be running) and keeps the pool warm. */
  discard(worker: PooledWorker): void {
    worker.terminate();
    this.refill();
  }

  /**
   * Spawns workers until at least `count` are idle (never more than maxIdle), and waits until
   * all idle ones are ready.
   */
  async warmUp(count: number = this.#warm): Promise<void> {
    while (!this.#closed && this.#idle.length < Math.min(count, this.#maxIdle)) this.#park(this.#spawn());
    await Promise.all(this.#idle.map((worker) => worker.ready));
  }

  /** Tops the idle list up to the warm count. */
  refill(): void {
    while (!this.#closed && this.#idle.length < this.#warm) this.#park(this.#spawn());
  }

  /** Terminates the idle workers; running ones are terminated by their runs' stop(). */
  close(): void {
    this.#closed = true;
    for (const worker of this.#idle.splice(0)) worker.terminate();
  }

  #spawn(): PooledWorker {
    return new PooledWorker(this.platform.spawnWorker());
  }

  #park(worker: PooledWorker): void {
    // A worker that dies while idle leaves the idle list.
    worker.lend(
      () => {},
      () => {
        const index = this.#idle.indexOf(worker);
        if (index >= 0) this.#idle.splice(index, 1);
      },
    );
    this.#idle.push(worker);
  }
}
