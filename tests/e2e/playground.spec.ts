import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { watch } from './watch';

// The playground contract (keep it stable): each playground is role=region named
// "Playground: <title>"; buttons Run, Stop, Reset, Share, Copy, Edit; output role=log;
// status role=status containing Running, Finished, Stopped, Error, Deadlock or Timed out.
const sync = 'synchronization/overview/';
const threads = 'threads/overview/';

function playground(page: Page, title: string): Locator {
  return page.getByRole('region', { name: `Playground: ${title}` });
}

function button(region: Locator, name: string): Locator {
  return region.getByRole('button', { name, exact: true });
}

/** Opens the editor (Monaco, or the plain text box) and replaces the code with `code`. */
async function replaceCode(page: Page, region: Locator, code: string): Promise<void> {
  await button(region, 'Edit').click();
  const monaco = region.locator('.monaco-editor');
  const plain = region.locator('textarea.pg-textarea');
  await expect(monaco.or(plain)).toBeVisible({ timeout: 20_000 });
  if (await plain.isVisible()) {
    await plain.fill(code);
    return;
  }
  await monaco.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText types no keys, so the editor's auto-closing of brackets cannot interfere.
  await page.keyboard.insertText(code);
  await expect(monaco.locator('.view-lines')).toContainText(code.split('\n')[0].slice(0, 20));
}

async function runAndWait(region: Locator, status: RegExp, timeout = 20_000): Promise<void> {
  await button(region, 'Run').click();
  await expect(region.getByRole('status')).toHaveText(status, { timeout });
}

test('an unedited example runs from build-time code, without loading a compiler or an editor', async ({ page }) => {
  const { problems } = watch(page);
  const scripts: string[] = [];
  page.on('request', (request) => scripts.push(request.url()));
  await page.goto(sync);
  const region = playground(page, 'A counter under a lock');
  await runAndWait(region, /Finished in/);
  await expect(region.getByRole('log')).toContainText('expected 400000, got 400000');
  await expect(region.getByRole('log')).toContainText('MainThread');
  expect(scripts.filter((url) => /compile|monaco|editor|typescript/i.test(url))).toEqual([]);
  expect(problems).toEqual([]);
});

test('the lost update is real: four threads without a lock lose increments', async ({ page }) => {
  await page.goto(sync);
  const region = playground(page, 'Lost updates');
  await runAndWait(region, /Finished in/);
  const line = (await region.getByRole('log').textContent()) ?? '';
  const got = Number(/got (\d+)/.exec(line)?.[1]);
  expect(got).toBeGreaterThan(0);
  expect(got).toBeLessThanOrEqual(4_000_000);
});

test('edited code runs and shows the new output', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'import { currentThread } from "interleave";\nconsole.log(`edited ${6 * 7} in ${currentThread().name}`);');
  await runAndWait(region, /Finished in/);
  await expect(region.getByRole('log')).toContainText('edited 42 in MainThread');
});

test('Stop ends an infinite loop in a thread, and the next run works', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(
    page,
    region,
    'import { Thread } from "interleave";\nfunction spin() { while (true) {} }\nnew Thread({ target: spin }).start();\nwhile (true) {}',
  );
  await button(region, 'Run').click();
  await expect(region.getByRole('status')).toHaveText(/Running/);
  // The page stays responsive while both loops spin.
  const started = Date.now();
  await page.evaluate(() => 1 + 1);
  expect(Date.now() - started).toBeLessThan(1000);
  await button(region, 'Stop').click();
  await expect(region.getByRole('status')).toHaveText(/Stopped/, { timeout: 2_000 });
  await button(region, 'Reset').click();
  await runAndWait(region, /Finished in/);
  await expect(region.getByRole('log')).toContainText('both threads have finished');
});

test('an output flood stays bounded and the page keeps answering', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'for (let i = 0; ; i++) console.log(`line ${i}`);');
  await button(region, 'Run').click();
  await expect(region.getByRole('log')).toContainText('earlier lines hidden', { timeout: 10_000 });
  for (let i = 0; i < 5; i++) {
    const started = Date.now();
    await page.evaluate(() => new Promise(requestAnimationFrame));
    expect(Date.now() - started).toBeLessThan(1000);
  }
  await button(region, 'Stop').click();
  await expect(region.getByRole('status')).toHaveText(/Stopped/, { timeout: 2_000 });
  expect(await region.locator('.pg-line').count()).toBeLessThanOrEqual(1000);
});

test('a thread bomb gets a clear error, and the next run works', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(
    page,
    region,
    'import { Thread, sleep } from "interleave";\nfunction nap() { sleep(50); }\nfor (let i = 0; i < 10000; i++) new Thread({ target: nap }).start();',
  );
  await runAndWait(region, /Error/);
  await expect(region.getByRole('log')).toContainText(/thread/i);
  await button(region, 'Reset').click();
  await runAndWait(region, /Finished in/);
});

test('output is text: markup from a program is shown, never parsed', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  const markup = '<img src=x onerror="window.__xss = 1">';
  await replaceCode(page, region, `console.log(${JSON.stringify(markup)});`);
  await runAndWait(region, /Finished in/);
  await expect(region.getByRole('log')).toContainText(markup);
  await expect(region.getByRole('log').locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
});

