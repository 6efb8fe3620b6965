// `./node_modules/.bin/node bench/executor.ts`: the overhead per task of an executor's `map` on
// TASKS tiny tasks (x => x + 1), against one comlink call per task between worker_threads, in µs
// per task. Every figure is the median of REPEATS runs, all measured in this one process.
//
// The executors run inside a real program (compile → host → pooled workers, as the CLI runs it,
// tracing off): the snippet below times its own map() calls with performance.now() and prints
// them (map, and for one worker also submit(…).result() one task at a time: a round trip per
// task, like an awaited comlink call). Comlink is measured two ways: one call at a time (await each: a round trip per task)
// and all calls in flight at once (Promise.all: pipelined, as map() is).
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import { compileProgram } from '../src/runner/compile.ts';
import { runProgram } from '../src/runner/host.ts';
import { WorkerPool } from '../src/runner/pool.ts';
import { nodePlatform } from '../src/runtime/platform/node.ts';

const TASKS = 10_000;
const REPEATS = 7;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (!isMainThread) {
  Comlink.expose({ tiny: (x: number) => x + 1 }, nodeEndpoint(parentPort!));
} else {
  await main();
}

async function main(): Promise<void> {
  const rows: [string, number][] = [];

  // ── Executors, inside a run ──────────────────────────────────────────────────────────────
  const snippet = `import { ThreadPoolExecutor, ProcessPoolExecutor } from 'interleave';
function tiny(x: number) { return x + 1; }
const items = Array.from({ length: ${TASKS} }, (_, i) => i);
function time(label: string, exec: ThreadPoolExecutor | ProcessPoolExecutor) {
  [...exec.map(tiny, items.slice(0, 500))]; // warm up: workers started, code compiled
  for (let r = 0; r < ${REPEATS}; r++) {
    const start = performance.now();
    const results = [...exec.map(tiny, items)];
    const ms = performance.now() - start;
    if (results[${TASKS} - 1] !== ${TASKS}) throw new Error('wrong result');
    console.log(label, (ms * 1000) / ${TASKS});
  }
  if (label.endsWith('1 worker')) {
    for (let r = 0; r < ${REPEATS}; r++) {
      const start = performance.now();
      for (const item of items) exec.submit(tiny, item).result();
      console.log(label.replace('map', 'submit().result() one at a time'), ((performance.now() - start) * 1000) / ${TASKS});
    }
  }
  exec.shutdown();
}
time('ThreadPoolExecutor map, 1 worker', new ThreadPoolExecutor({ maxWorkers: 1 }));
time('ThreadPoolExecutor map, 2 workers', new ThreadPoolExecutor({ maxWorkers: 2 }));
time('ProcessPoolExecutor map, 2 workers', new ProcessPoolExecutor({ maxWorkers: 2 }));
`;
  const pool = new WorkerPool(nodePlatform, { warm: 4 });
  await pool.warmUp(4);
  const samples = new Map<string, number[]>();
  const end = await runProgram(pool, compileProgram(snippet), { timeout: 300_000, maxThreads: 64 }, (events) => {
    for (const event of events) {
      if (event.type !== 'output') continue;
      const at = event.text.lastIndexOf(' ');
      const label = event.text.slice(0, at);
      samples.set(label, [...(samples.get(label) ?? []), Number(event.text.slice(at + 1))]);
    }
  }).result;
  pool.close();
  if (end.status !== 'finished') throw new Error(`The executor program ended with ${end.status}: ${end.message}`);
  for (const [label, values] of samples) rows.push([label, median(values)]);

  // ── Comlink, one worker_threads Worker ───────────────────────────────────────────────────
  const worker = new Worker(new URL(import.meta.url));
  const api = Comlink.wrap<{ tiny(x: number): number }>(nodeEndpoint(worker));
  await api.tiny(0);
  for (let i = 0; i < 500; i++) await api.tiny(i); // warm up
  const sequential: number[] = [];
  const pipelined: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    let start = performance.now();
    for (let i = 0; i < TASKS; i++) await api.tiny(i);
    sequential.push(((performance.now() - start) * 1000) / TASKS);
    start = performance.now();
    await Promise.all(Array.from({ length: TASKS }, (_, i) => api.tiny(i)));
    pipelined.push(((performance.now() - start) * 1000) / TASKS);
  }
  api[Comlink.releaseProxy]();
  await worker.terminate();
  rows.push(['comlink, one call at a time', median(sequential)]);
  rows.push(['comlink, all calls in flight', median(pipelined)]);

  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`${TASKS} tiny tasks (x => x + 1), median of ${REPEATS} runs, µs per task (lower is better)\n`);
  console.log(`${'what'.padEnd(width)}  µs/task`);
  for (const [label, us] of rows) console.log(`${label.padEnd(width)}  ${us.toFixed(2).padStart(7)}`);
}
