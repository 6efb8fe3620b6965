import { expect, test, type Page } from '@playwright/test';
import { isolationHeaders } from '../../src/site/isolation-headers.mjs';
import { sidebar } from '../../src/site/sidebar.mjs';
import { watch } from './watch';

// The production build under `astro preview`, with the base path /interleave/ (see
// playwright.config.ts). Paths in goto() are relative to baseURL, so they must not start with /.
const article = 'threads/overview/';

/** Every internal link in the sidebar, as absolute paths. */
async function sidebarLinks(page: Page) {
  const hrefs = await page
    .locator('nav.sidebar .sidebar-content a[href]')
    .evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href));
  return [...new Set(hrefs.map((href) => new URL(href)).filter((url) => url.origin === new URL(page.url()).origin))].map(
    (url) => url.pathname,
  );
}

/** Page paths from the sitemap, rewritten from the configured site to the test server. */
async function sitemapPaths(page: Page, baseURL: string) {
  const index = await page.request.get('sitemap-index.xml');
  expect(index.status()).toBe(200);
  const sitemaps = [...(await index.text()).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  const paths: string[] = [];
  for (const sitemap of sitemaps) {
    const response = await page.request.get(new URL(sitemap, baseURL).href);
    expect(response.status(), sitemap).toBe(200);
    paths.push(...[...(await response.text()).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname));
  }
  return paths;
}

test('the landing page renders with its title and the article groups', async ({ page }) => {
  const { problems } = watch(page);
  const response = await page.goto('./');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Interleave/);
  await expect(page.locator('h1').first()).toHaveText('Interleave');
  for (const group of sidebar) {
    // One card per group, each with a link into the group's folder.
    const card = page.locator('article.card').filter({ has: page.getByText(group.label, { exact: true }) });
    await expect(card, group.label).toHaveCount(1);
    const directory = group.items[0].autogenerate.directory;
    await expect(card.locator('a')).toHaveAttribute('href', new RegExp(`${directory}/`));
  }
  expect(problems).toEqual([]);
});

test('every sidebar link resolves under the base path', async ({ page, baseURL }) => {
  await page.goto(article);
  const links = await sidebarLinks(page);
  // Six groups, at least one article each.
  expect(links.length).toBeGreaterThanOrEqual(sidebar.length);
  const groupLabels = await page.locator('nav.sidebar details summary').allInnerTexts();
  expect(groupLabels.map((label) => label.trim())).toEqual(sidebar.map((group) => group.label));
  const base = new URL(baseURL!).pathname;
  for (const path of links) {
    expect(path, 'an internal link outside the base path').toMatch(new RegExp(`^${base}`));
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(200);
    expect(await response.text(), path).not.toContain('This page does not exist');
  }
});

test("every link in a page's head resolves (favicon, stylesheets, sitemap)", async ({ page }) => {
  for (const path of ['./', article]) {
    await page.goto(path);
    const hrefs = await page
      .locator('head link[href]')
      .evaluateAll((links) => links.map((link) => (link as HTMLLinkElement).href));
    const local = [...new Set(hrefs)].filter((href) => new URL(href).origin === new URL(page.url()).origin);
    expect(local.length).toBeGreaterThan(0);
    for (const href of local) expect((await page.request.get(href)).status(), href).toBe(200);
  }
});

test('the sitemap lists the landing page and every sidebar article', async ({ page, baseURL }) => {
  await page.goto(article);
  const links = await sidebarLinks(page);
  const paths = await sitemapPaths(page, baseURL!);
  const base = new URL(baseURL!).pathname;
  expect(paths).toContain(base);
  for (const link of links) expect(paths).toContain(link);
});