test('edits survive a reload, and Reset brings back the article’s version', async ({ page }) => {
  await page.goto(threads);
  let region = playground(page, 'Start and join');
  await replaceCode(page, region, 'console.log("kept across reloads");');
  await page.reload();
  region = playground(page, 'Start and join');
  await expect(region.locator('.pg-edited')).toContainText('kept across reloads');
  await runAndWait(region, /Finished in/);
  await expect(region.getByRole('log')).toContainText('kept across reloads');
  await button(region, 'Reset').click();
  await expect(region.locator('.pg-static')).toBeVisible();
  await page.reload();
  await expect(playground(page, 'Start and join').locator('.pg-edited')).toBeHidden();
});

test('a share link opens with the shared code and does not run it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'console.log("from a share link");');
  await button(region, 'Share').click();
  await expect(region.locator('.pg-notice')).toHaveText(/copied/);
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('#run=');

  const other = await context.newPage();
  await other.addInitScript(() => localStorage.clear());
  await other.goto(link);
  const shared = playground(other, 'Start and join');
  await expect(shared.locator('.pg-edited')).toContainText('from a share link');
  await other.waitForTimeout(500);
  await expect(shared.getByRole('status')).toHaveText(/Ready/);
  await expect(shared.locator('[role=log]')).toBeEmpty();
  await runAndWait(shared, /Finished in/);
  await expect(shared.getByRole('log')).toContainText('from a share link');
});

test('a deadlock is detected and explained', async ({ page }) => {
  await page.goto(sync);
  const region = playground(page, 'Deadlock');
  await runAndWait(region, /Deadlock/);
  const log = region.getByRole('log');
  await expect(log).toContainText('payer');
  await expect(log).toContainText('auditor');
  await expect(log).toContainText(/line 8/);
});

test('an uncaught error points at the snippet line', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'const answer = 42;\n\nthrow new Error(`boom ${answer}`);');
  await runAndWait(region, /Error/);
  await expect(region.getByRole('status')).toContainText('line 3');
  await expect(region.getByRole('log')).toContainText('boom 42');
});

test('a compile error points at the snippet line', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'const a = 1;\nconst b = ;');
  await runAndWait(region, /Error/);
  await expect(region.getByRole('status')).toContainText('line 2');
});

test('the keyboard alone can run an example', async ({ page }) => {
  await page.goto(sync);
  const region = playground(page, 'A counter under a lock');
  const run = button(region, 'Run');
  for (let presses = 0; presses < 200 && !(await run.evaluate((el) => el === document.activeElement)); presses++) {
    await page.keyboard.press('Tab');
  }
  await expect(run).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(region.getByRole('status')).toHaveText(/Finished in/, { timeout: 20_000 });
});

for (const theme of ['light', 'dark']) {
  test(`an article page has no serious accessibility violations (${theme} theme)`, async ({ page }) => {
    await page.addInitScript((chosen) => localStorage.setItem('starlight-theme', chosen), theme);
    await page.goto(sync);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    // Starlight's search button shows "Search Ctrl K" but is named "Search" (axe's
    // label-content-name-mismatch); that markup is Starlight's, not ours.
    const results = await new AxeBuilder({ page }).exclude('button[data-open-modal]').analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}

test('a thrown non-Error value is reported plainly', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'throw { code: 7 };');
  await runAndWait(region, /Error/);
  await expect(region.getByRole('status')).toContainText('code: 7');
});

test('a program cannot fake the runtime’s messages or close its worker', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(
    page,
    region,
    [
      'try { (globalThis as any).postMessage({ type: "done", run: 1, threadId: 1 }); } catch (e) { console.log(String(e).slice(0, 40)); }',
      'try { (globalThis as any).close(); } catch (e) { console.log(String(e).slice(0, 34)); }',
      'console.log("still running");',
    ].join('\n'),
  );
  await runAndWait(region, /Finished in/);
  const log = region.getByRole('log');
  await expect(log).toContainText('postMessage() is not available');
  await expect(log).toContainText('close() is not available');
  await expect(log).toContainText('still running');
  await button(region, 'Reset').click();
  await runAndWait(region, /Finished in/);
  await expect(log).toContainText('both threads have finished');
});

test('a program that exhausts memory loses no edits, and the page says what happened', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'const hog: number[][] = [];\nfor (;;) hog.push(new Array(1e6).fill(1));');
  await button(region, 'Run').click();
  // Either the runtime reports it, or Chromium ends the tab's process (a worker's out-of-memory
  // is fatal to the page there); then a reload shows the kept code and an explanation.
  const crashed = page.waitForEvent('crash', { timeout: 90_000 }).then(() => true);
  const reported = expect(region.getByRole('status'))
    .toHaveText(/Error|Timed out/, { timeout: 90_000 })
    .then(() => false);
  if (await Promise.race([crashed, reported])) {
    await page.reload();
    const after = playground(page, 'Start and join');
    await expect(after.getByRole('status')).toContainText('ran out of memory');
    await expect(after.locator('.pg-edited')).toContainText('hog.push');
  }
});

test.describe('on a touch screen', () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 800 } });

  test('editing falls back to a plain text box, and running works', async ({ page }) => {
    await page.goto(threads);
    const region = playground(page, 'Start and join');
    await button(region, 'Edit').click();
    const box = region.locator('textarea.pg-textarea');
    await expect(box).toBeVisible();
    await box.fill('console.log("typed on a phone");');
    await runAndWait(region, /Finished in/);
    await expect(region.getByRole('log')).toContainText('typed on a phone');
    expect(await page.evaluate(() => document.querySelector('.monaco-editor'))).toBeNull();
  });
});
