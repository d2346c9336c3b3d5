import { attachVirtual, waitPressingButtons } from './attach-virtual';
import { expect, snap, test } from './fixtures';

test('photon-seed is rescued through the wizard to breathing cyan, and its report exported', async ({ page }) => {
  await expect(page.getByTestId('devices-view')).toBeVisible();
  await snap(page, 'wizard-photon-seed-1-start');
  const card = await attachVirtual(page, 'photon-seed');
  await snap(page, 'wizard-photon-seed-2-device');

  await card.getByTestId('rescue-device').click();
  const diagnose = page.getByTestId('stage-diagnose');
  await expect(diagnose).toBeVisible();
  await expect(page.getByRole('heading', { name: /What is your LED doing/ })).toBeFocused();
  // The trainee compares the virtual LED with the picker and takes that pattern.
  await page.getByTestId('look-at-virtual-led').click();
  await page.getByTestId('virtual-led-state').getByRole('button', { name: 'Use this pattern' }).click();
  await expect(page.getByTestId('led-detail')).toBeVisible();
  await snap(page, 'wizard-photon-seed-3-led');

  await page.getByTestId('run-diagnosis').click();
  const plan = page.getByTestId('stage-plan');
  await expect(plan).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('diagnosis-summary')).not.toBeEmpty();
  await expect(page.getByTestId('plan-step-repair-keys')).toHaveAttribute('data-action', 'run');
  await snap(page, 'wizard-photon-seed-4-plan');

  await page.getByTestId('start-rescue').click();
  await expect(page.getByTestId('stage-rescue')).toBeVisible();
  await snap(page, 'wizard-photon-seed-5-rescue');
  const verifyResult = page.getByTestId('verify-result');
  await waitPressingButtons(page, verifyResult, 110_000);
  await expect(verifyResult).toHaveAttribute('data-cloud-status', 'connected');
  await expect(page.getByTestId('verify-led')).toHaveAttribute('data-pattern-id', 'breathing-cyan');
  await snap(page, 'wizard-photon-seed-6-verified');

  await page.getByTestId('open-report').click();
  const report = page.getByTestId('report');
  await expect(report).toBeVisible();
  await expect(report).toHaveAttribute('data-outcome', 'rescued');
  const [markdown] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-export-markdown').click()]);
  expect(markdown.suggestedFilename()).toMatch(/\.md$/);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-export-json').click()]);
  expect(json.suggestedFilename()).toMatch(/\.json$/);
  const jsonPath = await json.path();
  const parsed = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(jsonPath, 'utf8')));
  expect(parsed.outcome).toBe('rescued');
  await snap(page, 'wizard-photon-seed-7-report');
});

test('electron-seed keys are repaired with one click from its device card', async ({ page }) => {
  const card = await attachVirtual(page, 'electron-seed');
  await snap(page, 'repair-electron-seed-1-device');
  await card.getByTestId('repair-keys').click();
  await expect(card.getByTestId('repair-confirm')).toBeVisible();
  await snap(page, 'repair-electron-seed-2-confirm');
  await card.getByTestId('repair-confirm-yes').click();
  await expect(card.getByTestId('repair')).toBeVisible();
  await snap(page, 'repair-electron-seed-3-progress');
  const result = card.getByTestId('repair-result');
  await waitPressingButtons(page, result, 110_000);
  await expect(result).toHaveAttribute('data-action', /generated|restored-from-backup/);
  await expect(card.getByTestId('slot-hashes')).toContainText('changed');
  await snap(page, 'repair-electron-seed-4-done');

  // The repair backed the configuration area up first; the backup checks out against its manifest.
  await page.getByTestId('nav-backups').click();
  const backup = page.getByTestId('backup-list').locator('li.backup').first();
  await expect(backup).toBeVisible();
  await backup.getByTestId('backup-verify').click();
  await expect(backup.getByTestId('backup-check')).toHaveAttribute('data-ok', 'true');
  await snap(page, 'repair-electron-seed-5-backup');
});

test('keyboard only: pick the LED pattern with the arrow keys and diagnose', async ({ page }) => {
  const card = await attachVirtual(page, 'photon-no-wifi');
  await card.getByTestId('rescue-device').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /What is your LED doing/ })).toBeFocused();
  const tabUntil = async (matches: () => Promise<boolean>) => {
    for (let i = 0; i < 60 && !(await matches()); i++) await page.keyboard.press('Tab');
    expect(await matches()).toBe(true);
  };
  await tabUntil(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'radio'));
  await page.keyboard.press('ArrowDown');
  const picked = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
  await expect(page.getByTestId('led-detail')).toHaveAttribute('data-pattern-id', picked);
  await snap(page, 'keyboard-1-led');
  await tabUntil(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'run-diagnosis'));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /The diagnosis and the plan/ })).toBeFocused({ timeout: 60_000 });
  await snap(page, 'keyboard-2-plan');
});

test('photon-no-wifi is diagnosed as listening mode with Wi-Fi advice', async ({ page }) => {
  const card = await attachVirtual(page, 'photon-no-wifi');
  await card.getByTestId('rescue-device').click();
  await expect(page.getByTestId('stage-diagnose')).toBeVisible();
  // The user recognises the slow dark-blue blinking in the picker.
  await page.getByTestId('led-option-blinking-blue').click();
  await expect(page.getByTestId('led-detail')).toContainText('Listening mode');
  await expect(page.getByTestId('led-remedy')).toContainText('Wi-Fi credentials');
  await snap(page, 'no-wifi-1-led');
  await page.getByTestId('run-diagnosis').click();
  await expect(page.getByTestId('stage-plan')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('diagnosis-summary')).toContainText(/listening mode/i);
  await expect(page.getByTestId('plan-step-wifi')).toHaveAttribute('data-action', 'manual');
  await expect(page.getByTestId('manual-wifi')).toContainText('particle serial wifi');
  await expect(page.getByTestId('plan-step-repair-keys')).toHaveAttribute('data-action', 'skip');
  await snap(page, 'no-wifi-2-diagnosis');
});

test('photon-bad-system: the plan reinstalls Device OS first and asks for its files', async ({ page }) => {
  const card = await attachVirtual(page, 'photon-bad-system');
  await card.getByTestId('rescue-device').click();
  await page.getByTestId('led-option-blinking-yellow').click();
  await page.getByTestId('run-diagnosis').click();
  await expect(page.getByTestId('stage-plan')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('plan-step-reflash-os')).toHaveAttribute('data-action', 'run');
  const order = await page.getByTestId('plan').locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-testid')));
  expect(order.indexOf('plan-step-reflash-os')).toBeLessThan(order.indexOf('plan-step-repair-keys'));
  await expect(page.getByTestId('firmware-os')).toBeVisible();
  await snap(page, 'bad-system-1-plan');
});
