import { test as base, expect } from '@playwright/test';
import { startHostProcess, type HostProcess } from './host-process';

/** Every test gets its own rescue host + device lab (fresh state) and a page already on the app. */
export const test = base.extend<{ host: HostProcess }>({
  host: async ({}, use) => {
    const host = await startHostProcess();
    await use(host);
    await host.stop();
  },
  page: async ({ page, host }, use) => {
    await page.goto(host.url);
    await use(page);
  },
});

export { expect };

/** Screenshots per step land in test-results/ for people to look at. */
export async function snap(page: import('@playwright/test').Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
}
