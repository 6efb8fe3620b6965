import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page, type Response } from '@playwright/test';
import { watch } from './watch';

// The playground's Monaco editor (src/playground/monaco-editor.ts) in the production build.
// Nothing here waits for a program to finish: only the editor's own behaviour is checked.
// Starting TypeScript's worker (7 MB of script) and type-checking takes seconds on a busy machine.
test.describe.configure({ timeout: 60_000 });

const threadsArticle = 'threads/overview/';
const syncArticle = 'synchronization/overview/';

/** The first line of the TSDoc of `class Thread`: the hover must show the runtime's own docs. */
function threadDoc(): string | undefined {
  const source = readFileSync('src/runtime/thread.ts', 'utf8');
  const declaration = source.indexOf('export class Thread');
  const comment = source.slice(source.lastIndexOf('/**', declaration) + 3, source.lastIndexOf('*/', declaration));
  return comment
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .find(Boolean);
}

/** Monaco's code says MonacoEnvironment; its CSS styles .monaco-editor. Nothing else does. */
async function isMonaco(response: Response): Promise<boolean> {
  const type = response.headers()['content-type'] ?? '';
  if (!/javascript|css/.test(type) || response.status() !== 200) return false;
  const body = await response.text().catch(() => '');
  return type.includes('css') ? body.includes('.monaco-editor') : body.includes('MonacoEnvironment');
}

/** Every response of the page, kept so that tests can look at the bodies. */
function recordResponses(page: Page): Response[] {
  const responses: Response[] = [];
  page.on('response', (response) => responses.push(response));
  return responses;
}

async function monacoResponses(responses: Response[]): Promise<string[]> {
  const found: string[] = [];
  for (const response of responses) if (await isMonaco(response)) found.push(new URL(response.url()).pathname);
  return found;
}

/** Clicks Edit in `playground` and returns its editor once it shows. */
async function openEditor(playground: Locator): Promise<Locator> {
  await playground.locator('button[data-action="edit"]').click();
  const editor = playground.locator('.pg-editor .monaco-editor').first();
  await expect(editor).toBeVisible({ timeout: 15_000 });
  await expect(editor.locator('.view-lines')).not.toBeEmpty();
  return editor;
}

/** The code as the editor draws it (Monaco draws spaces as no-break spaces). */
async function shownCode(editor: Locator): Promise<string> {
  return (await editor.locator('.view-lines').innerText()).replaceAll('\u00a0', ' ');
}

