import { attachVirtual } from './attach-virtual';
import { expect, snap, test } from './fixtures';

test('device logs stream live, filter by category, level and text, pause and export', async ({ page }) => {
  const card = await attachVirtual(page, 'photon-seed');
  await card.getByTestId('device-logs').click();
  await expect(page.getByTestId('logs-view')).toBeVisible();
  await page.getByTestId('logs-start').click();
  await expect(page.getByTestId('logs-stop')).toBeVisible();

  const list = page.getByTestId('logs-list');
  await expect.poll(async () => Number(await list.getAttribute('data-count')), { timeout: 60_000 }).toBeGreaterThan(3);
  await expect(page.getByTestId('operation-log')).toBeVisible();
  await snap(page, 'logs-1-streaming');

  const rows = page.getByTestId('log-line');
  const category = (await rows.first().getAttribute('data-category')) ?? '';
  await page.getByTestId('logs-category').selectOption(category);
  for (const c of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-category')))) expect(c).toBe(category);
  await snap(page, 'logs-2-category');

  await page.getByTestId('logs-category').selectOption('');
  await page.getByTestId('logs-level').selectOption('warn');
  for (const level of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-level')))) expect(['warn', 'error', 'panic']).toContain(level);
  await page.getByTestId('logs-level').selectOption('trace');

  await page.getByTestId('logs-text').fill('no line says this 0x5f3759df');
  await expect(list).toHaveAttribute('data-count', '0');
  await page.getByTestId('logs-text').fill('');
  await expect.poll(async () => Number(await list.getAttribute('data-count'))).toBeGreaterThan(0);
  await snap(page, 'logs-3-filtered');

  await page.getByTestId('logs-pause').click();
  await expect(page.getByTestId('logs-pause')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('logs-pause').click();
  await expect(page.getByTestId('logs-pause')).toHaveAttribute('aria-pressed', 'false');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('logs-export').click()]);
  expect(download.suggestedFilename().length).toBeGreaterThan(0);
  await page.getByTestId('logs-stop').click();
  await expect(page.getByTestId('logs-start')).toBeVisible();
  await snap(page, 'logs-4-exported');
});