test('Pagefind search finds an article by a word from it', async ({ page }) => {
  const { problems } = watch(page);
  await page.goto(article);
  // The article's longest word, which is unlikely to be on every page.
  const text = await page.locator('main .sl-markdown-content').innerText();
  const word = [...new Set(text.match(/[A-Za-z]{6,}/g) ?? [])].sort((a, b) => b.length - a.length)[0];
  expect(word, 'a word to search for').toBeTruthy();

  await page.goto('./');
  await page.locator('site-search button[data-open-modal]').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.locator('input.pagefind-ui__search-input').fill(word);
  const results = dialog.locator('.pagefind-ui__result-link');
  await expect(results.first()).toBeVisible({ timeout: 10_000 });
  const hrefs = await results.evaluateAll((links) => links.map((link) => new URL((link as HTMLAnchorElement).href).pathname));
  expect(hrefs, `results for "${word}"`).toContain(new URL(article, page.url()).pathname);
  // Following the result opens the article.
  await results.and(page.locator(`[href*="${article}"]`)).first().click();
  await expect(page).toHaveURL(new RegExp(`${article}$`));
  expect(problems).toEqual([]);
});

/** Isolated by the server's headers alone: at once, with no reload and no service worker. */
async function expectIsolatedByHeaders(page: Page, navigations: string[], path: string) {
  expect(await page.evaluate(() => crossOriginIsolated), path).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer), path).toBe('function');
  expect(navigations, `${path}: no reload`).toHaveLength(1);
  const workers = await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);
  expect(workers, `${path}: no service worker`).toBe(0);
}

test('an article is cross-origin isolated under astro preview', async ({ page }) => {
  const { navigations } = watch(page);
  const response = await page.goto(article);
  const headers = response!.headers();
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
  for (const [name, value] of Object.entries(isolationHeaders)) expect(headers[name.toLowerCase()], name).toBe(value);
  await page.waitForLoadState('load');
  await expectIsolatedByHeaders(page, navigations, article);
  // Memory really is shared with a worker, and Atomics.wait works there.
  const seen = await page.evaluate(async () => {
    const memory = new Int32Array(new SharedArrayBuffer(8));
    const source = `onmessage = ({ data }) => { Atomics.wait(data, 1, 0, 1000); Atomics.store(data, 0, 42); postMessage('done'); };`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    const done = new Promise((resolve) => (worker.onmessage = resolve));
    worker.postMessage(memory);
    Atomics.store(memory, 1, 1);
    Atomics.notify(memory, 1);
    await done;
    worker.terminate();
    return Atomics.load(memory, 0);
  });
  expect(seen).toBe(42);
});

test('an unknown path gets the custom 404 page', async ({ page, baseURL }) => {
  const missing = 'no-such-page/';
  const { problems } = watch(page, { allowStatus: [new URL(missing, baseURL).pathname] });
  const response = await page.goto(missing);
  expect(response?.status()).toBe(404);
  await expect(page).toHaveTitle(/Page not found/);
  await expect(page.getByRole('heading', { name: 'This page does not exist' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', new URL(baseURL!).pathname);
  expect(problems).toEqual([]);
});

test('no page logs an error or has a failed request', async ({ page, baseURL }) => {
  const paths = await sitemapPaths(page, baseURL!);
  expect(paths.length).toBeGreaterThan(1);
  for (const path of paths) {
    const { problems, navigations, stop } = watch(page);
    const response = await page.goto(path, { waitUntil: 'load' });
    expect(response?.status(), path).toBe(200);
    await page.waitForLoadState('networkidle');
    await expectIsolatedByHeaders(page, navigations, path);
    expect(problems, path).toEqual([]);
    stop();
  }
});

test('the theme select switches between light and dark, and remembers the choice', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(article);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  const select = page.locator('starlight-theme-select select').filter({ visible: true });
  await expect(select).toHaveCount(1);
  await select.selectOption('dark');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await select.selectOption('light');
  await expect(html).toHaveAttribute('data-theme', 'light');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(darkBackground);
  await select.selectOption('dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('starlight-theme-select select').filter({ visible: true })).toHaveValue('dark');
});
