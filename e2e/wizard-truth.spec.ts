import { expectAccessible } from './a11y';
import { attachVirtual, waitPressingButtons } from './attach-virtual';
import { expect, snap, test } from './fixtures';
import { startHostProcess } from './host-process';

test('photon-bad-system without files: the app fetches the right Device OS from the cloud itself, and the step shows what it measured', async ({ page }) => {
  const card = await attachVirtual(page, 'photon-bad-system');
  await card.getByTestId('rescue-device').click();
  await page.getByTestId('led-option-blinking-yellow').click();
  await page.getByTestId('run-diagnosis').click();
  await expect(page.getByTestId('stage-plan')).toBeVisible({ timeout: 60_000 });
  await expectAccessible(page, 'truth-bad-system-1-plan');
  await page.getByTestId('start-rescue').click();
  const verifyResult = page.getByTestId('verify-result');
  await waitPressingButtons(page, verifyResult, 110_000);
  await expect(verifyResult).toHaveAttribute('data-cloud-status', 'connected');
  await expectAccessible(page, 'truth-bad-system-2-verified');
  // Done only because the release was downloaded, verified, written and the restarted device reports every module valid.
  await page.getByTestId('open-report').click();
  const report = page.getByTestId('report');
  await expect(report).toContainText(/Installed Device OS .*downloaded and verified.*every module valid/);
  await snap(page, 'truth-bad-system-3-report');
});

test('cancel during verify, on a read-only station', async ({ browser }) => {
  const host = await startHostProcess(['--station', '--read-only', '--scenario', 'photon-private-cloud']);
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    const card = page.locator('[data-device-card][data-scenario="photon-private-cloud"]');
    await expect(card).toBeVisible();
    await card.getByTestId('rescue-device').click();
    await page.getByTestId('run-diagnosis').click();
    await expect(page.getByTestId('stage-plan')).toBeVisible({ timeout: 60_000 });
    // Writing is off here, and the plan says so in words.
    await expect(page.getByTestId('start-rescue')).toBeDisabled();
    await expect(page.getByTestId('read-only-reason')).toContainText('only diagnoses and reads');
    await expectAccessible(page, 'truth-cancel-verify-1-read-only-plan');
    await page.getByTestId('check-only').click();
    await expect(page.getByTestId('stage-verify')).toBeVisible();
    const cancel = page.getByTestId('verify-cancel');
    await expect(cancel).toBeEnabled();
    await expect(page.getByTestId('verify-progress-left')).toContainText('left');
    await snap(page, 'truth-cancel-verify-2-waiting');
    await cancel.click();
    await expect(page.getByTestId('verify-cancelled')).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId('verify-result')).toHaveCount(0);
    await expectAccessible(page, 'truth-cancel-verify-3-cancelled');
  } finally {
    await context.close();
    await host.stop();
  }
});

test('a second rescue of the same device starts a fresh wizard', async ({ page }) => {
  const card = await attachVirtual(page, 'photon-seed');
  await card.getByTestId('rescue-device').click();
  await page.getByTestId('run-diagnosis').click();
  await expect(page.getByTestId('stage-plan')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('start-rescue').click();
  const verifyResult = page.getByTestId('verify-result');
  await waitPressingButtons(page, verifyResult, 110_000);
  await expect(verifyResult).toHaveAttribute('data-cloud-status', 'connected');
  // The badge follows the measurement.
  await page.getByTestId('nav-devices').click();
  await expect(card.getByTestId('health-badge')).toHaveAttribute('data-health', 'healthy');
  await snap(page, 'truth-second-rescue-1-healthy-badge');

  await card.getByTestId('rescue-device').click();
  await expect(page.getByTestId('stage-diagnose')).toBeVisible();
  await expect(page.getByTestId('stage-verify')).toHaveCount(0);
  await page.getByTestId('run-diagnosis').click();
  await expect(page.getByTestId('stage-plan')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('plan-step-repair-keys')).toHaveAttribute('data-action', 'skip');
  await expectAccessible(page, 'truth-second-rescue-2-plan');
  // "Start over" is always there.
  await page.getByTestId('wizard-start-over').click();
  await expect(page.getByTestId('stage-diagnose')).toBeVisible();
});

test('host loss: a banner, stale data marked, automatic reconnect; the token left the address bar', async ({ page, host }) => {
  let down = false;
  const open: { close(): Promise<void> }[] = [];
  await page.routeWebSocket(/\/rpc/, (ws) => {
    if (down) {
      void ws.close();
      return;
    }
    ws.connectToServer();
    open.push(ws);
  });
  await page.goto(host.url);
  await expect(page.getByTestId('devices-view')).toBeVisible();
  await expect.poll(() => page.url()).not.toContain('token=');

  down = true;
  for (const ws of open.splice(0)) await ws.close();
  const banner = page.getByTestId('host-lost');
  await expect(banner).toBeVisible();
  await expect(page.locator('main')).toHaveAttribute('data-stale', 'true');
  await expectAccessible(page, 'truth-host-lost');

  down = false;
  await expect(banner).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('main')).not.toHaveAttribute('data-stale', 'true');
  await expect(page.getByTestId('devices-view')).toBeVisible();
  await snap(page, 'truth-host-back');
});

test('breathing white in the LED guide: the app runs with the cloud off, nothing to overwrite', async ({ page }) => {
  await page.getByTestId('nav-rescue').click();
  await page.getByTestId('led-color-white').click();
  await page.getByTestId('led-option-breathing-white').click();
  const detail = page.getByTestId('led-detail');
  await expect(detail).toContainText('not a broken application');
  await expect(detail).toContainText('MANUAL or SEMI_AUTOMATIC');
  await expect(detail.locator('[data-step="reflash-user"]')).toHaveCount(0);
  await expectAccessible(page, 'truth-breathing-white');
});

test('MFA login by keyboard alone, with a way back to the password form', async ({ page }) => {
  await page.getByTestId('nav-settings').focus();
  await page.keyboard.press('Enter');
  const session = page.getByTestId('cloud-session');
  if ((await session.getAttribute('data-logged-in')) === 'true') {
    await page.getByTestId('cloud-logout').focus();
    await page.keyboard.press('Enter');
    await expect(session).toHaveAttribute('data-logged-in', 'false');
  }
  await page.getByTestId('login-username').focus();
  await page.keyboard.type('mfa@particle.rescue');
  await page.keyboard.press('Tab');
  await page.keyboard.type('rescue-demo');
  await page.keyboard.press('Enter');
  const otp = page.getByTestId('mfa-otp');
  await expect(otp).toBeFocused();
  await expectAccessible(page, 'truth-mfa-1-code');
  // Back to the password form and forward again, keys only.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('mfa-back')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('login-password')).toBeFocused();
  await expect(page.getByTestId('login-username')).toHaveValue('mfa@particle.rescue');
  await page.keyboard.type('rescue-demo');
  await page.keyboard.press('Enter');
  await expect(otp).toBeFocused();
  await page.keyboard.type('123456');
  await page.keyboard.press('Enter');
  await expect(session).toHaveAttribute('data-logged-in', 'true');
  await expect(session).toContainText('mfa@particle.rescue');
  await expectAccessible(page, 'truth-mfa-2-logged-in');
});

test('after "Plug in virtual device" focus goes to the new device and the status says so', async ({ page }) => {
  const card = await attachVirtual(page, 'photon-healthy');
  await expect(card.getByTestId('rescue-device')).toBeFocused();
  await expect(page.getByTestId('attached-virtual-status')).toContainText('plugged in');
  await expectAccessible(page, 'truth-plugged-in');
});
