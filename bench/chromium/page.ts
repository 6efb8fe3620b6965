// The Chromium side of `npm run bench`: bench/run.ts serves this page (Vite, with the isolation
// headers) and calls startJoin() through Playwright. Programs arrive compiled, so this page only
// needs the host, the pool and the browser platform: the same code the playground runs.
import { runProgram } from '../../src/runner/host.ts';
import { WorkerPool } from '../../src/runner/pool.ts';
import type { CompiledModules } from '../../src/runner/protocol.ts';
import { browserPlatform } from '../../src/runtime/platform/browser.ts';

async function measure(pool: WorkerPool, program: CompiledModules): Promise<number> {
  const lines: string[] = [];
  const end = await runProgram(pool, program, { timeout: 60_000 }, (events) => {
    for (const event of events) if (event.type === 'output') lines.push(event.text);
  }).result;
  if (end.status !== 'finished') throw new Error(`benchmark snippet ended ${end.status}: ${end.message}`);
  return JSON.parse(lines.at(-1)!).ms;
}

/** Start+join of `count` threads: cold (thread workers spawned on demand) and warm (pooled). */
async function startJoin(program: CompiledModules, count: number, repeats: number): Promise<{ cold: number[]; warm: number[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const coldPool = new WorkerPool(browserPlatform, { warm: 0 });
    await coldPool.warmUp(1);
    cold.push(await measure(coldPool, program));
    coldPool.close();
    const warmPool = new WorkerPool(browserPlatform, { warm: count + 1, maxIdle: count + 1 });
    await warmPool.warmUp();
    await measure(warmPool, program);
    await warmPool.warmUp();
    warm.push(await measure(warmPool, program));
    warmPool.close();
  }
  return { cold, warm };
}

Object.assign(globalThis, { startJoin, benchReady: true });
