import type { HostToWorker, WorkerToHost } from './protocol.ts';

/** The host's handle on one worker, whatever the environment. */
export interface WorkerHandle {
  post(message: HostToWorker): void;
  /** Called for every message from the worker, in order. */
  onMessage(listener: (message: WorkerToHost) => void): void;
  /** Called when the worker itself fails (its script could not load, or it crashed). */
  onError(listener: (error: Error) => void): void;
  /** Stops the worker at once, even in the middle of an `Atomics.wait`. */
  terminate(): void;
}

/** What the runner needs from an environment: a way to make workers. */
export interface Platform {
  readonly name: 'node' | 'browser';
  spawnWorker(): WorkerHandle;
}

/** The worker's side of the channel to its host. */
export interface HostLink {
  post(message: WorkerToHost): void;
  onMessage(listener: (message: HostToWorker) => void): void;
  /** Called for errors nothing caught (a throw in a timer callback, an unhandled rejection). */
  onUncaughtError(listener: (error: unknown) => void): void;
  /** A URL `import()` can load `source` from; a new one per call (fresh module instance). */
  moduleUrl(source: string): string;
  /** Releases a URL from {@link moduleUrl} once the module has been imported. */
  releaseModuleUrl(url: string): void;
  /** `import(url)`. */
  importModule(url: string): Promise<Record<string, unknown>>;
}
