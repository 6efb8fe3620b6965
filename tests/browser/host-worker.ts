// A worker that runs a program with the host, as the site's runner worker does: the host in a
// worker, the program's threads in workers it starts (nested workers).
import { compileProgram } from '../../src/runner/compile.ts';
import { runProgram } from '../../src/runner/host.ts';
import { WorkerPool } from '../../src/runner/pool.ts';
import type { RunEvent } from '../../src/runner/protocol.ts';
import { browserPlatform } from '../../src/runtime/platform/browser.ts';

const pool = new WorkerPool(browserPlatform, { warm: 2 });

self.addEventListener('message', async (event: MessageEvent<string>) => {
  const events: RunEvent[] = [];
  await runProgram(pool, compileProgram(event.data), { timeout: 15_000 }, (batch) => events.push(...batch)).result;
  self.postMessage(events);
});
