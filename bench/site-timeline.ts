// The timeline's part of `npm run bench:site` (bench/site.ts calls these): drawing a timeline of
// 1k, 10k and 100k trace events, and what tracing costs a contended lock in the real runner:
// flat out (the rings overflow, so most records take the cheap drop path) and paced (work between
// the lock operations, so the rings keep up and most records are kept, each one paid in full).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { compileProgram } from '../src/runner/compile.ts';

type Report = (measure: string, value: string, target: string) => void;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The built file in `dist`/_astro whose name starts with `prefix` and ends with `extension`. */
function asset(dist: string, prefix: string, extension: string): string {
  const name = readdirSync(join(dist, '_astro')).find((file) => file.startsWith(prefix) && file.endsWith(extension));
  if (!name) throw new Error(`bench: no _astro/${prefix}*${extension} in ${dist}; build the site first.`);
  return `_astro/${name}`;
}

/**
 * A synthetic trace of `count` records shaped like a contended run: four threads that block on
 * a lock, get it (handed over), put into a queue and release it, plus a consumer that gets.
 * Runs in the page (no closures), so it returns what the timeline panel would hold.
 */
function syntheticTrace(count: number) {
  const FIELDS = 5;
  // Op codes of trace-ops.ts (the function runs in the page, so it cannot import them); a
  // block's arg 0 is a wait on a lock.
  const op = { ACQUIRE: 0, RELEASE: 1, BLOCK: 2, WAKE: 3, START: 11, PUT: 14, GET: 15 };
  const records = new Float64Array(count * FIELDS);
  let n = 0;
  let time = 0;
  let depth = 0;
  const push = (thread: number, code: number, object: number, arg: number) => {
    if (n < count) records.set([time, thread, code, object, arg], FIELDS * n++);
  };
  for (let thread = 1; thread <= 5; thread++) push(thread, op.START, thread, 0);
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  while (n < count) {
    const thread = 1 + Math.floor(random() * 4);
    time += random() * 0.01;
    push(thread, op.BLOCK, 1, 0);
    time += random() * 0.02;
    push(thread, op.WAKE, 1, 0);
    push(thread, op.ACQUIRE, 1, 0);
    push(thread, op.PUT, 2, ++depth);
    time += random() * 0.01;
    push(thread, op.RELEASE, 1, 0);
    if (depth > 0 && random() < 0.9) push(5, op.GET, 2, --depth);
  }
  const threads = new Map([1, 2, 3, 4, 5].map((id) => [id, { id, name: id === 5 ? 'consumer' : `worker-${id}`, process: false }]));
  const objects = new Map([
    [1, { id: 1, kind: 'lock', line: 3 }],
    [2, { id: 2, kind: 'queue', line: 4 }],
  ]);
  // The panel receives batches of at most 50,000 records.
  const chunks: Float64Array[] = [];
  for (let at = 0; at < records.length; at += 50_000 * FIELDS) chunks.push(records.subarray(at, at + 50_000 * FIELDS));
  return { chunks, threads, objects, dropped: 0, endMs: time };
}

/** Draws timelines of 1k, 10k and 100k events with the built drawing code, in an article page. */
export async function timelineRender(browser: Browser, origin: string, dist: string, runs: number, report: Report): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(origin + 'synchronization/overview/');
  await page.addStyleTag({ url: origin + asset(dist, 'timeline-view.', '.css') });
  await page.evaluate(`window.__syntheticTrace = ${syntheticTrace.toString()}`);
  await page.evaluate(async (url) => {
    const { renderTimeline } = await import(url);
    const state = ((window as any).__timeline = { renderTimeline, long: [] as number[] });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) state.long.push(entry.duration);
    }).observe({ type: 'longtask' });
    // Warm-up: the first draw also compiles the drawing code.
    const root = document.createElement('div');
    document.body.append(root);
    await renderTimeline(root, (window as any).__syntheticTrace(1000));
    root.remove();
  }, origin + asset(dist, 'timeline-view.', '.js'));
  for (const count of [1_000, 10_000, 100_000]) {
    const times: number[] = [];
    const scripts: number[] = [];
    const longest: number[] = [];
    for (let i = 0; i < runs; i++) {
      const result = await page.evaluate(async (count) => {
        const state = (window as any).__timeline;
        const data = (window as any).__syntheticTrace(count);
        const root = document.createElement('div');
        root.style.width = '800px';
        document.body.append(root);
        // Long-task entries arrive after their task: let the data's own task report first.
        await new Promise((resolve) => setTimeout(resolve, 100));
        state.long = [];
        const start = performance.now();
        await state.renderTimeline(root, data);
        const script = performance.now() - start;
        // Until the frame with the drawing has been painted.
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        const total = performance.now() - start;
        await new Promise((resolve) => setTimeout(resolve, 50)); // Long-task entries arrive late.
        const lanes = root.querySelectorAll('.tl-lane').length;
        root.remove();
        return { total, script, longest: Math.max(0, ...state.long), lanes };
      }, count);
      if (result.lanes !== 5) throw new Error(`bench: the timeline of ${count} events drew ${result.lanes} lanes, not 5`);
      times.push(result.total);
      scripts.push(result.script);
      longest.push(result.longest);
    }
    const long = Math.max(...longest);
    report(
      `timeline of ${count.toLocaleString('en')} events: draw → painted`,
      `${median(times).toFixed(0)} ms (${median(scripts).toFixed(0)} ms until the drawing is in the page); longest task ${long > 0 ? `${long.toFixed(0)} ms` : 'under 50 ms'}`,
      '≤ 200 ms, no task over 50 ms',
    );
  }
  await page.close();
}

