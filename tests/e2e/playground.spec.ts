import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { textKey } from '../../src/playground/edits.ts';
import { MAX_VISIBLE_LINES } from '../../src/playground/output-view.ts';
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

/** Makes the page load with `code` as the reader's saved edit of the example in `file`. */
async function presetEdit(page: Page, file: string, code: string): Promise<void> {
  const key = `interleave:edit:${textKey(readFileSync(file, 'utf8'))}`;
  await page.addInitScript(([k, v]) => localStorage.setItem(k, v), [key, code] as const);
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
  // Positive control: the requests were seen at all (the runner worker is a script too).
  expect(scripts.some((url) => /runner-worker/.test(url))).toBe(true);
  expect(problems).toEqual([]);
});

test('the unlocked counter runs to a count between 1 and 4,000,000', async ({ page }) => {
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
  expect(await region.locator('.pg-line').count()).toBeLessThanOrEqual(MAX_VISIBLE_LINES);
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
  // A fresh reader (no saved edits), but only on the first load: the reload below keeps edits.
  await other.addInitScript(() => {
    if (sessionStorage.getItem('test:fresh')) return;
    sessionStorage.setItem('test:fresh', '1');
    localStorage.clear();
  });
  await other.goto(link);
  const shared = playground(other, 'Start and join');
  await expect(shared.locator('.pg-edited')).toContainText('from a share link');
  await other.waitForTimeout(500);
  await expect(shared.getByRole('status')).toHaveText(/Ready/);
  await expect(shared.locator('[role=log]')).toBeEmpty();
  await runAndWait(shared, /Finished in/);
  await expect(shared.getByRole('log')).toContainText('from a share link');

  // The hash is gone once loaded: a reload keeps the reader's later edits, not the shared code.
  expect(new URL(other.url()).hash).toBe('');
  await replaceCode(other, shared, 'console.log("edited after opening the link");');
  await other.reload();
  await expect(playground(other, 'Start and join').locator('.pg-edited')).toContainText('edited after opening the link');
});

test('a damaged share link, or one for another page, says so on the first playground', async ({ page }) => {
  await page.goto(`${threads}#run=threads%2Fexamples%2Fstart-join~not*base64`);
  const notice = playground(page, 'Start and join').locator('.pg-notice');
  await expect(notice).toContainText('damaged');
  await expect(playground(page, 'Start and join').locator('.pg-edited')).toBeHidden();

  await page.goto('about:blank');
  await page.goto(`${threads}#run=nowhere%2Fexamples%2F%3Cb%3Ex~S87PK87PSdXLyU_XMNS0BgA`);
  await expect(notice).toContainText('not on this page (nowhere/examples/<b>x)');
  await expect(notice.locator('b')).toHaveCount(0);
});

test('Run pressed again while running: the newer run keeps its state, and Stop works', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'console.log("started");\nwhile (true) {}');
  await button(region, 'Run').dblclick();
  await expect(region.getByRole('log')).toContainText('started', { timeout: 20_000 });
  // The first run's end ("Stopped") must not overwrite the second run's state.
  await page.waitForTimeout(500);
  await expect(region.getByRole('status')).toHaveText(/Running/);
  await expect(button(region, 'Stop')).toBeEnabled();
  await button(region, 'Run').click();
  await page.waitForTimeout(500);
  await expect(region.getByRole('status')).toHaveText(/Running/);
  await button(region, 'Stop').click();
  await expect(region.getByRole('status')).toHaveText(/Stopped/, { timeout: 2_000 });
  await page.waitForTimeout(500);
  await expect(region.getByRole('status')).toHaveText(/Stopped/);
  await expect(button(region, 'Stop')).toBeDisabled();
  // Stop had the focus when it was disabled: the focus moved to Run, not to the page.
  await expect(button(region, 'Run')).toBeFocused();
});

test('Stop while edited code compiles: the program never starts', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'console.log("must not print");\nwhile (true) {}');
  // Both in one task, so that Stop surely comes while the code compiles.
  await region.evaluate((element) => {
    element.querySelector<HTMLButtonElement>('button[data-action="run"]')!.click();
    element.querySelector<HTMLButtonElement>('button[data-action="stop"]')!.click();
  });
  await expect(region.getByRole('status')).toHaveText(/Stopped/, { timeout: 2_000 });
  await page.waitForTimeout(1_000);
  await expect(region.getByRole('log')).not.toContainText('must not print');
  await expect(region.getByRole('status')).toHaveText(/Stopped/);
});

