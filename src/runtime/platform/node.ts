import { Worker, parentPort } from 'node:worker_threads';
import type { HostToWorker, WorkerToHost } from './protocol.ts';
import type { HostLink, Platform, WorkerHandle } from './types.ts';

/**
 * Node: threads are `worker_threads` Workers running worker-node.mjs (Node strips the types of
 * the TypeScript it imports).
 * Workers are unref'd so an idle pool never keeps a process alive; a running program keeps it
 * alive through the host's timers.
 */
export const nodePlatform: Platform = {
  name: 'node',
  spawnWorker(): WorkerHandle {
    const worker = new Worker(new URL('./worker-node.mjs', import.meta.url));
    worker.unref();
    return {
      post: (message: HostToWorker) => worker.postMessage(message),
      onMessage: (listener) => worker.on('message', listener),
      onError: (listener) => {
        worker.on('error', listener);
        worker.on('exit', (code) => listener(new Error(`The worker exited (code ${code}).`)));
      },
      terminate: () => void worker.terminate(),
    };
  },
};

/** The worker's side, for worker-node.mjs. */
export function nodeHostLink(): HostLink {
  const port = parentPort;
  if (!port) throw new Error('nodeHostLink() must run inside a worker_threads Worker.');
  return {
    post: (message: WorkerToHost) => port.postMessage(message),
    onMessage: (listener) => port.on('message', listener),
    onUncaughtError: (listener) => {
      process.on('uncaughtException', listener);
      process.on('unhandledRejection', listener);
    },
    // Node's import() takes file:, data: and node: URLs only; data: needs no cleanup.
    moduleUrl: (source) => `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`,
    releaseModuleUrl: () => {},
    importModule: (url) => import(url),
  };
}
