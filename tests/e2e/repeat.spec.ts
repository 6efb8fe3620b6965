import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { textKey } from '../../src/playground/edits.ts';
import { watch } from './watch';

// Run ×N: a batch of fresh runs and the histogram of their outcomes.
const sync = 'synchronization/overview/';
const threads = 'threads/overview/';

function playground(page: Page, title: string): Locator {
  return page.getByRole('region', { name: `Playground: ${title}` });
}

/** Sets the batch size and presses Run ×N. */
async function runMany(region: Locator, count: number): Promise<void> {
  await region.getByRole('spinbutton', { name: 'How many runs Run ×N makes' }).fill(String(count));
  await region.getByRole('button', { name: `Run ×${count}`, exact: true }).click();
}

/** The run counts the histogram shows, bar by bar. */
async function barCounts(region: Locator): Promise<number[]> {
  const values = await region.locator('.pg-histogram .show-value').allTextContents();
  return values.map((value) => Number(value.replaceAll(',', '')));
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

test('Run ×N runs the race N times and draws a histogram of the totals', async ({ page }) => {
  const { problems } = watch(page);
  await page.goto(sync);
  const region = playground(page, 'Lost updates');
  await runMany(region, 5);
  await expect(region.getByRole('status')).toHaveText(/^Finished 5 runs/, { timeout: 60_000 });
  const histogram = region.locator('.pg-histogram');
  await expect(histogram).toBeVisible();
  await expect(histogram).toContainText(/Outcomes of Lost updates: 5 runs/);
  expect(sum(await barCounts(region))).toBe(5);
  // Each outcome is a total from the program's last line, never more than the expected count.
  const labels = await histogram.locator('.show-label').allTextContents();
  for (const label of labels) expect(Number(label.split('–')[0].replaceAll(',', ''))).toBeLessThanOrEqual(4_000_000);
  // The runs' own output is not shown: only the histogram.
  await expect(region.getByRole('log')).toBeEmpty();
  // A plain Run afterwards hides the histogram and shows output again.
  await region.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(region.getByRole('status')).toHaveText(/Finished in/, { timeout: 20_000 });
  await expect(histogram).toBeHidden();
  await expect(region.getByRole('log')).toContainText('expected 4000000, got');
  expect(problems).toEqual([]);
});

test('Stop interrupts a batch: no further run starts, and the histogram counts the runs made', async ({ page }) => {
  await page.goto(sync);
  const region = playground(page, 'Lost updates');
  await runMany(region, 200);
  await expect(region.getByRole('status')).toHaveText(/^Run \d+ of 200/);
  // A few runs made: the histogram counts them.
  await expect.poll(async () => sum(await barCounts(region)), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  await region.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(region.getByRole('status')).toHaveText(/^Stopped after \d+ of 200 runs/);
  const made = Number(/after (\d+) of/.exec((await region.getByRole('status').textContent()) ?? '')![1]);
  expect(made).toBeGreaterThanOrEqual(2);
  expect(made).toBeLessThan(200);
  await expect.poll(async () => sum(await barCounts(region))).toBe(made);
  // Nothing runs any more: the status stays as it is.
  await page.waitForTimeout(500);
  await expect(region.getByRole('status')).toHaveText(new RegExp(`^Stopped after ${made} of 200 runs`));
  await expect(region.getByRole('button', { name: 'Stop', exact: true })).toBeDisabled();
});

test('edited code runs in a batch too, and errors count as outcomes', async ({ page }) => {
  const file = 'src/content/docs/threads/examples/start-join.ts';
  const code = [
    'import { Thread } from "interleave";',
    'const t = new Thread({ target: () => {} });',
    't.start(); t.join();',
    'if (Math.random() < 0.3) throw new Error("unlucky");',
    'console.log(Math.random() < 0.5 ? "heads" : "tails");',
  ].join('\n');
  await page.addInitScript(([k, v]) => localStorage.setItem(k, v), [`interleave:edit:${textKey(readFileSync(file, 'utf8'))}`, code] as const);
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await runMany(region, 30);
  await expect(region.getByRole('status')).toHaveText(/^Finished 30 runs/, { timeout: 60_000 });
  const labels = await region.locator('.pg-histogram .show-label').allTextContents();
  for (const label of labels) expect(['heads', 'tails', 'error: Error: unlucky']).toContain(label);
  // 30 runs with a 30% chance of an error each: all 30 without one has odds of 1 in 44,000.
  expect(labels).toContain('error: Error: unlucky');
  expect(sum(await barCounts(region))).toBe(30);
});

test('a batch size outside 2…500 is kept within it', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  const count = region.getByRole('spinbutton', { name: 'How many runs Run ×N makes' });
  await count.fill('100000');
  await expect(region.getByRole('button', { name: 'Run ×500', exact: true })).toBeVisible();
  await count.fill('-3');
  await expect(region.getByRole('button', { name: 'Run ×2', exact: true })).toBeVisible();
});

test('a batch keeps no timeline and says so; the next single run draws one again', async ({ page }) => {
  await page.goto(sync);
  const region = playground(page, 'Taking turns with a lock');
  const timeline = region.locator('details.pg-timeline');
  await expect(timeline).toHaveAttribute('open', '');
  await region.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(region.locator('.pg-timeline-body')).toHaveAttribute('data-drawn', 'final', { timeout: 20_000 });
  await runMany(region, 3);
  await expect(region.getByRole('status')).toHaveText(/^Finished 3 runs/, { timeout: 30_000 });
  await expect(timeline).toContainText('Run ×N keeps no timeline');
  await expect(timeline.locator('svg')).toHaveCount(0);
  await region.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(region.locator('.pg-timeline-body')).toHaveAttribute('data-drawn', 'final', { timeout: 20_000 });
  await expect(timeline.locator('.tl-lane')).toHaveCount(3);
  await expect(region.locator('.pg-histogram')).toBeHidden();
});