test('Run in a second playground stops the first, which then says Stopped', async ({ page }) => {
  await page.goto(sync);
  const first = playground(page, 'Lost updates');
  const second = playground(page, 'A counter under a lock');
  await replaceCode(page, first, 'console.log("first started");\nwhile (true) {}');
  await button(first, 'Run').click();
  await expect(first.getByRole('log')).toContainText('first started', { timeout: 20_000 });
  await button(second, 'Run').click();
  await expect(first.getByRole('status')).toHaveText(/Stopped/, { timeout: 2_000 });
  await expect(second.getByRole('status')).toHaveText(/Finished in/, { timeout: 20_000 });
  await expect(second.getByRole('log')).toContainText('expected 400000, got 400000');
  await expect(first.getByRole('status')).toHaveText(/Stopped/);
});

test('Reset while the editor loads: the editor does not open afterwards', async ({ page }) => {
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await region.evaluate((element) => {
    element.querySelector<HTMLButtonElement>('button[data-action="edit"]')!.click();
    element.querySelector<HTMLButtonElement>('button[data-action="reset"]')!.click();
  });
  await page.waitForTimeout(3_000); // Long enough for the editor to have loaded.
  await expect(region.locator('.monaco-editor, textarea.pg-textarea')).toHaveCount(0);
  await expect(region.locator('.pg-static')).toBeVisible();
  // Edit still works afterwards.
  await button(region, 'Edit').click();
  await expect(region.locator('.monaco-editor').or(region.locator('textarea.pg-textarea'))).toBeVisible({ timeout: 20_000 });
});

test('the toolbar has exactly its seven buttons, and Copy copies the code', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  const names = await region.getByRole('group').getByRole('button').evaluateAll((buttons) => buttons.map((b) => b.textContent?.trim()));
  expect(names.sort()).toEqual(['Copy', 'Edit', 'Reset', 'Run', 'Run ×20', 'Share', 'Stop']);
  for (const name of names) await expect(button(region, name!)).toHaveCount(1);
  await button(region, 'Copy').click();
  await expect(region.locator('.pg-notice')).toHaveText(/copied/);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(readFileSync('src/content/docs/threads/examples/start-join.ts', 'utf8'));
});

test('Share without a clipboard shows the link itself', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } });
  });
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await button(region, 'Share').click();
  await expect(region.locator('.pg-notice')).toContainText('#run=threads');
});

test('a program past its time limit is reported as Timed out', async ({ page }) => {
  // No article example sets a short limit, so this page gets one: its example's options are
  // embedded in the HTML, where the playground reads them.
  await page.route('**/threads/overview/', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('"options":{}', '"options":{"timeout":1000}');
    await route.fulfill({ response, body });
  });
  await page.goto(threads);
  const region = playground(page, 'Start and join');
  await replaceCode(page, region, 'while (true) {}');
  await runAndWait(region, /Timed out/);
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

/** Serious or critical axe violations on the page, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Starlight's search button shows "Search Ctrl K" but is named "Search" (axe's
  // label-content-name-mismatch); that markup is Starlight's, not ours.
  const results = await new AxeBuilder({ page }).exclude('button[data-open-modal]').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// Eight threads (every thread colour), each printing a warning and an error line.
const noisyProgram = [
  'import { Thread } from "interleave";',
  'function noisy(i: number) { console.warn(`warning ${i}`); console.error(`error ${i}`); }',
  'console.warn("main warning");',
  'console.error("main error");',
  'const threads = [1, 2, 3, 4, 5, 6, 7].map((i) => new Thread({ target: noisy, args: [i], name: `noisy-${i}` }));',
  'for (const thread of threads) thread.start();',
  'for (const thread of threads) thread.join();',
].join('\n');

for (const theme of ['light', 'dark']) {
  test(`an article page has no serious accessibility violations (${theme} theme)`, async ({ page }) => {
    await page.addInitScript((chosen) => localStorage.setItem('starlight-theme', chosen), theme);
    await presetEdit(page, 'src/content/docs/synchronization/examples/lost-update.ts', noisyProgram);
    await page.goto(sync);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    expect(await seriousViolations(page)).toEqual([]);
    // And with warning and error lines in the output, in every thread colour.
    const region = playground(page, 'Lost updates');
    await runAndWait(region, /Finished in/);
    await expect(region.locator('.pg-line.pg-error')).toHaveCount(8);
    expect(await seriousViolations(page)).toEqual([]);
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
  } else {
    await expect(region.locator('.pg-edited')).toContainText('hog.push');
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
