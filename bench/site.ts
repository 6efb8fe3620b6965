// Site benchmarks in a real Chromium: what a reader pays on an article page.
//   npm run bench:site            (builds the site first)
//   BENCH_SKIP_BUILD=1 BENCH_DIST=/tmp/site npm run bench:site   (an existing build, base path /)
// Prints one table of medians. Timing goals live here, never in tests.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { isolationHeaders } from '../src/site/isolation-headers.mjs';
import { chromiumLaunchOptions } from '../tests/support/chromium.mjs';
import { startStaticServer } from '../tests/support/static-server.mjs';
import { timelineRender, tracingCost } from './site-timeline.ts';

const ARTICLE = 'synchronization/overview/';
const EDIT_ARTICLE = 'threads/overview/';
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const rows: [string, string, string][] = [];
const report = (measure: string, value: string, target: string) => {
  rows.push([measure, value, target]);
  console.log(`  ${measure}: ${value}`);
};

/** Records, inside the page, the time from a click on `Run` to the first output line. */
async function timeRunToFirstLine(page: Page, title: string): Promise<number> {
  const region = page.getByRole('region', { name: `Playground: ${title}` });
  await region.evaluate((element) => {
    const log = element.querySelector('[role=log]')!;
    const run = element.querySelector('button[data-action=run]')!;
    const state = ((window as any).__bench = { clicked: 0, first: 0 });
    run.addEventListener('click', () => (state.clicked = performance.now()), { capture: true, once: true });
    new MutationObserver((_, observer) => {
      if (log.querySelector('.pg-line')) {
        state.first = performance.now();
        observer.disconnect();
      }
    }).observe(log, { childList: true });
  });
  await region.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForFunction(() => (window as any).__bench.first > 0, undefined, { timeout: 30_000 });
  await region.getByRole('status').filter({ hasText: /Finished|Error|Deadlock|Stopped|Timed out/ }).waitFor();
  return page.evaluate(() => (window as any).__bench.first - (window as any).__bench.clicked);
}

async function observeLongTasks(page: Page) {
  await page.addInitScript(() => {
    (window as any).__long = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) (window as any).__long.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

async function pageLoad(browser: Browser, origin: string) {
  const loads: number[] = [];
  const longest: number[] = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await observeLongTasks(page);
    const scripts = new Map<string, Buffer>();
    page.on('response', async (response) => {
      if (response.request().resourceType() === 'script') scripts.set(response.url(), await response.body().catch(() => Buffer.alloc(0)));
    });
    await page.goto(origin + ARTICLE, { waitUntil: 'networkidle' });
    await page.waitForTimeout(300);
    loads.push([...scripts.values()].reduce((sum, body) => sum + gzipSync(body).length, 0));
    longest.push(Math.max(0, ...(await page.evaluate(() => (window as any).__long as number[]))));
    await context.close();
  }
  report('JavaScript an article page loads before any interaction (gzip)', `${(median(loads) / 1024).toFixed(1)} KB`, '≤ 40 KB');
  report('longest main-thread task during page load', `${median(longest).toFixed(0)} ms`, 'none over 50 ms');
}

/** The first run of a fresh page; `dwellMs` is how long the pointer rests on the playground first. */
async function firstRun(browser: Browser, origin: string, dwellMs: number) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(origin + ARTICLE, { waitUntil: 'networkidle' });
    const region = page.getByRole('region', { name: 'Playground: A counter under a lock' });
    if (dwellMs > 0) {
      await region.locator('.pg-code').hover();
      await page.waitForTimeout(dwellMs);
    }
    times.push(await timeRunToFirstLine(page, 'A counter under a lock'));
    await context.close();
  }
  const how = dwellMs > 0 ? `pointer on the playground ${dwellMs} ms before the click` : 'pointer straight onto Run';
  report(`click Run → first output line, first run of the page (${how})`, `${median(times).toFixed(0)} ms`, '≤ 250 ms');
}

async function warmRun(browser: Browser, origin: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(origin + ARTICLE);
  await timeRunToFirstLine(page, 'A counter under a lock');
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timeRunToFirstLine(page, 'A counter under a lock'));
  await context.close();
  report('click Run → first output line, warm', `${median(times).toFixed(0)} ms`, '≤ 100 ms');
}

