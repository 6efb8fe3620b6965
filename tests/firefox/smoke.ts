// A smoke subset of the playground tests (tests/e2e/playground.spec.ts) in Firefox ESR, driven by
// puppeteer-core over WebDriver BiDi. Playwright's Firefox is a patched build that cannot be
// downloaded here; Debian's firefox-esr is a plain Firefox, which BiDi drives as is.
//
//   npm run test:firefox          (after `npm run test:e2e`, which builds dist/ with BASE_PATH=/interleave/)
//   FIREFOX_PATH=/path/to/firefox npm run test:firefox
//
// Builds nothing: it serves the existing dist/ with the plain static server plus the isolation
// headers. Without a Firefox (FIREFOX_PATH, /usr/bin/firefox-esr, /usr/bin/firefox) it prints one
// line and exits 0; a FIREFOX_PATH that points nowhere is an error (a typo must not skip silently).
// Uses the playground's accessible contract: role=region "Playground: <title>", buttons by name,
// role=log output, role=status text.
//
// A Firefox problem under automation (not the site's): while a WebDriver BiDi session is open,
// Firefox ESR 153 sometimes never returns from `new Worker()` called INSIDE a worker, and that
// worker (here the runner, which spawns the thread workers) freezes. Every BiDi session registers
// a worker debugger listener in every content process (RootMessageHandler.sys.mjs →
// WebDriverWorkerListenerChild.sys.mjs); most likely the parent worker then waits for the main
// thread to register the nested worker's debugger, and that wait sometimes never ends.
// Without a BiDi session the same page never froze (0 of 40 trials of 5 nested workers; with a
// session, whether or not it subscribes to any event: 7 to 14 of 25).
// So a run that shows nothing new (status "Running…" or "Run k of N…", log unchanged) for
// STALL_MS is retried on a fresh page, at most MAX_ATTEMPTS times, and every retry is printed.
// A wrong status fails at once, and a program that hangs on every attempt still fails.
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type BrowserContext, type ElementHandle, type Page } from 'puppeteer-core';
import { isolationHeaders } from '../../src/site/isolation-headers.mjs';
import { startStaticServer } from '../support/static-server.mjs';
import { textKey } from '../../src/playground/edits.ts';

const BASE_PATH = '/interleave/';
const SYNC = 'synchronization/overview/';
const THREADS = 'threads/overview/';
/** A run showing nothing new for this long is taken to be the Firefox freeze described above. */
const STALL_MS = 5_000;
const MAX_ATTEMPTS = 5;
const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

function findFirefox(): string | null {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      console.error(`FIREFOX_PATH=${fromEnv} does not exist.`);
      process.exit(1);
    }
    return fromEnv;
  }
  return ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((path) => existsSync(path)) ?? null;
}

const firefox = findFirefox();
if (!firefox) {
  console.log('Firefox not found: skipping the Firefox smoke tests (apt-get install firefox-esr)');
  process.exit(0);
}

const index = existsSync(`${dist}index.html`) ? readFileSync(`${dist}index.html`, 'utf8') : '';
if (!index.includes(`href="${BASE_PATH}`)) {
  console.error(
    index
      ? `dist/ was not built with BASE_PATH=${BASE_PATH}: run \`npm run test:e2e\` (or \`BASE_PATH=${BASE_PATH} npx astro build\`) first.`
      : `dist/ is missing: run \`npm run test:e2e\` (or \`BASE_PATH=${BASE_PATH} npx astro build\`) first.`,
  );
  process.exit(1);
}

let server: Awaited<ReturnType<typeof startStaticServer>> | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
/** Errors the page itself reported during the current test (uncaught exceptions, console.error). */
let problems: string[] = [];

