import { defineConfig } from '@playwright/test';
import { findChromium } from '../scripts/find-chromium.cjs';

// PARTICLE_RESCUE_CHROMIUM, else /usr/bin/chromium, else Playwright's own browser; with none, stop
// before running anything with one line saying what to install.
const choice = findChromium();
if (!choice.path) {
  process.stderr.write(`e2e: ${choice.problem}\n`);
  process.exit(1);
}
const chromium = choice.path;

export default defineConfig({
  testDir: '.',
  outputDir: '../test-results/playwright',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '../test-results/playwright.json' }]],
  projects: [
    {
      name: 'browser-mode',
      testIgnore: /electron\.spec\.ts/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: chromium,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
        viewport: { width: 1280, height: 860 },
      },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts/ },
  ],
});
