import { defineConfig } from '@playwright/test';

// Browser mode is driven in Debian's Chromium; Playwright never downloads a browser here.
export default defineConfig({
  testDir: 'e2e',
  // tmp-guard warns about what a run leaves in the temp folder.
  globalSetup: ['./test-support/tmp-guard.mjs', './test-support/install-helper.ts'],
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: process.env['PLAYWRIGHT_JSON_OUTPUT_NAME'] ?? 'test-results/e2e.json' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env['STASIS_CHROMIUM'] ?? '/usr/bin/chromium',
      // The machine has no network: keep Chromium from reaching out at start-up.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
