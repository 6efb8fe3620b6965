// `npm run bench`: the runtime's benchmark table. Every ratio is measured in this one run
// (the baseline and the runtime side by side, medians of REPEATS), so machines can differ.
// Threads run for real through the runner (compile → host → pooled worker_threads).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileProgram } from '../src/runner/compile.ts';
import { runProgram } from '../src/runner/host.ts';
import { WorkerPool } from '../src/runner/pool.ts';
import { nodePlatform } from '../src/runtime/platform/node.ts';

const REPEATS = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows: string[][] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map(String));
const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** Runs a snippet whose last console line is JSON; returns it parsed. */
async function measure(pool: WorkerPool, source: string): Promise<Record<string, number>> {
  const lines: string[] = [];
  const end = await runProgram(pool, compileProgram(source), { timeout: 120_000 }, (events) => {
    for (const event of events) if (event.type === 'output') lines.push(event.text);
  }).result;
  if (end.status !== 'finished') throw new Error(`benchmark snippet ended ${end.status}: ${end.message}`);
  return JSON.parse(lines.at(-1)!);
}

// ── 1. Uncontended acquire + release vs a raw compare-exchange + store ──────────────────────
// Inside a run's main thread, so the Lock does what it does for snippets (owner word in the
// control block, trace check); the raw loop is the floor.
const uncontendedSnippet = (n: number) => `import { Lock } from 'interleave';
const lock = new Lock();
const word = new Int32Array(new SharedArrayBuffer(4));
let t = performance.now();
for (let i = 0; i < ${n}; i++) {
  if (Atomics.compareExchange(word, 0, 0, 1) !== 0) throw new Error('raw word was taken');
  Atomics.store(word, 0, 0);
}
const rawMs = performance.now() - t;
t = performance.now();
for (let i = 0; i < ${n}; i++) { lock.acquire(); lock.release(); }
const lockMs = performance.now() - t;
console.log(JSON.stringify({ rawMs, lockMs }));
`;

async function uncontended(pool: WorkerPool): Promise<void> {
  const n = 2_000_000;
  const raw: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const result = await measure(pool, uncontendedSnippet(n));
    raw.push(result.rawMs);
    ours.push(result.lockMs);
  }
  const [a, b] = [(median(ours) / n) * 1e6, (median(raw) / n) * 1e6];
  row('uncontended Lock acquire+release', `${fixed(a)} ns`, `raw CAS+store ${fixed(b)} ns`, `${fixed(a / b, 2)}×`, '≤ 2×');
}

// ── 2. Two-thread hand-off: a Lock ping-pong vs a raw Atomics.wait/notify ping-pong ─────────
const pingPong = (rounds: number) => `import { Thread, Lock } from 'interleave';
function lockSide(mine: Lock, theirs: Lock, rounds: number) {
  for (let i = 0; i < rounds; i++) { mine.acquire(); theirs.release(); }
}
function rawSide(turn: Int32Array, me: number, rounds: number) {
  const other = 1 - me;
  for (let i = 0; i < rounds; i++) {
    while (Atomics.load(turn, 0) !== me) Atomics.wait(turn, 0, other);
    Atomics.store(turn, 0, other);
    Atomics.notify(turn, 0);
  }
}
function timeIt(a: Thread, b: Thread) {
  const t = performance.now();
  a.start(); b.start(); a.join(); b.join();
  return performance.now() - t;
}
const ping = new Lock();
const pong = new Lock();
ping.acquire();
const lockMs = timeIt(new Thread({ target: lockSide, args: [pong, ping, ${rounds}] }), new Thread({ target: lockSide, args: [ping, pong, ${rounds}] }));
const turn = new Int32Array(new SharedArrayBuffer(4));
const rawMs = timeIt(new Thread({ target: rawSide, args: [turn, 0, ${rounds}] }), new Thread({ target: rawSide, args: [turn, 1, ${rounds}] }));
console.log(JSON.stringify({ lockMs, rawMs }));
`;

async function handOff(pool: WorkerPool): Promise<void> {
  const rounds = 20_000;
  const lock: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const result = await measure(pool, pingPong(rounds));
    lock.push(result.lockMs);
    raw.push(result.rawMs);
  }
  const [a, b] = [(median(lock) / rounds) * 1000, (median(raw) / rounds) * 1000];
  row('two-thread hand-off (Lock ping-pong), per round trip', `${fixed(a, 2)} µs`, `raw wait/notify ${fixed(b, 2)} µs`, `${fixed(a / b, 2)}×`, '≤ 1.5×');
}

// ── 3. Contended counter: 4 threads × 1M increments under one Lock ───────────────────────────
const counter = `import { Thread, Lock } from 'interleave';
function count(lock: Lock, cell: Int32Array, times: number) {
  for (let i = 0; i < times; i++) { lock.acquire(); cell[0]++; lock.release(); }
}
const lock = new Lock();
const cell = new Int32Array(new SharedArrayBuffer(4));
const threads = [0, 1, 2, 3].map(() => new Thread({ target: count, args: [lock, cell, 1_000_000] }));
const t = performance.now();
for (const th of threads) th.start();
for (const th of threads) th.join();
const ms = performance.now() - t;
if (cell[0] !== 4_000_000) throw new Error('lost updates: ' + cell[0]);
console.log(JSON.stringify({ ms }));
`;