/**
 * Four threads × `n` rounds of `work` steps of arithmetic (none when 0: the plain contended
 * case), then one increment under one Lock; prints how long the threads took.
 * With 40,000 steps (about 40 µs) a thread writes about 50 records per ms, which its ring (1,024
 * records, drained every 10 ms) keeps. The same arithmetic runs whether tracing is on or off.
 */
const lockSnippet = (n: number, work: number) => `import { Lock, Thread } from 'interleave';
function add(counter: Int32Array, lock: Lock, n: number) {
  let x = 1;
  for (let i = 0; i < n; i++) {
    ${work > 0 ? `for (let k = 0; k < ${work}; k++) x = (Math.imul(x, 1103515245) + 12345) | 0;` : ''}
    lock.acquire(); counter[0]++; lock.release();
  }
  return x;
}
const counter = new Int32Array(new SharedArrayBuffer(4));
const lock = new Lock();
const threads = [0, 1, 2, 3].map(() => new Thread({ target: add, args: [counter, lock, ${n}] }));
const t = performance.now();
for (const thread of threads) thread.start();
for (const thread of threads) thread.join();
const ms = performance.now() - t;
if (counter[0] !== 4 * ${n}) throw new Error('lost updates under the lock');
console.log(JSON.stringify({ ms }));
`;

/** One thread, `n` uncontended acquire + release pairs. */
const uncontendedSnippet = (n: number) => `import { Lock } from 'interleave';
const lock = new Lock();
const t = performance.now();
for (let i = 0; i < ${n}; i++) { lock.acquire(); lock.release(); }
console.log(JSON.stringify({ ms: performance.now() - t }));
`;

/**
 * Tracing on vs off, through the real runner: the built runner worker (compile-free, as for an
 * unedited example), driven over comlink as the page drives it, with runs alternating on/off.
 */
export async function tracingCost(browser: Browser, origin: string, dist: string, runs: number, report: Report): Promise<void> {
  const page = await browser.newPage();
  await page.goto(origin + 'synchronization/overview/');
  await page.addScriptTag({ content: readFileSync(new URL('../node_modules/comlink/dist/umd/comlink.min.js', import.meta.url), 'utf8') });
  await page.evaluate((url) => {
    const comlink = (window as any).Comlink;
    const runner = comlink.wrap(new Worker(url, { type: 'module' }));
    (window as any).__runOnce = async (program: unknown, trace: boolean) => {
      const lines: string[] = [];
      let records = 0;
      let dropped = 0;
      let status = '';
      await runner.run(
        { kind: 'compiled', program, options: { timeout: 60_000, trace } },
        comlink.proxy(async (events: any[]) => {
          for (const event of events) {
            if (event.type === 'output') lines.push(event.text);
            else if (event.type === 'trace') {
              records += event.records.length / 5;
              dropped += event.dropped;
            } else if (event.type === 'end') status = `${event.status} ${event.message ?? ''}`;
          }
        }),
      );
      if (!status.startsWith('finished')) throw new Error(`bench snippet ended ${status}`);
      return { ms: JSON.parse(lines.at(-1)!).ms as number, records, dropped };
    };
    return runner.warm();
  }, origin + asset(dist, 'runner-worker', '.js'));

  const measure = async (label: string, source: string, pairs: number, unit = 'acquire+release') => {
    const program = compileProgram(source);
    await page.evaluate(([p]) => (window as any).__runOnce(p, true), [program] as const); // warm-up
    const on: number[] = [];
    const off: number[] = [];
    const ratios: number[] = [];
    let kept = 0;
    let lost = 0;
    for (let i = 0; i < runs; i++) {
      // Alternating, so a machine that slows down mid-way slows both sides.
      const first = i % 2 === 0;
      const a = await page.evaluate(([p, t]) => (window as any).__runOnce(p, t), [program, first] as const);
      const b = await page.evaluate(([p, t]) => (window as any).__runOnce(p, t), [program, !first] as const);
      const [traced, plain] = first ? [a, b] : [b, a];
      on.push(traced.ms);
      off.push(plain.ms);
      ratios.push(traced.ms / plain.ms);
      kept += traced.records;
      lost += traced.dropped;
    }
    const perPair = (ms: number) => `${((ms / pairs) * 1e6).toFixed(0)} ns`;
    const percent = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;
    report(
      `tracing cost, ${label}: on vs off`,
      `${median(on).toFixed(0)} vs ${median(off).toFixed(0)} ms (${perPair(median(on))} vs ${perPair(median(off))} per ${unit}) = ${percent(median(on) / median(off))}; ` +
        `per run (on/off pairs): ${ratios.map(percent).join(' ')}, median ${percent(median(ratios))}; ` +
        `${Math.round(kept / runs).toLocaleString('en')} records kept, ${Math.round(lost / runs).toLocaleString('en')} dropped per run`,
      '≤ 10% overhead',
    );
  };
  // Long enough (a few hundred ms) that thread start-up and scheduling noise matter little.
  const n = 1_000_000;
  await measure(`4 threads × ${n.toLocaleString('en')} increments under one Lock`, lockSnippet(n, 0), 4 * n);
  const paced = 5_000;
  const work = 40_000;
  await measure(`paced: 4 threads × ${paced.toLocaleString('en')} × (${work.toLocaleString('en')} steps of work, then one increment under the Lock)`, lockSnippet(paced, work), 4 * paced, 'round');
  const single = 8_000_000;
  await measure(`one thread, ${single.toLocaleString('en')} uncontended acquire+release`, uncontendedSnippet(single), single);
  await page.close();
}
