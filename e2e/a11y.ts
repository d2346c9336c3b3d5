import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { snap } from './fixtures';

/**
 * Runs axe on the screen as it is, in the light and the dark theme, and keeps a screenshot of each.
 * Any violation fails the test with its rule, impact and the elements it found.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const original = await page.evaluate(() => document.documentElement.dataset.theme ?? '');
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, theme);
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    await snap(page, `${name}-${theme}`);
    expect(found, `axe on "${name}" in the ${theme} theme`).toEqual([]);
  }
  await page.evaluate((t) => {
    if (t) document.documentElement.dataset.theme = t;
  }, original);
}
