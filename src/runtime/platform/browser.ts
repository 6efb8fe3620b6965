import type { HostToWorker, WorkerToHost } from './protocol.ts';
import type { HostLink, Platform, WorkerHandle } from './types.ts';

/**
 * Browsers: threads are module Web Workers running worker-browser.ts. The
 * `new Worker(new URL(…, import.meta.url), { type: 'module' })` form is kept literal so that
 * Vite bundles the worker. Works from a page or from inside a worker (nested workers).
 */
export const browserPlatform: Platform = {
  name: 'browser',
  spawnWorker(): WorkerHandle {
    const worker = new Worker(new URL('./worker-browser.ts', import.meta.url), { type: 'module' });
    return {
      post: (message: HostToWorker) => worker.postMessage(message),
      onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
      onError: (listener) =>
        worker.addEventListener('error', (event) => {
          event.preventDefault();
          listener(new Error(event.message || 'The worker failed to load.'));
        }),
      terminate: () => worker.terminate(),
    };
  },
};

/** The worker's side, for worker-browser.ts. */
export function browserHostLink(): HostLink {
  const scope = globalThis as unknown as {
    postMessage(message: unknown): void;
    addEventListener(type: string, listener: (event: any) => void): void;
  };
  const post = scope.postMessage.bind(scope);
  sealWorkerScope(scope);
  return {
    post: (message: WorkerToHost) => post(message),
    onMessage: (listener) => scope.addEventListener('message', (event: MessageEvent) => listener(event.data)),
    onUncaughtError: (listener) => {
      scope.addEventListener('error', (event: ErrorEvent) => {
        event.preventDefault();
        listener(event.error ?? new Error(event.message));
      });
      scope.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
        event.preventDefault();
        listener(event.reason);
      });
    },
    moduleUrl: (source) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' })),
    releaseModuleUrl: (url) => URL.revokeObjectURL(url),
    importModule: importByUrl,
  };
}

/**
 * A snippet runs in this worker's global scope, and the runtime's messages to the host go
 * through its postMessage: a snippet that posted a look-alike message could end its own run,
 * and one that called close() would kill a worker the pool still counts on. Both are replaced,
 * on the scope and its prototypes, by functions that explain what to do instead; the runtime
 * keeps the original postMessage (bound above).
 */
function sealWorkerScope(scope: object): void {
  const unavailable = (name: string, instead: string) =>
    function (): never {
      throw new Error(`${name}() is not available in an Interleave thread: the runtime needs it to talk to the page. ${instead}`);
    };
  const replacements: Record<string, () => never> = {
    postMessage: unavailable('postMessage', 'To send data to another thread, use a Queue or a Pipe; to print, use console.log.'),
    close: unavailable('close', 'To end a thread, return from its function.'),
  };
  for (let target: object | null = scope; target && target !== Object.prototype; target = Object.getPrototypeOf(target)) {
    for (const [name, replacement] of Object.entries(replacements)) {
      if (Object.prototype.hasOwnProperty.call(target, name)) {
        Object.defineProperty(target, name, { value: replacement, writable: false, configurable: false });
      }
    }
  }
}

// Built with Function, not written as `import(url)`: Vite's dev server rewrites a dynamic import
// of a variable to go through its HMR client, which would then connect, log "[vite] connected."
// and set timers inside every thread.
const importByUrl = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;