async function cleanUp(): Promise<void> {
  await browser?.close().catch(() => {});
  browser = undefined;
  await server?.close();
  server = undefined;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

before(async () => {
  server = await startStaticServer({ root: dist, base: BASE_PATH, headers: isolationHeaders });
  const started = Date.now();
  browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: firefox,
    headless: true,
    // puppeteer makes a fresh temporary profile (and removes it on close); these keep Firefox
    // from reaching the network on its own.
    extraPrefsFirefox: {
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  console.log(`# ${await browser.version()} (${firefox}), started in ${Date.now() - started} ms; serving dist/ at ${server.url}`);
});

after(async () => {
  if (retried.length > 0) console.log(`# retried after a Firefox worker freeze: ${retried.join(', ')}`);
  await cleanUp();
});

/** A fresh page in a fresh user context (empty localStorage), watching for page errors. */
async function openPage(path: string, edits: Record<string, string> = {}): Promise<Page> {
  await context?.close().catch(() => {});
  context = await browser!.createBrowserContext();
  const page = await context.newPage();
  problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  await page.goto(server!.url + path, { waitUntil: 'load' });
  if (Object.keys(edits).length > 0) {
    await setEdits(page, edits);
    await page.reload({ waitUntil: 'load' });
  }
  await page.waitForFunction(() => document.querySelectorAll('interleave-playground[data-ready]').length > 0, { timeout: 10_000 });
  return page;
}

/**
 * The reader's edit of an example, stored under the key src/playground/edits.ts gives it (the
 * source comes from the playground's embedded JSON). Monaco typing over BiDi is not what this
 * smoke test is about; the plain path is.
 */
async function setEdits(page: Page, edits: Record<string, string>): Promise<void> {
  const sources = await page.evaluate((titles: string[]) => {
    return titles.map((title) => {
      const region = document.querySelector(`[role=region][aria-label="Playground: ${title}"]`);
      const data = region?.querySelector('script.pg-example')?.textContent;
      return data ? (JSON.parse(data) as { source: string }).source : null;
    });
  }, Object.keys(edits));
  const missing = Object.keys(edits).filter((_, i) => sources[i] === null);
  if (missing.length > 0) throw new Error(`No playground titled ${missing.join(', ')}`);
  const entries = Object.values(edits).map((code, i) => [`interleave:edit:${textKey(sources[i]!)}`, code]);
  await page.evaluate((entries: string[][]) => {
    for (const [key, code] of entries) localStorage.setItem(key, code);
  }, entries);
}

/** Clicks a playground's button, found by its accessible name (its text). */
async function click(page: Page, title: string, name: string): Promise<void> {
  const button = await page.waitForFunction(
    (title: string, name: string) => {
      const region = document.querySelector(`[role=region][aria-label="Playground: ${title}"]`);
      return [...(region?.querySelectorAll('button') ?? [])].find(
        (b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim() === name && !b.disabled,
      );
    },
    { timeout: 5_000 },
    title,
    name,
  );
  await (button.asElement() as ElementHandle<HTMLButtonElement>).click();
}

async function text(page: Page, title: string, role: 'status' | 'log'): Promise<string> {
  return page.evaluate(
    (title: string, role: string) =>
      document.querySelector(`[role=region][aria-label="Playground: ${title}"] [role=${role}]`)?.textContent ?? '',
    title,
    role,
  );
}

/** A run that showed nothing new for STALL_MS: see the note at the top. */
class StallError extends Error {}

/**
 * Waits until the playground's role=status text matches `pattern` and returns it. Throws a
 * StallError if a run shows nothing new for STALL_MS (status "Running…", or a Run ×N batch's
 * "Run k of N…", and the log unchanged), and a plain Error, with what the playground showed,
 * when `timeout` passes.
 */
async function waitForStatus(page: Page, title: string, pattern: RegExp, timeout = 20_000): Promise<string> {
  const started = Date.now();
  let seen = '';
  let changed = started;
  for (;;) {
    const { status, log } = await page.evaluate((title: string) => {
      const region = document.querySelector(`[role=region][aria-label="Playground: ${title}"]`);
      return {
        status: region?.querySelector('[role=status]')?.textContent ?? '',
        log: region?.querySelector('[role=log]')?.textContent ?? '',
      };
    }, title);
    if (pattern.test(status)) return status;
    const now = Date.now();
    if (status + log !== seen) {
      seen = status + log;
      changed = now;
    }
    const what = `"${title}": status ${JSON.stringify(status)} did not match ${pattern} after ${now - started} ms`;
    if (/^Running|^Run \d+ of \d+/.test(status) && now - changed >= STALL_MS) {
      throw new StallError(`${what}, and nothing new was shown for ${now - changed} ms.`);
    }
    if (now - started >= timeout) {
      throw new Error(`${what}.\n  log: ${JSON.stringify(log.slice(0, 600))}\n  page problems: ${JSON.stringify(problems)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const retried: string[] = [];

/** Runs `body`, again on a fresh page after a StallError (at most MAX_ATTEMPTS in all). */
async function withRetries(name: string, body: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await body();
    } catch (error) {
      if (!(error instanceof StallError) || attempt >= MAX_ATTEMPTS) throw error;
      retried.push(name);
      console.log(
        `# ${name}: attempt ${attempt} stalled (${error.message}) Retrying on a fresh page: ` +
          `Firefox under WebDriver BiDi sometimes freezes a worker that starts a worker (see the top of this file).`,
      );
    }
  }
}

function expectContains(haystack: string, needle: string | RegExp, what: string): void {
  const found = typeof needle === 'string' ? haystack.includes(needle) : needle.test(haystack);
  if (!found) throw new Error(`${what} should contain ${needle}; it was: ${JSON.stringify(haystack.slice(0, 800))}`);
}

function expectNoProblems(): void {
  if (problems.length > 0) throw new Error(`The page reported errors:\n  ${problems.join('\n  ')}`);
}

test('(a) an article is cross-origin isolated, without the service worker', { timeout: 15_000 }, async () => {
  const page = await openPage(SYNC);
  const state = await page.evaluate(() => ({
    isolated: globalThis.crossOriginIsolated,
    sab: typeof SharedArrayBuffer,
    controlled: !!navigator.serviceWorker?.controller,
  }));
  if (!state.isolated || state.sab !== 'function') throw new Error(`Not isolated: ${JSON.stringify(state)}`);
  if (state.controlled) throw new Error('The page is controlled by coi-sw.js although the server sent the headers.');
  expectNoProblems();
});

test('(b) the unedited "A counter under a lock" runs to 400000', { timeout: 50_000 }, async () => {
  await withRetries('(b)', async () => {
    const page = await openPage(SYNC);
    const title = 'A counter under a lock';
    await click(page, title, 'Run');
    await waitForStatus(page, title, /Finished in|Error|Deadlock|Stopped|Timed out/);
    const status = await text(page, title, 'status');
    const log = await text(page, title, 'log');
    if (!/^Finished in/.test(status)) throw new Error(`Status: ${status}\n  log: ${log}\n  page problems: ${JSON.stringify(problems)}`);
    expectContains(log, 'expected 400000, got 400000', 'the log');
    expectContains(log, 'MainThread', 'the log');
    expectNoProblems();
  });
});

test('(c) the "Deadlock" example reports a deadlock, naming the threads and the line', { timeout: 50_000 }, async () => {
  await withRetries('(c)', async () => {
    const page = await openPage(SYNC);
    const title = 'Deadlock';
    await click(page, title, 'Run');
    await waitForStatus(page, title, /Finished in|Error|Deadlock|Stopped|Timed out/);
    const status = await text(page, title, 'status');
    const log = await text(page, title, 'log');
    if (!/^Deadlock/.test(status)) throw new Error(`Status: ${status}\n  log: ${log}`);
    expectContains(log, 'payer', 'the log');
    expectContains(log, 'auditor', 'the log');
    expectContains(log, /line 8/, 'the log');
  });
});

test('(d) Stop ends an infinite loop in a thread, and the next run works', { timeout: 50_000 }, async () => {
  await withRetries('(d)', async () => {
    const title = 'Start and join';
    const page = await openPage(THREADS, {
      [title]: 'import { Thread } from "interleave";\nfunction spin() { while (true) {} }\nnew Thread({ target: spin }).start();\nwhile (true) {}',
    });
    await click(page, title, 'Run');
    await waitForStatus(page, title, /Running/, 5_000);
    // Give both loops time to really start (the edited code is compiled in the runner first).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    await page.evaluate(() => 1 + 1);
    const answered = Date.now() - started;
    if (answered > 1000) throw new Error(`The page took ${answered} ms to answer while the loops ran.`);
    const status = await text(page, title, 'status');
    if (!/Running/.test(status)) throw new Error(`Status before Stop: ${status}\n  log: ${await text(page, title, 'log')}`);
    await click(page, title, 'Stop');
    await waitForStatus(page, title, /Stopped/, 2_000);
    await click(page, title, 'Reset');
    await click(page, title, 'Run');
    await waitForStatus(page, title, /Finished in/);
    expectContains(await text(page, title, 'log'), 'both threads have finished', 'the log');
  });
});

test('(e) output is text: markup from a program is shown, never parsed', { timeout: 50_000 }, async () => {
  await withRetries('(e)', async () => {
    const title = 'Start and join';
    const markup = '<img src=x onerror="window.__xss = 1">';
    const page = await openPage(THREADS, { [title]: `console.log(${JSON.stringify(markup)});` });
    await click(page, title, 'Run');
    await waitForStatus(page, title, /Finished in/);
    expectContains(await text(page, title, 'log'), markup, 'the log');
    const result = await page.evaluate((title: string) => {
      const log = document.querySelector(`[role=region][aria-label="Playground: ${title}"] [role=log]`);
      return { images: log?.querySelectorAll('img').length ?? -1, xss: (window as { __xss?: number }).__xss };
    }, title);
    if (result.images !== 0 || result.xss !== undefined) throw new Error(`Markup was parsed: ${JSON.stringify(result)}`);
  });
});

test('(f) an uncaught error points at the snippet line (Firefox stack format)', { timeout: 50_000 }, async () => {
  await withRetries('(f)', async () => {
    const title = 'Start and join';
    const page = await openPage(THREADS, { [title]: 'const answer = 42;\n\nthrow new Error(`boom ${answer}`);' });
    await click(page, title, 'Run');
    const status = await waitForStatus(page, title, /Error|Finished in|Deadlock|Stopped|Timed out/);
    if (!/^Error/.test(status)) throw new Error(`Status: ${status}`);
    expectContains(status, 'line 3', 'the status');
    expectContains(await text(page, title, 'log'), 'boom 42', 'the log');
  });
});

test('(g) Run ×N draws a histogram of N outcomes, and an open timeline draws lanes and hand-offs', { timeout: 90_000 }, async () => {
  await withRetries('(g)', async () => {
    const page = await openPage(SYNC);
    const races = 'Lost updates';
    await page.evaluate((title: string) => {
      const input = document.querySelector<HTMLInputElement>(`[role=region][aria-label="Playground: ${title}"] .pg-repeat-count`)!;
      input.value = '3';
      input.dispatchEvent(new Event('input'));
    }, races);
    await click(page, races, 'Run ×3');
    const status = await waitForStatus(page, races, /^Finished 3 runs|Error|Stopped|Timed out/, 60_000);
    if (!/^Finished 3 runs/.test(status)) throw new Error(`Status: ${status}`);
    const counts = await page.evaluate(
      (title: string) =>
        [...document.querySelectorAll(`[role=region][aria-label="Playground: ${title}"] .pg-histogram .show-value`)].map((value) =>
          Number(value.textContent!.replaceAll(',', '')),
        ),
      races,
    );
    if (counts.reduce((sum, count) => sum + count, 0) !== 3) throw new Error(`Histogram counts: ${JSON.stringify(counts)}`);

    const turns = 'Taking turns with a lock';
    await click(page, turns, 'Run');
    await waitForStatus(page, turns, /Finished in|Error|Deadlock|Stopped|Timed out/);
    const drawn = await page.waitForFunction(
      (title: string) => {
        const region = document.querySelector(`[role=region][aria-label="Playground: ${title}"]`)!;
        if (region.querySelector<HTMLElement>('.pg-timeline-body')?.dataset.drawn !== 'final') return null;
        return { lanes: region.querySelectorAll('.tl-lane').length, handoffs: region.querySelectorAll('.tl-handoff').length };
      },
      { timeout: 10_000 },
      turns,
    );
    const { lanes, handoffs } = (await drawn.jsonValue()) as { lanes: number; handoffs: number };
    if (lanes !== 3 || handoffs < 1) throw new Error(`Timeline: ${lanes} lanes, ${handoffs} hand-offs`);
  });
});

test('(h) a snippet’s drawing (show.graph) is drawn in the page', { timeout: 50_000 }, async () => {
  await withRetries('(h)', async () => {
    const page = await openPage('memory-gc/overview/');
    const title = 'Reachable or garbage?';
    await click(page, title, 'Run');
    const status = await waitForStatus(page, title, /Finished in|Error|Deadlock|Stopped|Timed out/);
    if (!/^Finished in/.test(status)) throw new Error(`Status: ${status}`);
    const labels = await page.waitForFunction(
      (title: string) => {
        const texts = [...document.querySelectorAll(`[role=region][aria-label="Playground: ${title}"] .show-graph svg text`)];
        return texts.length > 0 ? texts.map((text) => text.textContent) : null;
      },
      { timeout: 10_000 },
      title,
    );
    const found = (await labels.jsonValue()) as string[];
    for (const label of ['globals (root)', 'parent', 'child']) expectContains(found.join('\n'), label, 'the graph');
  });
});

/**
 * 2 producers × 20,000 items (every 100th an object) through one Queue to 2 consumers. Two of
 * each, not four: every thread is a nested worker, and each may meet the BiDi freeze above.
 */
const QUEUE_STREAM = `import { Queue, Thread } from "interleave";

const PRODUCERS = 2, CONSUMERS = 2, EACH = 20000;

function produce(items: Queue, p: number, each: number) {
  for (let i = 0; i < each; i++) items.put(i % 100 === 0 ? { p, i } : p * each + i);
}

function consume(items: Queue, results: Queue, each: number) {
  const last = [-1, -1];
  let count = 0, sum = 0, ordered = true;
  for (;;) {
    const item = items.get();
    if (item === -1) break;
    const [p, i] = typeof item === "number" ? [Math.floor(item / each), item % each] : [item.p, item.i];
    if (i <= last[p]) ordered = false;
    last[p] = i;
    count++;
    sum += p * each + i;
  }
  results.put({ count, sum, ordered });
}

const items = new Queue();
const results = new Queue();
const consumers = Array.from({ length: CONSUMERS }, () => new Thread({ target: consume, args: [items, results, EACH] }));
const producers = Array.from({ length: PRODUCERS }, (_, p) => new Thread({ target: produce, args: [items, p, EACH] }));
for (const t of [...consumers, ...producers]) t.start();
for (const t of producers) t.join();
for (let c = 0; c < CONSUMERS; c++) items.put(-1);
let count = 0, sum = 0, ordered = true;
for (let c = 0; c < CONSUMERS; c++) {
  const r = results.get();
  count += r.count;
  sum += r.sum;
  ordered &&= r.ordered;
}
for (const t of consumers) t.join();
const n = PRODUCERS * EACH;
console.log(\`items \${count}, sum \${sum === (n * (n - 1)) / 2 ? "right" : "wrong"}, order per producer \${ordered ? "kept" : "broken"}\`);
`;

test('(i) a Queue carries numbers and objects from 2 producers to 2 consumers, each once and in order per producer', { timeout: 50_000 }, async () => {
  // The lock-free number ring and the locked item store together, under SpiderMonkey's JIT.
  await withRetries('(i)', async () => {
    const title = 'Start and join';
    const page = await openPage(THREADS, { [title]: QUEUE_STREAM });
    await click(page, title, 'Run');
    const status = await waitForStatus(page, title, /Finished in|Error|Deadlock|Stopped|Timed out/, 40_000);
    if (!/^Finished in/.test(status)) throw new Error(`Status: ${status}; log: ${(await text(page, title, 'log')).slice(0, 600)}`);
    expectContains(await text(page, title, 'log'), 'items 40000, sum right, order per producer kept', 'the log');
  });
});
