import { expect, type Locator, type Page } from '@playwright/test';

/** Plugs in a lab scenario from the Devices view, as a user would, and returns its card. */
export async function attachVirtual(page: Page, scenario: string): Promise<Locator> {
  await page.getByTestId('nav-devices').click();
  const offer = page.getByTestId('virtual-offer');
  if (!(await offer.isVisible())) await page.getByText('Demo: plug in another virtual device').click();
  await offer.getByTestId('scenario-select').selectOption(scenario);
  await offer.getByTestId('scenario-fast').check();
  await offer.getByTestId('attach-virtual').click();
  const card = page.locator(`[data-device-card][data-scenario="${scenario}"]`).last();
  await expect(card).toBeVisible();
  await expect(card.getByTestId('virtual-label')).toHaveText('Virtual device (demo)');
  return card;
}

/**
 * Waits for `done` while helping a long operation along: when the software route to DFU fails the
 * app shows the button guide, and on a virtual device the user "presses" them.
 */
export async function waitPressingButtons(page: Page, done: Locator, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A failed operation shows its message + fix; stop there so the report names it.
  const failed = page.locator('[role="alert"][data-code]');
  while (Date.now() < deadline) {
    if (await done.isVisible()) return;
    if (await failed.first().isVisible()) throw new Error(`operation failed: ${await failed.first().innerText()}`);
    const press = page.getByTestId('press-buttons-virtual');
    if ((await press.isVisible()) && (await press.isEnabled())) await press.click();
    await page.waitForTimeout(250);
  }
  await expect(done).toBeVisible({ timeout: 1 });
}