async function contended(pool: WorkerPool): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < 3; r++) times.push((await measure(pool, counter)).ms);
  const opsPerSecond = 4_000_000 / (median(times) / 1000);
  row('contended counter, 4 threads × 1M under a Lock', `${fixed(opsPerSecond / 1e6, 2)} M ops/s`, `${fixed(median(times), 0)} ms`, '', 'ops/s');
  return opsPerSecond;
}

// ── 4. Thread start + join, cold (workers spawned on demand) and warm (pooled) ──────────────
const startJoin = (count: number) => `import { Thread } from 'interleave';
function nothing() {}
const threads = Array.from({ length: ${count} }, () => new Thread({ target: nothing }));
const t = performance.now();
for (const th of threads) th.start();
for (const th of threads) th.join();
console.log(JSON.stringify({ ms: performance.now() - t }));
`;

async function startAndJoin(): Promise<void> {
  const chromiumRuns = await chromiumStartJoin();
  for (const count of [1, 16, 64]) {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let r = 0; r < 3; r++) {
      const coldPool = new WorkerPool(nodePlatform, { warm: 0 });
      await coldPool.warmUp(1); // the main thread's worker only; thread workers start on demand
      cold.push((await measure(coldPool, startJoin(count))).ms);
      coldPool.close();
      const warmPool = new WorkerPool(nodePlatform, { warm: count + 1, maxIdle: count + 1 });
      await warmPool.warmUp();
      await measure(warmPool, startJoin(count)); // every worker has run a job once
      await warmPool.warmUp();
      warm.push((await measure(warmPool, startJoin(count))).ms);
      warmPool.close();
    }
    const label = `start+join ${count} thread${count > 1 ? 's' : ''}`;
    const target = count === 64 ? '64 warm ≤ 300 ms' : '';
    row(`${label} (Node)`, `${fixed(median(warm))} ms warm`, `${fixed(median(cold))} ms cold`, '', target);
    const inChromium = chromiumRuns.get(count);
    if (typeof inChromium === 'string') row(`${label} (Chromium)`, 'not run', inChromium, '', target);
    else if (inChromium) row(`${label} (Chromium)`, `${fixed(median(inChromium.warm))} ms warm`, `${fixed(median(inChromium.cold))} ms cold`, '', target);
  }
}

/**
 * The same start+join runs in Chromium (found by tests/support/chromium.mjs), on a page Vite
 * serves with the isolation headers (bench/chromium/). Unbundled dev-server modules make the
 * cold numbers pessimistic; the warm ones are what a reader's playground sees.
 */
async function chromiumStartJoin(): Promise<Map<number, { cold: number[]; warm: number[] } | string>> {
  const results = new Map<number, { cold: number[]; warm: number[] } | string>();
  let stop = async () => {};
  try {
    const { createServer } = await import('vite');
    const { chromium } = await import('playwright-core');
    const { chromiumLaunchOptions } = await import('../tests/support/chromium.mjs');
    const { isolationHeaders } = await import('../src/site/isolation-headers.mjs');
    const server = await createServer({
      root: fileURLToPath(new URL('..', import.meta.url)),
      configFile: false,
      logLevel: 'error',
      // No watcher and no HMR: edits elsewhere in the tree must not reload the page mid-run.
      server: { port: 5199, headers: isolationHeaders, hmr: false, watch: null },
    });
    await server.listen();
    const browser = await chromium.launch(chromiumLaunchOptions());
    stop = async () => {
      await browser.close();
      await server.close();
    };
    const page = await browser.newPage();
    await page.goto(`${server.resolvedUrls!.local[0]}bench/chromium/index.html`);
    await page.waitForFunction(() => (globalThis as { benchReady?: boolean }).benchReady === true, null, { timeout: 60_000 });
    if (!(await page.evaluate(() => globalThis.crossOriginIsolated))) throw new Error('the page is not cross-origin isolated');
    for (const count of [1, 16, 64]) {
      const program = compileProgram(startJoin(count));
      results.set(
        count,
        await page.evaluate(
          ([compiled, n]) => (globalThis as any).startJoin(compiled, n, 3),
          [program, count] as const,
        ),
      );
    }
  } catch (error) {
    for (const count of [1, 16, 64]) if (!results.has(count)) results.set(count, String((error as Error).message ?? error).split('\n')[0]);
  } finally {
    await stop();
  }
  return results;
}

// ── 5. The same counter in CPython's threading, for reference ─────────────────────────────────
function python(): void {
  const script = `
import threading, time
lock = threading.Lock()
cell = [0]
def count(n):
    for _ in range(n):
        with lock:
            cell[0] += 1
threads = [threading.Thread(target=count, args=(1_000_000,)) for _ in range(4)]
t = time.perf_counter()
for th in threads: th.start()
for th in threads: th.join()
print((time.perf_counter() - t) * 1000)
`;
  try {
    const ms = Number(execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim());
    row('same counter in Python threading (reference)', `${fixed(4_000_000 / (ms / 1000) / 1e6, 2)} M ops/s`, `${fixed(ms, 0)} ms`, '', 'reference');
  } catch {
    row('same counter in Python threading (reference)', 'python3 not found', '', '', 'reference');
  }
}

const pool = new WorkerPool(nodePlatform, { warm: 5 });
await pool.warmUp();
await uncontended(pool);
await handOff(pool);
await contended(pool);
pool.close();
await startAndJoin();
python();

const header = ['benchmark', 'measured', 'baseline / detail', 'ratio', 'target'];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((cells) => cells[i].length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(`Node ${process.version}, ${navigator.hardwareConcurrency} cores, medians of ${REPEATS} (3 for the slow rows)`);
console.log(line(header));
console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
for (const cells of rows) console.log(line(cells));
