import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Browser tests against the real server (started by global-setup.ts on a free port) with
 * Debian's Chromium: Playwright never downloads a browser here.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: process.env.CC_E2E_RESULTS ?? `${ROOT}test-results/e2e`,
  globalSetup: './global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  // In CI, one browser test at a time: steadier on a 2-core machine than racing for the cores.
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  forbidOnly: true,
  // The JSON report feeds .ci/run's closing "N passed, N failed" line.
  reporter: [['list'], ['json', { outputFile: process.env.CC_E2E_RESULTS ? `${process.env.CC_E2E_RESULTS}/playwright.json` : `${ROOT}test-results/playwright.json` }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
  },
});
