import { expect, test as base, type Page } from '@playwright/test';
import { startStaticServer } from '../support/static-server.mjs';
import { watch } from './watch';

// The built dist/ served like GitHub Pages: a plain static server with NO isolation headers.
// Isolation must then come from public/coi-sw.js, registered by src/site/register-isolation.js,
// with at most one reload, and never a reload loop.

type StaticServer = Awaited<ReturnType<typeof startStaticServer>>;

/** The build under test; E2E_DIST points elsewhere when dist/ is someone else's build. */
const root = process.env.E2E_DIST ?? 'dist';

// A service worker that takes control but adds no headers: it cannot make the page isolated.
const uselessWorker = `
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', () => {});
`;

const test = base.extend<object, { site: StaticServer; uselessSite: StaticServer }>({
  site: [
    async ({}, use, workerInfo) => {
      const server = await startStaticServer({ root, base: new URL(workerInfo.project.use.baseURL!).pathname });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  uselessSite: [
    async ({}, use, workerInfo) => {
      const basePath = new URL(workerInfo.project.use.baseURL!).pathname;
      const server = await startStaticServer({
        root,
        base: basePath,
        overrides: { [`${basePath}coi-sw.js`]: { body: uselessWorker, type: 'text/javascript' } },
      });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
});

const article = 'threads/overview/';
const other = 'synchronization/overview/';

const isolated = (page: Page) => page.evaluate(() => crossOriginIsolated).catch(() => undefined);

/** Waits long enough for a (wrong) further reload to have started. */
const settle = (page: Page) => page.waitForTimeout(1_000);

test('the static build becomes isolated through the service worker after one reload', async ({ page, site }) => {
  const { problems, navigations } = watch(page);
  const response = await page.goto(site.url + article);
  expect(response?.headers()['cross-origin-embedder-policy'], 'the static server must not send COEP').toBeUndefined();

  await expect.poll(() => isolated(page), { timeout: 10_000 }).toBe(true);
  await settle(page);
  expect(navigations, 'the first load and one reload').toHaveLength(2);
  expect(await isolated(page)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  expect(await page.evaluate(() => sessionStorage.getItem('interleave:isolation-reload'))).toBeNull();
  await expect(page.locator('h1')).toHaveText('Threads');

  // The next page in the tab is isolated at once, with no reload.
  await page.goto(site.url + other);
  expect(await isolated(page)).toBe(true);
  await settle(page);
  expect(navigations).toHaveLength(3);

  // So is a new tab of the same browser session: the worker is installed already.
  const second = await page.context().newPage();
  const secondWatch = watch(second);
  await second.goto(site.url + article);
  expect(await isolated(second)).toBe(true);
  await settle(second);
  expect(secondWatch.navigations).toHaveLength(1);

  expect(problems).toEqual([]);
  expect(secondWatch.problems).toEqual([]);
});

test('a service worker that cannot isolate causes at most one reload', async ({ page, uselessSite }) => {
  const { problems, navigations } = watch(page);
  await page.goto(uselessSite.url + article);
  // It takes control, the page reloads once onto it, is still not isolated, and stays put.
  await expect.poll(() => navigations.length, { timeout: 10_000 }).toBe(2);
  await page.waitForLoadState('load');
  await settle(page);
  expect(navigations).toHaveLength(2);
  expect(await isolated(page)).toBe(false);
  await expect(page.locator('h1')).toHaveText('Threads');
  // Further pages in the tab do not reload either.
  await page.goto(uselessSite.url + other);
  await settle(page);
  expect(navigations).toHaveLength(3);
  await expect(page.locator('h1')).toHaveText('Synchronization');
  expect(problems).toEqual([]);
});

test('with service workers blocked the page stays readable and does not reload', async ({ browser, site }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const { problems, navigations } = watch(page);
    await page.goto(site.url + article);
    await page.waitForLoadState('load');
    await settle(page);
    expect(navigations).toHaveLength(1);
    expect(await isolated(page)).toBe(false);
    await expect(page.locator('h1')).toHaveText('Threads');
    await expect(page.locator('main .sl-markdown-content')).toContainText('thread');
    // A live example says at once, plainly, why it cannot run and what the host must set; its
    // Run button stays, disabled.
    const playground = page.getByRole('region', { name: /^Playground: / }).first();
    await expect(playground.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
    const status = playground.getByRole('status');
    await expect(status).toContainText('Error: Live examples cannot run here');
    await expect(status).toContainText('Cross-Origin-Embedder-Policy: require-corp');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
