// Monaco's language services run in Web Workers. Vite bundles each worker below as its own
// same-origin module script (so it loads under COEP require-corp) and writes its URL relative
// to this chunk (so it works under any base path). Only two exist: the editor's generic worker
// and TypeScript's; no CSS, HTML or JSON services are ever loaded.

/** Tells Monaco how to start its workers. Call before the first editor is created. */
export function installMonacoWorkers(): void {
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      if (label === 'typescript' || label === 'javascript') {
        return new Worker(new URL('monaco-editor/languages/features/typescript/ts.worker.js', import.meta.url), {
          type: 'module',
          name: 'monaco-typescript',
        });
      }
      return new Worker(new URL('monaco-editor/editor/editor.worker.js', import.meta.url), {
        type: 'module',
        name: 'monaco-editor',
      });
    },
  };
}
