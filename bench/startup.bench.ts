import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startHostProcess } from '../e2e/host-process';

/**
 * Time to the first interactive screen in browser mode: navigation start to the moment the renderer
 * has its device list (the app marks `particle-rescue:interactive`), measured in Debian's Chromium
 * against the built rescue host. Needs `npm run build` first.
 */
export async function run(print: (line: string) => void): Promise<void> {
  const executablePath = process.env.PARTICLE_RESCUE_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync('dist/electron/host/start-host.js') || !existsSync(executablePath)) {
    print('skipped: needs `npm run build` and Chromium at /usr/bin/chromium (or PARTICLE_RESCUE_CHROMIUM)');
    return;
  }
  const host = await startHostProcess();
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(host.url);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
      samples.push(await page.evaluate(() => performance.getEntriesByName('particle-rescue:interactive')[0]?.startTime ?? Number.NaN));
      await context.close();
    }
    const sorted = [...samples].sort((a, b) => a - b);
    print(`time to first interactive screen (browser mode, 5 cold page loads): median ${sorted[2].toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[4].toFixed(0)} ms`);
  } finally {
    await browser.close();
    await host.stop();
  }
}
