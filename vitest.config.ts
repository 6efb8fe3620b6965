import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { isolationHeaders } from './src/site/isolation-headers.mjs';
import { chromiumLaunchOptions } from './tests/support/chromium.mjs';

// Two projects:
// - unit: tests/unit/**, in Node (threads are worker_threads);
// - browser: tests/browser/**, in real Chromium through Vitest browser mode (threads are Web
//   Workers). Its server sends the isolation headers, without which SharedArrayBuffer does not
//   exist. The Chromium is found without downloads (tests/support/chromium.mjs).
// `npx vitest run --project unit` runs only the Node tests, and still runs when no Chromium can
// be found (the browser project then fails with the reason).
function launchOptions() {
  try {
    return chromiumLaunchOptions();
  } catch (error) {
    console.warn(`Browser tests cannot run: ${(error as Error).message}`);
    return undefined;
  }
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          // Tests start real workers and processes; on a busy 2-core machine 5 s is too tight.
          testTimeout: 30_000,
        },
      },
      {
        server: { headers: isolationHeaders },
        test: {
          name: 'browser',
          // The codec also runs here: Chromium refuses shared memory in TextEncoder/TextDecoder,
          // a path Node never takes.
          include: ['tests/browser/**/*.test.ts', 'tests/unit/value-codec.test.ts'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: launchOptions() }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
