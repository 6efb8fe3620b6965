// How long the playground editor takes to become usable, and what it weighs, in real Chromium
// against the production build. Prints two tables; never part of `npm test`'s pass/fail.
//
//   BASE_PATH=/interleave/ npx astro build   # once
//   npx node bench/editor.ts [runs]          # Node 24 (the project's), default 5 runs
//
// "Ready" is measured in the page, from the click on Edit to the first frame where the editor
// holds the focus and its code is highlighted (tokens of several colours): what the reader sees
// as an editable, coloured editor. "Checked" goes on until a type error typed into it gets its
// squiggle, i.e. until the TypeScript worker has started and type-checked against the runtime.
//   cold   a fresh browser profile, where the reader has only run an example: every editor
//          file comes over the network (localhost here);
//   cached a reload in the same profile: hashed files come from the HTTP cache;
//   moved  Edit in a second playground of the same page: the editor is already there.
// Sizes are those of every file the page fetches because of Edit, gzipped (level 9).
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { isolationHeaders } from '../src/site/isolation-headers.mjs';
import { chromiumLaunchOptions, describeChromium } from '../tests/support/chromium.mjs';

const runs = Number(process.argv[2] ?? 5);
const base = '/interleave/';
const article = 'synchronization/overview/';
const dist = resolve('dist');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
};

/** dist/ under the base path, isolated, with hashed files cacheable as a real host serves them. */
function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    let file = resolve(dist, `.${sep}${path.slice(base.length)}`);
    if (!path.startsWith(base) || (file !== dist && !file.startsWith(dist + sep))) {
      response.writeHead(404).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, {
        ...isolationHeaders,
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': path.startsWith(`${base}_astro/`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      response.end(body);
    } catch {
      response.writeHead(404, isolationHeaders).end();
    }
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done({ server, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    }),
  );
}

/** Clicks Edit in playground `index` and measures, in the page, until ready and until checked. */
async function measureEdit(page: Page, index: number): Promise<{ ready: number; checked: number }> {
  const ready = await page.evaluate(async (index) => {
    const playground = document.querySelectorAll('interleave-playground')[index];
    const button = playground.querySelector<HTMLButtonElement>('button[data-action="edit"]')!;
    const start = performance.now();
    button.click();
    for (;;) {
      await new Promise((frame) => requestAnimationFrame(frame));
      const editor = playground.querySelector('.pg-editor .monaco-editor');
      const colours = new Set(
        [...(editor?.querySelectorAll('.view-line span span') ?? [])].map((token) => token.className),
      );
      if (editor?.contains(document.activeElement) && colours.size >= 3) return performance.now() - start;
    }
  }, index);
  const start = await page.evaluate(() => performance.now());
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nconst mistake: number = "text";');
  await page.locator('interleave-playground').nth(index).locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
  const checked = (await page.evaluate(() => performance.now())) - start + ready;
  return { ready, checked };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
}

const { server, origin } = await serve();
const browser = await chromium.launch(chromiumLaunchOptions());
console.log(`${describeChromium()}\n${runs} runs each; ${article}\n`);
const times: Record<'cold' | 'cached' | 'moved', { ready: number[]; checked: number[] }> = {
  cold: { ready: [], checked: [] },
  cached: { ready: [], checked: [] },
  moved: { ready: [], checked: [] },
};
const fetchedForEditor = new Set<string>();
try {
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}${base}${article}`, { waitUntil: 'networkidle' });
    // The reader has run an example already: the runner and its workers are loaded, so what
    // Edit fetches is the editor alone.
    const other = page.locator('interleave-playground').nth(1);
    await other.locator('button[data-action="run"]').click();
    await other.locator('.pg-status').filter({ hasText: /Finished|Error|Deadlock|Timed out/ }).waitFor();
    await page.waitForLoadState('networkidle');
    const watching = (request: { url(): string }) => fetchedForEditor.add(new URL(request.url()).pathname);
    page.on('request', watching);
    const cold = await measureEdit(page, 0);
    page.off('request', watching);
    const moved = await measureEdit(page, 1);
    await page.reload({ waitUntil: 'networkidle' });
    const cached = await measureEdit(page, 2);
    for (const [kind, result] of [['cold', cold], ['cached', cached], ['moved', moved]] as const) {
      times[kind].ready.push(result.ready);
      times[kind].checked.push(result.checked);
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

const widths = [8, 12, 12, 16];
console.log(row(['Edit', 'ready (ms)', 'checked (ms)', 'ready min–max'], widths));
for (const [kind, result] of Object.entries(times)) {
  const range = `${Math.round(Math.min(...result.ready))}–${Math.round(Math.max(...result.ready))}`;
  console.log(row([kind, Math.round(median(result.ready)), Math.round(median(result.checked)), range], widths));
}

console.log('');
const files = [...fetchedForEditor].filter((path) => path.startsWith(`${base}_astro/`)).sort();
const sizeWidths = [48, 10, 10];
console.log(row(['Fetched because of Edit', 'raw (kB)', 'gzip (kB)'], sizeWidths));
let raw = 0;
let gzip = 0;
const kB = (bytes: number) => (bytes / 1000).toFixed(1);
for (const path of files) {
  const body = await readFile(join(dist, path.slice(base.length)));
  const zipped = gzipSync(body, { level: 9 }).length;
  raw += body.length;
  gzip += zipped;
  console.log(row([path.slice(base.length + '_astro/'.length), kB(body.length), kB(zipped)], sizeWidths));
}
console.log(row(['total', kB(raw), kB(gzip)], sizeWidths));
