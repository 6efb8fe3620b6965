// Drawings (show.*) on the page: each kind renders with its labels and values, in order among
// the lines; nothing a snippet shows is parsed as HTML; huge data never freezes the page.
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { textKey } from '../../src/playground/edits.ts';
import { MAX_VISIBLE_DRAWINGS } from '../../src/playground/output-view.ts';
import { watch } from './watch';

const threads = 'threads/overview/';
const startJoin = 'src/content/docs/threads/examples/start-join.ts';

function playground(page: Page, title: string): Locator {
  return page.getByRole('region', { name: `Playground: ${title}` });
}

/** Makes the page load with `code` as the reader's saved edit of the Start and join example. */
async function withCode(page: Page, code: string): Promise<Locator> {
  const key = `interleave:edit:${textKey(readFileSync(startJoin, 'utf8'))}`;
  await page.addInitScript(([k, v]) => localStorage.setItem(k, v), [key, code] as const);
  await page.goto(threads);
  return playground(page, 'Start and join');
}

async function run(region: Locator, status = /Finished in/): Promise<void> {
  await region.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(region.getByRole('status')).toHaveText(status, { timeout: 20_000 });
}

const markup = '<img src=x onerror="window.__xss = 1">';

test('every kind of drawing renders in order among the lines, and markup stays text', async ({ page }) => {
  const { problems } = watch(page);
  const region = await withCode(
    page,
    `import { show, Thread } from "interleave";
console.log("before");
show.table([{ name: ${JSON.stringify(markup)}, n: 42 }, { name: "b", n: 7 }], { title: "A table" });
show.bars({ ${JSON.stringify(markup)}: 3, small: 1 }, { title: "Some bars" });
show.graph({ edges: [{ from: "a", to: "b", label: "next" }, { from: "b", to: "a", label: ${JSON.stringify(markup)} }, { from: "b", to: "b" }] });
show.line([{ name: "up", points: [1, 2, 3] }, { name: "down", points: [3, 2, 1] }], { title: "Two lines", x: "step" });
const t = new Thread({ target: () => show.bars([["from a thread", 5]]), name: "drawer" });
t.start();
t.join();
console.log("after");`,
  );
  await run(region);
  const log = region.getByRole('log');
  const entries = log.locator('.pg-line');
  await expect(entries).toHaveCount(7);
  await expect(entries.nth(0)).toContainText('before');
  await expect(entries.nth(6)).toContainText('after');

  const table = entries.nth(1).locator('figure.show-table');
  await expect(table.locator('figcaption')).toHaveText('A table');
  await expect(table.locator('th')).toHaveText(['name', 'n']);
  await expect(table.locator('tbody td')).toHaveText([markup, '42', 'b', '7']);
  await expect(entries.nth(1).locator('.pg-thread')).toHaveText('MainThread');

  const bars = entries.nth(2).getByRole('figure', { name: 'Some bars' });
  await expect(bars.getByRole('rowheader')).toHaveText([markup, 'small']);
  await expect(bars.locator('.show-value')).toHaveText(['3', '1']);
  const widths = await bars.locator('.show-bar').evaluateAll((spans) => spans.map((span) => span.getBoundingClientRect().width));
  expect(widths[0]).toBeGreaterThan(0);
  expect(widths[0] / widths[1]).toBeCloseTo(3, 1);

  const graph = entries.nth(3).locator('svg.show-graph-svg');
  await expect(graph).toHaveAttribute('role', 'img');
  await expect(graph.locator('.show-node-label')).toHaveText(['a', 'b']);
  await expect(graph.locator('.show-edge')).toHaveCount(3);
  await expect(graph.locator('.show-edge-label')).toHaveText(['next', markup]);
  await expect(entries.nth(3).locator('.show-as-text pre')).toHaveText(`a → b (next)\nb → a (${markup})\nb → b`, { useInnerText: false });

  const line = entries.nth(4).locator('figure.show-line');
  await expect(line.locator('figcaption')).toHaveText('Two lines');
  await expect(line.locator('polyline')).toHaveCount(2);
  await expect(line.locator('.show-legend li')).toHaveText(['up', 'down']);
  await expect(line.getByRole('img')).toHaveAttribute('aria-label', /up: 3 points from 1 to 3, last 3; down: 3 points from 1 to 3, last 1/);
  await expect(line.locator('.show-axis-name')).toHaveText('step');

  await expect(entries.nth(5).locator('.pg-thread')).toHaveText('drawer');
  await expect(entries.nth(5).getByRole('rowheader')).toHaveText('from a thread');

  // Markup from the snippet is text everywhere: no element was made from it, no script ran.
  await expect(log.locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  expect(problems).toEqual([]);
});

test('the article examples draw their graph, table, bars and line chart', async ({ page }) => {
  const { problems } = watch(page);
  await page.goto('memory-gc/overview/');
  const heap = playground(page, 'Reachable or garbage?');
  await run(heap);
  await expect(heap.locator('.show-node-label')).toHaveCount(8);
  // The order follows the layout's layers; what matters is that every node is there.
  const labels = await heap.locator('.show-node-label').allTextContents();
  expect(labels.sort()).toEqual(['cache', 'child', 'config', 'entry', 'globals (root)', 'parent', 'request', 'stack (root)']);
  await expect(heap.locator('.show-edge-label')).toHaveCount(8);
  await expect(heap.getByRole('log')).toContainText('parent is garbage, yet 1 reference points to it');

  await page.goto('concurrency/overview/');
  const work = playground(page, 'Equal ranges, unequal work');
  await run(work);
  await expect(work.locator('.show-table tbody tr')).toHaveCount(4);
  await expect(work.locator('.show-table tbody tr').first().locator('td')).toHaveText(['Thread-1', '0 to 49999', '5133', '1055975']);
  await expect(work.locator('.show-bars .show-value')).toHaveText(['1055975', '1689718', '2063367', '2358402']);
  const amdahl = playground(page, "Amdahl's law");
  await run(amdahl);
  await expect(amdahl.locator('polyline')).toHaveCount(3);
  await expect(amdahl.locator('.show-legend li')).toHaveText(['50% parallel', '90% parallel', '99% parallel']);
  expect(problems).toEqual([]);
});

test('a snippet drawing a million points in a loop never freezes the page', async ({ page }) => {
  const region = await withCode(
    page,
    `import { show } from "interleave";
const values = new Float64Array(1_000_000).map((_, i) => Math.sin(i / 10_000) * 100);
// Four seconds of drawing as fast as the thread can (well under the page's time limit).
for (let i = 0, end = Date.now() + 4000; Date.now() < end; i++) {
  show.line(values, { title: "round " + i });
  console.log("drew round " + i);
}`,
  );
  // A click handler on the page, to time how soon it runs while the snippet floods drawings.
  await page.evaluate(() => {
    const probe = document.createElement('button');
    probe.id = 'probe';
    probe.textContent = 'probe';
    probe.style.cssText = 'position: fixed; top: 0; left: 0; z-index: 1000';
    // How long the click waited for the page's main thread: from the input to its handler.
    probe.addEventListener('click', (event) => ((window as { __delay?: number }).__delay = performance.now() - event.timeStamp));
    document.body.append(probe);
  });
  await region.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(region.getByRole('log')).toContainText('drawings hidden', { timeout: 20_000 });
  for (let i = 0; i < 5; i++) {
    await page.evaluate(() => delete (window as { __delay?: number }).__delay);
    await page.locator('#probe').click();
    const delay = await page.evaluate(() => (window as { __delay?: number }).__delay);
    expect(delay).toBeLessThan(250);
  }
  await expect(region.getByRole('status')).toHaveText(/Finished in/, { timeout: 15_000 });
  expect(await region.locator('.pg-drawing').count()).toBeLessThanOrEqual(MAX_VISIBLE_DRAWINGS);
  // Each drawing says what was capped, and carries at most the capped points.
  const drawing = region.locator('.pg-drawing').last();
  await expect(drawing.locator('.show-note')).toHaveText(/1,000,000 points drawn as/);
  const points = await drawing.locator('polyline').getAttribute('points');
  expect(points!.split(' ').length).toBeLessThanOrEqual(1000);
});

test('bad data is reported at the snippet line; oversized data is capped with a note', async ({ page }) => {
  const region = await withCode(
    page,
    `import { show } from "interleave";
show.bars(Object.fromEntries(Array.from({ length: 500 }, (_, i) => ["label " + i + " " + "x".repeat(200), i])));
const row: any = { name: "loop" };
row.self = row;
show.table([row]);
show.line([1, 2, NaN]);`,
  );
  await run(region, /Error at line 6/);
  await expect(region.getByRole('status')).toContainText('show.line: value 2 is NaN; every value must be a finite number.');
  const bars = region.locator('figure.show-bars');
  await expect(bars.getByRole('rowheader')).toHaveCount(50);
  await expect(bars.locator('.show-note')).toHaveText(['(showing the first 50 of 500 bars)', '(50 labels longer than 60 characters cut)']);
  await expect(region.locator('.show-table td').nth(1)).toHaveText("{ name: 'loop', self: [Circular] }");
});

/** Serious or critical axe findings inside the playgrounds' output. */
async function outputViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include('.pg-output').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const theme of ['light', 'dark']) {
  test(`drawings have no serious accessibility violations, contrast included (${theme} theme)`, async ({ page }) => {
    await page.addInitScript((chosen) => localStorage.setItem('starlight-theme', chosen), theme);
    await page.goto('concurrency/overview/');
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    for (const title of ['Equal ranges, unequal work', "Amdahl's law"]) await run(playground(page, title));
    await page.locator('.show-as-text summary').click();
    expect(await outputViolations(page)).toEqual([]);
    await page.goto('memory-gc/overview/');
    await run(playground(page, 'Reachable or garbage?'));
    await page.locator('.show-as-text summary').click();
    expect(await outputViolations(page)).toEqual([]);
  });
}