/** Moves the cursor to the end of the code and types `text` there. */
async function typeAtEnd(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

/**
 * Waits until the editor shows error squiggles, all of them on the line showing `text`. Measured
 * in one go in the page: Monaco redraws its lines whenever decorations change.
 */
async function expectErrorsOnlyOnLine(editor: Locator, text: string): Promise<void> {
  const where = () =>
    editor.evaluate((root, text) => {
      const line = [...root.querySelectorAll('.view-lines .view-line')].find((candidate) =>
        candidate.textContent?.replaceAll('\u00a0', ' ').includes(text),
      );
      const squiggles = [...root.querySelectorAll('.squiggly-error')];
      if (!line) return `no line shows ${text}`;
      if (squiggles.length === 0) return 'no error squiggle yet';
      const { top, bottom } = line.getBoundingClientRect();
      const away = squiggles.filter((squiggle) => {
        const box = squiggle.getBoundingClientRect();
        const middle = box.top + box.height / 2;
        return middle < top || middle > bottom;
      });
      return away.length === 0 ? 'all on the line' : `${away.length} error squiggle(s) on other lines`;
    }, text);
  await expect.poll(where, { timeout: 30_000 }).toBe('all on the line');
}

/** Points at the first error squiggle (it lies under the text, so by position) until a hover shows. */
async function hoverFirstError(page: Page, editor: Locator): Promise<Locator> {
  const hover = page.locator('.monaco-hover:visible');
  await expect(async () => {
    const box = await editor.locator('.squiggly-error').first().evaluate((squiggle) => squiggle.getBoundingClientRect().toJSON());
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect(hover).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  return hover;
}

test('the first page load requests no part of Monaco', async ({ page }) => {
  const { problems } = watch(page);
  const responses = recordResponses(page);
  await page.goto(threadsArticle, { waitUntil: 'networkidle' });
  // Pointing at a playground warms the runner; it must not fetch the editor.
  await page.locator('interleave-playground').first().hover();
  await page.waitForLoadState('networkidle');
  expect(await monacoResponses(responses)).toEqual([]);
  expect(problems).toEqual([]);
});

test('Edit loads the editor with the example, highlighted and styled', async ({ page }) => {
  const { problems } = watch(page);
  const responses = recordResponses(page);
  await page.goto(threadsArticle);
  const playground = page.locator('interleave-playground').first();
  const editor = await openEditor(playground);

  expect(await monacoResponses(responses), 'Monaco arrives only now').not.toEqual([]);
  const code = await shownCode(editor);
  expect(code).toContain('import { Thread, currentThread, sleep } from "interleave";');
  expect(code).toContain('function greet(delayMs: number) {');
  await expect(editor).toHaveAttribute('class', /\bvs(-dark)?\b/);
  // The editing surface (EditContext in Chromium) has the playground's name and the focus.
  const input = editor.getByRole('textbox');
  await expect(input).toHaveAccessibleName('Code of Start and join');
  await expect(input).toBeFocused();

  // Highlighting: the tokens of the import line come in several colours.
  await expect
    .poll(() =>
      editor.evaluate((root) => {
        const tokens = [...root.querySelectorAll('.view-line span span')];
        return new Set(tokens.map((token) => getComputedStyle(token).color)).size;
      }),
    )
    .toBeGreaterThanOrEqual(3);
  // Monaco's stylesheet is applied (a production build once dropped the CSS of lazy chunks):
  // these come only from its CSS, never from inline styles.
  const styles = await editor.evaluate((root) => ({
    editor: getComputedStyle(root).position,
    lineNumbers: getComputedStyle(root.querySelector('.line-numbers')!).textAlign,
  }));
  expect(styles).toEqual({ editor: 'relative', lineNumbers: 'right' });
  expect(problems).toEqual([]);
});

test('typing changes the code and a type error gets a marker', async ({ page }) => {
  await page.goto(threadsArticle);
  const playground = page.locator('interleave-playground').first();
  const editor = await openEditor(playground);
  await typeAtEnd(page, editor, '\nconst oops: number = "not a number";');
  await expect(playground).toHaveAttribute('data-edited', '');
  await expect.poll(() => shownCode(editor)).toContain('const oops: number = "not a number";');
  // The playground keeps the edited text (it runs and saves that).
  await expect(playground.locator('.pg-edited code')).toContainText('const oops: number = "not a number";');
  // Only the mistake is marked: the example itself type-checks against the interleave API.
  await expectErrorsOnlyOnLine(editor, 'const oops');
});

test('a misspelled API is an error, and hovering Thread shows its TSDoc', async ({ page }) => {
  await page.goto(threadsArticle);
  const playground = page.locator('interleave-playground').first();
  const editor = await openEditor(playground);
  await typeAtEnd(page, editor, '\ncurrentThread().jion();');
  await expectErrorsOnlyOnLine(editor, 'jion');

  await page.keyboard.press('Escape');
  await editor.locator('.view-line span span', { hasText: /^Thread$/ }).first().hover();
  const hover = page.locator('.monaco-hover:visible');
  await expect(hover).toContainText('class Thread', { timeout: 20_000 });
  const doc = threadDoc();
  expect(doc, 'class Thread has a TSDoc comment').toBeTruthy();
  await expect(hover).toContainText(doc!);
});

test('completion lists the interleave API', async ({ page }) => {
  await page.goto(threadsArticle);
  const editor = await openEditor(page.locator('interleave-playground').first());
  await typeAtEnd(page, editor, '\nthreads[0].');
  const suggestions = page.locator('.suggest-widget .monaco-list-row');
  await expect(suggestions.filter({ hasText: /^join/ })).toHaveCount(1, { timeout: 20_000 });
  await expect(suggestions.filter({ hasText: /^start/ })).toHaveCount(1);
});

test('Ctrl+Enter runs the code, without adding a line', async ({ page }) => {
  await page.goto(threadsArticle);
  const playground = page.locator('interleave-playground').first();
  const editor = await openEditor(playground);
  const status = playground.locator('.pg-status');
  const before = await status.innerText();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+Enter');
  await expect(status).not.toHaveText(before);
  await expect(status).toHaveText(/Running…|Finished|Error|Stopped|Timed out|Deadlock/);
  await expect(playground).not.toHaveAttribute('data-edited');
});

test('an error from a run is marked where it happened', async ({ page }) => {
  await page.goto(threadsArticle);
  const playground = page.locator('interleave-playground').first();
  const editor = await openEditor(playground);
  // Type-correct, so the only marker can come from the run.
  await typeAtEnd(page, editor, '\nthrow new RangeError("out of range");');
  await playground.locator('button[data-action="run"]').click();
  await expect(playground.locator('.pg-status')).toHaveText(/^Error at line 16/, { timeout: 20_000 });
  await expectErrorsOnlyOnLine(editor, 'throw new RangeError');
  await expect(await hoverFirstError(page, editor)).toContainText('out of range');
});

test('Tab indents; Escape then Tab leaves the editor', async ({ page }) => {
  await page.goto(threadsArticle);
  const playground = page.locator('interleave-playground').first();
  const editor = await openEditor(playground);
  const input = editor.getByRole('textbox');
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Tab');
  await expect(input).toBeFocused();
  await expect(playground).toHaveAttribute('data-edited', '');

  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(input).not.toBeFocused();
  const focused = await page.evaluate(() => ({
    inEditor: !!document.activeElement?.closest('.monaco-editor'),
    body: document.activeElement === document.body,
  }));
  expect(focused).toEqual({ inEditor: false, body: false });

  // Back in the editor, Tab indents again.
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Tab');
  await expect(input).toBeFocused();
});

test('two playgrounds share one editor and each keeps its own code', async ({ page }) => {
  const { problems } = watch(page);
  await page.goto(syncArticle);
  const [first, second] = [page.locator('interleave-playground').nth(0), page.locator('interleave-playground').nth(1)];
  const firstEditor = await openEditor(first);
  await typeAtEnd(page, firstEditor, '\n// edited in the first');
  const secondEditor = await openEditor(second);
  await typeAtEnd(page, secondEditor, '\n// edited in the second');

  await expect(page.locator('.monaco-editor[role="code"]')).toHaveCount(1);
  await expect.poll(() => shownCode(secondEditor)).toContain('// edited in the second');
  await expect.poll(() => shownCode(secondEditor)).not.toContain('// edited in the first');
  // The first shows its own code, highlighted, while the editor is away.
  const away = first.locator('.pg-monaco-away');
  await expect(away).toContainText('// edited in the first');
  await expect(away).not.toContainText('// edited in the second');

  // Both examples declare `counter`, `times` and `addMany` at the top level: no clash.
  await typeAtEnd(page, secondEditor, '\nconst clash: string = 1;');
  await expectErrorsOnlyOnLine(secondEditor, 'const clash');

  // A click brings the editor back with the first example's code.
  await away.click();
  const back = first.locator('.pg-editor .monaco-editor');
  await expect(back).toBeVisible();
  await expect.poll(() => shownCode(back)).toContain('// edited in the first');
  await expect(second.locator('.pg-monaco-away')).toContainText('const clash: string = 1;');
  expect(problems).toEqual([]);
});

test('the editor follows the page theme, live', async ({ page }) => {
  await page.goto(threadsArticle);
  const editor = await openEditor(page.locator('interleave-playground').first());
  await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
  await expect(editor).toHaveClass(/\bvs\b/);
  await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
  await expect(editor).toHaveClass(/\bvs-dark\b/);
});

test('the editor grows with its code up to a limit, and fits a narrow screen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(threadsArticle);
  const playground = page.locator('interleave-playground').first();
  const editor = await openEditor(playground);
  const height = async () => (await editor.boundingBox())!.height;
  const initial = await height();
  await typeAtEnd(page, editor, '\n// one more line');
  await expect.poll(height).toBeGreaterThan(initial);
  await typeAtEnd(page, editor, '\n//'.repeat(60));
  await expect.poll(height).toBeLessThanOrEqual(740 * 0.7 + 1);
  const widths = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(widths, 'no sideways scrolling of the page').toBeLessThanOrEqual(360);
  expect((await editor.boundingBox())!.width).toBeLessThanOrEqual((await playground.boundingBox())!.width);
});

test('a double click on Edit opens one editor', async ({ page }) => {
  await page.goto(threadsArticle);
  const playground = page.locator('interleave-playground').first();
  await playground.locator('button[data-action="edit"]').dblclick();
  const editor = playground.locator('.pg-editor .monaco-editor');
  await expect(editor).toBeVisible({ timeout: 15_000 });
  await expect(playground.locator('.pg-monaco-away')).toHaveCount(0);
  await typeAtEnd(page, editor, '\n// still editable');
  await expect(playground.locator('.pg-edited code')).toContainText('// still editable');
});

test.describe('on a touch-only device', () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } });

  test('Edit gives a plain text box and loads no Monaco', async ({ page }) => {
    const responses = recordResponses(page);
    await page.goto(threadsArticle);
    const playground = page.locator('interleave-playground').first();
    await playground.locator('button[data-action="edit"]').tap();
    const box = playground.locator('textarea.pg-textarea');
    await expect(box).toBeVisible();
    await expect(box).toHaveAccessibleName('Code of Start and join');
    await page.waitForLoadState('networkidle');
    expect(await monacoResponses(responses)).toEqual([]);
  });
});
