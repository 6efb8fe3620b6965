import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions, describeChromium } from './tests/support/chromium.mjs';

// End-to-end tests of the PRODUCTION build, under a base path (as on GitHub Pages), in a
// Chromium found without downloads (tests/support/chromium.mjs).
//
// `npx playwright test` is self-contained: the webServer command builds the site with
// BASE_PATH=/interleave/ and then serves dist/ with `astro preview` (which sends the isolation
// headers). E2E_SKIP_BUILD=1 skips the build and serves the dist/ that is there. E2E_DIST=DIR
// serves DIR instead (built with BASE_PATH=/interleave/, e.g. `astro build --outDir DIR`) with
// a plain static server that sends the same headers, so several checkouts or engineers can test
// side by side (pick a free E2E_PORT too).
// The header-less static server for the service-worker tests is started by those tests.
const basePath = '/interleave/';
const port = Number(process.env.E2E_PORT ?? 4329);
const origin = `http://127.0.0.1:${port}`;

const launchOptions = chromiumLaunchOptions();
// The config is loaded by the runner and by every worker; say which browser once.
if (!process.env.TEST_WORKER_INDEX) console.log(describeChromium());

const build = process.env.E2E_SKIP_BUILD ? '' : 'npx astro build && ';
const dist = process.env.E2E_DIST;
if (process.env.E2E_SKIP_BUILD && !dist && !process.env.TEST_WORKER_INDEX) {
  // A dist/ built without the base path would only show up as a webServer timeout.
  const file = new URL('./dist/index.html', import.meta.url);
  const index = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (!index.includes(`href="${basePath}`)) {
    throw new Error(`E2E_SKIP_BUILD: dist/ is missing or not built with BASE_PATH=${basePath}.`);
  }
}

export default defineConfig({
  testDir: 'tests/e2e',
  // One test at a time: several playground tests deliberately peg every core (floods, infinite
  // loops, thread bombs), and the page's responsiveness they assert means nothing while another
  // test's browser competes for the same two cores.
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    baseURL: `${origin}${basePath}`,
    launchOptions,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: dist
      ? `node tests/support/static-server.mjs ${dist} ${basePath} ${port} isolated`
      : `${build}npx astro preview --host 127.0.0.1 --port ${port}`,
    url: `${origin}${basePath}`,
    env: { BASE_PATH: basePath, ASTRO_TELEMETRY_DISABLED: '1' },
    // Always our own fresh build: an already running preview may serve something else.
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
