import { defineConfig } from '@playwright/test';

// Run by scripts/e2e.sh, which starts the real server on BASE_URL with a fresh, seeded database.
export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  // A failed test is retried once and then reported as "flaky" in the output (never hidden); a
  // test that fails twice fails the run. (The blocked-stream test that once needed this routed
  // requests, which turns the browser's cache off: every navigation fetched and compiled the
  // 15 MB debug WASM again and hydration could take over 20 s. It now blocks the stream in the
  // page instead.)
  retries: 1,
  // The list for people; the JSON report for scripts/e2e-digest.mjs, which prints a short
  // summary of the failures last (CI keeps only the tail of a run's output).
  reporter: [['list'], ['json', { outputFile: './test-results/report.json' }]],
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
        // Containers often give /dev/shm 64 MB: use /tmp for shared memory instead.
        '--disable-dev-shm-usage',
      ],
    },
  },
});
