import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { watch } from './watch';

// A playground's timeline (src/playground/timeline/): a <details> after the output, open by
// default when the example asks for it (lock-hand-off.expect.ts does), drawn from the run's trace.
const sync = 'synchronization/overview/';
const handOffSource = readFileSync('src/content/docs/synchronization/examples/lock-hand-off.ts', 'utf8');
/** "Lock #N (created at line L)" for the example's lock. */
const lockName = new RegExp(`Lock #\\d+ \\(created at line ${handOffSource.split('\n').findIndex((line) => line.startsWith('const lock = new Lock()')) + 1}\\)`);

function playground(page: Page, title: string): Locator {
  return page.getByRole('region', { name: `Playground: ${title}` });
}

async function runAndWait(region: Locator): Promise<void> {
  await region.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(region.getByRole('status')).toHaveText(/Finished in/, { timeout: 20_000 });
  // An open timeline is drawn once more when the run ends (the live drawing may be older).
  if (await region.locator('details.pg-timeline').evaluate((details) => (details as HTMLDetailsElement).open)) {
    await expect(region.locator('.pg-timeline-body')).toHaveAttribute('data-drawn', 'final');
  }
}

test('two threads contending for a lock: a lane each and at least one hand-off', async ({ page }) => {
  const { problems } = watch(page);
  await page.goto(sync);
  const region = playground(page, 'Taking turns with a lock');
  const timeline = region.locator('details.pg-timeline');
  await expect(timeline).toHaveAttribute('open', '');
  await runAndWait(region);
  const labels = timeline.locator('.tl-lane .tl-label title');
  await expect(labels).toHaveText(['MainThread', 'alice', 'bob']);
  expect(await timeline.locator('.tl-handoff').count()).toBeGreaterThanOrEqual(1);
  // Both threads were blocked on the lock at some point: its colour is in their lanes.
  for (const lane of [1, 2]) await expect(timeline.locator('.tl-lane').nth(lane).locator('rect.tl-s-lock').first()).toBeAttached();
  const summary = timeline.getByRole('list', { name: 'Timeline summary' });
  await expect(summary).toContainText(/alice: running [\d.]+ m?s, blocked [\d.]+ m?s \(lock/);
  await expect(summary).toContainText(new RegExp(`Most contended lock: ${lockName.source}`));
  expect(problems).toEqual([]);
});

test('hovering a mark and moving to marks and waits with the keyboard both show their details', async ({ page }) => {
  await page.goto(sync);
  const region = playground(page, 'Taking turns with a lock');
  await runAndWait(region);
  const timeline = region.locator('details.pg-timeline');
  const details = timeline.locator('.tl-details');
  await expect(details).toHaveText(/Hover over the timeline/);

  // Hover: bob's lane, at the x of its first acquire tick ("M{x} {y}v5" in its path; the tick
  // sits above the lane, which starts at y + 6). The middle of the lane, not the tick itself:
  // between two lanes alice's release ticks are just above bob's acquire ticks.
  const path = timeline.locator('.tl-lane').nth(2).locator('.tl-tick-acquire');
  const [, x, y] = /^M([\d.]+) ([\d.]+)v5/.exec((await path.getAttribute('d')) ?? '')!.map(Number);
  await timeline.locator('svg.tl-svg').scrollIntoViewIfNeeded();
  const box = (await timeline.locator('svg.tl-svg').boundingBox())!;
  await page.mouse.move(box.x + x, box.y + y + 6 + 7);
  await expect(details).toHaveText(new RegExp(`^bob, .*${lockName.source}: acquired`));
  // What the pointer shows is not read out at every move; what the keyboard reaches is.
  await expect(details).toHaveAttribute('aria-live', 'off');

  // Keyboard: Tab onto the drawing, then arrows. Every wait is a stop too: the first one is the
  // main thread's (it takes no lock, but it joins alice).
  await page.mouse.move(0, 0);
  const plot = timeline.locator('.tl-plot');
  await plot.focus();
  await expect(details).toHaveText(/^MainThread, .*waiting for alice to finish \(join\)/);
  await expect(details).toHaveAttribute('aria-live', 'polite');
  await page.keyboard.press('ArrowDown');
  await expect(details).toHaveText(/^alice, /);
  await page.keyboard.press('Home');
  // Along alice's lane: her waits for the lock and her acquires are all stops.
  const seen = new Set<string>();
  for (let step = 0; step < 60 && seen.size < 2; step++) {
    const text = (await details.textContent()) ?? '';
    expect(text).toMatch(/^alice, /);
    if (new RegExp(`: blocked on ${lockName.source} for [\\d.]+ m?s`).test(text)) seen.add('lock wait');
    if (new RegExp(`${lockName.source}: acquired`).test(text)) seen.add('acquire');
    await page.keyboard.press('ArrowRight');
  }
  expect([...seen].sort()).toEqual(['acquire', 'lock wait']);
  await page.keyboard.press('ArrowDown');
  await expect(details).toHaveText(/^bob, /);
  await page.keyboard.press('ArrowUp');
  await expect(details).toHaveText(/^alice, /);
  await expect(timeline.locator('.tl-ring')).toHaveAttribute('visibility', 'visible');
});

test('other examples keep the timeline closed and record none; opened, the next run is drawn', async ({ page }) => {
  await page.goto(sync);
  const region = playground(page, 'A counter under a lock');
  const timeline = region.locator('details.pg-timeline');
  await expect(timeline).not.toHaveAttribute('open', '');
  await runAndWait(region);
  await expect(timeline.locator('svg')).toHaveCount(0); // Nothing is drawn while it is closed.
  // A run with the timeline closed recorded no trace (tracing costs time): opening says so.
  await timeline.getByText('Timeline', { exact: true }).click();
  await expect(timeline).toContainText('This run recorded no timeline');
  await runAndWait(region);
  await expect(timeline.locator('.tl-lane .tl-label title')).toHaveText(['MainThread', 'adder-1', 'adder-2', 'adder-3', 'adder-4']);
  // 400,000 acquires in a few hundred ms overflow the bounded trace: the timeline says so.
  await expect(timeline.locator('.tl-note')).toContainText('events were dropped');
  await timeline.getByText('Timeline', { exact: true }).click();
  await expect(timeline).not.toHaveAttribute('open', '');
});

/** Opens the editor (Monaco, or the plain text box) and replaces the code with `code`. */
async function replaceCode(page: Page, region: Locator, code: string): Promise<void> {
  await region.getByRole('button', { name: 'Edit', exact: true }).click();
  const monaco = region.locator('.monaco-editor');
  const plain = region.locator('textarea.pg-textarea');
  await expect(monaco.or(plain)).toBeVisible({ timeout: 20_000 });
  if (await plain.isVisible()) return plain.fill(code);
  await monaco.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

test('while a run goes on the timeline is drawn live; queues get a depth lane', async ({ page }) => {
  await page.goto(sync);
  const region = playground(page, 'Taking turns with a lock');
  await replaceCode(
    page,
    region,
    [
      'import { Queue, Thread, sleep } from "interleave";',
      'const queue = new Queue<number>();',
      'function consume(q: Queue<number>) { for (;;) { q.get(); sleep(2); } }',
      'new Thread({ target: consume, args: [queue], daemon: true, name: "consumer" }).start();',
      'for (let i = 0; i < 2000; i++) { queue.put(i); sleep(1); }',
    ].join('\n'),
  );
  await region.getByRole('button', { name: 'Run', exact: true }).click();
  const timeline = region.locator('details.pg-timeline');
  await expect(timeline.locator('.tl-note')).toContainText('Live: the run is still going.', { timeout: 10_000 });
  await expect(timeline.locator('.tl-lane .tl-label title')).toHaveText(['MainThread', 'consumer']);
  await expect(timeline.locator('.tl-queue .tl-label title')).toHaveText(/^Queue #\d+ \(created at line 2\) depth$/);
  // The queue's row is a keyboard stop too.
  await timeline.locator('.tl-plot').focus();
  await page.keyboard.press('End');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await expect(timeline.locator('.tl-details')).toHaveText(/^Queue #\d+ \(created at line 2\), .*depth \d/);
  await expect(region.getByRole('status')).toHaveText(/Running/);
  await region.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(region.getByRole('status')).toHaveText(/Stopped/);
  await expect(timeline.locator('.tl-note')).not.toContainText('Live');
});

test('on a phone the drawing scrolls sideways inside the playground, not the page', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(sync);
  const region = playground(page, 'Taking turns with a lock');
  await runAndWait(region);
  const scroller = region.locator('.tl-scroll');
  await expect(region.locator('.tl-lane')).toHaveCount(3);
  expect(await scroller.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});

for (const theme of ['light', 'dark']) {
  test(`the drawn timeline has no serious accessibility violations (${theme} theme)`, async ({ page }) => {
    await page.addInitScript((chosen) => localStorage.setItem('starlight-theme', chosen), theme);
    await page.goto(sync);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    const region = playground(page, 'Taking turns with a lock');
    await runAndWait(region);
    await expect(region.locator('.tl-lane')).toHaveCount(3);
    const results = await new AxeBuilder({ page }).include('.pg-timeline').analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}
