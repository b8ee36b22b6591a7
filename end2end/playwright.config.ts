import { defineConfig } from '@playwright/test';

// Run by scripts/e2e.sh, which starts the real server on BASE_URL with a fresh, seeded database.
export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  // A failed test is retried once and then reported as "flaky" in the output (never hidden):
  // the blocked-stream test's page did not hydrate in 1 of 5 full runs here, cause not found
  // yet (see the issue 9 closing note). A test that fails twice fails the run.
  retries: 1,
  reporter: [['list']],
  use: {
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:3137',
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      // Debian's Chromium: Playwright must never download a browser of its own here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