/** A fresh page on the edit article with its editor open; `code`, if given, replaces the example. */
async function openEditedPlayground(browser: Browser, origin: string, code?: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(origin + EDIT_ARTICLE);
  const region = page.getByRole('region', { name: 'Playground: Start and join' });
  await region.getByRole('button', { name: 'Edit', exact: true }).click();
  const editor = region.locator('.monaco-editor .view-lines').or(region.locator('textarea.pg-textarea'));
  await editor.waitFor({ timeout: 30_000 });
  if (code !== undefined) {
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(code);
  }
  return { context, page, region, editor };
}

async function editedRun(browser: Browser, origin: string) {
  const { context, page, editor } = await openEditedPlayground(browser, origin);
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    await editor.click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText(`\n// edit ${i}`);
    const time = await timeRunToFirstLine(page, 'Start and join');
    if (i > 0) times.push(time); // the first edited run also loads the compiler
  }
  await context.close();
  report('edit → Run → first output line, editor loaded', `${median(times).toFixed(0)} ms`, '≤ 150 ms');
}

/** Click Stop on a program spinning in two threads → the status says Stopped (workers terminated). */
async function stopLatency(browser: Browser, origin: string) {
  const { context, page, region } = await openEditedPlayground(
    browser,
    origin,
    'import { Thread } from "interleave";\nfunction spin() { for (;;) {} }\nnew Thread({ target: spin }).start();\nconsole.log("spinning");\nfor (;;) {}',
  );
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await region.getByRole('button', { name: 'Run', exact: true }).click();
    await region.getByRole('log').filter({ hasText: 'spinning' }).waitFor();
    await region.evaluate((element) => {
      const status = element.querySelector('[role=status]')!;
      const state = ((window as any).__stop = { clicked: 0, stopped: 0 });
      element.querySelector('button[data-action=stop]')!.addEventListener('click', () => (state.clicked = performance.now()), { capture: true, once: true });
      new MutationObserver((_, observer) => {
        if (/Stopped/.test(status.textContent ?? '')) {
          state.stopped = performance.now();
          observer.disconnect();
        }
      }).observe(status, { childList: true, characterData: true, subtree: true });
    });
    await region.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.waitForFunction(() => (window as any).__stop.stopped > 0);
    times.push(await page.evaluate(() => (window as any).__stop.stopped - (window as any).__stop.clicked));
  }
  await context.close();
  report('click Stop → run stopped, every worker terminated (2 spinning threads)', `${median(times).toFixed(0)} ms`, '≤ 100 ms');
}

async function flood(browser: Browser, origin: string) {
  const { context, page, region } = await openEditedPlayground(
    browser,
    origin,
    'for (let i = 0; i < 100_000; i++) console.log(`line ${i}`);',
  );
  await page.evaluate(() => {
    const state = ((window as any).__delays = [] as number[]);
    document.addEventListener('click', (event) => state.push(performance.now() - event.timeStamp), { capture: true });
  });
  await region.getByRole('button', { name: 'Run', exact: true }).click();
  const heading = page.locator('h1').first();
  while (!/Finished|Error|Stopped|Timed out/.test((await region.getByRole('status').textContent()) ?? '')) {
    await heading.click();
    await page.waitForTimeout(50);
  }
  const delays = await page.evaluate(() => (window as any).__delays as number[]);
  await context.close();
  report(
    'a 100,000-line flood: click → handler, during the run',
    `median ${median(delays).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms (${delays.length} clicks)`,
    'within 100 ms throughout',
  );
}

if (!process.env.BENCH_SKIP_BUILD) execFileSync('npx', ['astro', 'build'], { stdio: 'inherit', env: { ...process.env, BASE_PATH: '/' } });
const dist = process.env.BENCH_DIST ?? 'dist';
const server = await startStaticServer({ root: dist, base: '/', headers: isolationHeaders });
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  console.log(`Site benchmarks (${RUNS} runs each, medians) against ${server.url}`);
  await pageLoad(browser, server.url);
  await firstRun(browser, server.url, 0);
  await firstRun(browser, server.url, 300);
  await warmRun(browser, server.url);
  await editedRun(browser, server.url);
  await stopLatency(browser, server.url);
  await flood(browser, server.url);
  await timelineRender(browser, server.url, dist, RUNS, report);
  await tracingCost(browser, server.url, dist, RUNS, report);
} finally {
  await browser.close();
  await server.close();
}
console.log('\n| measure | median | target |\n|---|---|---|');
for (const [measure, value, target] of rows) console.log(`| ${measure} | ${value} | ${target} |`);
